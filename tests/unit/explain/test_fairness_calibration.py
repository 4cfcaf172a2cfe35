"""Fairness of the risk score is judged first by within-group calibration, with customer-level
intervals and minimum group sizes counted in customers (``explain.fairness.calibration_fairness``)."""

from __future__ import annotations

from explain.evaluation import resamples
from explain.fairness import calibration_fairness


def _portfolio(late_in_b: int, customers_per_group: int = 20, rows: int = 10):
    """Groups A and B, every row predicted 0.2; in A 2 of each customer's 10 rows are late, in B
    ``late_in_b`` of 10."""
    y, p, group, customer = [], [], [], []
    for name, late in (("A", 2), ("B", late_in_b)):
        for c in range(customers_per_group):
            for r in range(rows):
                y.append(1 if r < late else 0)
                p.append(0.2)
                group.append(name)
                customer.append(f"{name}{c}")
    return y, p, {"country": group}, customer


def _judge(y, p, groups, customers, *, min_customers: int, high_cutoff: float = 0.5):
    boot = resamples(customers, n=200, seed=7)
    return calibration_fairness(y, p, groups, customers=customers, boot=boot, high_cutoff=high_cutoff,
                                max_ratio=1.25, min_customers=min_customers)


def test_a_group_the_score_under_predicts_is_flagged_by_its_calibration():
    report = _judge(*_portfolio(late_in_b=6), min_customers=10)
    groups = {g["group"]: g for g in report["attributes"]["country"]["groups"]}
    b = groups["B"]
    assert (b["n"], b["customers"]) == (200, 20)
    assert abs(b["calibration_gap"] - 0.4) < 1e-12 and abs(b["gap_vs_rest"] - 0.4) < 1e-12
    assert b["gap_vs_rest_ci"][0] > 0 and b["eligible"] and b["flagged"]
    assert "country: calibration of group B" in report["flagged"]
    assert report["method"].startswith("Within-group calibration first")


def test_the_minimum_group_size_counts_customers_not_rows():
    # the same gap over 200 rows, but from 20 customers where 25 are needed: shown, never flagged
    report = _judge(*_portfolio(late_in_b=6), min_customers=25)
    groups = {g["group"]: g for g in report["attributes"]["country"]["groups"]}
    assert groups["B"]["n"] == 200 > 25 and not groups["B"]["eligible"] and not groups["B"]["flagged"]
    assert report["flagged"] == []


def test_a_well_calibrated_group_is_not_flagged_and_rates_from_too_few_customers_are_not_compared():
    report = _judge(*_portfolio(late_in_b=2), min_customers=10)
    assert report["flagged"] == []
    # nobody reaches the high cut-off: the flag-rate disparity has no events from enough customers
    flag_rate = report["attributes"]["country"]["disparities"]["flag_rate"]
    assert flag_rate["event_customers"] == 0 and not flag_rate["flagged"] and "not compared" in flag_rate["note"]
