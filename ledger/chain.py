"""Appending to the hash-chained ledger.

Entry = RFC 8785 canonical JSON of ``{seq, ts, kind, prev, body, sealed_sha256}``;
``prev`` is the previous entry's leaf hash (64 zeros for entry 0); the entry's own
hash is the RFC 9162 leaf hash. The Merkle subtrees an entry completes are stored
with it (see ``merkle.py``). Appends serialise on the database: SQLite write
transactions begin IMMEDIATE (see ``db.py``), PostgreSQL takes a transaction-level
advisory lock, so two writers can never read the same head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from .canonical import canonical_json, leaf_hash, sha256_hex
from .db import APPENDED_KEY, PENDING_KEY, WRITER_KEY
from .errors import LedgerError
from .merkle import StoredNodes, frontier
from .offline import GENESIS_PREV, CompactRange
from .tables import LedgerBlob, LedgerEntry, LedgerNode
from .timestamps import rfc3339

__all__ = ["GENESIS_PREV", "Appended", "Sealed", "Head", "append", "entry_document", "lock_head", "discard_blobs"]

# Any fixed signed 64-bit number; it names "the ledger head" among PostgreSQL advisory locks.
_PG_APPEND_LOCK = int.from_bytes(b"fairdun", "big")
_HEAD_KEY = "fairdun.ledger_head"


@dataclass(frozen=True, slots=True)
class Sealed:
    """Encrypted personal data for an entry, as produced by the key vault."""

    subject_id: str
    data: bytes

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


@dataclass(frozen=True, slots=True)
class Appended:
    seq: int
    entry_hash: str
    ts: datetime
    entry: str = field(default="", repr=False)   # the entry's canonical JSON, as stored


def entry_document(*, seq: int, ts: datetime, kind: str, prev: str, body: dict[str, Any],
                   sealed_sha256: str | None) -> dict[str, Any]:
    return {"seq": seq, "ts": rfc3339(ts), "kind": kind, "prev": prev, "body": body,
            "sealed_sha256": sealed_sha256}


@dataclass
class Head:
    """The ledger's head as this transaction sees it: the next seq, the last entry's
    hash and the Merkle tree's compact range (updated by each append), and the rows
    appended but not yet written."""

    transaction: Any
    prev: str
    tree: CompactRange
    blobs: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.tree.size

    def write(self, session: Session) -> None:
        """Insert the pending rows, one statement per table (group commit makes a batch
        of appends a few statements, not thousands of ORM objects)."""
        if not self.entries or self.transaction is not session.get_transaction():
            return
        blobs, entries, nodes = self.blobs, self.entries, self.nodes
        self.blobs, self.entries, self.nodes = [], [], []
        connection = session.connection()
        if blobs:
            connection.execute(insert(LedgerBlob), blobs)
        connection.execute(insert(LedgerEntry), entries)
        if nodes:
            connection.execute(insert(LedgerNode), nodes)


def append(session: Session, *, kind: str, body: dict[str, Any], ts: datetime,
           sealed: Sealed | None = None) -> Appended:
    """Append one entry (its sealed blob and Merkle subtrees) inside the session's transaction.

    Nothing is committed here: the caller commits the entry together with its
    projection rows, or rolls everything back. The rows are written before the
    transaction's next query or its commit (see ``Database``).
    """
    if not session.info.get(WRITER_KEY):
        raise LedgerError("ledger appends need a session of Database.unit_of_work()")
    head = lock_head(session)
    seq = head.size
    sealed_sha256 = sealed.sha256 if sealed is not None else None
    document = canonical_json(entry_document(seq=seq, ts=ts, kind=kind, prev=head.prev, body=body,
                                             sealed_sha256=sealed_sha256))
    entry_hash = leaf_hash(document)
    if sealed is not None:   # AES-GCM with a random nonce: no two blobs share a digest
        head.blobs.append({"sha256": sealed_sha256, "subject_id": sealed.subject_id, "data": sealed.data})
    entry = document.decode("utf-8")
    head.entries.append({"seq": seq, "ts": ts, "kind": kind, "entry": entry,
                         "leaf_hash": entry_hash, "sealed_sha256": sealed_sha256})
    for level, node in head.tree.push(bytes.fromhex(entry_hash)):
        head.nodes.append({"seq": seq, "level": level, "hash": node})
    head.prev = entry_hash
    session.info[APPENDED_KEY] = (head.transaction, head.size)
    return Appended(seq=seq, entry_hash=entry_hash, ts=ts, entry=entry)


def lock_head(session: Session) -> Head:
    """Take the append lock (once per transaction) and read the head. Called first by a
    transaction that must serialise before it appends (e.g. one that creates a subject
    key it will seal under, or signs a checkpoint)."""
    cached = session.info.get(_HEAD_KEY)
    transaction = session.get_transaction()
    if cached is not None and transaction is not None and cached.transaction is transaction:
        return cached
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_APPEND_LOCK})
    last = session.execute(
        select(LedgerEntry.seq, LedgerEntry.leaf_hash).order_by(LedgerEntry.seq.desc()).limit(1)
    ).first()
    if last is None:
        head = Head(transaction=session.get_transaction(), prev=GENESIS_PREV, tree=CompactRange())
    else:
        size = last.seq + 1
        known = {(last.seq, 0): bytes.fromhex(last.leaf_hash)}
        head = Head(transaction=session.get_transaction(), prev=last.leaf_hash,
                    tree=CompactRange(size, frontier(StoredNodes(session, known), size)))
    session.info[_HEAD_KEY] = head
    session.info[PENDING_KEY] = head.write
    return head


def discard_blobs(session: Session, subject_id: str) -> list[str]:
    """Delete the sealed blobs of ``subject_id`` (crypto-shredding); return their
    digests, which the entries keep committing to."""
    digests = sorted(session.scalars(select(LedgerBlob.sha256).where(LedgerBlob.subject_id == subject_id)))
    session.execute(delete(LedgerBlob).where(LedgerBlob.subject_id == subject_id))
    return digests
