"""Human review (GDPR Art. 22(3); AI Act Art. 14): review cases, outcomes, the review queue.

A case opens automatically for every ``needs_review`` decision, in the transaction that records
the decision (``open_automatic_case``), or when the debtor asks for a review of a decision
(``subjects.request_review``). While a case is open the claim's escalation pauses
(``FD-REVIEW-PAUSE`` reads ``escalation_paused``). The reviewer sees the decision, its
contributions, uncertainty and policy trace, and records ``uphold``, ``modify`` (with the action
to take instead) or ``overturn`` with a rationale and whether the explanation was opened. The
outcome is a new ledger entry naming the original decision and its seq: the decision itself is
never edited.

What an outcome means for the claim afterwards:

- ``uphold``: the decision stands; an action that waited for review may now be carried out (a
  message counts as sent at its planned time), and the next automated decisions about the claim
  treat the review as completed (``human_review_completed``).
- ``modify``: the reviewer's action replaces the decision's; it is checked by the policy gate
  against the decision's own sealed policy input (with the review completed) and refused (422)
  where a rule denies it; it charges no fee. A message counts as sent at its time.
- ``overturn``: the decision is set aside: it must not be carried out (the AR system withdraws
  it if it already did, and any fee it carried is not owed). Automated escalation of the claim
  stays paused until a reviewer or compliance officer resumes it (``escalation_resumed``): a
  person overturned the machine, so the machine does not try again on its own.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.timestamps import as_utc

from .. import outbox
from ..activity import remember
from ..case import CHANNELS
from ..documents import document_of
from ..errors import Conflict, InvalidInput, NotFound, StorageUnavailable, storage_guard
from ..policy import PolicyEngine, PolicyError
from ..policy_input import send_at_local
from ..situation import Activity
from ..tables import DecisionRow
from ._common import RightsContext, iso, seal_text, unseal_entry
from .deadlines import Calendar, sla_state
from .requests import fulfil_request
from .tables import OUTCOMES, ReviewCaseRow, SubjectRequestRow

__all__ = ["AUTOMATIC_REVIEW_WORKING_DAYS", "open_case", "open_automatic_case", "record_outcome", "resume_escalation",
           "review_queue", "review_case", "review_of_decision", "case_document", "PolicyCheckUnavailable", "MODIFIABLE_KINDS"]

# A decision that needs review is reviewed by the end of the third working day after it.
AUTOMATIC_REVIEW_WORKING_DAYS = 3
_CASES = uuid.UUID("8d0f2a6e-5c1b-4f8e-b3a9-2e7c6d5f4a10")
# What a reviewer may order instead: any kind of the contract; the policy gate decides whether it is
# lawful on the decision's own input.
MODIFIABLE_KINDS = ("none", "pre_due_reminder", "reminder", "final_notice", "payment_plan_offer",
                    "collection_handover", "credit_bureau_report")


class PolicyCheckUnavailable(StorageUnavailable):
    """The policy engine could not check a modified action: nothing was recorded (fail closed)."""

    code = "policy_unavailable"


def automatic_due(opened_at: datetime, calendar: Calendar) -> datetime:
    day = calendar.local_date(opened_at)
    for _ in range(AUTOMATIC_REVIEW_WORKING_DAYS):
        day = calendar.working_day_from(day + timedelta(days=1))
    return calendar.end_of(day)


def open_case(session: Session, *, case_id: str, decision: DecisionRow, origin: str, due_at: datetime,
              now: datetime, request_id: str | None = None) -> ReviewCaseRow:
    appended = append(session, kind="review_case_opened", ts=now, body={
        "case_id": case_id, "decision_id": decision.decision_id, "decision_seq": decision.ledger_seq,
        "subject": decision.subject_id, "claim": decision.claim_id, "origin": origin, "request_id": request_id,
        "opened_at": iso(now), "due_at": iso(due_at)})
    case = ReviewCaseRow(case_id=case_id, decision_id=decision.decision_id, decision_seq=decision.ledger_seq,
                         claim_id=decision.claim_id, subject_id=decision.subject_id, origin=origin,
                         request_id=request_id, opened_at=now, due_at=due_at, status="open",
                         opened_seq=appended.seq)
    session.add(case)
    return case


def open_automatic_case(session: Session, decision: DecisionRow, *, now: datetime,
                        calendar: Calendar) -> ReviewCaseRow:
    """The review case of a ``needs_review`` decision (its id derives from the decision's)."""
    return open_case(session, case_id=str(uuid.uuid5(_CASES, decision.decision_id)), decision=decision,
                     origin="automatic", due_at=automatic_due(now, calendar), now=now)


def record_outcome(ctx: RightsContext, case_id: str, *, outcome: str, rationale: str, explanation_opened: bool,
                   action: dict[str, Any] | None, actor: str,
                   policy: Callable[[], PolicyEngine] | None = None) -> dict[str, Any]:
    if outcome not in OUTCOMES:
        raise InvalidInput(f"the outcome is one of: {', '.join(OUTCOMES)}", field="outcome")
    if (outcome == "modify") != (action is not None):
        raise InvalidInput("an action is given exactly when the outcome is modify", field="action")
    now = ctx.clock()
    with storage_guard("the review outcome"), ctx.db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, case_id)
        if case.status != "open":
            raise Conflict("this review is closed already", code="review_closed")
        decision = session.get(DecisionRow, case.decision_id)
        assert decision is not None
        document = document_of(session, decision)
        checked = None
        if outcome == "modify":
            assert action is not None
            checked = _checked_action(session, ctx, decision, action, policy, now=now)
        sealed = seal_text(session, ctx, case.subject_id, {"rationale": rationale}, now=now)
        body: dict[str, Any] = {
            "case_id": case.case_id, "decision_id": case.decision_id, "decision_seq": case.decision_seq,
            "subject": case.subject_id, "claim": case.claim_id, "outcome": outcome,
            "explanation_opened": explanation_opened, "reviewer": actor, "on_time": now < as_utc(case.due_at)}
        if checked is not None:
            body["action"] = checked
        if outcome == "overturn":
            body["effect"] = {"carry_out": False, "fees_owed": False, "escalation": "paused_until_resumed"}
        appended = append(session, kind="review_outcome", ts=now, body=body, sealed=sealed)
        case.status, case.outcome, case.closed_at, case.outcome_seq = "closed", outcome, now, appended.seq
        case.explanation_opened, case.reviewer = explanation_opened, actor
        outbox.review_outcome_recorded(session, body, seq=appended.seq, at=now, decision=document)   # decision.reviewed
        case.outcome_action = json.dumps(checked, sort_keys=True) if checked is not None else None
        carried = checked if outcome == "modify" else document["action"] if outcome == "uphold" else None
        if carried is not None and decision.status == "needs_review":
            _remember_sent(session, decision, carried, seq=appended.seq, now=now)
        if case.request_id is not None:
            request = session.get(SubjectRequestRow, case.request_id)
            if request is not None and request.status == "open":
                fulfil_request(session, request, now=now, outcome=outcome, detail={"case_id": case.case_id},
                               actor=actor)
        uow.commit()
        return case_document(case, now=now)


