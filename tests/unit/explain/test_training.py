import math
from datetime import date, timedelta

import pytest

from explain import TrainingError
from explain._artifact import artifact_bytes
from explain._dataset import Invoice, Snapshot, build_snapshots, read_ar_history
from explain.features import FEATURE_NAMES
from explain.training import TrainingSettings, time_split, train_from_ar_history

D = dict(late_after_days=14, horizon_days=7, first_decision_day=-28, last_decision_day=42,
         run_weekday=0)


def _inv(number, issued, settled, disputed=False, customer="A"):
    return Invoice(customer=customer, number=number, issued_on=issued,
                   due_on=issued + timedelta(days=30), settled_on=settled, amount=50.0,
                   disputed=disputed, paperless=True)


@pytest.fixture()
def history():
    return [
        _inv("1", date(2012, 1, 2), date(2012, 2, 10)),   # due 2/1, 9 days late
        _inv("2", date(2012, 1, 16), date(2012, 2, 13)),  # due 2/15, paid on a Monday, on time
        _inv("3", date(2012, 2, 1), date(2012, 3, 25)),   # due 3/2, 23 days late
        _inv("9", date(2012, 1, 2), date(2012, 1, 5), customer="B"),  # another customer
    ]


def _by_invoice(snaps, number):
    return {s.decided_on: s for s in snaps if s.invoice == number}


def test_snapshots_are_weekly_while_open(history):
    snaps = build_snapshots(history, **D)
    three = _by_invoice(snaps, "3")
    # Mondays from 28 days before the due date (3/2) until settlement (3/25)
    assert sorted(three) == [date(2012, 2, 6) + timedelta(weeks=k) for k in range(7)]
    assert all(t.weekday() == 0 for t in three)
    s = three[date(2012, 3, 19)]
    assert s.features[FEATURE_NAMES.index("days_past_due")] == 17
    # open at the start of the day it was settled on
    assert date(2012, 2, 13) in _by_invoice(snaps, "2")
    assert snaps == sorted(snaps, key=lambda s: (s.decided_on, s.invoice))


def test_prior_features_only_count_invoices_settled_before_the_decision(history):
    three = _by_invoice(build_snapshots(history, **D), "3")
    names = FEATURE_NAMES

    def prior(t):
        f = three[t].features
        return (f[names.index("prior_invoices")], f[names.index("prior_late_ratio")],
                f[names.index("prior_avg_days_late")])

    n, ratio, avg = prior(date(2012, 2, 6))  # nothing settled yet
    assert n == 0 and math.isnan(ratio) and math.isnan(avg)
    # invoice 1 settled 2/10 (9 days late); invoice 2 settles on 2/13 itself: not yet known
    assert prior(date(2012, 2, 13)) == (1, 1.0, 9.0)
    assert prior(date(2012, 2, 20)) == (2, 0.5, 4.5)
    # the other customer's history never counts, nor the invoice itself
    assert prior(date(2012, 3, 19)) == (2, 0.5, 4.5)


def test_label_is_unpaid_at_the_later_of_due_plus_14_and_decision_plus_7(history):
    three = _by_invoice(build_snapshots(history, **D), "3")  # due 3/2, settled 3/25
    # early decisions: paid more than 14 days late -> 1
    assert three[date(2012, 2, 6)].label == 1
    assert three[date(2012, 2, 6)].label_known_on == date(2012, 3, 17)  # day after due+14
    # decided 3/12: unpaid at the end of 3/19 -> 1
    assert three[date(2012, 3, 12)].label == 1
    # decided 3/19: paid 3/25, within 7 days -> 0, known the day after payment
    assert three[date(2012, 3, 19)].label == 0
    assert three[date(2012, 3, 19)].label_known_on == date(2012, 3, 26)
    one = _by_invoice(build_snapshots(history, **D), "1")  # 9 days late
    assert {s.label for s in one.values()} == {0}


def test_time_split_never_trains_on_outcomes_from_after_the_cutoff():
    start = date(2013, 1, 7)
    snaps = [
        Snapshot(start + timedelta(weeks=k), f"{k}", (0.0,) * 8, k % 2,
                 start + timedelta(weeks=k, days=d))
        for k in range(20) for d in (1, 30)
    ]
    train, holdout, cutoff, dropped = time_split(snaps, 0.25)
    assert cutoff == snaps[int(len(snaps) * 0.75)].decided_on
    assert all(snaps[i].decided_on >= cutoff for i in holdout)
    assert all(snaps[i].decided_on < cutoff and snaps[i].label_known_on <= cutoff for i in train)
    assert not set(train) & set(holdout)
    assert dropped > 0 and len(train) + dropped + len(holdout) == len(snaps)


