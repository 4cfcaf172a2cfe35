"""Legal holds: a subject or a claim whose records must outlive their retention period
(litigation, a tax audit — AO § 147(3) keeps records while they matter for an open tax
assessment —, an authority's request). While a hold is active, neither an erasure request nor a
retention run shreds anything of its subject. Placing and releasing a hold are ledger events
(``legal_hold_placed``, ``legal_hold_released``); the free-text note stays in the projection.

A claim's records share keys with the subject's other claims (keys are per subject, category
and year), so a hold on a claim keeps every key of the claim's subject.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.timestamps import as_utc, rfc3339

from .tables import LegalHoldRow

__all__ = ["HOLD_REASONS", "HoldError", "place_hold", "release_hold", "active_holds", "held_subjects",
           "hold_document"]

HOLD_REASONS = ("litigation", "tax_audit", "authority_request", "other")
TARGET_KINDS = ("subject", "claim")


class HoldError(Exception):
    """A hold that cannot be placed or released (unknown, or already released)."""

    code = "hold_refused"


def place_hold(session: Session, *, target_kind: str, target_id: str, subject_id: str, reason: str,
               note: str | None, actor: str, now: datetime, new_id: Callable[[], str]) -> LegalHoldRow:
    if target_kind not in TARGET_KINDS or reason not in HOLD_REASONS:
        raise HoldError(f"a hold is on a subject or a claim, for one of: {', '.join(HOLD_REASONS)}")
    hold_id = new_id()
    appended = append(session, kind="legal_hold_placed", ts=now, body={
        "hold_id": hold_id, "target": target_kind, "target_id": target_id, "subject": subject_id,
        "reason": reason, "actor": actor})
    row = LegalHoldRow(hold_id=hold_id, target_kind=target_kind, target_id=target_id, subject_id=subject_id,
                       reason=reason, note=note, placed_at=now, placed_by=actor, ledger_seq=appended.seq)
    session.add(row)
    return row


def release_hold(session: Session, hold_id: str, *, actor: str, now: datetime) -> LegalHoldRow:
    row = session.get(LegalHoldRow, hold_id)
    if row is None:
        raise HoldError("no legal hold with this id")
    if row.released_at is not None:
        raise HoldError("this legal hold was released already")
    append(session, kind="legal_hold_released", ts=now, body={
        "hold_id": hold_id, "target": row.target_kind, "target_id": row.target_id, "subject": row.subject_id,
        "actor": actor})
    row.released_at, row.released_by = now, actor
    return row


def active_holds(session: Session, subject_id: str | None = None) -> list[LegalHoldRow]:
    query = select(LegalHoldRow).where(LegalHoldRow.released_at.is_(None))
    if subject_id is not None:
        query = query.where(LegalHoldRow.subject_id == subject_id)
    return list(session.scalars(query.order_by(LegalHoldRow.placed_at, LegalHoldRow.hold_id)))


def held_subjects(session: Session) -> set[str]:
    """Subjects nothing of which may be shredded now."""
    return {s for s in session.scalars(select(LegalHoldRow.subject_id).where(LegalHoldRow.released_at.is_(None)))
            if s is not None}


def hold_document(row: LegalHoldRow) -> dict[str, Any]:
    return {"hold_id": row.hold_id, "target": row.target_kind, "target_id": row.target_id,
            "subject": row.subject_id, "reason": row.reason, "note": row.note,
            "placed_at": rfc3339(as_utc(row.placed_at)), "placed_by": row.placed_by,
            "released_at": rfc3339(as_utc(row.released_at)) if row.released_at else None, "released_by": row.released_by}
