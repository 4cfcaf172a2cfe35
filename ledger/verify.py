"""Verification of the stored ledger: chain, Merkle subtrees, sealed blobs, signed
checkpoints, and every column that repeats an entry. Raises on the first problem
(``ChainBroken``, ``BlobMismatch``).

The entry-level checks are the offline verifier's (``offline.ChainWalker``), so the
database and an export are judged by the same code; the database adds what an export
does not carry: the stored subtree hashes, the sealed blobs, the columns ``ts``, ``kind``
and ``sealed_sha256`` that queries and reports read instead of the entry text, and the
instance's checkpoint journal (``journal.py``), which keeps the database from losing a
checkpoint together with the entries it covered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import LargeBinary, cast, func, select
from sqlalchemy.orm import Session

from .canonical import sha256_hex
from .errors import BlobMismatch, ChainBroken
from .offline import (
    BAD_SIGNATURE,
    INCONSISTENT,
    SHREDDING_KINDS,
    ChainWalker,
    Checkpoint,
    NoteInvalid,
    NoteVerifier,
    VerificationFailed,
    Walked,
    WalkSummary,
    open_checkpoint,
    parse_checkpoint,
    shredded_blobs,
    split_note,
)
from .tables import LedgerBlob, LedgerCheckpoint, LedgerEntry, LedgerNode
from .timestamps import as_utc, rfc3339

__all__ = ["ChainReport", "verify_chain", "verify_ledger", "NODE_MISMATCH", "COLUMN_MISMATCH", "CHECKPOINT_MISSING"]

NODE_MISMATCH = "node_mismatch"            # a stored Merkle subtree differs from the entries'
COLUMN_MISMATCH = "column_mismatch"        # a column that repeats the entry says something else
CHECKPOINT_MISSING = "checkpoint_missing"  # a checkpoint in the instance's journal is not stored


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    root_hash: str
    nodes_checked: int
    blobs_checked: int
    blobs_shredded: int            # committed blobs destroyed by crypto-shredding (not tampering)
    checkpoints: int = 0           # stored checkpoints verified against trusted keys and the entries
    latest_checkpoint: int | None = None   # tree size of the latest of them


def verify_chain(session: Session, *, batch_size: int = 5000) -> ChainReport:
    """Recompute every leaf hash, link and stored subtree; check every sealed blob
    is present (or shredded) and unchanged. Checkpoints are not looked at."""
    return _verify(session, (), batch_size)


def verify_ledger(session: Session, *, trusted: Sequence[NoteVerifier], checkpoints: Iterable[str] = (),
                  journal: Sequence[str] = (), batch_size: int = 5000) -> ChainReport:
    """``verify_chain`` plus every stored checkpoint (and ``checkpoints`` kept by the
    auditor): each must be signed by a ``trusted`` key and match the tree head of
    the entries at its size. Every checkpoint of the ``journal`` (notes this instance
    signed, kept outside the database) must in addition still be stored."""
    rows = session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size, LedgerCheckpoint.id)).all()
    opened: list[Checkpoint] = []
    rejected: list[tuple[int, str, str]] = []      # (tree size, reason, detail)
    for row in rows:
        try:
            checkpoint = open_checkpoint(row.note, trusted)
        except NoteInvalid as exc:
            rejected.append((row.tree_size, BAD_SIGNATURE, f"stored checkpoint #{row.id}: {exc}"))
            continue
        if checkpoint.tree_size != row.tree_size or checkpoint.root_hash.hex() != row.root_hash:
            rejected.append((row.tree_size, INCONSISTENT, f"stored checkpoint #{row.id} disagrees with its note"))
            continue
        opened.append(checkpoint)
    for note in checkpoints:
        try:
            opened.append(open_checkpoint(note, trusted))
        except NoteInvalid as exc:
            raise ChainBroken(0, BAD_SIGNATURE, f"a checkpoint given for comparison: {exc}") from exc
    # A journaled checkpoint the database no longer holds is a failure whoever signed it; the
    # entries are compared with it too when a trusted key did.
    stored_notes = {row.note for row in rows}
    unstored: list[int] = []
    for note in journal:
        if note in stored_notes:
            continue
        try:
            journaled = open_checkpoint(note, trusted)
        except NoteInvalid:
            unstored.append(_size_of(note))
            continue
        opened.append(journaled)
        unstored.append(journaled.tree_size)
    # The entries against every checkpoint, the journal's included: a tail deleted together
    # with its checkpoints is found missing here, before the checkpoints are
    report = _verify(session, opened, batch_size)
    if rejected:
        size, reason, detail = min(rejected)
        vouched = max((c.tree_size for c in opened if c.tree_size <= size), default=0)
        raise ChainBroken(vouched, reason, detail)
    if unstored:
        first = min(unstored)
        raise ChainBroken(first, CHECKPOINT_MISSING,
                          f"the checkpoint of size {first} in the instance's journal is not in the database "
                          f"({len(unstored)} journaled checkpoint(s) missing)")
    return replace(report, checkpoints=len(rows), latest_checkpoint=rows[-1].tree_size if rows else None)


def _verify(session: Session, checkpoints: Sequence[Checkpoint], batch_size: int) -> ChainReport:
    shredding = _shredding(session)
    walker = ChainWalker(checkpoints=checkpoints)
    nodes_checked = blobs_checked = blobs_shredded = 0
    # A stored subtree or column that differs is reported once the chain around it is known
    # to hold: an entry altered and rehashed also breaks the next link, which names it.
    node_problem: ChainBroken | None = None
    start = 0
    connection = session.connection()   # plain rows: no ORM processing per entry
    entry_bytes = _as_utf8(connection.dialect.name)
    try:
        while True:
            rows = connection.execute(
                select(LedgerEntry.seq, entry_bytes, LedgerEntry.leaf_hash, LedgerEntry.sealed_sha256,
                       LedgerEntry.ts, LedgerEntry.kind)
                .where(LedgerEntry.seq >= start).order_by(LedgerEntry.seq).limit(batch_size)
            ).all()
            if not rows:
                break
            end = rows[-1].seq + 1
            nodes = {(seq, level): bytes(hash_) for seq, level, hash_ in connection.execute(
                select(LedgerNode.seq, LedgerNode.level, LedgerNode.hash)
                .where(LedgerNode.seq >= start, LedgerNode.seq < end)).all()}
            blobs = _blobs(session, [row.sealed_sha256 for row in rows if row.sealed_sha256])
            for row in rows:
                # (1)-(4) leaf hash, seq, link, tree (and checkpoints at their sizes)
                walked = walker.add(row.seq, bytes(row.entry), row.leaf_hash)
                if node_problem is not None and walker.settled:
                    raise node_problem
                # (5) the subtrees stored with the entry are the ones it completes
                for level, node in walked.nodes:
                    if nodes.pop((row.seq, level), None) != node and node_problem is None:
                        node_problem = ChainBroken(row.seq, NODE_MISMATCH,
                                                   f"the stored subtree of level {level} ending here differs")
                    nodes_checked += 1
                # (6) the columns that repeat the entry for queries and reports say what it says
                if node_problem is None:
                    node_problem = _column_problem(row, walked)
                # (7) the sealed blob it commits to: unchanged, or destroyed by a later shredding
                digest = walked.sealed_sha256
                if digest is None:
                    continue
                data = blobs[digest] if digest in blobs else _blob(session, digest)
                if data is None:
                    if shredding.get(digest, -1) <= row.seq:
                        raise BlobMismatch(row.seq, "missing")
                    blobs_shredded += 1
                elif sha256_hex(data) != digest:
                    raise BlobMismatch(row.seq, "modified")
                else:
                    blobs_checked += 1
            if nodes and node_problem is None:
                node_problem = ChainBroken(min(nodes)[0], NODE_MISMATCH, "a stored subtree the entries do not form")
            start = end
        summary: WalkSummary = walker.finish()
        if node_problem is not None:
            raise node_problem
    except VerificationFailed as exc:
        raise ChainBroken(exc.seq, exc.reason, exc.detail) from exc
    return ChainReport(entries=summary.entries, head_hash=summary.head_hash, root_hash=summary.root_hash.hex(),
                       nodes_checked=nodes_checked, blobs_checked=blobs_checked, blobs_shredded=blobs_shredded)


def _size_of(note: str) -> int:
    """The tree size a checkpoint note states, read without its signature (0 if unreadable)."""
    try:
        return parse_checkpoint(split_note(note)[0]).tree_size
    except NoteInvalid:
        return 0


def _column_problem(row: Any, walked: Walked) -> ChainBroken | None:
    stored_ts = rfc3339(as_utc(row.ts)) if row.ts is not None else None
    for column, stored, written in (("kind", row.kind, walked.kind), ("ts", stored_ts, walked.ts),
                                    ("sealed_sha256", row.sealed_sha256, walked.sealed_sha256)):
        if stored != written:
            return ChainBroken(row.seq, COLUMN_MISMATCH,
                               f"column {column} holds {stored!r}, the entry says {written!r}")
    return None


def _as_utf8(dialect: str) -> Any:
    """The entry text as the database holds it, UTF-8 bytes (what was hashed), sparing
    a decode and an encode per entry."""
    if dialect == "postgresql":
        return func.convert_to(LedgerEntry.entry, "UTF8").label("entry")
    return cast(LedgerEntry.entry, LargeBinary).label("entry")   # SQLite stores text as UTF-8


def _shredding(session: Session) -> dict[str, int]:
    """Blob digest -> seq of the ``subject_shredded`` or ``retention_run`` entry that declares it
    destroyed.

    Found through the ``kind`` column; the walk verifies those entries' text. A
    shredding hidden by a tampered column only makes its blobs count as missing."""
    declared: dict[str, int] = {}
    rows = session.execute(select(LedgerEntry.seq, LedgerEntry.entry).where(LedgerEntry.kind.in_(sorted(SHREDDING_KINDS))))
    for seq, entry in rows:
        try:
            for digest in shredded_blobs(entry.encode("utf-8"), seq):
                declared.setdefault(digest, seq)
        except VerificationFailed:
            continue    # the walk reports this entry at its seq
    return declared


def _blobs(session: Session, digests: list[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for start in range(0, len(digests), 400):
        for digest, data in session.execute(select(LedgerBlob.sha256, LedgerBlob.data)
                                            .where(LedgerBlob.sha256.in_(digests[start:start + 400]))):
            found[digest] = bytes(data)
    return found


def _blob(session: Session, digest: str) -> bytes | None:
    data = session.scalar(select(LedgerBlob.data).where(LedgerBlob.sha256 == digest))
    return None if data is None else bytes(data)
