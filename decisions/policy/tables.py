"""The policy tables: the bundles that were activated (their OPA archive, so an auditor can get
exactly the rules that decided) and the activation history, a projection of the
``policy_bundle_activated`` ledger events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["PolicyActivationRow", "PolicyBundleRow", "ACTIVATION_SOURCES"]

ACTIVATION_SOURCES = ("start", "cli")
_SEQ = BigInteger().with_variant(Integer, "sqlite")


class PolicyBundleRow(Base):
    __tablename__ = "policy_bundles"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)   # the bundle hash (recipe)
    archive: Mapped[bytes] = mapped_column(LargeBinary)                 # the OPA bundle (.tar.gz)
    archive_sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PolicyActivationRow(Base):
    __tablename__ = "policy_activations"
    __table_args__ = (CheckConstraint("source IN ('start', 'cli')", name="source_known"),)

    ledger_seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    bundle_sha256: Mapped[str] = mapped_column(String(64), index=True)
    engine: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    entry_hash: Mapped[str] = mapped_column(String(64))
