"""Live monitoring's arithmetic on small fixtures with answers worked out by hand: PSI against the
model's reference, customer-clustered intervals, resolution of the target, grouping."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from reports.monitoring import _calibration, _drift, _Scored, clustered_mean, psi

ARTIFACT = {
    "reference": {"period": "training", "features": {
        # bins: missing, < 0.5, >= 0.5
        "paperless": {"cuts": [0.5], "counts": [0, 25, 75]},
    }},
    "target": {"late_after_days": 14, "horizon_days": 7},
    "fairness": {"min_customers": 2},
}


def _case(subject: str, p: float, *, paperless: float | None = 1.0, month: str = "2026-10", jurisdiction: str = "DE",
          due_on: date = date(2026, 10, 1), decided_on: date = date(2026, 10, 4), claim: str | None = None) -> _Scored:
    return _Scored(model="m", subject=subject, claim=claim or f"claim-{subject}-{p}", month=month,
                   jurisdiction=jurisdiction, p_late=p, due_on=due_on, decided_on=decided_on,
                   inputs={"paperless": paperless})


def test_psi_of_a_known_shift():
    # live 50/50 against reference 25/75: 0.25 ln 2 + 0.25 ln 1.5
    assert psi([50, 50], [25, 75]) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5), abs=1e-12)
    assert psi([25, 75], [25, 75]) == 0.0
    # a bin empty on one side counts as half a case there (finite); bins empty on both sides are skipped
    assert psi([0, 10, 10], [0, 0, 20]) == pytest.approx((0.5 - 0.025) * math.log(0.5 / 0.025)
                                                         + (0.5 - 1.0) * math.log(0.5 / 1.0))
    with pytest.raises(ValueError):
        psi([1, 2], [1, 2, 3])


def test_clustered_interval_by_hand():
    # values 1, 0 (customer a), 1 (b), 1 (c): mean 0.75; customer totals -0.5, 0.25, 0.25;
    # variance 3/2 * 0.375 / 16 = 0.03515625, sd 0.1875
    mean, ci = clustered_mean([1.0, 0.0, 1.0, 1.0], ["a", "a", "b", "c"])
    assert mean == 0.75
    assert ci == pytest.approx([0.75 - 1.959963984540054 * 0.1875, 0.75 + 1.959963984540054 * 0.1875])
    assert clustered_mean([1.0, 0.0], ["a", "a"]) == (0.5, None)   # one customer: no interval


def test_drift_counts_inputs_over_the_models_reference_bins():
    cases = [_case(f"s{i}", 0.2, paperless=1.0 if i % 2 else 0.0) for i in range(100)]
    [row] = _drift(ARTIFACT, cases)
    assert row["live_counts"] == [0, 50, 50] and row["reference_counts"] == [0, 25, 75]
    assert row["psi"] == pytest.approx(psi([50, 50], [25, 75]))
    assert row["level"] == "shift" and row["judged"]
    assert row["noise"] == pytest.approx(1 * (1 / 100 + 1 / 100))
    # a missing input counts in the missing bin; few decisions are reported, not judged
    [few] = _drift(ARTIFACT, [_case("x", 0.2, paperless=None), _case("y", 0.2)])
    assert few["live_counts"] == [1, 0, 1] and few["level"] == "too few decisions" and not few["judged"]


def test_live_calibration_resolves_the_target_and_groups_by_month_and_jurisdiction():
    end = datetime(2026, 11, 1, tzinfo=UTC)
    cases = [
        # due 10-01, decided 10-04: resolved at the end of 10-15 (due + 14 > decision + 7)
        _case("a", 0.2, claim="c1"),                 # paid 10-10: on time
        _case("a", 0.4, claim="c2"),                 # paid 10-16: a day after: late
        _case("b", 0.6, claim="c3"),                 # never paid: late
        _case("c", 0.2, claim="c4", jurisdiction="US-NY", month="2026-09", decided_on=date(2026, 9, 28),
              due_on=date(2026, 9, 30)),             # paid 10-01: on time
        # decided 10-30: resolved at the end of 11-13, after the end: unresolved
        _case("d", 0.5, claim="c5", decided_on=date(2026, 10, 30), due_on=date(2026, 10, 25)),
    ]
    paid = {"c1": date(2026, 10, 10), "c2": date(2026, 10, 16), "c4": date(2026, 10, 1)}
    result = _calibration(ARTIFACT, cases, paid, end)
    assert (result["resolved"], result["unresolved"]) == (4, 1)
    overall = result["overall"]
    assert (overall["n"], overall["customers"], overall["late"]) == (4, 3, 2)
    assert overall["observed"] == 0.5 and overall["mean_predicted"] == pytest.approx(0.35)
    assert overall["gap"] == pytest.approx(0.15)
    assert [g["group"] for g in result["by_month"]] == ["2026-09", "2026-10"]
    de = {g["group"]: g for g in result["by_jurisdiction"]}["DE"]
    assert (de["n"], de["customers"], de["late"], de["observed"]) == (3, 2, 2, 2 / 3)
    # gaps -0.2, 0.6 (customer a) and 0.4 (b): mean 4/15; customer totals -2/15 and +2/15;
    # variance 2/1 * (8/225) / 9, the interval as narrow as two customers make it
    half = 1.959963984540054 * math.sqrt(2 * (8 / 225) / 9)
    assert de["gap"] == pytest.approx(4 / 15) and de["gap_ci"] == pytest.approx([4 / 15 - half, 4 / 15 + half])
    assert de["eligible"] and de["flagged"] == (4 / 15 - half > 0)
    ny = {g["group"]: g for g in result["by_jurisdiction"]}["US-NY"]
    assert (ny["customers"], ny["eligible"], ny["flagged"], ny["gap_ci"]) == (1, False, False, None)


def test_a_group_whose_gap_excludes_zero_is_flagged():
    end = datetime(2026, 11, 1, tzinfo=UTC)
    # ten customers, each predicted 0.1 and late: gap 0.9 with no spread: flagged
    cases = [_case(f"s{i}", 0.1, claim=f"c{i}") for i in range(10)]
    result = _calibration(ARTIFACT, cases, {}, end)
    assert result["overall"]["gap"] == pytest.approx(0.9) and result["overall"]["flagged"]
