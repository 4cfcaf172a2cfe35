"""The reviewer's desk: the review queue with the claim's facts, sortable and filterable, the
case with its facts, timeline and reasons for review, and assignment of cases to staff.

Everything shown is read from the ledger or from read models that verification checks
(``decisions.read_models``): the decision entry's ``facts`` (jurisdiction, amounts, due date), its
contract document (action, fees, policy trace), ``claim_activity`` with the entries it points at
(messages sent, payments, disputes, promises, contacts), the claim's decisions and review cases,
and the decision's sealed request (under the subject's key, gone once erased) for what only it
holds: the invoice number, its issue date, the debtor's language, time zone and consents, and the
dunning and contacts the AR system reported. No name, address, e-mail or phone number.

Assignment (``assign_case``) is a ledger event, ``review_case_assigned`` ``{case_id, assignee,
actor}`` with staff ids (``staff:<id>``, ``assignee`` null when unassigned), projected onto the
case's ``assignee`` / ``assigned_at`` / ``assigned_seq`` in the same transaction; verification
compares them with the case's latest such entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.tables import LedgerEntry

from ..errors import Conflict, InvalidInput, NotFound, storage_guard
from ..tables import ClaimActivityRow, DecisionRow
from ._common import RightsContext, iso, unseal_entry
from .reviews import case_document, queued_cases
from .tables import ReviewCaseRow, StaffUserRow, SubjectRequestRow

__all__ = ["REVIEW_REASONS", "REASON_LABELS", "QUEUE_SORTS", "REVIEWER_ROLES", "review_desk_queue", "review_desk_case", "assign_case",
           "assignable_staff", "staff_names"]

# Why a case is in review, in plain words for staff (the debtor's words are decisions/texts.json's).
REVIEW_REASONS = {
    "debtor_request": "The debtor asked for a person to review this decision (GDPR Art. 22(3)).",
    "payment_plan": "The debtor asked for a payment plan in the portal: agree one (modify the step) or "
                    "explain why not; nothing escalates while the case is open.",
    "significant_effect": "The step has a legal or similarly significant effect (collection handover, "
                          "credit-bureau report): a person decides it.",
    "uncertain_score": "The risk score is uncertain: its safeguard interval reaches into more than one risk band.",
    "input_out_of_range": "A fact of this case lies outside what the risk model was trained on.",
    "special_category_data": "Special-category data (e.g. health) concern this debtor: nothing is done "
                             "automatically.",
    "forbearance": "Forbearance applies to this debtor (e.g. hardship or vulnerability): a person decides.",
    "global_stop": "Automated decisions are paused for the whole installation (global stop).",
    "unreviewed_jurisdiction": "This step has no reviewed rule set for the debtor's jurisdiction.",
    "human_review": "A rule requires human review of this step.",
}
# ... and in a word or two, for the queue and its filter
REASON_LABELS = {"debtor_request": "debtor asked", "payment_plan": "payment plan asked", "significant_effect": "significant effect",
                 "uncertain_score": "uncertain score", "input_out_of_range": "input out of range",
                 "special_category_data": "special-category data", "forbearance": "forbearance",
                 "global_stop": "global stop", "unreviewed_jurisdiction": "unreviewed jurisdiction",
                 "human_review": "rule requires review"}
QUEUE_SORTS = ("due", "invoice_due", "amount_desc", "amount_asc", "jurisdiction", "assignee")
REVIEWER_ROLES = ("reviewer", "compliance_officer")
_REVIEW_PREFIX = "human review required:"


# -- reading --------------------------------------------------------------------------------------

def _entry_bodies(session: Session, seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = sorted({s for s in seqs if s is not None})
    bodies: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        for seq, entry in session.execute(select(LedgerEntry.seq, LedgerEntry.entry)
                                          .where(LedgerEntry.seq.in_(wanted[start:start + 500]))):
            bodies[seq] = json.loads(entry).get("body") or {}
    return bodies


def _plan_cases(session: Session, claim_ids: Iterable[str]) -> set[str]:
    """The review cases opened (or joined) for a debtor's payment-plan request among these claims'."""
    wanted = sorted(set(claim_ids))
    seqs: list[int] = []
    for start in range(0, len(wanted), 500):
        seqs += session.scalars(select(ClaimActivityRow.ledger_seq).where(
            ClaimActivityRow.claim_id.in_(wanted[start:start + 500]),
            ClaimActivityRow.activity == "payment_plan_requested")).all()
    return {str(case_id) for body in _entry_bodies(session, seqs).values()
            if (case_id := (body.get("details") or {}).get("case_id"))}


def _reasons(origin: str, decision_body: dict[str, Any], *, plan: bool = False) -> list[dict[str, Any]]:
    """Why the case is in review: the debtor's request (for a review or a payment plan), and each
    human-review obligation of the decision's policy trace (its reason code in words, with the
    rules that set it)."""
    found: dict[str, dict[str, Any]] = {}
    if plan:
        found["payment_plan"] = _reason("payment_plan")
    elif origin == "debtor":
        found["debtor_request"] = _reason("debtor_request")
    for step in (decision_body.get("explanation") or {}).get("policy") or []:
        if not isinstance(step, dict) or step.get("obligation") != "human_review":
            continue
        message = str(step.get("message") or "")
        code = message[len(_REVIEW_PREFIX):].strip() if message.startswith(_REVIEW_PREFIX) else ""
        code = code if code in REVIEW_REASONS else "human_review"
        reason = found.setdefault(code, _reason(code))
        rule = {"rule": step.get("rule"), "citation": step.get("citation")}
        if rule not in reason["rules"]:
            reason["rules"].append(rule)
    if not found:
        found["human_review"] = _reason("human_review")
    return list(found.values())


def _reason(code: str) -> dict[str, Any]:
    return {"code": code, "label": REASON_LABELS[code], "words": REVIEW_REASONS[code], "rules": []}


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def staff_names(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """``staff:<id>`` -> the account's name (disabled accounts too: what they did stays theirs)."""
    ids = {a.removeprefix("staff:") for a in actors if a and a.startswith("staff:")}
    if not ids:
        return {}
    rows = session.execute(select(StaffUserRow.user_id, StaffUserRow.name).where(StaffUserRow.user_id.in_(sorted(ids))))
    return {f"staff:{user_id}": name for user_id, name in rows}


