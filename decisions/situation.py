"""The situation at ``as_of``: the case as the AR system sent it, united with what
fairdun remembers about the claim (its own executed decisions and the events the
AR system reported). Features, strategy and policy input all read this one view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .case import Case, ContactAttempt, DunningStep

__all__ = ["Activity", "Situation", "situate"]

UNDELIVERED = frozenset({"bounced", "failed", "returned"})
VALIDATION_NOTICE = "validation_notice"   # the notice code of rules/us/validation_notice.rego


@dataclass(frozen=True, slots=True)
class Activity:
    """One remembered fact about a claim (a projection row, as the domain sees it)."""

    at: datetime
    activity: str                 # dunning | contact_attempt | payment_received | partial_payment |
                                  # dispute_opened | dispute_closed | promise_to_pay | delivery_result |
                                  # claim_closed | channel_opted_out | complaint_received |
                                  # validation_notice_sent; from the debtor through the portal:
                                  # payment_reported, payment_plan_requested
    kind: str | None = None       # dunning kind
    level: int | None = None
    channel: str | None = None
    connected: bool | None = None
    on_date: date | None = None   # promised or paid on
    decision_id: str | None = None
    status: str | None = None     # delivery status
    notices: tuple[str, ...] = ()  # dunning: the notices the message carried (first-contact duties read them)


@dataclass(frozen=True, slots=True)
class Situation:
    case: Case
    today: date                   # as_of in the debtor's time zone
    days_past_due: int
    disputed: bool
    settled: bool
    closed: bool                  # the AR system reported claim_closed: no further dunning
    opted_out_channels: tuple[str, ...]   # the request's, and those a channel_opted_out event named
    promise_to_pay_on: date | None
    last_payment_on: date | None
    dunning: tuple[DunningStep, ...]      # delivered or presumed delivered, oldest first
    contacts: tuple[ContactAttempt, ...]  # oldest first
    # 12 CFR 1006.34: the latest day (local at the debtor) a validation notice was sent: the
    # request's date, an event validation_notice_sent, or a message that carried the notice
    validation_notice_sent_on: date | None = None
    # the day the debtor said (in the portal) they paid, while the AR system has not answered it
    # with a payment (confirmed) or a dispute_closed (checked: no such payment); the claim counts
    # as disputed meanwhile (the debtor objects that it is paid: BGB § 362; FDCPA a dispute)
    payment_reported_on: date | None = None

    @property
    def level_reached(self) -> int:
        """Highest ladder level already sent (-1 when none)."""
        return max((step.level for step in self.dunning), default=-1)

    @property
    def last_notice_at(self) -> datetime | None:
        return self.dunning[-1].at if self.dunning else None


def situate(case: Case, remembered: tuple[Activity, ...] = ()) -> Situation:
    """Unite the request with remembered activity strictly before ``as_of``."""
    past = sorted((a for a in remembered if a.at < case.as_of), key=lambda a: a.at)
    undelivered = {a.decision_id for a in past
                   if a.activity == "delivery_result" and a.status in UNDELIVERED and a.decision_id}

    dunning = {(s.kind, s.level, s.channel, s.at.date()): s for s in case.history.dunning}
    contacts = {(c.channel, c.at): c for c in case.history.contacts}
    disputed = case.invoice.disputed
    settled = closed = False
    opted_out = set(case.debtor.opted_out_channels)
    promise = case.invoice.promise_to_pay_on
    last_payment = case.invoice.last_payment_on
    dispute_event: str | None = None
    payment_reported: date | None = None
    zone = ZoneInfo(case.debtor.timezone)
    validation_days = {case.invoice.validation_notice_sent_on}
    for a in past:
        if a.activity == "dunning" and a.decision_id not in undelivered:
            step = DunningStep(at=a.at, kind=a.kind or "reminder", level=a.level or 0, channel=a.channel,
                               notices=a.notices)
            key = (step.kind, step.level, step.channel, step.at.date())
            known = dunning.get(key)
            # the AR system's echo of a message fairdun sent may leave out the notices it carried
            dunning[key] = step if known is None else replace(
                known, notices=tuple(sorted(set(known.notices) | set(step.notices))))
        elif a.activity == "contact_attempt":
            attempt = ContactAttempt(at=a.at, channel=a.channel or "phone", connected=bool(a.connected))
            contacts.setdefault((attempt.channel, attempt.at), attempt)
        elif a.activity in ("dispute_opened", "dispute_closed"):
            dispute_event = a.activity
            if a.activity == "dispute_closed":
                payment_reported = None   # the AR system checked the reported payment: none arrived
        elif a.activity == "promise_to_pay" and a.on_date is not None:
            promise = a.on_date if promise is None else max(promise, a.on_date)
        elif a.activity in ("payment_received", "partial_payment"):
            paid_on = a.on_date or a.at.date()
            last_payment = paid_on if last_payment is None else max(last_payment, paid_on)
            settled = settled or a.activity == "payment_received"
            payment_reported = None       # the AR system booked a payment: the report is answered
        elif a.activity == "payment_reported":
            payment_reported = a.on_date or a.at.date()
        elif a.activity == "claim_closed":
            closed = True
        elif a.activity == "channel_opted_out" and a.channel:
            opted_out.add(a.channel)
        elif a.activity == "validation_notice_sent":
            validation_days.add(a.at.astimezone(zone).date())
    # The AR system's own flag wins when it says "disputed"; an open dispute it
    # reported through /v1/events counts too (in dubio pro debitore).
    # A payment the debtor reported and the AR system has not answered holds the claim as a dispute
    # does (fail closed: no reminder, fee or escalation chases money that may have been paid).
    disputed = disputed or dispute_event == "dispute_opened" or payment_reported is not None

    # a message that carried the notice: reported in the request's history, or one fairdun decided
    # (its memory keeps the notices; an undelivered one is not in ``dunning``)
    validation_days |= {s.at.astimezone(zone).date() for s in dunning.values() if VALIDATION_NOTICE in s.notices}
    today = case.as_of.astimezone(zone).date()
    sent_days = [d for d in validation_days if d is not None]
    return Situation(
        case=case,
        today=today,
        days_past_due=(today - case.invoice.due_on).days,
        disputed=disputed,
        settled=settled or case.invoice.open_amount == 0,
        closed=closed,
        opted_out_channels=tuple(sorted(opted_out)),
        promise_to_pay_on=promise,
        last_payment_on=last_payment,
        dunning=tuple(sorted(dunning.values(), key=lambda s: s.at)),
        contacts=tuple(sorted(contacts.values(), key=lambda c: c.at)),
        validation_notice_sent_on=max(sent_days, default=None),
        payment_reported_on=payment_reported,
    )
