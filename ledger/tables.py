"""Ledger tables: the append-only entries, the sealed blobs they commit to, the Merkle
subtree hashes over the entries, the signed checkpoints and the signing keys' public halves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base

__all__ = ["LedgerEntry", "LedgerBlob", "LedgerNode", "LedgerCheckpoint", "LedgerSigningKey"]

_SEQ = BigInteger().with_variant(Integer, "sqlite")


class LedgerEntry(Base):
    """One ledger entry. ``entry`` is the exact canonical JSON text that was hashed.

    ``ts`` and ``kind`` repeat what ``entry`` says so they can be queried; the
    verifier trusts only ``entry``.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (CheckConstraint("seq >= 0", name="seq_non_negative"),)

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_sha256: Mapped[str | None] = mapped_column(String(64))   # read by seq, never searched


class LedgerBlob(Base):
    """A sealed (encrypted) blob of personal data, addressed by its SHA-256.

    Blobs are not ledger rows: crypto-shredding deletes them; the entry's digest
    stays committed in the chain.
    """

    __tablename__ = "ledger_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerNode(Base):
    """A complete Merkle subtree: the RFC 9162 hash of the 2**level leaves ending at
    leaf ``seq``, stored by the append that completed it (see ``merkle.py``)."""

    __tablename__ = "ledger_nodes"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 62", name="level_range"),)

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerCheckpoint(Base):
    """A signed checkpoint (C2SP tlog-checkpoint as a signed note), kept apart from
    the entries. ``note`` is authoritative; the other columns repeat it for queries."""

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (CheckConstraint("tree_size >= 0", name="tree_size_non_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(_SEQ, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str] = mapped_column(String(200))     # verifier key of the signing key
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)


class LedgerSigningKey(Base):
    """The public half of a key that has signed checkpoints, as a signed-note verifier
    key. Private keys never enter the database (they live in the instance folder)."""

    __tablename__ = "ledger_signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)   # registration order
    verifier_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