def assignable_staff(ctx: RightsContext) -> list[dict[str, str]]:
    """The enabled reviewers and compliance officers, by name: who a case can be assigned to."""
    with storage_guard("the staff list"), ctx.db.reading() as session:
        rows = session.execute(select(StaffUserRow.user_id, StaffUserRow.name, StaffUserRow.role)
                               .where(StaffUserRow.disabled_at.is_(None), StaffUserRow.role.in_(REVIEWER_ROLES))
                               .order_by(StaffUserRow.name)).all()
    return [{"id": f"staff:{user_id}", "name": name, "role": role} for user_id, name, role in rows]


def _row(case: ReviewCaseRow, body: dict[str, Any], payload: dict[str, Any], names: dict[str, str],
         now: datetime, plans: set[str]) -> dict[str, Any]:
    facts = body.get("facts") or {}
    invoice = (payload.get("request") or {}).get("invoice") or {}
    action = body.get("action") or {}
    return {
        **case_document(case, now=now),
        "invoice_ref": invoice.get("ref"), "jurisdiction": facts.get("jurisdiction"),
        "currency": facts.get("currency"), "open_amount": facts.get("open_amount"), "amount": facts.get("amount"),
        "invoice_due_on": facts.get("due_on"), "action_kind": action.get("kind") or "none",
        "reasons": _reasons(case.origin, body, plan=case.case_id in plans),
        "assignee": case.assignee, "assignee_name": names.get(case.assignee or "", case.assignee),
        "assigned_at": iso(case.assigned_at), "reviewer_name": names.get(case.reviewer or "", case.reviewer),
    }


