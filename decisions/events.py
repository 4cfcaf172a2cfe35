"""Events the AR system reports (payments, disputes, promises, contact attempts,
delivery results): ledgered and remembered as claim activity, so later decisions
use them (e.g. contact attempts count towards frequency caps)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import Appended, Database, Sealed, append
from ledger.timestamps import rfc3339
from retention import Pseudonymizer

from .activity import lock_claim, remember
from .errors import InvalidInput
from .experiment_results import GUARDRAIL_EVENTS, enforce_guardrails
from .idempotency import IdempotencyKey, Outcome, idempotent, remember_response, request_digest
from .money import format_amount
from .situation import Activity
from .tables import DecisionRow

__all__ = ["EVENT_TYPES", "PORTAL_EVENT_TYPES", "CLOSE_REASONS", "DELIVERY_STATUSES", "ReportedEvent", "EventRecorder",
           "append_event"]

log = logging.getLogger(__name__)

EVENT_TYPES = ("payment_received", "partial_payment", "dispute_opened", "dispute_closed", "promise_to_pay",
               "contact_attempt", "delivery_result", "claim_closed", "channel_opted_out", "complaint_received",
               "validation_notice_sent")
# What the debtor reports through the portal (``decisions.rights.debtor_actions``), never accepted
# from an AR system: ``payment_reported`` ("I already paid", with the day and perhaps the amount)
# holds the claim like a dispute until the AR system answers (a payment_received or
# partial_payment: confirmed; a dispute_closed: checked, no such payment); ``payment_plan_requested``
# names the review case a person works the request in. The portal also records ``dispute_opened``
# and ``channel_opted_out`` (with ``source`` ``debtor``), which the AR system may report too.
PORTAL_EVENT_TYPES = ("payment_reported", "payment_plan_requested")
# Why a claim ended (``claim_closed``): the outcomes learning reads (issue 19) and no further dunning.
CLOSE_REASONS = ("paid", "written_off", "sold", "cancelled")
DELIVERY_STATUSES = ("delivered", "bounced", "failed", "returned")
# Clocks of AR systems drift; an event reported from further ahead is refused.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ReportedEvent:
    type: str
    at: datetime
    debtor_ref: str
    invoice_ref: str
    channel: str | None = None          # contact_attempt, delivery_result, validation_notice_sent
    connected: bool | None = None       # contact_attempt
    status: str | None = None           # delivery_result
    decision_id: str | None = None      # delivery_result: which decision's message
    amount: Decimal | None = None       # payments, promise_to_pay
    currency: str | None = None
    on_date: date | None = None         # paid on / promised for
    reason: str | None = None           # dispute reason or resolution code; why a claim closed

    def details(self) -> dict[str, Any]:
        """The event's facts without references (what the ledger body keeps)."""
        details: dict[str, Any] = {}
        for name in ("channel", "connected", "status", "decision_id", "currency", "reason"):
            value = getattr(self, name)
            if value is not None:
                details[name] = value
        if self.amount is not None and self.currency is not None:
            details["amount"] = format_amount(self.amount, self.currency)
        if self.on_date is not None:
            details["on_date"] = self.on_date.isoformat()
        return details

    def activity(self) -> Activity:
        on_date = self.on_date
        if on_date is None and self.type in ("payment_received", "partial_payment"):
            on_date = self.at.date()
        return Activity(at=self.at, activity=self.type, channel=self.channel, connected=self.connected,
                        on_date=on_date, decision_id=self.decision_id, status=self.status)


class EventRecorder:
    def __init__(self, *, db: Database, pseudonyms: Pseudonymizer, clock: Callable[[], datetime],
                 new_id: Callable[[], str]) -> None:
        self._db = db
        self._pseudonyms = pseudonyms
        self._clock = clock
        self._new_id = new_id

    def record(self, event: ReportedEvent, request_json: dict[str, Any], *, client_id: str | None = None,
               idempotency_key: str | None = None) -> Outcome:
        key = None
        if idempotency_key is not None and client_id is not None:
            key = IdempotencyKey(client_id, idempotency_key, "events", request_digest(request_json))
        return idempotent(self._db, key, lambda: self._record(event, key))

    def _record(self, event: ReportedEvent, key: IdempotencyKey | None) -> dict[str, Any]:
        now = self._clock()
        if event.at > now + FUTURE_TOLERANCE:
            raise InvalidInput("the event lies in the future", field="at")
        subject_id = self._pseudonyms.subject(event.debtor_ref)
        claim_id = self._pseudonyms.claim(event.debtor_ref, event.invoice_ref)
        event_id = self._new_id()
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_claim(session, claim_id)
            if event.decision_id is not None:
                about = session.scalar(select(DecisionRow.claim_id).where(DecisionRow.decision_id == event.decision_id))
                if about != claim_id:
                    raise InvalidInput("no decision with this id about this invoice", field="decision_id")
            appended = append_event(session, event_id=event_id, type_=event.type, subject_id=subject_id,
                                    claim_id=claim_id, at=event.at, details=event.details(),
                                    activity=event.activity(), now=now)
            document = {"event_id": event_id, "type": event.type, "at": rfc3339(event.at),
                        "ledger": {"seq": appended.seq, "entry_hash": appended.entry_hash}}
            remember_response(session, key, resource_id=event_id, response=document, now=now)
            uow.commit()
        log.info("event %s recorded: %s", event_id, event.type)
        return document


def append_event(session: Session, *, event_id: str, type_: str, subject_id: str, claim_id: str, at: datetime,
                 details: dict[str, Any], activity: Activity, now: datetime, sealed: Sealed | None = None,
                 actor: str | None = None) -> Appended:
    """One ``event`` entry about a claim and its ``claim_activity`` row, in the caller's
    transaction (which holds ``lock_claim``): the AR system's events and the debtor's from the
    portal alike. ``details`` are codes, dates and amounts, never free text (that is ``sealed``)."""
    body: dict[str, Any] = {"event_id": event_id, "type": type_, "subject": subject_id, "claim": claim_id,
                            "at": rfc3339(at), "details": details}
    if actor is not None:
        body["actor"] = actor
    appended = append(session, kind="event", body=body, ts=now, sealed=sealed)
    remember(session, claim_id=claim_id, subject_id=subject_id, source_id=event_id, ledger_seq=appended.seq,
             activity=activity)
    if type_ in GUARDRAIL_EVENTS.values():
        enforce_guardrails(session, now=now)   # a dispute, complaint or opt-out may stop an arm
    return appended
