"""The ledger's audit surface, as the HTTP endpoints and the CLI use it: signed
checkpoints (periodic and on demand), inclusion and consistency proofs, entries in
wire format, export, verification and signing-key rotation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .checkpoints import Checkpointer, SignedCheckpoint, known_verifiers, latest_checkpoint
from .db import Database
from .errors import OutOfRange
from .export import Exported, export_ledger, wire_entries
from .journal import CheckpointJournal
from .merkle import StoredNodes, proven_consistency, proven_inclusion
from .offline import NoteVerifier
from .signing import SigningKeys, add_signing_key, load_signing_keys
from .tables import LedgerEntry, LedgerSigningKey
from .verify import ChainReport, verify_ledger

__all__ = ["Notary", "InclusionProof", "ConsistencyProof", "EntryProof", "MAX_ENTRIES_PER_READ"]

MAX_ENTRIES_PER_READ = 1000


@dataclass(frozen=True)
class InclusionProof:
    """RFC 9162 inclusion proof of leaf ``leaf_index`` in the tree of ``tree_size``."""

    tree_size: int
    leaf_index: int
    leaf_hash: str
    hashes: list[str]
    root_hash: str

    def document(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "leaf_index": self.leaf_index, "leaf_hash": self.leaf_hash,
                "hashes": self.hashes, "root_hash": self.root_hash}


@dataclass(frozen=True)
class ConsistencyProof:
    """RFC 9162 consistency proof between the trees of ``from_size`` and ``to_size``."""

    from_size: int
    to_size: int
    hashes: list[str]
    from_root: str
    to_root: str

    def document(self) -> dict[str, Any]:
        return {"from_size": self.from_size, "to_size": self.to_size, "hashes": self.hashes,
                "from_root": self.from_root, "to_root": self.to_root}


@dataclass(frozen=True)
class EntryProof:
    """An entry (wire format), its inclusion proof and the signed checkpoint it is against."""

    entry: dict[str, Any]
    proof: InclusionProof
    checkpoint: SignedCheckpoint


class Notary:
    def __init__(self, *, db: Database, instance_path: Path, origin: str, clock: Callable[[], datetime],
                 every_entries: int = 1000, every_seconds: float = 10.0,
                 random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._db = db
        self._instance = Path(instance_path)
        self._origin = origin
        self._random_bytes = random_bytes
        self.keys()    # the first key is generated on first start, not on first signature
        self.journal = CheckpointJournal(self._instance)
        self.checkpointer = Checkpointer(db=db, keys=self.keys, origin=origin, clock=clock, journal=self.journal,
                                         every_entries=every_entries, every_seconds=every_seconds)

    def keys(self) -> SigningKeys:
        """Read from the instance folder each time, so a key rotated by another process
        signs here too from the next checkpoint on."""
        return load_signing_keys(self._instance, self._origin, random_bytes=self._random_bytes)

    def appended(self, size: int) -> None:
        self.checkpointer.appended(size)

    # -- checkpoints -----------------------------------------------------------------------

    def checkpoint(self) -> SignedCheckpoint:
        """Sign the current tree head now (on demand)."""
        return self.checkpointer.checkpoint()

    def latest(self) -> SignedCheckpoint:
        """The latest checkpoint, signed now if the ledger has grown since."""
        with self._db.reading() as session:
            latest = latest_checkpoint(session)
            size = self._size(session)
        if latest is None or latest.tree_size < size:
            return self.checkpoint()
        return latest

    def covering(self, seq: int) -> SignedCheckpoint:
        """The latest checkpoint, signed now if it does not yet cover entry ``seq``."""
        with self._db.reading() as session:
            latest = latest_checkpoint(session)
        return latest if latest is not None and latest.tree_size > seq else self.checkpoint()

    # -- proofs and entries ------------------------------------------------------------------

    def inclusion(self, seq: int, tree_size: int | None = None) -> InclusionProof:
        if tree_size is None:
            tree_size = self.covering(seq).tree_size
        with self._db.reading() as session:
            self._check_size(session, "tree_size", tree_size)
            if seq >= tree_size:
                raise OutOfRange("seq", f"entry {seq} is not in a tree of {tree_size}")
            leaf, hashes, root = proven_inclusion(StoredNodes(session), seq, tree_size)
        return InclusionProof(tree_size=tree_size, leaf_index=seq, leaf_hash=leaf.hex(),
                              hashes=[h.hex() for h in hashes], root_hash=root.hex())

    def consistency(self, from_size: int, to_size: int | None = None) -> ConsistencyProof:
        if to_size is None:
            to_size = self.latest().tree_size
        with self._db.reading() as session:
            self._check_size(session, "to_size", to_size)
            if from_size > to_size:
                raise OutOfRange("from_size", f"a tree of {to_size} cannot extend a tree of {from_size}")
            hashes, from_root, to_root = proven_consistency(StoredNodes(session), from_size, to_size)
        return ConsistencyProof(from_size=from_size, to_size=to_size, hashes=[h.hex() for h in hashes],
                                from_root=from_root.hex(), to_root=to_root.hex())

    def prove_entry(self, seq: int) -> EntryProof:
        """Entry ``seq`` with its inclusion proof against the latest checkpoint (signed
        now if the latest does not cover it yet)."""
        checkpoint = self.covering(seq)
        proof = self.inclusion(seq, checkpoint.tree_size)
        entries, _ = self.entries(seq, seq + 1)
        return EntryProof(entry=entries[0], proof=proof, checkpoint=checkpoint)

    def entries(self, start: int, end: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """Entries ``start`` .. ``end`` (exclusive; at most ``MAX_ENTRIES_PER_READ``) in wire
        format, and the ledger's current size."""
        end = start + MAX_ENTRIES_PER_READ if end is None else end
        if end - start > MAX_ENTRIES_PER_READ:
            raise OutOfRange("to", f"at most {MAX_ENTRIES_PER_READ} entries per read")
        with self._db.reading() as session:
            return wire_entries(session, start, end), self._size(session)

    # -- keys, export, verification ------------------------------------------------------

    def public_keys(self) -> list[str]:
        """Verifier keys of every key that has signed here or may sign: registered ones
        first, in the order they first signed, then this instance's not yet registered."""
        with self._db.reading() as session:
            registered = list(session.scalars(select(LedgerSigningKey.verifier_key).order_by(LedgerSigningKey.id)))
        return registered + [v.vkey for v in self.keys().verifiers if v.vkey not in registered]

    def rotate_key(self) -> SignedCheckpoint:
        """Add a signing key and sign the current head with it at once, so the new
        key is registered and in use; older checkpoints keep verifying."""
        add_signing_key(self._instance, self._origin, random_bytes=self._random_bytes)
        return self.checkpoint()

    def export(self, out: Path) -> Exported:
        """Sign the current head, then export exactly the entries that checkpoint covers."""
        checkpoint = self.checkpoint()
        return export_ledger(self._db, out, checkpoint=checkpoint, public_keys=self.public_keys())

    def verify(self, *, trusted: Sequence[NoteVerifier] | None = None, checkpoints: Iterable[str] = ()) -> ChainReport:
        """Verify the stored ledger against ``trusted`` keys (default: this instance's own
        and those registered by its signers), with every checkpoint of this instance's journal."""
        journal = self.journal.notes()
        with self._db.reading() as session:
            keys = list(trusted) if trusted is not None else known_verifiers(session, self.keys())
            return verify_ledger(session, trusted=keys, checkpoints=checkpoints, journal=journal)

    @staticmethod
    def _size(session: Any) -> int:
        last = session.scalar(select(func.max(LedgerEntry.seq)))
        return 0 if last is None else last + 1

    def _check_size(self, session: Any, field: str, size: int) -> None:
        current = self._size(session)
        if size > current:
            raise OutOfRange(field, f"the ledger holds {current} entries")
