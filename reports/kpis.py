"""Collection KPIs from what fairdun knows: its decisions (with the claim's facts as the AR
system reported them) and the events the AR system reported (payments, promises to pay).

fairdun sees only the invoices an AR system refers to it, never the creditor's sales ledger. A
KPI that needs a figure fairdun does not have is reported as not computable, with what is
missing, never estimated. Every formula is in ``FORMULAS`` (printed in the report's appendix)
and the code below follows it literally.

Time: the period is ``[start, end)``; ``end`` is already cut at the report's ``now``. A claim's
state at a moment ``t`` is what the ledger said by then (entries recorded before ``t``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["DecisionFact", "PaymentFact", "PromiseFact", "collection_kpis", "FORMULAS", "DUNNING_KINDS"]

# A decision that tells the AR system to communicate is dunning; "none" is waiting.
DUNNING_KINDS = frozenset({"pre_due_reminder", "reminder", "final_notice", "payment_plan_offer",
                           "collection_handover", "credit_bureau_report"})

FORMULAS: dict[str, dict[str, str]] = {
    "dso": {
        "name": "Days sales outstanding (DSO)",
        "formula": "DSO = receivables at the end of the period / credit sales of the period × days in the period",
        "fairdun": "Not computable: fairdun does not know the creditor's credit sales or its receivables "
                   "outside the invoices referred to it (an invoice paid on time is never referred).",
    },
    "cei": {
        "name": "Collection effectiveness index (CEI), referred claims",
        "formula": "CEI = (B + N − T) / (B + N − C) × 100, per currency, where B = open amount of the referred "
                   "claims at the start of the period, N = open amount of claims first referred during the "
                   "period (when first referred), T = open amount of all referred claims at the end of the "
                   "period, C = the part of T not yet due at the end of the period",
        "fairdun": "The textbook CEI uses the creditor's credit sales where N stands; fairdun does not know "
                   "them, so this CEI covers only the claims referred to fairdun. A claim's open amount is "
                   "the one its latest decision recorded, less partial payments reported after that decision; "
                   "a reported full payment (payment_received) makes it 0.",
    },
    "on_time_rate": {
        "name": "On-time payment rate",
        "formula": "on-time rate = full payments in the period paid on or before the due date / full payments "
                   "in the period",
        "fairdun": "Full payments are payment_received events dated in the period on claims whose due date a "
                   "decision recorded; the payment date is the event's on_date (else its date). Invoices "
                   "paid without ever being referred are not seen, so the rate is that of referred claims.",
    },
    "avg_days_late": {
        "name": "Average days late",
        "formula": "average days late = Σ max(0, payment date − due date) / full payments in the period",
        "fairdun": "Over the same payments as the on-time rate (an early or punctual payment counts 0 days).",
    },
    "dunning_rate": {
        "name": "Dunning rate",
        "formula": "dunning rate = claims with at least one executed dunning decision in the period / claims "
                   "with at least one decision in the period",
        "fairdun": "Executed dunning decision: status decided and an action other than none (reminders, final "
                   "notices, payment plan offers, hand-overs, bureau reports).",
    },
    "ptp_kept_rate": {
        "name": "Promise-to-pay kept rate",
        "formula": "kept rate = promises due in the period that were kept / promises due in the period",
        "fairdun": "A promise (promise_to_pay event) is due on its promised date (on_date); only promises due "
                   "before the report's time count. It is kept when a full payment on the claim is dated on "
                   "or before the promised date (and not before the promise), or, for a promise with an "
                   "amount, partial payments dated in that window add up to at least that amount.",
    },
}


@dataclass(frozen=True, slots=True)
class DecisionFact:
    claim: str
    ts: datetime                 # recorded
    status: str
    action_kind: str
    currency: str | None         # None: the decision carries no facts (recorded before facts were ledgered)
    open_amount: Decimal | None
    due_on: date | None


@dataclass(frozen=True, slots=True)
class PaymentFact:
    claim: str
    ts: datetime                 # recorded
    full: bool                   # payment_received (True) or partial_payment
    paid_on: date
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True, slots=True)
class PromiseFact:
    claim: str
    made_on: date
    due_on: date | None
    amount: Decimal | None
    currency: str | None


@dataclass
class _Claim:
    decisions: list[DecisionFact] = field(default_factory=list)
    payments: list[PaymentFact] = field(default_factory=list)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def collection_kpis(decisions: Iterable[DecisionFact], payments: Iterable[PaymentFact],
                    promises: Iterable[PromiseFact], *, start: datetime, end: datetime,
                    today: date) -> dict[str, Any]:
    """The KPIs of ``[start, end)`` from facts recorded before ``end`` (in ledger order)."""
    claims: dict[str, _Claim] = defaultdict(_Claim)
    for d in decisions:
        claims[d.claim].decisions.append(d)
    for p in payments:
        claims[p.claim].payments.append(p)
    # days of the period: from the first to the last day it touches (its end may be cut at the
    # report's time in the middle of a day, which then belongs to the period)
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    return {
        "dso": {"value": None, "computable": False},
        "cei": _cei(claims, start, end, end.date()),
        **_payment_timeliness(claims, first_day, last_day, end),
        "dunning_rate": _dunning_rate(claims, start, end),
        "ptp_kept_rate": _ptp(claims, list(promises), first_day, last_day, today),
    }


def _open_at(claim: _Claim, moment: datetime) -> tuple[str, Decimal, date | None] | None:
    """(currency, open amount, due date) of ``claim`` as recorded before ``moment``; None
    when no decision with facts was recorded by then."""
    known = [d for d in claim.decisions if d.ts < moment and d.currency is not None]
    if not known:
        return None
    last = known[-1]
    currency = last.currency
    assert currency is not None   # (known holds decisions with facts only)
    open_amount = last.open_amount or Decimal(0)
    for payment in claim.payments:
        if last.ts < payment.ts < moment:
            if payment.full:
                return currency, Decimal(0), last.due_on
            if payment.amount is not None and payment.currency == currency:
                open_amount -= payment.amount
    return currency, max(open_amount, Decimal(0)), last.due_on


def _cei(claims: dict[str, _Claim], start: datetime, end: datetime, end_day: date) -> dict[str, Any]:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: {k: Decimal(0) for k in "BNTC"})
    for claim in claims.values():
        with_facts = [d for d in claim.decisions if d.currency is not None]
        if not with_facts:
            continue
        first = with_facts[0]
        if start <= first.ts < end and first.currency is not None:
            sums[first.currency]["N"] += first.open_amount or Decimal(0)
        at_start = _open_at(claim, start)
        if at_start is not None:
            sums[at_start[0]]["B"] += at_start[1]
        at_end = _open_at(claim, end)
        if at_end is not None:
            currency, amount, due_on = at_end
            sums[currency]["T"] += amount
            if due_on is not None and due_on >= end_day:
                sums[currency]["C"] += amount
    by_currency = []
    for currency in sorted(sums):
        s = sums[currency]
        denominator = s["B"] + s["N"] - s["C"]
        value = float((s["B"] + s["N"] - s["T"]) / denominator * 100) if denominator > 0 else None
        by_currency.append({"currency": currency, "beginning": str(s["B"]), "new": str(s["N"]),
                            "ending": str(s["T"]), "ending_current": str(s["C"]), "value": value})
    return {"computable": bool(by_currency), "by_currency": by_currency}


def _payment_timeliness(claims: dict[str, _Claim], first_day: date, last_day: date,
                        end: datetime) -> dict[str, Any]:
    on_time = late_days = counted = unknown_due = 0
    for claim in claims.values():
        for payment in claim.payments:
            if not payment.full or not first_day <= payment.paid_on <= last_day:
                continue
            due = next((d.due_on for d in reversed(claim.decisions) if d.due_on is not None and d.ts < end), None)
            if due is None:
                unknown_due += 1
                continue
            counted += 1
            days = (payment.paid_on - due).days
            on_time += days <= 0
            late_days += max(0, days)
    return {
        "on_time_rate": {"value": _ratio(on_time, counted), "on_time": on_time, "payments": counted,
                         "payments_without_due_date": unknown_due, "computable": counted > 0},
        "avg_days_late": {"value": late_days / counted if counted else None, "days_late_total": late_days,
                          "payments": counted, "computable": counted > 0},
    }


def _dunning_rate(claims: dict[str, _Claim], start: datetime, end: datetime) -> dict[str, Any]:
    decided = dunned = 0
    for claim in claims.values():
        in_period = [d for d in claim.decisions if start <= d.ts < end]
        if not in_period:
            continue
        decided += 1
        dunned += any(d.status == "decided" and d.action_kind in DUNNING_KINDS for d in in_period)
    return {"value": _ratio(dunned, decided), "dunned_claims": dunned, "claims": decided, "computable": decided > 0}


def _ptp(claims: dict[str, _Claim], promises: list[PromiseFact], first_day: date, last_day: date,
         today: date) -> dict[str, Any]:
    due = kept = pending = 0
    for promise in promises:
        if promise.due_on is None or not first_day <= promise.due_on <= last_day:
            continue
        if promise.due_on >= today:
            pending += 1
            continue
        due += 1
        window = [p for p in claims[promise.claim].payments if promise.made_on <= p.paid_on <= promise.due_on] \
            if promise.claim in claims else []
        partial = sum((p.amount for p in window if not p.full and p.amount is not None
                       and p.currency == promise.currency), Decimal(0))
        kept += any(p.full for p in window) or (promise.amount is not None and partial >= promise.amount)
    return {"value": _ratio(kept, due), "kept": kept, "due": due, "not_yet_due": pending, "computable": due > 0}
