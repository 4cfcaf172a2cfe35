"""Collection KPIs on hand-made facts: each formula of the appendix, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reports.kpis import FORMULAS, DecisionFact, PaymentFact, PromiseFact, collection_kpis

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
                   "ending_current": "50.00", "value": pytest.approx(80.0)}


def test_nothing_to_count_is_reported_as_not_computable_and_dso_never_is() -> None:
    result = kpis()
    assert all(result[k]["computable"] is False for k in ("dso", "cei", "on_time_rate", "avg_days_late",
                                                           "dunning_rate", "ptp_kept_rate"))
    assert result["on_time_rate"]["value"] is None and result["dso"]["value"] is None
    assert set(FORMULAS) == {"dso", "cei", "on_time_rate", "avg_days_late", "dunning_rate", "ptp_kept_rate"}


def test_a_period_cut_in_the_middle_of_a_day_keeps_that_day() -> None:
    cut = datetime(2026, 11, 20, 15, tzinfo=UTC)
    result = collection_kpis([decision("a", at(2), due=date(2026, 11, 30))], [payment("a", at(20))],
                             [PromiseFact("a", date(2026, 11, 3), date(2026, 11, 20), None, None)],
                             start=START, end=cut, today=date(2026, 11, 21))
    assert result["on_time_rate"]["payments"] == 1 and result["on_time_rate"]["on_time"] == 1
    assert result["ptp_kept_rate"]["due"] == 1 and result["ptp_kept_rate"]["kept"] == 1