def resume_escalation(ctx: RightsContext, case_id: str, *, rationale: str, actor: str) -> dict[str, Any]:
    now = ctx.clock()
    with storage_guard("the resumption"), ctx.db.unit_of_work() as uow:
        session = uow.session
        case = _case(session, case_id)
        if case.outcome != "overturn" or case.resumed_at is not None:
            raise Conflict("only an overturned decision's paused escalation can be resumed, once",
                           code="not_paused")
        sealed = seal_text(session, ctx, case.subject_id, {"rationale": rationale}, now=now)
        append(session, kind="escalation_resumed", ts=now, sealed=sealed, body={
            "case_id": case.case_id, "decision_id": case.decision_id, "subject": case.subject_id,
            "claim": case.claim_id, "actor": actor})
        case.resumed_at, case.resumed_by = now, actor
        uow.commit()
        return case_document(case, now=now)


def _checked_action(session: Session, ctx: RightsContext, decision: DecisionRow, action: dict[str, Any],
                    policy: Callable[[], PolicyEngine] | None, *, now: datetime) -> dict[str, Any]:
    """The reviewer's action, checked by the policy gate on the decision's own policy input."""
    kind, channel = action.get("kind"), action.get("channel")
    if kind not in MODIFIABLE_KINDS:
        raise InvalidInput(f"the action's kind is one of: {', '.join(MODIFIABLE_KINDS)}", field="action.kind")
    if channel is not None and channel not in CHANNELS:
        raise InvalidInput(f"the channel is one of: {', '.join(CHANNELS)}", field="action.channel")
    if kind == "none" and channel is not None:
        raise InvalidInput("waiting has no channel", field="action.channel")
    checked = {"kind": kind, "level": action.get("level"), "channel": channel, "tone": action.get("tone"),
               "send_at": action.get("send_at"), "fees": [], "notices": []}
    if kind == "none":
        return checked
    if policy is None:
        raise PolicyCheckUnavailable("no policy engine to check the modified action; nothing was recorded")
    payload = unseal_entry(session, ctx.vault, decision.ledger_seq)
    if payload is None or not payload.get("policy_input"):
        raise Conflict("the decision's inputs cannot be read any more (shredded) or it never reached the policy "
                       "gate: uphold or overturn it instead", code="not_modifiable")
    document = copy.deepcopy(payload["policy_input"])
    document["case"]["invoice"]["human_review_completed"] = True
    document["case"]["invoice"]["escalation_paused"] = False
    document["candidates"] = [{
        "id": "c0", "kind": kind, "level": checked["level"], "channel": channel, "tone": checked["tone"],
        "communication": channel is not None, "profiling": False, "legal_action_threat": False, "notices": [],
        "send_at": None, "send_at_local": _send_at_local(payload, document, _sent_at(action, now)) if channel else None,
        "fees": []}]
    try:
        verdict = policy().evaluate(document).verdicts["c0"]
    except PolicyError as exc:
        raise PolicyCheckUnavailable("the policy engine could not check the modified action; nothing was "
                                     "recorded") from exc
    if not verdict.allow:
        raise InvalidInput("the policy denies this action: " + "; ".join(
            f"{d.rule} ({d.citation}): {d.message}" for d in verdict.deny), field="action")
    checked["notices"] = sorted({o.params["notice"] for o in verdict.obligations if o.kind == "notice"})
    return checked


