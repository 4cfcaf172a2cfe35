"""Recording a decision: ledger entry, sealed inputs and read models in the
caller's transaction (one unit of work; all or nothing)."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ledger import LedgerError, append
from ledger.chain import lock_head
from ledger.db import insert_later
from retention import KeyVault

from . import outbox
from .activity import ClaimMemory
from .documents import document_from_entry
from .messages import MessageError, MessageSettings, prepare_message
from .money import format_amount
from .pipeline import Decision, Hold, hold_decision
from .rights._common import DEFAULT_RIGHTS, RightsConfig
from .rights.reviews import open_automatic_case
from .situation import VALIDATION_NOTICE, Activity
from .tables import DecisionRow

__all__ = ["record_decision", "record_or_hold", "record_facts", "claim_facts"]

log = logging.getLogger(__name__)


def record_or_hold(session: Session, decision: Decision, **kwargs: Any) -> dict[str, Any]:
    """Record ``decision``; if the ledger cannot take it as made, record it held
    (fail closed) in the same transaction."""
    try:
        return record_decision(session, decision, **kwargs)
    except LedgerError:
        log.exception("decision %s could not be ledgered; recording it as held", decision.decision_id)
        held = hold_decision(decision, Hold("ledger_error", "the decision could not be ledgered"))
        return record_decision(session, held, **kwargs)
    except MessageError as exc:   # raised before anything is written; never carries personal data
        log.error("decision %s held: its message cannot be rendered: %s", decision.decision_id, exc)
        held = hold_decision(decision, Hold("message_error", str(exc)[:200]))
        return record_decision(session, held, **kwargs)


def record_decision(session: Session, decision: Decision, *, request_json: dict[str, Any], subject_id: str,
                    claim_id: str, vault: KeyVault, memory: ClaimMemory, now: datetime,
                    run: tuple[str, int] | None = None, rights: RightsConfig = DEFAULT_RIGHTS,
                    messages: MessageSettings | None = None) -> dict[str, Any]:
    """Append ``decision`` and project it; return the contract document with ``ledger``.

    The ledger body carries pseudonyms, the decision and the claim's facts (``claim_facts``:
    jurisdiction, amounts, due date; no identifiers); the request (with its
    contact data) and the policy input (with special-category flags) are sealed
    under the subject's key for the record's retention category (``retention/schedule.json``:
    a booking voucher, a business letter, a Regulation F record, …), so erasure can shred them
    and a retention run can shred them when their period ends.

    In the same transaction: a ``needs_review`` decision opens its review case, and the portal
    lookup rows of the subject and claim are written (``rights.portal``).
    """
    lock_head(session)   # serialise before creating a subject key (see ledger.chain)
    document = decision.document()
    # the message's digest (its text never: decisions/messages), rendered before anything is written
    document["message"], message_inputs = prepare_message(
        document, decision.case, messages or MessageSettings(),
        access_code=rights.portal.access_code(subject_id) if rights.portal is not None else None)
    body = {**document, "subject": subject_id, "claim": claim_id, "facts": claim_facts(decision)}
    if run is not None:
        body["run"] = {"run_id": run[0], "item": run[1]}
    placement = rights.schedule.place("decision", record_facts(decision), at=now, claim_id=claim_id)
    sealed = vault.seal(session, subject_id, _sealed_payload(request_json, decision, message_inputs), now=now,
                        category=placement.category, scope=placement.scope)
    try:
        appended = append(session, kind="decision", body=body, ts=now, sealed=sealed)
    except (TypeError, ValueError) as exc:   # not representable as canonical JSON (e.g. NaN)
        raise LedgerError(f"decision {decision.decision_id} cannot be canonicalised: {type(exc).__name__}") from exc
    action = decision.action
    row = {
        "decision_id": decision.decision_id, "ledger_seq": appended.seq, "entry_hash": appended.entry_hash,
        "subject_id": subject_id, "claim_id": claim_id, "as_of": decision.case.as_of, "recorded_at": now,
        "status": decision.status, "action_kind": action.kind if action else "none",
        "level": action.level if action else None, "channel": action.channel if action else None,
        "send_at": action.send_at if action else None, "hold_code": decision.hold.code if decision.hold else None,
        "run_id": run[0] if run else None, "run_item": run[1] if run else None,
    }
    insert_later(session, DecisionRow, row)   # (batch runs: one statement per slice)
    outbox.decision_recorded(session, body, seq=appended.seq, at=now)   # a held decision is told (webhooks, feed)
    if decision.status == "needs_review":
        open_automatic_case(session, DecisionRow(**row), now=now, calendar=rights.calendar)
    if rights.portal is not None:
        rights.portal.remember(session, subject_id=subject_id, claim_id=claim_id,
                               invoice_ref=decision.case.invoice.ref)
    if decision.executes and action is not None and action.send_at is not None:
        memory.add(claim_id=claim_id, subject_id=subject_id, source_id=decision.decision_id,
                   ledger_seq=appended.seq,
                   activity=Activity(at=action.send_at, activity="dunning", kind=action.kind, level=action.level,
                                     channel=action.channel, decision_id=decision.decision_id))
        if VALIDATION_NOTICE in decision.notices:   # 12 CFR 1006.34: later decisions know it was sent
            memory.add(claim_id=claim_id, subject_id=subject_id, source_id=decision.decision_id,
                       ledger_seq=appended.seq,
                       activity=Activity(at=action.send_at, activity="validation_notice_sent",
                                         channel=action.channel, decision_id=decision.decision_id))
    # the answer is the document as the entry holds it, as every later read serves it (a whole
    # float such as 0.0 reads back as 0 from canonical JSON)
    return document_from_entry(appended.entry, seq=appended.seq, decision_id=decision.decision_id)


def claim_facts(decision: Decision) -> dict[str, Any]:
    """The claim's facts as the decision saw them, without identifiers: what the reports need to
    compute collection KPIs (amounts, due date) and count by jurisdiction from the ledger alone."""
    case = decision.case
    invoice = case.invoice
    return {"jurisdiction": case.debtor.jurisdiction, "debtor_kind": case.debtor.kind,
            "currency": invoice.currency, "amount": format_amount(invoice.amount, invoice.currency),
            "open_amount": format_amount(invoice.open_amount, invoice.currency),
            "due_on": invoice.due_on.isoformat()}


def record_facts(decision: Decision) -> dict[str, Any]:
    """What the retention schedule places a decision by (``retention/schedule.json``)."""
    action = decision.action
    acts = decision.status in ("decided", "needs_review") and action is not None and action.kind != "none"
    return {"creditor_role": decision.case.creditor_role, "country": decision.case.debtor.country,
            "debtor_kind": decision.case.debtor.kind,
            "charges": acts and action is not None and bool(action.fees),
            "communicates": acts and action is not None and action.channel is not None}


def _sealed_payload(request_json: dict[str, Any], decision: Decision,
                    message_inputs: dict[str, Any] | None = None) -> bytes:
    payload = {"request": request_json, "policy_input": decision.policy_input}
    if message_inputs is not None:   # what the message is rendered from again (installation defaults included)
        payload["message"] = message_inputs
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
