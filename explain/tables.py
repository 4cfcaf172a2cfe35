"""The model registry's table: one row per registered model version (a projection of the
``model_registered``, ``model_signed_off``, ``model_approved`` and ``model_retired`` ledger
events)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["ModelVersionRow", "STATUSES"]

STATUSES = ("candidate", "approved", "retired")
_SEQ = BigInteger().with_variant(Integer, "sqlite")


class ModelVersionRow(Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint("status IN ('candidate', 'approved', 'retired')", name="status_known"),
        # at most one approved version: only it scores live decisions
        Index("uq_model_versions_one_approved", "status", unique=True,
              sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),
    )

    model_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    file: Mapped[str] = mapped_column(String(120))   # under <instance>/models
    source: Mapped[str] = mapped_column(String(20))  # registered | deployment
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_seq: Mapped[int] = mapped_column(_SEQ)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_seq: Mapped[int | None] = mapped_column(_SEQ)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_seq: Mapped[int | None] = mapped_column(_SEQ)
    summary: Mapped[str] = mapped_column(Text)       # JSON: metrics and fairness flags at registration
    # the latest sign-off (model_signed_off): who ("staff:<id>" or "deployment"), when, which entry
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_off_seq: Mapped[int | None] = mapped_column(_SEQ)
    signed_off_by: Mapped[str | None] = mapped_column(String(80))
