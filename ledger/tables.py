"""Ledger tables: the append-only entries and the sealed blobs they commit to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base

__all__ = ["LedgerEntry", "LedgerBlob"]


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
    sealed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)


class LedgerBlob(Base):
    """A sealed (encrypted) blob of personal data, addressed by its SHA-256.

    Blobs are not ledger rows: crypto-shredding deletes them; the entry's digest
    stays committed in the chain.
    """

    __tablename__ = "ledger_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