def review_desk_queue(ctx: RightsContext, *, status: str = "open", reason: str | None = None,
                      jurisdiction: str | None = None, assignee: str | None = None, sort: str = "due",
                      me: str | None = None) -> dict[str, Any]:
    """The queue as the console shows it: each case with its claim's facts, reasons and assignee,
    filtered (``reason`` code; ``jurisdiction``: the country, or a subdivision such as ``US-NY``;
    ``assignee``: ``me``, ``none`` or ``staff:<id>``) and sorted (``QUEUE_SORTS``; review due date
    first by default; ties by review due date). Also returns what the filters can choose from."""
    if sort not in QUEUE_SORTS:
        raise InvalidInput(f"the sort is one of: {', '.join(QUEUE_SORTS)}", field="sort")
    now = ctx.clock()
    with storage_guard("the review queue"), ctx.db.reading() as session:
        cases = queued_cases(session, status)
        bodies = _entry_bodies(session, [c.decision_seq for c in cases])
        names = staff_names(session, [c.assignee for c in cases] + [c.reviewer for c in cases])
        plans = _plan_cases(session, [c.claim_id for c in cases])
        rows = [_row(c, bodies.get(c.decision_seq, {}), unseal_entry(session, ctx.vault, c.decision_seq) or {},
                     names, now, plans) for c in cases]
    choices = {"reasons": sorted({r["code"] for row in rows for r in row["reasons"]}),
               "jurisdictions": sorted({row["jurisdiction"] for row in rows if row["jurisdiction"]}),
               "assignees": sorted({(row["assignee"], row["assignee_name"]) for row in rows if row["assignee"]},
                                   key=lambda pair: str(pair[1]))}
    if reason:
        rows = [row for row in rows if any(r["code"] == reason for r in row["reasons"])]
    if jurisdiction:
        rows = [row for row in rows if row["jurisdiction"] and (row["jurisdiction"] == jurisdiction
                                                                 or row["jurisdiction"].startswith(jurisdiction + "-"))]
    if assignee:
        wanted = None if assignee == "none" else me if assignee == "me" else assignee
        rows = [row for row in rows if row["assignee"] == wanted]
    rows = _sorted(rows, sort)
    return {"cases": rows, "choices": choices, "total": len(rows)}


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Stable sorts over the queue's order (review due date, case id); missing values last."""
    if sort == "invoice_due":
        return sorted(rows, key=lambda r: (r["invoice_due_on"] is None, r["invoice_due_on"] or ""))
    if sort in ("amount_desc", "amount_asc"):
        sign = -1 if sort == "amount_desc" else 1
        amounts = [(_decimal(r["open_amount"]), r) for r in rows]
        return [r for _, r in sorted(amounts, key=lambda p: (p[0] is None, sign * (p[0] or 0), p[1]["currency"] or ""))]
    if sort == "jurisdiction":
        return sorted(rows, key=lambda r: (r["jurisdiction"] is None, r["jurisdiction"] or ""))
    if sort == "assignee":
        return sorted(rows, key=lambda r: (r["assignee"] is None, str(r["assignee_name"] or "").lower()))
    return rows


def review_desk_case(ctx: RightsContext, case_id: str) -> dict[str, Any]:
    """The case as the console shows it: ``rights.review_case``'s document plus ``facts`` (the
    claim's), ``reasons`` (why it is in review), ``timeline`` (oldest first) and staff names."""
    from .reviews import review_case

    document = review_case(ctx, case_id)
    now = ctx.clock()
    with storage_guard("the review case"), ctx.db.reading() as session:
        case = session.get(ReviewCaseRow, case_id)
        if case is None:
            raise NotFound("no review case with this id")
        body = _entry_bodies(session, [case.decision_seq]).get(case.decision_seq, {})
        payload = unseal_entry(session, ctx.vault, case.decision_seq) or {}
        timeline, payments = _timeline(session, ctx, case, payload)
        others = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.claim_id == case.claim_id)).all()
        names = staff_names(session, [case.assignee, case.reviewer, case.resumed_by]
                            + [c.reviewer for c in others] + [c.assignee for c in others])
        history = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.claim_id == case.claim_id,
                                                             ReviewCaseRow.case_id != case.case_id)
                                  .order_by(ReviewCaseRow.opened_at)).all()
        row = _row(case, body, payload, names, now, _plan_cases(session, [case.claim_id]))
    for entry in timeline:
        if entry.get("by"):
            entry["by_name"] = names.get(entry["by"], entry["by"])
    return {**document, **{k: row[k] for k in ("invoice_ref", "jurisdiction", "reasons", "assignee", "assignee_name",
                                                "assigned_at", "reviewer_name")},
            "facts": _facts(body, payload, payments), "timeline": timeline,
            "resumed_by_name": names.get(case.resumed_by or "", case.resumed_by),
            "claim_history": [{**case_document(c, now=now), "reviewer_name": names.get(c.reviewer or "", c.reviewer)}
                              for c in history]}


