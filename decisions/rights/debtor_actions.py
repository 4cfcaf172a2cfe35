"""What a signed-in debtor does about one of their matters in the portal, each a ledger entry with
its projection in one transaction (actor ``portal``; free text sealed under the subject's key,
never in a body), each read by the next decision about the claim:

- ``report_payment`` ("I already paid", the day and perhaps the amount): an ``event``
  ``payment_reported``. Until the AR system answers it, the claim counts as disputed
  (``decisions.situation``: the debtor objects that it is paid) and ``FD-DISPUTE-HOLD`` allows
  nothing but waiting. The AR system answers through ``/v1/events``: ``payment_received`` or
  ``partial_payment`` (the payment arrived: the report is answered; a full payment settles the
  claim) or ``dispute_closed`` (it checked and found no such payment: dunning resumes).
- ``dispute`` ("I dispute this", a reason and the debtor's words): an ``event``
  ``dispute_opened`` with ``source`` ``debtor``; the dispute hold applies until the AR system
  reports ``dispute_closed``.
- ``request_payment_plan``: a review case for a person (``reviews.open_case``, origin
  ``debtor``, due like an automatic one) and an ``event`` ``payment_plan_requested`` naming it;
  while the case is open ``FD-REVIEW-PAUSE`` stops escalation; the reviewer answers with an
  outcome (``modify`` to a ``payment_plan_offer``, for one).
- ``opt_out``: an ``event`` ``channel_opted_out`` per channel and per claim of the subject (the
  preference is the person's); later decisions do not use the channel (``FD-CHANNEL-OPT-OUT``,
  for US debt collectors ``US-REGF-1006.14-h``).
- ``withdraw_objection``: ``objection_withdrawn``; the subject's next decisions are profiled
  again (``subject_status.objected_at`` cleared, with any grounds documented against it).

Each is idempotent where a second submission would add nothing: the same pending payment report,
an open dispute, a pending plan request, channels already refused, no objection in force. The
result says whether anything was recorded (``recorded``). A decision of another subject does
not exist here (``NotFound``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.tables import LedgerEntry

from ..activity import lock_claim
from ..case import CHANNELS
from ..errors import InvalidInput, NotFound, storage_guard
from ..money import format_amount
from ..privacy import law_of
from ..situation import Activity
from ..tables import ClaimActivityRow, DecisionRow
from ._common import RightsContext, iso, seal_text, subject_status, unseal_entry
from .reviews import automatic_due, open_case
from .tables import ReviewCaseRow, SubjectStatusRow

__all__ = ["DISPUTE_GROUNDS", "actions_of", "objection_in_force", "report_payment", "dispute", "request_payment_plan", "opt_out",
           "withdraw_objection"]

# What the debtor says is wrong (the codes ``/v1/events`` knows for ``dispute_opened``).
DISPUTE_GROUNDS = ("amount", "goods_or_service", "identity", "already_paid", "other")
SOURCE = "debtor"


def _decision(session: Session, subject_id: str, decision_id: str) -> DecisionRow:
    row = session.get(DecisionRow, decision_id)
    if row is None or row.subject_id != subject_id:   # another subject's decision does not exist here
        raise NotFound("no decision with this id for this person")
    return row


def _activity(session: Session, claim_ids: list[str]) -> list[ClaimActivityRow]:
    return list(session.scalars(select(ClaimActivityRow).where(ClaimActivityRow.claim_id.in_(claim_ids))
                                .order_by(ClaimActivityRow.at, ClaimActivityRow.id)))


def _pending(rows: list[ClaimActivityRow]) -> dict[str, Any]:
    """The claim's open matters as ``decisions.situation`` reads them: the payment report the AR
    system has not answered, the dispute not closed, the latest plan request."""
    report: ClaimActivityRow | None = None
    dispute_row: ClaimActivityRow | None = None
    plan: ClaimActivityRow | None = None
    for row in rows:
        if row.activity == "payment_reported":
            report = row
        elif row.activity in ("payment_received", "partial_payment"):
            report = None
        elif row.activity == "dispute_opened":
            dispute_row = row
        elif row.activity == "dispute_closed":
            report = dispute_row = None
        elif row.activity == "payment_plan_requested":
            plan = row
    return {"report": report, "dispute": dispute_row, "plan": plan}


def _opted_out(rows: list[ClaimActivityRow], claim_id: str | None = None) -> set[str]:
    return {r.channel for r in rows if r.activity == "channel_opted_out" and r.channel
            and (claim_id is None or r.claim_id == claim_id)}


def _claims_of(session: Session, subject_id: str) -> list[str]:
    return sorted(set(session.scalars(select(DecisionRow.claim_id).where(DecisionRow.subject_id == subject_id))))


def actions_of(ctx: RightsContext, subject_id: str, decision_id: str) -> dict[str, Any]:
    """What the decision page offers and shows for the matter of ``decision_id``: the pending
    payment report, the open dispute, the plan request and its review, the channels refused, the
    objection in force, and the law that decides which rights are named."""
    with storage_guard("the matter"), ctx.db.reading() as session:
        row = _decision(session, subject_id, decision_id)
        payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
        request = payload.get("request") or {}
        debtor, invoice = request.get("debtor") or {}, request.get("invoice") or {}
        jurisdiction = debtor.get("jurisdiction") or ""
        claims = _claims_of(session, subject_id)
        rows = _activity(session, claims)
        pending = _pending([r for r in rows if r.claim_id == row.claim_id])
        report, open_dispute, plan = pending["report"], pending["dispute"], pending["plan"]
        plan_case = None
        if plan is not None:
            entry = _event_body(session, plan.ledger_seq)
            case = session.get(ReviewCaseRow, str((entry.get("details") or {}).get("case_id")))
            plan_case = {"status": case.status, "outcome": case.outcome, "due_at": iso(case.due_at)} if case else None
        status = session.get(SubjectStatusRow, subject_id)
        report_details = _event_body(session, report.ledger_seq).get("details", {}) if report else {}
        return {
            "decision_id": decision_id,
            "currency": invoice.get("currency"),
            "jurisdiction": jurisdiction,
            "law": law_of(jurisdiction),                       # eu | uk | None (the GDPR does not reach)
            "us": jurisdiction[:2].upper() == "US",
            "debt_collector": (request.get("creditor") or {}).get("role") == "debt_collector",
            "payment_report": {"paid_on": report.on_date.isoformat() if report.on_date else None,
                               "amount": report_details.get("amount"), "reported_at": iso(report.at)}
            if report is not None else None,
            "dispute": {"opened_at": iso(open_dispute.at)} if open_dispute is not None else None,
            "plan": {"requested_at": iso(plan.at), "case": plan_case} if plan is not None else None,
            "channels": list(CHANNELS),
            "opted_out": sorted(_opted_out(rows)),
            "objection": {"objected_at": iso(status.objected_at)} if status and status.objected_at else None,
        }


def objection_in_force(ctx: RightsContext, subject_id: str) -> bool:
    """Whether the subject's objection to profiling is in force (made and not withdrawn)."""
    with storage_guard("the objection"), ctx.db.reading() as session:
        status = session.get(SubjectStatusRow, subject_id)
        return status is not None and status.objected_at is not None


