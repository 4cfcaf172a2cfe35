"""Signed checkpoints: the ledger's tree head, signed as a C2SP tlog-checkpoint note.

Checkpoints are kept in their own table, apart from the entries. Before signing,
the signer proves that the ledger extends the last signed checkpoint and refuses
(``CheckpointRefused``) otherwise:

(1) the last checkpoint opens under a key this ledger knows;
(2) the stored subtrees at its size still give its root, and its last entry is
    included in it;
(3) the entries since then verify as a chain from that entry, and appended to
    the old subtrees give the same root as the stored subtrees;
(4) an RFC 9162 consistency proof from the stored subtrees verifies between the
    old root and the new one.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .chain import lock_head
from .db import Database
from .errors import CheckpointRefused, LedgerError
from .journal import CheckpointJournal
from .merkle import StoredNodes, consistency_proof, frontier, inclusion_proof, tree_root
from .offline import (
    ChainWalker,
    CompactRange,
    NoteInvalid,
    NoteVerifier,
    ProofInvalid,
    VerificationFailed,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from .signing import NoteSigner, SigningKeys
from .tables import LedgerCheckpoint, LedgerEntry, LedgerSigningKey
from .timestamps import as_utc

__all__ = ["SignedCheckpoint", "checkpoint_text", "latest_checkpoint", "known_verifiers", "sign_checkpoint",
           "Checkpointer", "BackgroundSigner"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedCheckpoint:
    tree_size: int
    root_hash: str          # hex
    note: str               # the signed note, as served and exported
    signer: str             # verifier key of the key that signed it
    signed_at: datetime

    @classmethod
    def from_row(cls, row: LedgerCheckpoint) -> SignedCheckpoint:
        return cls(tree_size=row.tree_size, root_hash=row.root_hash, note=row.note, signer=row.signer,
                   signed_at=as_utc(row.signed_at))


def checkpoint_text(origin: str, tree_size: int, root: bytes) -> str:
    """C2SP tlog-checkpoint: origin, tree size in decimal, base64 root hash, one per line."""
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode('ascii')}\n"


def latest_checkpoint(session: Session) -> SignedCheckpoint | None:
    row = session.scalar(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id.desc()).limit(1))
    return SignedCheckpoint.from_row(row) if row is not None else None


def known_verifiers(session: Session, keys: SigningKeys) -> list[NoteVerifier]:
    """The instance's own keys and every key registered by a signer (other hosts)."""
    registered = session.scalars(select(LedgerSigningKey.verifier_key).order_by(LedgerSigningKey.id)).all()
    known = {verifier.vkey: verifier for verifier in keys.verifiers}
    for vkey in registered:
        known.setdefault(vkey, NoteVerifier.from_vkey(vkey))
    return list(known.values())


def sign_checkpoint(session: Session, *, keys: SigningKeys, origin: str, now: datetime) -> SignedCheckpoint:
    """Sign the current tree head with the newest key, inside the caller's transaction
    (which takes the append lock). Returns the last checkpoint instead when it already
    covers the head under the same key."""
    head = lock_head(session)
    signer = keys.newest
    last = latest_checkpoint(session)
    if last is not None and last.tree_size == head.size and last.signer == signer.verifier.vkey:
        return last
    root = head.tree.root()
    _prove(session, last, head.size, root, keys)
    return _store(session, signer, origin=origin, size=head.size, root=root, now=now)


def _prove(session: Session, last: SignedCheckpoint | None, size: int, root: bytes,
                    keys: SigningKeys) -> None:
    """Prove that the tree of ``size`` entries with ``root`` extends ``last`` (steps 1 to 4
    of the module doc; from the first entry when nothing was signed yet), reading only the
    entries below ``size``; ``CheckpointRefused`` otherwise."""
    if last is None:
        _prove_from_genesis(session, size, root)
    else:
        _prove_extension(session, last, size, root, known_verifiers(session, keys))


def _prove_from_genesis(session: Session, size: int, root: bytes) -> None:
    walker = ChainWalker()
    _walk(session, walker, start=0, end=size)
    if walker.size != size or walker.root() != root:
        raise CheckpointRefused("the stored Merkle subtrees do not match the entries")