def test_bad_rows_fail_loudly(tmp_path, ar_history_csv):
    lines = ar_history_csv.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("DaysLate")] = "999"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    with pytest.raises(TrainingError, match="DaysLate"):
        read_ar_history(bad)
    row = lines[1].split(",")
    row[header.index("Disputed")] = "Maybe"
    bad.write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    with pytest.raises(TrainingError, match="Disputed|Yes"):
        read_ar_history(bad)


def test_training_reports_the_required_metrics(trained):
    artifact, summary = trained
    m = artifact["metrics"]
    for key in ("auc", "brier", "log_loss", "calibration", "prevalence"):
        assert key in m["holdout"]
    assert 0.5 < m["holdout"]["auc"] <= 1.0 and 0.0 <= m["holdout"]["brier"] <= 0.25
    assert sum(r["n"] for r in m["holdout"]["calibration"]) == m["holdout"]["n"]
    assert m["baseline"]["model"].endswith("HistGradientBoostingClassifier")
    assert m["auc_gap_to_baseline"] == pytest.approx(m["baseline"]["holdout"]["auc"]
                                                    - m["holdout"]["auc"])
    assert 0.0 < m["random_split"]["auc"] <= 1.0
    assert m["max_abs_diff_vs_interpret"] <= 1e-9
    assert summary["holdout_auc"] == m["holdout"]["auc"]
    t = artifact["training"]
    split = t["split"]
    assert (split["train"] + split["holdout"] + split["dropped_label_unknown_at_cutoff"]
            == t["snapshots"]["total"])
    assert t["settings"]["random_state"] == 42 and "interpret-core" in t["software"]
    assert [f["name"] for f in artifact["features"]] == list(FEATURE_NAMES)


def test_same_data_and_settings_give_the_same_bytes(trained, ar_history_csv, fast_settings):
    artifact, summary = trained
    # again, with a different degree of parallelism (which must not matter)
    again, again_summary = train_from_ar_history(ar_history_csv, n_jobs=2, **fast_settings)
    assert artifact_bytes(again) == artifact_bytes(artifact)
    assert again_summary["sha256"] == summary["sha256"]
    # ... while a different setting gives a different model
    other, _ = train_from_ar_history(ar_history_csv, **(fast_settings | {"random_state": 7}))
    assert other["model_id"] != artifact["model_id"]


def test_country_code_does_not_influence_the_model(trained, tmp_path, write_ar_history,
                                                   fast_settings):
    artifact, _ = trained
    relabelled = write_ar_history(tmp_path / "relabelled.csv",
                                  country_codes=("001", "002", "003", "004", "005"))
    other, _ = train_from_ar_history(relabelled, **fast_settings)
    assert other["training"]["data"]["sha256"] != artifact["training"]["data"]["sha256"]
    for key in ("features", "terms", "intercept", "bagged_intercepts", "metrics"):
        assert other[key] == artifact[key]


def test_a_non_monotone_model_fails_training(ar_history_csv, fast_settings, monkeypatch):
    import explain.training as training

    real_export = training.export_ebm

    def broken_export(ebm):
        body = real_export(ebm)
        scores = body["terms"][0]["scores"]  # days_past_due
        scores[1] = scores[2] + 1.0
        return body

    monkeypatch.setattr(training, "export_ebm", broken_export)
    with pytest.raises(TrainingError, match="monoton"):
        train_from_ar_history(ar_history_csv, **fast_settings)


def test_an_inexact_export_fails_training(ar_history_csv, fast_settings, monkeypatch):
    import explain.training as training

    real_export = training.export_ebm

    def shifted_export(ebm):
        body = real_export(ebm)
        body["intercept"] += 1e-6  # keeps monotonicity, breaks equality with interpret
        return body

    monkeypatch.setattr(training, "export_ebm", shifted_export)
    with pytest.raises(TrainingError, match="differs from interpret"):
        train_from_ar_history(ar_history_csv, **fast_settings)


@pytest.mark.parametrize(
    "bad",
    [
        {"holdout_fraction": 1.5},
        {"outer_bags": 1},
        {"fixed_cuts": {"countryCode": [1.5]}},
        {"fixed_cuts": {"due_month": [6.5, 3.5]}},
        {"first_decision_day": 50},
    ],
)
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        TrainingSettings(**bad)


def test_unknown_setting_is_a_type_error(ar_history_csv):
    with pytest.raises(TypeError):
        train_from_ar_history(ar_history_csv, learning_rat=0.1)


def test_fixed_cuts_are_used_as_bins(trained):
    artifact, _ = trained
    bins = {f["name"]: f["bins"][0] for f in artifact["features"]}
    assert bins["due_month"] == [3.5, 6.5, 9.5]
    assert bins["disputed"] == [0.5] and bins["paperless"] == [0.5]
    binning = {f["name"]: f["binning"] for f in artifact["features"]}
    assert binning["due_month"] == "fixed" and binning["open_amount"].startswith("quantile")
