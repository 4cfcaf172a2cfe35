"""Appending to the hash-chained ledger.

Entry = RFC 8785 canonical JSON of ``{seq, ts, kind, prev, body, sealed_sha256}``;
``prev`` is the previous entry's leaf hash (64 zeros for entry 0); the entry's own
hash is the RFC 9162 leaf hash. Appends serialise on the database: SQLite write
transactions begin IMMEDIATE (see ``db.py``), PostgreSQL takes a transaction-level
advisory lock, so two writers can never read the same head.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .canonical import canonical_json, leaf_hash, sha256_hex
from .tables import LedgerBlob, LedgerEntry
from .timestamps import rfc3339

__all__ = ["GENESIS_PREV", "Appended", "Sealed", "append", "entry_document", "lock_head"]

GENESIS_PREV = "0" * 64
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


def entry_document(*, seq: int, ts: datetime, kind: str, prev: str, body: dict[str, Any],
                   sealed_sha256: str | None) -> dict[str, Any]:
    return {"seq": seq, "ts": rfc3339(ts), "kind": kind, "prev": prev, "body": body,
            "sealed_sha256": sealed_sha256}


def append(session: Session, *, kind: str, body: dict[str, Any], ts: datetime,
           sealed: Sealed | None = None) -> Appended:
    """Append one entry (and its sealed blob) inside the session's transaction.

    Nothing is committed here: the caller commits the entry together with its
    projection rows, or rolls everything back.
    """
    seq, prev = _head(session)
    sealed_sha256 = sealed.sha256 if sealed is not None else None
    document = canonical_json(entry_document(seq=seq, ts=ts, kind=kind, prev=prev, body=body,
                                             sealed_sha256=sealed_sha256))
    entry_hash = leaf_hash(document)
    if sealed is not None:   # AES-GCM with a random nonce: no two blobs share a digest
        session.add(LedgerBlob(sha256=sealed_sha256, subject_id=sealed.subject_id, data=sealed.data))
    session.add(LedgerEntry(seq=seq, ts=ts, kind=kind, entry=document.decode("utf-8"),
                            leaf_hash=entry_hash, sealed_sha256=sealed_sha256))
    session.info[_HEAD_KEY] = (session.get_transaction(), seq + 1, entry_hash)
    return Appended(seq=seq, entry_hash=entry_hash, ts=ts)


def lock_head(session: Session) -> None:
    """Take the append lock now, for a transaction that must serialise before it appends
    (e.g. one that creates a subject key it will seal under)."""
    _head(session)


def _head(session: Session) -> tuple[int, str]:
    """Next seq and previous hash, read once per transaction under the append lock."""
    cached = session.info.get(_HEAD_KEY)
    transaction = session.get_transaction()
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1], cached[2]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_APPEND_LOCK})
    last = session.execute(
        select(LedgerEntry.seq, LedgerEntry.leaf_hash).order_by(LedgerEntry.seq.desc()).limit(1)
    ).first()
    if last is None:
        return 0, GENESIS_PREV
    return last.seq + 1, last.leaf_hash