def _prove_extension(session: Session, last: SignedCheckpoint, size: int, root: bytes,
                     verifiers: list[NoteVerifier]) -> None:
    # (1) the last checkpoint, as signed
    try:
        signed = open_checkpoint(last.note, verifiers)
    except NoteInvalid as exc:
        raise CheckpointRefused(f"the last checkpoint does not verify: {exc}") from exc
    if signed.tree_size != last.tree_size or signed.root_hash.hex() != last.root_hash:
        raise CheckpointRefused("the last checkpoint's row disagrees with its signed note")
    if signed.tree_size > size:
        raise CheckpointRefused(f"the ledger holds {size} entries, the last checkpoint signed {signed.tree_size}")
    source = StoredNodes(session)
    # (2) the stored tree still has the signed root, and the signed last entry in it
    old = CompactRange(signed.tree_size, frontier(source, signed.tree_size))
    if old.root() != signed.root_hash:
        raise CheckpointRefused("the stored Merkle subtrees no longer give the last checkpoint's root")
    prev = "0" * 64
    if signed.tree_size:
        prev = session.scalar(select(LedgerEntry.leaf_hash).where(LedgerEntry.seq == signed.tree_size - 1)) or ""
        try:
            verify_inclusion(signed.tree_size - 1, signed.tree_size, bytes.fromhex(prev),
                             inclusion_proof(source, signed.tree_size - 1, signed.tree_size), signed.root_hash)
        except (ProofInvalid, ValueError) as exc:
            raise CheckpointRefused(f"the last signed entry is not the one stored: {exc}") from exc
    # (3) the entries since then, chained and hashed from their text
    walker = ChainWalker(start=signed.tree_size, prev=prev, frontier=old.frontier)
    _walk(session, walker, start=signed.tree_size, end=size)
    if walker.size != size or walker.root() != root:
        raise CheckpointRefused("the stored Merkle subtrees do not match the entries since the last checkpoint")
    # (4) RFC 9162 consistency between the signed root and the new one
    try:
        verify_consistency(signed.tree_size, size, signed.root_hash, root,
                           consistency_proof(source, signed.tree_size, size))
    except ProofInvalid as exc:
        raise CheckpointRefused(f"the ledger is not consistent with the last checkpoint: {exc}") from exc


def _walk(session: Session, walker: ChainWalker, *, start: int, end: int) -> None:
    # (bounded above: without the append lock, entries beyond the tree being proven may commit meanwhile)
    rows = session.execute(select(LedgerEntry.seq, LedgerEntry.entry, LedgerEntry.leaf_hash)
                           .where(LedgerEntry.seq >= start, LedgerEntry.seq < end).order_by(LedgerEntry.seq)
                           .execution_options(yield_per=2000))
    try:
        for seq, entry, stored_hash in rows:
            walker.add(seq, entry.encode("utf-8"), stored_hash)
        walker.finish()
    except VerificationFailed as exc:
        raise CheckpointRefused(f"the entries do not verify: {exc}") from exc


def _store(session: Session, signer: NoteSigner, *, origin: str, size: int, root: bytes,
           now: datetime) -> SignedCheckpoint:
    vkey = signer.verifier.vkey
    if session.scalar(select(LedgerSigningKey.id).where(LedgerSigningKey.verifier_key == vkey)) is None:
        session.add(LedgerSigningKey(verifier_key=vkey, created_at=now))
    note = signer.sign(checkpoint_text(origin, size, root))
    row = LedgerCheckpoint(tree_size=size, root_hash=root.hex(), signer=vkey, signed_at=now, note=note)
    session.add(row)
    session.flush()
    log.info("signed ledger checkpoint at tree size %d", size)
    return SignedCheckpoint.from_row(row)