def _event_body(session: Session, seq: int) -> dict[str, Any]:
    entry = session.get(LedgerEntry, seq)
    return json.loads(entry.entry)["body"] if entry is not None else {}


def _currency(session: Session, ctx: RightsContext, row: DecisionRow) -> str | None:
    payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
    currency = ((payload.get("request") or {}).get("invoice") or {}).get("currency")
    return str(currency) if currency else None


def report_payment(ctx: RightsContext, subject_id: str, *, decision_id: str, paid_on: date,
                   amount: Decimal | None, actor: str) -> dict[str, Any]:
    """"I already paid": ``payment_reported`` (the day, the amount if given and the invoice's
    currency is still known); the claim is held until the AR system answers."""
    now = ctx.clock()
    with storage_guard("the payment report"), ctx.db.unit_of_work() as uow:
        session = uow.session
        row = _decision(session, subject_id, decision_id)
        lock_claim(session, row.claim_id)
        currency = _currency(session, ctx, row)
        details: dict[str, Any] = {"source": SOURCE, "on_date": paid_on.isoformat(), "decision_id": decision_id}
        if amount is not None and currency is not None:
            if Decimal(format_amount(amount, currency)) != amount:   # e.g. cents of a currency without them
                raise InvalidInput(f"{currency} amounts have no more decimals than the currency has", field="amount")
            details["amount"], details["currency"] = format_amount(amount, currency), currency
        report = _pending(_activity(session, [row.claim_id]))["report"]
        if report is not None and report.on_date == paid_on and \
                _event_body(session, report.ledger_seq).get("details", {}).get("amount") == details.get("amount"):
            return {"recorded": False, "type": "payment_reported"}       # the same report again (a double submit)
        appended = _event(session, ctx, row, "payment_reported", details, now=now, actor=actor,
                          activity=Activity(at=now, activity="payment_reported", on_date=paid_on,
                                            decision_id=decision_id))
        uow.commit()
        return {"recorded": True, "type": "payment_reported", "seq": appended}


def dispute(ctx: RightsContext, subject_id: str, *, decision_id: str, ground: str, statement: str,
            actor: str) -> dict[str, Any]:
    """"I dispute this": ``dispute_opened`` from the debtor, the statement sealed."""
    now = ctx.clock()
    with storage_guard("the dispute"), ctx.db.unit_of_work() as uow:
        session = uow.session
        row = _decision(session, subject_id, decision_id)
        lock_claim(session, row.claim_id)
        if _pending(_activity(session, [row.claim_id]))["dispute"] is not None:
            return {"recorded": False, "type": "dispute_opened"}         # open already: the hold applies
        sealed = seal_text(session, ctx, subject_id, {"statement": statement}, now=now)
        appended = _event(session, ctx, row, "dispute_opened",
                          {"source": SOURCE, "reason": ground, "decision_id": decision_id}, now=now, actor=actor,
                          sealed=sealed, activity=Activity(at=now, activity="dispute_opened", decision_id=decision_id))
        uow.commit()
        return {"recorded": True, "type": "dispute_opened", "seq": appended}


