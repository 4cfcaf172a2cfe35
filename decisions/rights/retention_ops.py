"""Retention runs and legal holds as the CLI and the API call them: the retention logic lives in
``retention/``; here it meets the projections of the rights workflows (portal lookup rows of a
subject with no key left are deleted, and so is its retention restriction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ledger import append
from retention.holds import HoldError, active_holds, hold_document, place_hold, release_hold
from retention.run import run_retention

from ..errors import Conflict, InvalidInput, NotFound, storage_guard
from ..tables import DecisionRow
from ._common import RightsContext
from .portal_access import forget_portal_access
from .tables import SubjectStatusRow

__all__ = ["retention_run", "place_legal_hold", "release_legal_hold", "legal_holds"]


def retention_run(ctx: RightsContext, *, now: datetime | None = None, actor: str) -> dict[str, Any]:
    """Apply the schedule at ``now`` (default: the clock): one ``retention_run`` entry."""
    moment = now or ctx.clock()
    with storage_guard("the retention run"), ctx.db.unit_of_work() as uow:
        session = uow.session
        run = run_retention(session, vault=ctx.vault, schedule=ctx.schedule, now=moment, actor=actor)
        for subject_id in run.subjects_emptied:
            forget_portal_access(session, subject_id)
            status = session.get(SubjectStatusRow, subject_id)
            if status is not None and status.retention_restricted_at is not None:
                status.retention_restricted_at = None
                append(session, kind="restriction_lifted", ts=moment, body={
                    "subject": subject_id, "reason": "retention_duty", "still_restricted": status.open_rectifications > 0,
                    "because": "nothing of the subject is left"})
        uow.commit()
    return run.document()


def place_legal_hold(ctx: RightsContext, *, debtor_ref: str, invoice_ref: str | None, reason: str, note: str | None,
                     actor: str) -> dict[str, Any]:
    subject_id = ctx.pseudonyms.subject(debtor_ref)
    now = ctx.clock()
    with storage_guard("the legal hold"), ctx.db.unit_of_work() as uow:
        session = uow.session
        if invoice_ref is None:
            kind, target = "subject", subject_id
        else:
            kind, target = "claim", ctx.pseudonyms.claim(debtor_ref, invoice_ref)
            if session.scalar(select(DecisionRow.decision_id).where(DecisionRow.claim_id == target).limit(1)) is None:
                raise NotFound("fairdun holds nothing about this invoice")
        try:
            row = place_hold(session, target_kind=kind, target_id=target, subject_id=subject_id, reason=reason,
                             note=note, actor=actor, now=now, new_id=ctx.new_id)
        except HoldError as exc:
            raise InvalidInput(str(exc), field="reason") from exc
        uow.commit()
        return hold_document(row)


def release_legal_hold(ctx: RightsContext, hold_id: str, *, actor: str) -> dict[str, Any]:
    with storage_guard("the legal hold"), ctx.db.unit_of_work() as uow:
        try:
            row = release_hold(uow.session, hold_id, actor=actor, now=ctx.clock())
        except HoldError as exc:
            if "no legal hold" in str(exc):
                raise NotFound(str(exc)) from exc
            raise Conflict(str(exc), code="hold_released") from exc
        uow.commit()
        return hold_document(row)


def legal_holds(ctx: RightsContext) -> list[dict[str, Any]]:
    with storage_guard("the legal holds"), ctx.db.reading() as session:
        return [hold_document(row) for row in active_holds(session)]
