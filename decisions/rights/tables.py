"""Projections of the data-subject and human-review workflows, written in the same transaction
as the ledger entry they project (see ``README.md`` beside this file for the events). They hold
pseudonyms, codes and dates; statements, notes and rationales are sealed in the ledger's blobs."""

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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["SubjectRequestRow", "ReviewCaseRow", "SubjectStatusRow", "StaffUserRow", "PortalSubjectRow",
           "PortalClaimRow", "SignInThrottleRow", "LedgerVerificationRow", "REQUEST_TYPES", "OUTCOMES"]

_ID = String(36)
_PSEUDONYM = String(64)
_SEQ = BigInteger().with_variant(Integer, "sqlite")
REQUEST_TYPES = ("access", "objection", "review", "rectification", "erasure")
OUTCOMES = ("uphold", "modify", "overturn")


class SubjectRequestRow(Base):
    """A data-subject request with its Art. 12(3) deadline."""

    __tablename__ = "subject_requests"
    __table_args__ = (
        CheckConstraint("type IN ('access', 'objection', 'review', 'rectification', 'erasure')", name="type_known"),
        CheckConstraint("status IN ('open', 'fulfilled')", name="status_known"),
        CheckConstraint("channel IN ('portal', 'staff')", name="channel_known"),
        Index("ix_subject_requests_status_due", "status", "due_at"),
    )

    request_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    type: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date] = mapped_column(Date)                       # last day (Art. 12(3), Reg. 1182/71)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))   # the moment it ends
    extended_to: Mapped[date | None] = mapped_column(Date)
    extended_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extension_reason: Mapped[str | None] = mapped_column(String(30))
    extended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(30))
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_id: Mapped[str | None] = mapped_column(_ID)
    case_id: Mapped[str | None] = mapped_column(_ID)
    concerns: Mapped[str | None] = mapped_column(String(20))        # rectification: what is contested
    detail: Mapped[str | None] = mapped_column(Text)                 # outcome facts (JSON, no personal data)
    ledger_seq: Mapped[int] = mapped_column(_SEQ)                    # subject_request_received
    fulfilled_seq: Mapped[int | None] = mapped_column(_SEQ)


class ReviewCaseRow(Base):
    """A human review of one decision (GDPR Art. 22(3); AI Act Art. 14)."""

    __tablename__ = "review_cases"
    __table_args__ = (
        CheckConstraint("origin IN ('automatic', 'debtor')", name="origin_known"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("outcome IS NULL OR outcome IN ('uphold', 'modify', 'overturn')", name="outcome_known"),
        Index("ix_review_cases_status_due", "status", "due_at"),
    )

    case_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    decision_id: Mapped[str] = mapped_column(_ID, index=True)
    decision_seq: Mapped[int] = mapped_column(_SEQ)
    claim_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, index=True)
    origin: Mapped[str] = mapped_column(String(10))
    request_id: Mapped[str | None] = mapped_column(_ID)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))
    opened_seq: Mapped[int] = mapped_column(_SEQ)
    outcome: Mapped[str | None] = mapped_column(String(10))
    outcome_action: Mapped[str | None] = mapped_column(Text)         # JSON, for modify
    explanation_opened: Mapped[bool | None] = mapped_column(Boolean)
    reviewer: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome_seq: Mapped[int | None] = mapped_column(_SEQ)            # review_outcome (rationale sealed)
    resumed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resumed_by: Mapped[str | None] = mapped_column(String(80))
    # who reviews it: the latest review_case_assigned entry (staff:<id>, None: nobody; migration 0014)
    assignee: Mapped[str | None] = mapped_column(String(80))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_seq: Mapped[int | None] = mapped_column(_SEQ)


class SubjectStatusRow(Base):
    """What the data-subject workflows decided about a subject, as the pipeline reads it."""

    __tablename__ = "subject_status"

    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, primary_key=True)
    objected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grounds_documented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grounds_basis: Mapped[str | None] = mapped_column(String(40))
    open_rectifications: Mapped[int] = mapped_column(Integer, default=0)
    retention_restricted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erasure_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffUserRow(Base):
    """A person of the officer console; the password only as an Argon2id hash."""

    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('reviewer', 'compliance_officer', 'admin')", name="role_known"),
    )

    user_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PortalSubjectRow(Base):
    """A subject's portal access code, as a keyed digest (the code itself is never stored)."""

    __tablename__ = "portal_subjects"

    subject_id: Mapped[str] = mapped_column(_PSEUDONYM, primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)


class PortalClaimRow(Base):
    """An invoice number the subject may sign in with, as a keyed digest."""

    __tablename__ = "portal_claims"
    __table_args__ = (UniqueConstraint("subject_id", "invoice_digest", name="uq_portal_claims_subject_invoice"),)

    claim_id: Mapped[str] = mapped_column(_PSEUDONYM, primary_key=True)
    subject_id: Mapped[str] = mapped_column(_PSEUDONYM)   # looked up through the unique (subject_id, invoice_digest)
    invoice_digest: Mapped[str] = mapped_column(String(64))


class SignInThrottleRow(Base):
    """Failed sign-ins per keyed digest of who tried or whom they tried (a client address, a
    debtor, a staff name; ``decisions.rights.portal_access.Throttle``): the waits live in the
    database, so every worker process sees them. ``locked_until`` is the end of the current wait."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LedgerVerificationRow(Base):
    """The result of one ``ledger verify`` of the database (the console shows the last one)."""

    __tablename__ = "ledger_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    entries: Mapped[int | None] = mapped_column(_SEQ)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    checkpoints: Mapped[int | None] = mapped_column(Integer)
    latest_checkpoint: Mapped[int | None] = mapped_column(_SEQ)
    blobs_shredded: Mapped[int | None] = mapped_column(Integer)
    failed_seq: Mapped[int | None] = mapped_column(_SEQ)
    failure: Mapped[str | None] = mapped_column(Text)