class Checkpointer:
    """Signs a checkpoint at least every ``every_entries`` entries or ``every_seconds``
    while entries arrive, and on demand.

    Writers report each committed append (``Database.on_append_committed``, through a
    ``BackgroundSigner`` in the service); the check is in memory until a checkpoint is due.
    A due checkpoint is proven first without the append lock, in a read transaction (the
    walk over every entry since the last checkpoint is the costly part, and writers need
    not wait for it); then, under the append lock, it is signed only if no other signer came
    first and the stored tree still has the proven root. Time comes from the injected ``clock``.
    """

    def __init__(self, *, db: Database, keys: Callable[[], SigningKeys], origin: str, clock: Callable[[], datetime],
                 journal: CheckpointJournal | None = None, every_entries: int = 1000,
                 every_seconds: float = 10.0) -> None:
        self._db = db
        self._journal = journal
        self._keys = keys
        self._origin = origin
        self._clock = clock
        self._every_entries = every_entries
        self._every = timedelta(seconds=every_seconds)
        self._busy = threading.Lock()
        self._last: tuple[int, datetime] | None = None
        self._known = False

    def due(self, size: int) -> bool:
        """Whether a ledger of ``size`` entries is due a checkpoint, by what this process knows
        (no database read; true until it has read the last checkpoint once)."""
        return not self._known or self._due(size, self._clock())

    def appended(self, size: int) -> None:
        """A unit of work that appended has committed; the ledger now holds ``size`` entries.
        Signs here, on the caller's thread, when a checkpoint is due."""
        if not self.due(size) or not self._busy.acquire(blocking=False):
            return
        try:
            self._sign_due(self._clock())
        except (LedgerError, SQLAlchemyError):
            # The append itself has committed; the next one retries. A refusal means the
            # ledger no longer extends its last checkpoint: that is for `ledger verify`.
            log.critical("ledger checkpoint not signed", exc_info=True)
        finally:
            self._busy.release()

    def _sign_due(self, now: datetime) -> None:
        keys = self._keys()
        with self._db.reading() as session:
            last = latest_checkpoint(session)
            self._remember(last)
            stored = session.scalar(select(func.max(LedgerEntry.seq)))
            size = 0 if stored is None else stored + 1
            if not self._due(size, now):
                return
            root = tree_root(StoredNodes(session), size)
            _prove(session, last, size, root, keys)
        with self._db.unit_of_work() as uow:
            head = lock_head(uow.session)   # one signer at a time, across processes and hosts
            current = latest_checkpoint(uow.session)
            if current != last:             # another signer came first: its checkpoint counts
                self._remember(current)
                return
            if head.size < size or tree_root(StoredNodes(uow.session), size) != root:
                raise CheckpointRefused("the stored Merkle tree changed while the checkpoint was being proven")
            signed = _store(uow.session, keys.newest, origin=self._origin, size=size, root=root, now=now)
            uow.commit()
        self._signed(signed)

    def checkpoint(self) -> SignedCheckpoint:
        """Sign now (unless the last checkpoint covers the head under the newest key)."""
        with self._db.unit_of_work() as uow:
            signed = sign_checkpoint(uow.session, keys=self._keys(), origin=self._origin, now=self._clock())
            uow.commit()
        self._signed(signed)
        return signed

    def _signed(self, checkpoint: SignedCheckpoint) -> None:
        """A checkpoint has committed (or was the latest already): remember it, and journal a new one."""
        known = self._last
        self._remember(checkpoint)
        if self._journal is None or known == (checkpoint.tree_size, checkpoint.signed_at):
            return
        try:
            self._journal.record(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash, note=checkpoint.note)
        except OSError:
            # The checkpoint is signed and stored; only its witness outside the database is lost.
            log.critical("ledger checkpoint of size %d not journaled", checkpoint.tree_size, exc_info=True)

    def _remember(self, checkpoint: SignedCheckpoint | None) -> None:
        self._known = True
        self._last = None if checkpoint is None else (checkpoint.tree_size, checkpoint.signed_at)

    def _due(self, size: int, now: datetime) -> bool:
        if self._last is None:
            return size > 0
        signed_size, signed_at = self._last
        return size - signed_size >= self._every_entries or (size > signed_size and now - signed_at >= self._every)


def _in_a_thread(job: Callable[[], None]) -> None:
    # Not a daemon: a process that exits while a checkpoint is being signed lets it finish.
    threading.Thread(target=job, name="fairdun-checkpoint", daemon=False).start()


class BackgroundSigner:
    """Signs due checkpoints off the writer's thread: ``appended`` (called right after a commit,
    on the thread of the request or run that committed) only checks, in memory, whether one is
    due and hands the signing to a thread of its own, so no request waits for it. At most one
    such thread at a time per process; the append lock keeps one signer at a time across
    processes. ``start`` runs a job on another thread (injected by tests)."""

    def __init__(self, checkpointer: Checkpointer, *,
                 start: Callable[[Callable[[], None]], None] = _in_a_thread) -> None:
        self._checkpointer = checkpointer
        self._start = start
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def appended(self, size: int) -> None:
        if not self._checkpointer.due(size):
            return
        with self._lock:
            if not self._idle.is_set():
                return   # a signer is on its way: it signs the ledger as it finds it
            self._idle.clear()
        try:
            self._start(lambda: self._sign(size))
        except RuntimeError:   # no thread could be started: the next append retries
            self._idle.set()
            log.critical("ledger checkpoint not started", exc_info=True)

    def _sign(self, size: int) -> None:
        try:
            self._checkpointer.appended(size)
        except Exception:   # on its own thread, an exception would reach stderr only
            log.critical("ledger checkpoint not signed", exc_info=True)
        finally:
            self._idle.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no signer is in flight (tests, shutdown); false if ``timeout`` ran out."""
        return self._idle.wait(timeout)
