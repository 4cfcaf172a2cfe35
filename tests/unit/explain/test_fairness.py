import math

import pytest

from explain.fairness import MISSING_GROUP, fairness_report


def _report(y, p, groups, **kw):
    settings = {"threshold": 0.5, "max_ratio": 1.25, "min_group": 2} | kw
    return fairness_report(y, p, {"g": groups}, **settings)


def test_rates_per_group_are_counted_at_the_threshold():
    #        a: 4 rows              b: 4 rows
    y = [1, 1, 0, 0,            1, 1, 0, 0]
    p = [0.9, 0.2, 0.6, 0.1,    0.7, 0.8, 0.9, 0.1]
    report = _report(y, p, ["a"] * 4 + ["b"] * 4)
    a, b = report["attributes"]["g"]["groups"]
    assert (a["group"], a["n"], a["positives"], a["negatives"]) == ("a", 4, 2, 2)
    assert a["flag_rate"] == 0.5 and b["flag_rate"] == 0.75
    assert a["false_positive_rate"] == 0.5 and b["false_positive_rate"] == 0.5
    assert a["false_negative_rate"] == 0.5 and b["false_negative_rate"] == 0.0
    assert a["base_rate"] == 0.5 and a["mean_predicted"] == pytest.approx(0.45)
    assert a["calibration_gap"] == pytest.approx(-0.05)
    flag = report["attributes"]["g"]["disparities"]["flag_rate"]
    assert flag["ratio"] == pytest.approx(1.5) and flag["highest"] == "b" and flag["flagged"]
    fpr = report["attributes"]["g"]["disparities"]["false_positive_rate"]
    assert fpr["ratio"] == 1.0 and not fpr["flagged"]
    # a zero rate against a positive one: unbounded, flagged
    fnr = report["attributes"]["g"]["disparities"]["false_negative_rate"]
    assert fnr["ratio"] is None and fnr["flagged"] and fnr["lowest"] == "b"
    assert "g: flag_rate" in report["flagged"]


def test_ratio_at_or_below_the_limit_is_not_flagged():
    y = [0, 1, 0, 1]
    p = [0.6, 0.6, 0.6, 0.6]
    report = _report(y, p, ["a", "a", "b", "b"])
    flag = report["attributes"]["g"]["disparities"]["flag_rate"]
    assert flag["ratio"] == 1.0 and not flag["flagged"]
    assert report["flagged"] == []


def test_small_groups_are_reported_but_not_compared():
    y = [1, 0, 1, 0, 1]
    p = [0.9, 0.1, 0.9, 0.8, 0.2]
    report = _report(y, p, ["a", "a", "b", "b", "c"], min_group=2)
    attr = report["attributes"]["g"]
    assert [g["group"] for g in attr["groups"]] == ["a", "b", "c"]
    assert attr["disparities"]["flag_rate"]["compared"] == ["a", "b"]
    # each group has one negative: below min_group=2, so no FPR comparison at all
    fpr = attr["disparities"]["false_positive_rate"]
    assert fpr["ratio"] is None and not fpr["flagged"] and "fewer than two groups" in fpr["note"]


def test_missing_group_values_form_their_own_group():
    report = _report([1, 0, 1, 0], [0.9, 0.1, 0.9, 0.1], ["a", "a", None, ""])
    assert [g["group"] for g in report["attributes"]["g"]["groups"]] == [MISSING_GROUP, "a"]


def test_base_rates_are_context_and_never_flagged():
    report = _report([1, 1, 0, 0, 0, 0, 1, 0], [0.5] * 8, ["a"] * 4 + ["b"] * 4)
    context = report["attributes"]["g"]["base_rate_disparity"]
    assert context["ratio"] == 2.0 and context["flagged"] is False


@pytest.mark.parametrize("bad", [{"threshold": 0.0}, {"max_ratio": 0.9}, {"min_group": 0}])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        _report([0, 1], [0.1, 0.9], ["a", "b"], **bad)


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="values for"):
        _report([0, 1], [0.1, 0.9], ["a"])


def test_auc_per_group_needs_both_classes():
    report = _report([1, 1, 0, 1], [0.9, 0.8, 0.1, 0.4], ["a", "a", "b", "b"])
    a, b = report["attributes"]["g"]["groups"]
    assert a["auc"] is None and b["auc"] == 1.0
    assert not math.isnan(b["mean_predicted"])
