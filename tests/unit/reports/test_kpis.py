"""Collection KPIs on hand-made facts: each formula of the appendix, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reports.kpis import (
    FORMULAS,
    DecisionFact,
    LedgerFacts,
    PaymentFact,
    PromiseFact,
    collection_kpis,
    held_share,
    key_figures,
)

START, END = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


def decision(claim: str, ts: datetime, *, open_amount: str = "100.00", due: date = date(2026, 10, 31),
             status: str = "decided", kind: str = "reminder", currency: str | None = "EUR") -> DecisionFact:
    return DecisionFact(claim=claim, ts=ts, status=status, action_kind=kind, currency=currency,
                        open_amount=Decimal(open_amount) if currency else None, due_on=due if currency else None)


def payment(claim: str, ts: datetime, *, full: bool = True, amount: str | None = None,
            paid_on: date | None = None) -> PaymentFact:
    return PaymentFact(claim=claim, ts=ts, full=full, paid_on=paid_on or ts.date(),
                       amount=Decimal(amount) if amount else None, currency="EUR")


def kpis(decisions=(), payments=(), promises=(), today=date(2026, 12, 5)):  # type: ignore[no-untyped-def]
    return collection_kpis(decisions, payments, promises, start=START, end=END, today=today)


def test_dunning_rate_counts_claims_with_an_executed_dunning_decision() -> None:
    result = kpis([decision("a", at(2)), decision("a", at(9), kind="none"),
                   decision("b", at(3), kind="none"), decision("c", at(4), status="needs_review", kind="final_notice"),
                   decision("d", at(20, 10))])                       # before the period: not counted
    assert result["dunning_rate"] == {"value": pytest.approx(1 / 3), "dunned_claims": 1, "claims": 3,
                                      "computable": True}


def test_on_time_rate_and_average_days_late_use_the_recorded_due_date() -> None:
    result = kpis([decision("a", at(2), due=date(2026, 11, 10)), decision("b", at(2), due=date(2026, 11, 10)),
                   decision("c", at(2), due=date(2026, 11, 10))],
                  [payment("a", at(8)),                      # 2 days early: on time, 0 days late
                   payment("b", at(16)),                     # 6 days late
                   payment("c", at(25), full=False, amount="10.00"),   # partial: not a full payment
                   payment("x", at(12))])                    # no decision: due date unknown
    assert result["on_time_rate"] == {"value": 0.5, "on_time": 1, "payments": 2, "payments_without_due_date": 1,
                                      "computable": True}
    assert result["avg_days_late"]["value"] == 3.0


def test_promise_kept_by_a_full_payment_or_enough_partial_payments_before_the_promised_date() -> None:
    promises = [PromiseFact("a", date(2026, 11, 3), date(2026, 11, 10), None, None),        # kept (full payment)
                PromiseFact("b", date(2026, 11, 3), date(2026, 11, 10), Decimal("50.00"), "EUR"),  # kept (partials)
                PromiseFact("c", date(2026, 11, 3), date(2026, 11, 10), Decimal("50.00"), "EUR"),  # broken: 30 paid
                PromiseFact("d", date(2026, 11, 3), date(2026, 11, 10), None, None),        # broken: paid late
                PromiseFact("e", date(2026, 11, 20), date(2026, 12, 10), None, None),       # due after the period
                PromiseFact("f", date(2026, 11, 25), date(2026, 11, 30), None, None)]       # due, not yet at 'today'
    payments = [payment("a", at(9)), payment("b", at(5), full=False, amount="30.00"),
                payment("b", at(8), full=False, amount="20.00"), payment("c", at(8), full=False, amount="30.00"),
                payment("d", at(12))]
    result = kpis([decision(c, at(2)) for c in "abcdef"], payments, promises, today=date(2026, 11, 30))
    assert result["ptp_kept_rate"] == {"value": 0.5, "kept": 2, "due": 4, "not_yet_due": 1, "computable": True}


def test_cei_over_referred_claims_per_currency() -> None:
    decisions = [
        decision("old", at(20, 10), open_amount="200.00"),                 # B: open at the start
        decision("new", at(5), open_amount="100.00", due=date(2026, 11, 20)),   # N: referred in the period
        decision("cur", at(6), open_amount="50.00", due=date(2026, 12, 15)),    # N, still current at the end
        decision("usd", at(6), open_amount="70.00", currency=None),            # no facts: left out
    ]
    payments = [payment("old", at(10)),                                    # old settled in the period
                payment("new", at(12), full=False, amount="40.00")]        # new: 60 left
    (eur,) = kpis(decisions, payments)["cei"]["by_currency"]
    # B = 200, N = 150, T = 0 + 60 + 50 = 110, C = 50 -> (200 + 150 - 110) / (200 + 150 - 50) = 80 %
    assert eur == {"currency": "EUR", "beginning": "200.00", "new": "150.00", "ending": "110.00",
                   "ending_current": "50.00", "claims": 3, "value": pytest.approx(80.0)}


def test_nothing_to_count_is_reported_as_not_computable() -> None:
    result = kpis()
    assert all(result[k]["computable"] is False for k in ("dso", "cei", "recovered", "on_time_rate", "avg_days_late",
                                                           "dunning_rate", "ptp_kept_rate"))
    assert result["on_time_rate"]["value"] is None and result["dso"]["by_currency"] == []
    assert set(FORMULAS) == {"dso", "cei", "recovered", "on_time_rate", "avg_days_late", "dunning_rate",
                             "held_share", "review_sla", "overturn_rate", "ptp_kept_rate"}


def test_a_period_cut_in_the_middle_of_a_day_keeps_that_day() -> None:
    cut = datetime(2026, 11, 20, 15, tzinfo=UTC)
    result = collection_kpis([decision("a", at(2), due=date(2026, 11, 30))], [payment("a", at(20))],
                             [PromiseFact("a", date(2026, 11, 3), date(2026, 11, 20), None, None)],
                             start=START, end=cut, today=date(2026, 11, 21))
    assert result["on_time_rate"]["payments"] == 1 and result["on_time_rate"]["on_time"] == 1
    assert result["ptp_kept_rate"]["due"] == 1 and result["ptp_kept_rate"]["kept"] == 1


def test_dso_of_referred_claims_is_the_ending_open_amount_over_the_new_referrals_times_the_days() -> None:
    decisions = [decision("old", at(20, 10), open_amount="200.00"),             # open before: in T, not in N
                 decision("new", at(5), open_amount="100.00"),                  # N
                 decision("cur", at(6), open_amount="50.00", due=date(2026, 12, 15))]   # N
    payments = [payment("new", at(12), full=False, amount="40.00")]
    (eur,) = kpis(decisions, payments)["dso"]["by_currency"]
    # T = 200 + 60 + 50 = 310, N = 150, D = 30 days (November) -> 310 / 150 * 30 = 62 days
    assert eur == {"currency": "EUR", "ending": "310.00", "new": "150.00", "days": 30, "claims": 3,
                   "new_claims": 2, "value": pytest.approx(62.0)}
    # no new referral in the period: not computable, never a division by zero
    (only_old,) = kpis([decision("old", at(20, 10))])["dso"]["by_currency"]
    assert only_old["value"] is None and only_old["new"] == "0"
    assert kpis([decision("old", at(20, 10))])["dso"]["computable"] is False


def test_recovered_sums_the_reported_payments_of_the_period_on_referred_claims() -> None:
    decisions = [decision("a", at(2)), decision("b", at(3)), decision("late", at(25))]
    payments = [payment("a", at(4), full=False, amount="30.00"),     # counted
                payment("a", at(9), amount="70.00"),                 # counted (full payment: its amount)
                payment("b", at(28, 10), amount="10.00"),            # recorded before the period
                payment("b", at(2, 12), amount="10.00"),             # recorded after it
                payment("late", at(20), amount="5.00"),              # before the claim's first decision
                payment("x", at(12), amount="99.00")]                # a claim fairdun never decided
    result = kpis(decisions, payments)["recovered"]
    assert result == {"computable": True, "payments_not_referred": 2,
                      "by_currency": [{"currency": "EUR", "amount": "100.00", "payments": 2}]}


def test_held_share_counts_the_decisions_recorded_in_the_period() -> None:
    result = held_share([decision("a", at(2), status="held", kind="none"), decision("b", at(3)),
                         decision("c", at(4), status="needs_review"), decision("d", at(20, 10), status="held")],
                        start=START, end=END)
    assert result == {"value": pytest.approx(1 / 3), "held": 1, "decisions": 3, "computable": True}


def _opened(case: str, claim: str, ts: datetime, due: datetime) -> tuple[str, datetime, dict]:
    return ("review_case_opened", ts, {"case_id": case, "claim": claim, "origin": "automatic",
                                       "opened_at": ts.isoformat(), "due_at": due.isoformat()})


def _outcome(case: str, ts: datetime, outcome: str) -> tuple[str, datetime, dict]:
    return ("review_outcome", ts, {"case_id": case, "outcome": outcome})


def test_key_figures_of_a_month_and_of_a_jurisdiction_read_only_what_was_recorded_by_then() -> None:
    de = [DecisionFact("a", at(2), "decided", "reminder", "EUR", Decimal("100.00"), date(2026, 10, 31), "DE"),
          DecisionFact("b", at(3), "held", "none", "EUR", Decimal("50.00"), date(2026, 10, 31), "DE")]
    fr = [DecisionFact("c", at(3), "needs_review", "collection_handover", "EUR", Decimal("80.00"),
                       date(2026, 10, 31), "FR")]
    facts = LedgerFacts(
        decisions=de + fr,
        payments=[PaymentFact("a", at(10), True, date(2026, 11, 10), Decimal("100.00"), "EUR"),
                  PaymentFact("c", at(3, 12), True, date(2026, 12, 3), Decimal("80.00"), "EUR")],
        promises=[],
        rights_events=[_opened("k1", "c", at(3), at(6)), _outcome("k1", at(5), "overturn"),     # on time
                       _opened("k2", "a", at(2), at(4)), _outcome("k2", at(8), "uphold"),       # late
                       _opened("k3", "c", at(20), at(23)), _outcome("k3", at(2, 12), "uphold")])  # after the end
    november = key_figures(facts, start=START, end=END, today=date(2026, 12, 5))
    assert november["held_share"]["held"] == 1 and november["held_share"]["decisions"] == 3
    assert november["recovered"]["by_currency"] == [{"currency": "EUR", "amount": "100.00", "payments": 1}]
    assert november["review"]["closed_on_time"] == 1 and november["review"]["closed_late"] == 1
    assert november["review"]["sla_met_rate"] == 0.5 and november["review"]["overturn_rate"] == 0.5
    assert november["review"]["open_at_end"] == 1       # k3: its outcome was recorded after the end
    france = key_figures(facts, start=START, end=END, today=date(2026, 12, 5), jurisdiction="FR")
    assert france["held_share"]["decisions"] == 1 and france["recovered"]["computable"] is False
    assert france["review"]["closed"] == 1 and france["review"]["sla_met_rate"] == 1.0
    assert france["dunning_rate"]["claims"] == 1 and france["dunning_rate"]["dunned_claims"] == 0
    germany = key_figures(facts, start=START, end=END, today=date(2026, 12, 5), jurisdiction="DE")
    assert germany["review"]["sla_met_rate"] == 0.0 and germany["held_share"]["held"] == 1
