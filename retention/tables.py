"""The retention tables: the subject key vault (one wrapped data key per subject, retention
category and scope) and legal holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["SubjectKey", "LegalHoldRow"]


class SubjectKey(Base):
    """A data key. ``key_id`` derives from (subject, category, scope) (``vault.key_id``); a key of
    the ``general`` category without scope has the subject's own pseudonym as its id (every key
    from before retention categories). ``last_sealed_at`` is when the last record was sealed
    under it: the retention schedule counts from there."""

    __tablename__ = "subject_keys"
    __table_args__ = (Index("ix_subject_keys_subject_category", "subject_id", "category"),)

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(64), default="")
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LegalHoldRow(Base):
    """A legal hold on a subject or a claim (pseudonyms): while it is active nothing of it is
    shredded, by an erasure request or a retention run. Projection of ``legal_hold_placed`` /
    ``legal_hold_released``; ``note`` stays here, out of the ledger."""

    __tablename__ = "legal_holds"
    __table_args__ = (
        CheckConstraint("target_kind IN ('subject', 'claim')", name="target_kind_known"),
        CheckConstraint("reason IN ('litigation', 'tax_audit', 'authority_request', 'other')", name="reason_known"),
        Index("ix_legal_holds_target", "target_kind", "target_id"),
    )

    hold_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)   # the claim's subject, when known
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    placed_by: Mapped[str] = mapped_column(String(80))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(80))
    ledger_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