def _remember_sent(session: Session, decision: DecisionRow, action: dict[str, Any], *, seq: int,
                   now: datetime) -> None:
    """A message released by a review counts as sent (frequency caps, the ladder's level)."""
    if action.get("channel") is None or action.get("kind") in (None, "none"):
        return
    at = _sent_at(action, now)
    remember(session, claim_id=decision.claim_id, subject_id=decision.subject_id, source_id=decision.decision_id,
             ledger_seq=seq, activity=Activity(at=at, activity="dunning", kind=action["kind"],
                                               level=action.get("level"), channel=action["channel"],
                                               decision_id=decision.decision_id,
                                               notices=tuple(action.get("notices") or ())))


def _case(session: Session, case_id: str) -> ReviewCaseRow:
    case = session.get(ReviewCaseRow, case_id)
    if case is None:
        raise NotFound("no review case with this id")
    return case


def _sent_at(action: dict[str, Any], now: datetime) -> datetime:
    """When the reviewer's message goes out: at its time, or at once (never in the past)."""
    if action.get("send_at"):
        return max(now, datetime.fromisoformat(str(action["send_at"]).replace("Z", "+00:00")))
    return now


def _send_at_local(payload: dict[str, Any], document: dict[str, Any], at: datetime) -> dict[str, Any] | None:
    """The reviewer's send instant as the rules read it, in every zone the debtor may be in (from
    the decision's sealed request), each read at that instant; None (which the contact-hours
    rules refuse) when the request no longer says where the debtor may be."""
    debtor = (payload.get("request") or {}).get("debtor") or {}
    own, today = debtor.get("timezone"), document.get("case", {}).get("today")
    if not isinstance(own, str) or not isinstance(today, str):
        return None
    zones = tuple(ZoneInfo(z) for z in dict.fromkeys((own, *(debtor.get("other_timezones") or ()))))
    return send_at_local(at, zones, date.fromisoformat(today))


