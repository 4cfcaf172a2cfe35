"""Collection KPIs from what fairdun knows: its decisions (with the claim's facts as the AR
system reported them) and the events the AR system reported (payments, promises to pay).

fairdun sees only the invoices an AR system refers to it, never the creditor's sales ledger. A
KPI that needs a figure fairdun does not have is reported as not computable, with what is
missing, never estimated. Every formula is in ``FORMULAS`` (printed in the report's appendix)
and the code below follows it literally.

Time: the period is ``[start, end)``; ``end`` is already cut at the report's ``now``. A claim's
state at a moment ``t`` is what the ledger said by then (entries recorded before ``t``).

One code path for the audit report and the console's dashboard: both read the verified ledger
into ``LedgerFacts`` (``reports.audit``) and compute a period's figures with ``key_figures``: the
audit report for its period, the dashboard for each month of its period, for each jurisdiction
and for the whole period (which therefore equals the audit report of the same days). Besides the
collection KPIs, ``key_figures`` gives the share of held decisions and the human-review figures
(``reports.review.review_section``: outcomes, overturn rate, review SLA).

The formulas (each also in ``FORMULAS``, printed in the report's appendix and on the dashboard):

- **DSO, referred claims** = T / N × D per currency: T the open amount of the referred claims at
  the end of the period, N the open amount of the claims first referred in the period (when
  first referred), D the days of the period. The textbook DSO divides the receivables by the
  credit sales; fairdun knows neither, so N (what was referred to it) stands for the sales, as in
  the CEI. Read it as the number of days an amount referred to fairdun stays open (stock divided
  by inflow per day). Not computable without new referrals in the period (N = 0).
- **CEI, referred claims** = (B + N − T) / (B + N − C) × 100 per currency (B open at the start,
  C the part of T not yet due at the end).
- **Amount recovered** = Σ amounts of the payments (``payment_received``, ``partial_payment``)
  recorded in the period on referred claims (a decision on the claim was recorded before or with
  the payment), per currency: what the AR system reported as paid, not what fairdun estimates.
  Credit notes, write-offs and lower open amounts a later decision records are not recoveries.
- **Dunning rate** = claims with an executed dunning decision in the period / claims decided in it.
- **Held share** = decisions held in the period / decisions recorded in the period.
- **Review SLA met** = review cases closed in the period by their deadline / review cases closed
  in the period; open cases past their deadline at the end are reported beside it (overdue).
- **Overturn rate** = ``overturn`` outcomes in the period / outcomes in the period.

By jurisdiction: a claim (its decisions, payments, promises and review cases) belongs to the
jurisdiction its latest decision recorded by the period's end names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .review import review_section

__all__ = ["DecisionFact", "PaymentFact", "PromiseFact", "LedgerFacts", "collection_kpis", "key_figures",
           "FORMULAS", "DUNNING_KINDS", "MIN_N"]

# A rate over fewer cases than this is shown with its count and marked as too thin to read.
MIN_N = 5

# A decision that tells the AR system to communicate is dunning; "none" is waiting.
DUNNING_KINDS = frozenset({"pre_due_reminder", "reminder", "final_notice", "payment_plan_offer",
                           "collection_handover", "credit_bureau_report"})

FORMULAS: dict[str, dict[str, str]] = {
    "dso": {
        "name": "Days sales outstanding (DSO), referred claims",
        "formula": "DSO = T / N × D, per currency, where T = open amount of all referred claims at the end of the "
                   "period, N = open amount of claims first referred during the period (when first referred), "
                   "D = days in the period (T and N as in the CEI)",
        "fairdun": "The textbook DSO divides the receivables at the end of the period by the credit sales of the "
                   "period; fairdun knows neither (an invoice paid on time is never referred), so N, the amount "
                   "referred to fairdun, stands for the credit sales, as in the CEI. The figure is the number of "
                   "days an amount referred to fairdun stays open (stock / inflow per day), not the creditor's "
                   "DSO. Like the textbook DSO it assumes referrals spread over the period: if they all came at its end, "
                   "it comes out near the period's length. Not computable when no claim was first referred in the "
                   "period (N = 0).",
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
    "recovered": {
        "name": "Amount recovered",
        "formula": "recovered = Σ amount of the payments (payment_received and partial_payment events) recorded "
                   "in the period on referred claims, per currency",
        "fairdun": "What the AR system reported as paid (the event's amount and currency), in the period the "
                   "report was recorded. A referred claim is one a decision was recorded on before (or with) the "
                   "payment; payments on claims never decided are counted apart, not as recovered. Credit notes, "
                   "write-offs and lower open amounts a later decision records are not recoveries.",
    },
    "held_share": {
        "name": "Held decisions",
        "formula": "held share = decisions with status held recorded in the period / decisions recorded in the "
                   "period",
        "fairdun": "A held decision took no action because a check failed closed (policy engine, model, ledger, "
                   "data); the hold codes are in the decisions section.",
    },
    "review_sla": {
        "name": "Review SLA met",
        "formula": "SLA met = review cases whose outcome was recorded in the period by the case's deadline "
                   "(due_at) / review cases whose outcome was recorded in the period",
        "fairdun": "Human review under GDPR Art. 22(3); the deadline is the one the case was opened with. "
                   "Cases still open past their deadline at the period's end are not in this share: they are "
                   "reported beside it as overdue.",
    },
    "overturn_rate": {
        "name": "Overturn rate",
        "formula": "overturn rate = review outcomes overturn recorded in the period / review outcomes recorded in "
                   "the period",
        "fairdun": "Outcomes: uphold (the decision stands), modify (a reviewer ordered another action), "
                   "overturn (nothing is done).",
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
    jurisdiction: str | None = None


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
    ts: datetime | None = None   # recorded (None: taken as recorded before any period's end)


@dataclass(frozen=True)
class LedgerFacts:
    """What the KPIs are computed from: the facts of the decisions and events, and the rights
    workflow entries ``(kind, ts, body)`` (``reports.review``), recorded before one end, in
    ledger order, from verified entries only."""

    decisions: list[DecisionFact]
    payments: list[PaymentFact]
    promises: list[PromiseFact]
    rights_events: list[tuple[str, datetime, dict[str, Any]]]

    def jurisdictions(self, end: datetime) -> dict[str, str]:
        """Each claim's jurisdiction: the one its latest decision recorded before ``end`` names."""
        found: dict[str, str] = {}
        for d in self.decisions:
            if d.ts < end:
                found[d.claim] = d.jurisdiction or "not recorded"
        return found

    def before(self, end: datetime, *, jurisdiction: str | None = None) -> LedgerFacts:
        """The facts recorded before ``end`` (of the claims of ``jurisdiction``, when given)."""
        claims = self.jurisdictions(end) if jurisdiction is not None else {}

        def keep(claim: str) -> bool:
            return jurisdiction is None or claims.get(claim) == jurisdiction

        cases = {str(body.get("case_id")) for kind, ts, body in self.rights_events
                 if kind == "review_case_opened" and ts < end and keep(str(body.get("claim")))}
        return LedgerFacts(
            decisions=[d for d in self.decisions if d.ts < end and keep(d.claim)],
            payments=[p for p in self.payments if p.ts < end and keep(p.claim)],
            promises=[p for p in self.promises if (p.ts is None or p.ts < end) and keep(p.claim)],
            rights_events=[(kind, ts, body) for kind, ts, body in self.rights_events if ts < end and (
                jurisdiction is None or str(body.get("case_id")) in cases)])