def request_payment_plan(ctx: RightsContext, subject_id: str, *, decision_id: str, statement: str | None,
                         actor: str) -> dict[str, Any]:
    """"I need a payment plan": a review case for a person (an open case of this decision is
    joined instead) and ``payment_plan_requested`` naming it; the statement sealed."""
    now = ctx.clock()
    with storage_guard("the payment plan request"), ctx.db.unit_of_work() as uow:
        session = uow.session
        row = _decision(session, subject_id, decision_id)
        lock_claim(session, row.claim_id)
        plan = _pending(_activity(session, [row.claim_id]))["plan"]
        if plan is not None:
            asked = session.get(ReviewCaseRow, str(_event_body(session, plan.ledger_seq)["details"].get("case_id")))
            if asked is not None and asked.status == "open":
                return {"recorded": False, "type": "payment_plan_requested", "case_id": asked.case_id}
        case = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.decision_id == decision_id,
                                                           ReviewCaseRow.status == "open")).first()
        if case is None:
            case = open_case(session, case_id=ctx.new_id(), decision=row, origin="debtor",
                             due_at=automatic_due(now, ctx.calendar), now=now)
        sealed = seal_text(session, ctx, subject_id, {"statement": statement}, now=now) if statement else None
        appended = _event(session, ctx, row, "payment_plan_requested",
                          {"source": SOURCE, "case_id": case.case_id, "decision_id": decision_id}, now=now,
                          actor=actor, sealed=sealed,
                          activity=Activity(at=now, activity="payment_plan_requested", decision_id=decision_id))
        uow.commit()
        return {"recorded": True, "type": "payment_plan_requested", "case_id": case.case_id, "seq": appended}


def opt_out(ctx: RightsContext, subject_id: str, *, decision_id: str, channels: list[str],
            actor: str) -> dict[str, Any]:
    """The debtor refuses ``channels``: ``channel_opted_out`` for each one not refused yet, on
    every claim of the subject."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise InvalidInput(f"a channel is one of: {', '.join(CHANNELS)}", field="channels")
    now = ctx.clock()
    added: list[str] = []
    with storage_guard("the channel preferences"), ctx.db.unit_of_work() as uow:
        session = uow.session
        _decision(session, subject_id, decision_id)
        claims = {r.claim_id: r for r in session.scalars(
            select(DecisionRow).where(DecisionRow.subject_id == subject_id)
            .order_by(DecisionRow.recorded_at.desc(), DecisionRow.ledger_seq.desc()))}
        for claim_id in sorted(claims):   # sorted: claims are locked in one order
            lock_claim(session, claim_id)
            refused = _opted_out(_activity(session, [claim_id]), claim_id)
            for channel in sorted(set(channels) - refused):
                _event(session, ctx, claims[claim_id], "channel_opted_out", {"source": SOURCE, "channel": channel},
                       now=now, actor=actor, activity=Activity(at=now, activity="channel_opted_out", channel=channel))
                if channel not in added:
                    added.append(channel)
        uow.commit()
    return {"recorded": bool(added), "type": "channel_opted_out", "channels": sorted(added)}


def withdraw_objection(ctx: RightsContext, subject_id: str, *, decision_id: str, actor: str) -> dict[str, Any]:
    """The debtor withdraws their objection to profiling: ``objection_withdrawn``; the next
    decisions are profiled again and grounds documented against the objection lapse with it."""
    now = ctx.clock()
    with storage_guard("the withdrawal"), ctx.db.unit_of_work() as uow:
        session = uow.session
        _decision(session, subject_id, decision_id)
        status = session.get(SubjectStatusRow, subject_id)
        if status is None or status.objected_at is None:
            return {"recorded": False, "type": "objection_withdrawn"}    # nothing in force (a double submit)
        status = subject_status(session, subject_id, now=now)
        appended = append(session, kind="objection_withdrawn", ts=now, body={
            "subject": subject_id, "objected_at": iso(status.objected_at), "withdrawn_at": iso(now), "actor": actor})
        status.objected_at = status.grounds_documented_at = status.grounds_basis = None
        uow.commit()
        return {"recorded": True, "type": "objection_withdrawn", "seq": appended.seq}


def _event(session: Session, ctx: RightsContext, row: DecisionRow, type_: str, details: dict[str, Any], *,
           now: datetime, actor: str, activity: Activity, sealed: Any = None) -> int:
    # imported here: ``decisions.events`` reads the experiment results, which read the rights
    # tables, whose package imports this module
    from ..events import append_event

    appended = append_event(session, event_id=ctx.new_id(), type_=type_, subject_id=row.subject_id,
                            claim_id=row.claim_id, at=now, details=details, activity=activity, now=now,
                            sealed=sealed, actor=actor)
    return appended.seq