def case_document(case: ReviewCaseRow, *, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case.case_id, "decision_id": case.decision_id, "decision_seq": case.decision_seq,
        "origin": case.origin, "status": case.status, "opened_at": iso(case.opened_at), "due_at": iso(case.due_at),
        "sla": sla_state(as_utc(case.opened_at), as_utc(case.due_at), now) if case.status == "open" else None,
        "overdue": case.status == "open" and now >= as_utc(case.due_at),
        "outcome": case.outcome, "explanation_opened": case.explanation_opened, "reviewer": case.reviewer,
        "closed_at": iso(case.closed_at), "action": json.loads(case.outcome_action) if case.outcome_action else None,
        "outcome_seq": case.outcome_seq, "request_id": case.request_id,
        "escalation": ("paused" if case.status == "open" or (case.outcome == "overturn" and case.resumed_at is None)
                       else "resumed" if case.resumed_at is not None else "free"),
    }


def queued_cases(session: Session, status: str) -> list[ReviewCaseRow]:
    """The review cases of ``status`` (``open``, ``closed``, anything else: all), soonest due first."""
    query = select(ReviewCaseRow)
    if status in ("open", "closed"):
        query = query.where(ReviewCaseRow.status == status)
    return list(session.scalars(query.order_by(ReviewCaseRow.due_at, ReviewCaseRow.case_id)))


def review_queue(ctx: RightsContext, *, status: str = "open") -> list[dict[str, Any]]:
    """Review cases by due date, soonest first, with their SLA state."""
    now = ctx.clock()
    with storage_guard("the review queue"), ctx.db.reading() as session:
        return [case_document(c, now=now) for c in queued_cases(session, status)]


def review_case(ctx: RightsContext, case_id: str) -> dict[str, Any]:
    """Everything a reviewer needs: the case, the decision as recorded (action, contributions,
    uncertainty, policy trace), the claim's earlier cases, and the debtor's statement."""
    now = ctx.clock()
    with storage_guard("the review case"), ctx.db.reading() as session:
        case = _case(session, case_id)
        decision = session.get(DecisionRow, case.decision_id)
        assert decision is not None
        document = document_of(session, decision)
        explanation = document.get("explanation") or {}
        risk = document.get("risk") or {}
        statement = None
        if case.request_id is not None:
            request = session.get(SubjectRequestRow, case.request_id)
            if request is not None:
                statement = (unseal_entry(session, ctx.vault, request.ledger_seq) or {}).get("statement")
        rationale = (unseal_entry(session, ctx.vault, case.outcome_seq) or {}).get("rationale")
        history = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.claim_id == case.claim_id,
                                                             ReviewCaseRow.case_id != case.case_id)
                                  .order_by(ReviewCaseRow.opened_at)).all()
        return {
            **case_document(case, now=now), "rationale": rationale, "statement": statement,
            "decision": document,
            "contributions": explanation.get("reasons", []),
            "uncertainty": {"p_late": risk.get("p_late"), "uncertainty": risk.get("uncertainty"),
                            "band": risk.get("band"), "profiling": risk.get("profiling"), "model": risk.get("model")},
            "policy_trace": explanation.get("policy", []),
            "claim_history": [case_document(c, now=now) for c in history],
        }


def review_of_decision(session: Session, decision_id: str, *, now: datetime) -> dict[str, Any] | None:
    """The latest review of a decision as the AR system and the debtor see it (None: never reviewed)."""
    case = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.decision_id == decision_id)
                           .order_by(ReviewCaseRow.opened_at.desc(), ReviewCaseRow.case_id).limit(1)).first()
    if case is None:
        return None
    doc = case_document(case, now=now)
    return {key: doc[key] for key in ("case_id", "status", "origin", "opened_at", "due_at", "outcome", "closed_at",
                                      "action", "escalation", "outcome_seq")}