def _facts(body: dict[str, Any], payload: dict[str, Any], payments: dict[str, Decimal]) -> dict[str, Any]:
    """The claim's facts a reviewer needs: amounts from the decision entry (verified), what only
    the sealed request holds (None once erased), and what the decision charges."""
    facts = body.get("facts") or {}
    request = payload.get("request") or {}
    invoice = request.get("invoice") or {}
    debtor = request.get("debtor") or {}
    currency = facts.get("currency")
    fees = [{"kind": f.get("kind"), "amount": f.get("amount"), "currency": f.get("currency"), "basis": f.get("basis")}
            for f in (body.get("action") or {}).get("fees") or [] if isinstance(f, dict)]
    open_amount = _decimal(facts.get("open_amount"))
    charged = sum((_decimal(f["amount"]) or Decimal(0) for f in fees if f["currency"] == currency), Decimal(0))
    return {
        "invoice_ref": invoice.get("ref"), "jurisdiction": facts.get("jurisdiction"),
        "debtor_kind": facts.get("debtor_kind"), "currency": currency, "amount": facts.get("amount"),
        "open_amount": facts.get("open_amount"), "due_on": facts.get("due_on"), "issued_on": invoice.get("issued_on"),
        "disputed": invoice.get("disputed"), "promise_to_pay_on": invoice.get("promise_to_pay_on"),
        "fees": fees, "owed": str(open_amount + charged) if open_amount is not None else None,
        "paid": {cur: str(total) for cur, total in payments.items()},
        "language": debtor.get("language"), "timezone": debtor.get("timezone"),
        "consents": sorted(k for k, v in (debtor.get("consents") or {}).items() if v is True),
        "sealed_available": bool(request),
    }


_EVENT_WORDS = {
    "payment_received": "Payment received", "partial_payment": "Part payment received",
    "dispute_opened": "Dispute opened", "dispute_closed": "Dispute closed", "promise_to_pay": "Promise to pay",
    "contact_attempt": "Contact attempt", "delivery_result": "Delivery result", "claim_closed": "Claim closed",
    "channel_opted_out": "Channel opted out", "complaint_received": "Complaint received",
    "validation_notice_sent": "Validation notice sent",
    "payment_reported": "The debtor reported a payment (not yet confirmed by the AR system)",
    "payment_plan_requested": "The debtor asked for a payment plan",
}
_GROUPS = {"payment_received": "payment", "partial_payment": "payment", "payment_reported": "payment",
           "payment_plan_requested": "statement", "dispute_opened": "dispute",
           "dispute_closed": "dispute", "promise_to_pay": "promise", "contact_attempt": "contact",
           "delivery_result": "message", "validation_notice_sent": "message"}


def _action_words(kind: Any, level: Any = None, channel: Any = None) -> str:
    words = str(kind or "none").replace("_", " ")
    if level is not None:
        words += f", level {level}"
    if channel:
        words += f", by {channel}"
    return words