def key_figures(facts: LedgerFacts, *, start: datetime, end: datetime, today: date,
                jurisdiction: str | None = None) -> dict[str, Any]:
    """The figures of ``[start, end)`` from the facts recorded before ``end`` (of one
    jurisdiction's claims, when given): the collection KPIs, the held share and the human-review
    section. The audit report and the dashboard both compute with this function."""
    own = facts.before(end, jurisdiction=jurisdiction)
    return {**collection_kpis(own.decisions, own.payments, own.promises, start=start, end=end, today=today),
            "held_share": held_share(own.decisions, start=start, end=end),
            "review": review_section(own.rights_events, start, end)}


def held_share(decisions: Iterable[DecisionFact], *, start: datetime, end: datetime) -> dict[str, Any]:
    in_period = [d for d in decisions if start <= d.ts < end]
    held = sum(d.status == "held" for d in in_period)
    return {"value": _ratio(held, len(in_period)), "held": held, "decisions": len(in_period),
            "computable": bool(in_period)}


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
    sums = _pools(claims, start, end, end.date())
    return {
        "dso": _dso(sums, (last_day - first_day).days + 1),
        "cei": _cei(sums),
        "recovered": _recovered(claims, start, end),
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


def _pools(claims: dict[str, _Claim], start: datetime, end: datetime, end_day: date
           ) -> dict[str, dict[str, Decimal]]:
    """Per currency: B, N, T, C of the CEI, ``n``: the referred claims with an amount in B, N or T
    (those the figure rests on), and ``n_new``: the claims in N."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: {k: Decimal(0) for k in ("B", "N", "T", "C", "n",
                                                                                       "n_new")})
    for claim in claims.values():
        with_facts = [d for d in claim.decisions if d.currency is not None]
        if not with_facts:
            continue
        counted: set[str] = set()
        first = with_facts[0]
        if start <= first.ts < end and first.currency is not None:
            sums[first.currency]["N"] += first.open_amount or Decimal(0)
            sums[first.currency]["n_new"] += 1
            counted.add(first.currency)
        at_start = _open_at(claim, start)
        if at_start is not None:
            sums[at_start[0]]["B"] += at_start[1]
            if at_start[1] > 0:
                counted.add(at_start[0])
        at_end = _open_at(claim, end)
        if at_end is not None:
            currency, amount, due_on = at_end
            sums[currency]["T"] += amount
            if amount > 0:
                counted.add(currency)
            if due_on is not None and due_on >= end_day:
                sums[currency]["C"] += amount
        for currency in counted:
            sums[currency]["n"] += 1
    return sums


def _dso(sums: dict[str, dict[str, Decimal]], days: int) -> dict[str, Any]:
    by_currency = []
    for currency in sorted(sums):
        s = sums[currency]
        value = float(s["T"] / s["N"] * days) if s["N"] > 0 else None
        by_currency.append({"currency": currency, "ending": str(s["T"]), "new": str(s["N"]), "days": days,
                            "claims": int(s["n"]), "new_claims": int(s["n_new"]), "value": value})
    return {"computable": any(c["value"] is not None for c in by_currency), "by_currency": by_currency}


def _cei(sums: dict[str, dict[str, Decimal]]) -> dict[str, Any]:
    by_currency = []
    for currency in sorted(sums):
        s = sums[currency]
        denominator = s["B"] + s["N"] - s["C"]
        value = float((s["B"] + s["N"] - s["T"]) / denominator * 100) if denominator > 0 else None
        by_currency.append({"currency": currency, "beginning": str(s["B"]), "new": str(s["N"]),
                            "ending": str(s["T"]), "ending_current": str(s["C"]), "claims": int(s["n"]),
                            "value": value})
    return {"computable": bool(by_currency), "by_currency": by_currency}


def _recovered(claims: dict[str, _Claim], start: datetime, end: datetime) -> dict[str, Any]:
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    not_referred = 0
    for claim in claims.values():
        for payment in claim.payments:
            if not start <= payment.ts < end or payment.amount is None or payment.currency is None:
                continue
            if not any(d.ts <= payment.ts for d in claim.decisions):
                not_referred += 1
                continue
            amounts[payment.currency] += payment.amount
            counts[payment.currency] += 1
    return {"computable": bool(amounts), "payments_not_referred": not_referred,
            "by_currency": [{"currency": c, "amount": str(amounts[c]), "payments": counts[c]} for c in sorted(amounts)]}


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
