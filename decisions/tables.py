"""Read models (projections) of the ledger, written in the same transaction as
the ledger entry they project. They hold pseudonyms, never references or
contact data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["DecisionRow", "ClaimActivityRow", "IdempotencyRow", "RunRow", "RunItemRow"]

_ID = String(36)
_PSEUDONYM = String(64)


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("status IN ('decided', 'needs_review', 'held')", name="status_known"),
        CheckConstraint("level IS NULL OR level BETWEEN 0 AND 4", name="level_range"),
        UniqueConstraint("run_id", "run_item", name="uq_decisions_run_item"),
    )

    decision_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    ledger_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    claim_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    action_kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(10))
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hold_code: Mapped[str | None] = mapped_column(String(40))
    run_id: Mapped[str | None] = mapped_column(_ID)   # looked up through uq_decisions_run_item (run_id first)
    run_item: Mapped[int | None] = mapped_column(Integer)
    # the experiment arm the claim was allocated to (decisions.experiments): results and guardrails
    experiment_id: Mapped[str | None] = mapped_column(_ID, index=True)
    experiment_arm: Mapped[str | None] = mapped_column(String(40))
    # the contract document is the ledger entry's body: decisions.documents reads it from there


class ClaimActivityRow(Base):
    """What fairdun remembers about a claim: its executed decisions and reported events."""

    __tablename__ = "claim_activity"
    __table_args__ = (Index("ix_claim_activity_claim_at", "claim_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(_PSEUDONYM)
    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    activity: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(_ID)        # the decision or event it comes from
    ledger_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    kind: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(10))
    connected: Mapped[bool | None] = mapped_column(Boolean)
    on_date: Mapped[date | None] = mapped_column(Date)
    decision_id: Mapped[str | None] = mapped_column(_ID)
    status: Mapped[str | None] = mapped_column(String(20))
    # dunning: the notices the message carried (JSON list; NULL in rows from before migration 0013)
    notices: Mapped[str | None] = mapped_column(Text)


class IdempotencyRow(Base):
    """An Idempotency-Key as used by one API client: same key + same body = same answer."""

    __tablename__ = "idempotency_keys"

    client_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)   # decisions | events | runs
    request_sha256: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(_ID)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunRow(Base):
    """A batch dunning run: resumable, one ledger entry per decision."""

    __tablename__ = "runs"
    __table_args__ = (CheckConstraint("status IN ('pending', 'running', 'finished', 'interrupted')",
                                      name="status_known"),)

    run_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str | None] = mapped_column(Text)


class RunItemRow(Base):
    """A run's input item, sealed under its subject's key (it holds contact data),
    kept so an interrupted run can resume in any process; and the item's result when it
    has no decision of its own (an error, or the earlier decision it repeats)."""

    __tablename__ = "run_items"

    run_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    item: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[str | None] = mapped_column(_PSEUDONYM, index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)   # why the item was not decided (JSON; see decisions.runs)
    # the decision recorded before that this item repeats (same claim, as_of and request): not decided twice
    decision_id: Mapped[str | None] = mapped_column(_ID)