def _timeline(session: Session, ctx: RightsContext, case: ReviewCaseRow,
              payload: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    """The claim's story, oldest first: ``{at | on, group, text, by?, amount?, currency?, detail?}``."""
    items: list[dict[str, Any]] = []
    request = payload.get("request") or {}
    invoice = request.get("invoice") or {}
    if invoice.get("issued_on"):
        items.append({"on": invoice["issued_on"], "group": "invoice",
                      "text": "Invoice issued", "amount": invoice.get("amount"), "currency": invoice.get("currency")})
    if invoice.get("due_on"):
        items.append({"on": invoice["due_on"], "group": "invoice", "text": "Invoice due"})
    remembered = session.scalars(select(ClaimActivityRow).where(ClaimActivityRow.claim_id == case.claim_id)
                                 .order_by(ClaimActivityRow.at, ClaimActivityRow.id)).all()
    sent = {(iso(r.at), r.kind, r.level, r.channel) for r in remembered if r.activity == "dunning"}
    history = request.get("history") or {}
    for step in history.get("dunning") or []:     # reported by the AR system (before fairdun's own)
        if isinstance(step, dict) and (step.get("at"), step.get("kind"), step.get("level"), step.get("channel")) not in sent:
            items.append({"at": step.get("at"), "group": "message",
                          "text": f"Reminder sent (reported by the AR system): "
                                  f"{_action_words(step.get('kind'), step.get('level'), step.get('channel'))}"})
    for contact in history.get("contacts") or []:
        if isinstance(contact, dict):
            connected = "reached" if contact.get("connected") else "not reached"
            items.append({"at": contact.get("at"), "group": "contact",
                          "text": f"Contact attempt by {contact.get('channel')} (reported by the AR system): {connected}"})
    bodies = _entry_bodies(session, [r.ledger_seq for r in remembered])
    payments: dict[str, Decimal] = {}
    for row in remembered:
        details = bodies.get(row.ledger_seq, {}).get("details") or {}
        if row.activity == "dunning":
            items.append({"at": iso(row.at), "group": "message", "seq": row.ledger_seq,
                          "text": f"Message sent: {_action_words(row.kind, row.level, row.channel)}"})
            continue
        text = _EVENT_WORDS.get(row.activity, row.activity.replace("_", " ").capitalize())
        extra = [str(details[k]).replace("_", " ") for k in ("channel", "status", "reason") if details.get(k)]
        if row.activity == "contact_attempt" and row.connected is not None:
            extra.append("reached" if row.connected else "not reached")
        if details.get("on_date") and row.activity == "promise_to_pay":
            extra.append(f"for {details['on_date']}")
        item = {"at": iso(row.at), "group": _GROUPS.get(row.activity, "event"), "seq": row.ledger_seq,
                "text": text + (f" ({', '.join(extra)})" if extra else ""),
                "amount": details.get("amount"), "currency": details.get("currency")}
        if row.activity in ("payment_plan_requested", "dispute_opened", "payment_reported"):
            # the debtor's own words are sealed with the event (gone once the subject is erased)
            statement = (unseal_entry(session, ctx.vault, row.ledger_seq) or {}).get("statement")
            if statement:
                item["detail"] = statement
        items.append(item)
        amount = _decimal(details.get("amount"))
        if row.activity in ("payment_received", "partial_payment") and amount is not None and details.get("currency"):
            payments[details["currency"]] = payments.get(details["currency"], Decimal(0)) + amount
    decisions = session.scalars(select(DecisionRow).where(DecisionRow.claim_id == case.claim_id)
                                .order_by(DecisionRow.recorded_at, DecisionRow.ledger_seq)).all()
    for decision in decisions:
        status = {"needs_review": "needs review", "held": f"held ({decision.hold_code})"}.get(decision.status,
                                                                                              decision.status)
        this = " — the decision under review" if decision.decision_id == case.decision_id else ""
        items.append({"at": iso(decision.recorded_at), "group": "decision", "seq": decision.ledger_seq,
                      "text": f"Decision: {_action_words(decision.action_kind, decision.level, decision.channel)}; "
                              f"{status}{this}"})
    cases = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.claim_id == case.claim_id)).all()
    for other in cases:
        origin = "the debtor asked for it" if other.origin == "debtor" else "the decision needed review"
        items.append({"at": iso(other.opened_at), "group": "review", "seq": other.opened_seq,
                      "text": f"Review opened ({origin})"})
        if other.outcome_seq is not None:
            items.append({"at": iso(other.closed_at), "group": "review", "seq": other.outcome_seq,
                          "text": f"Review outcome: {other.outcome}", "by": other.reviewer})
        if other.request_id is not None:
            request_row = session.get(SubjectRequestRow, other.request_id)
            if request_row is not None:
                statement = (unseal_entry(session, ctx.vault, request_row.ledger_seq) or {}).get("statement")
                items.append({"at": iso(request_row.received_at), "group": "statement", "seq": request_row.ledger_seq,
                              "text": "The debtor asked for a human review", "detail": statement})
    return sorted(items, key=_when), payments


def _when(item: dict[str, Any]) -> tuple[str, int]:
    """Moments and days on one axis: a day counts from its start (UTC), ties by ledger order."""
    at = item.get("at") or (f"{item['on']}T00:00:00Z" if item.get("on") else "")
    return str(at), int(item.get("seq") or -1)


# -- assignment -----------------------------------------------------------------------------------

def assign_case(ctx: RightsContext, case_id: str, *, assignee: str | None, actor: str) -> dict[str, Any]:
    """Assign the open case to ``assignee`` (``staff:<id>`` of an enabled reviewer or compliance
    officer), or unassign it (None). A ledger event; refuses a closed case and a change that
    changes nothing (409)."""
    now = ctx.clock()
    with storage_guard("the assignment"), ctx.db.unit_of_work() as uow:
        session = uow.session
        case = session.get(ReviewCaseRow, case_id)
        if case is None:
            raise NotFound("no review case with this id")
        if case.status != "open":
            raise Conflict("this review is closed already", code="review_closed")
        if assignee is not None:
            user = session.get(StaffUserRow, assignee.removeprefix("staff:")) if assignee.startswith("staff:") else None
            if user is None or user.disabled_at is not None or user.role not in REVIEWER_ROLES:
                raise InvalidInput("no enabled reviewer or compliance officer with this id", field="assignee")
        if case.assignee == assignee:
            raise Conflict("the case is assigned so already" if assignee else "the case is not assigned",
                           code="assignment_unchanged")
        appended = append(session, kind="review_case_assigned", ts=now,
                          body={"case_id": case.case_id, "assignee": assignee, "actor": actor})
        case.assignee, case.assigned_at, case.assigned_seq = assignee, now, appended.seq
        uow.commit()
        return {"case_id": case_id, "assignee": assignee, "assigned_at": iso(now), "seq": appended.seq}
