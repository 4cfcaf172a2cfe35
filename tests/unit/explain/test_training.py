import math
from datetime import date, timedelta

import pytest

from explain import TrainingError
from explain._artifact import artifact_bytes
from explain._dataset import Invoice, Snapshot, build_snapshots, read_ar_history
from explain.features import FEATURE_NAMES
from explain.training import TrainingSettings, time_split, train_from_ar_history

D = {"late_after_days": 14, "horizon_days": 7, "windows": ((-5, -1), (3, 45)), "censor_recent": False}


def _inv(number, issued, settled, disputed=False, customer="A", amount=50.0):
    return Invoice(customer=customer, number=number, issued_on=issued,
                   due_on=issued + timedelta(days=30), settled_on=settled, amount=amount,
                   disputed=disputed, paperless=True)


@pytest.fixture()
def history():
    return [
        _inv("1", date(2012, 1, 2), date(2012, 2, 10)),   # due 2/1, 9 days late
        _inv("2", date(2012, 1, 16), date(2012, 2, 13)),  # due 2/15, paid early
        _inv("3", date(2012, 2, 1), date(2012, 3, 25)),   # due 3/2, 23 days late
        _inv("9", date(2012, 1, 2), date(2012, 1, 5), customer="B"),  # another customer
    ]


def _by_invoice(snaps, number):
    return {s.decided_on: s for s in snaps if s.invoice == number}


def _day(s):
    return s.features[FEATURE_NAMES.index("days_past_due")]


def test_snapshots_are_the_ladders_decision_days_while_open(history):
    snaps = build_snapshots(history, **D)
    three = _by_invoice(snaps, "3")   # due 3/2, settled 3/25
    # every day from 5 to 1 days before the due date, and from 3 days after it until settlement
    pre = [date(2012, 2, 26) + timedelta(days=k) for k in range(5)]
    overdue = [date(2012, 3, 5) + timedelta(days=k) for k in range(21)]
    assert sorted(three) == pre + overdue
    assert sorted({_day(s) for s in three.values()}) == [-5, -4, -3, -2, -1, *range(3, 24)]
    # open at the start of the day it was settled on; not after
    assert max(_by_invoice(snaps, "2")) == date(2012, 2, 13)
    assert snaps == sorted(snaps, key=lambda s: (s.decided_on, s.invoice))
    # the customer is kept for clustered intervals; dispute and amount are candidates only
    assert {s.customer for s in three.values()} == {"A"}
    assert all(len(s.features) == len(FEATURE_NAMES) for s in snaps)


def test_days_past_due_is_counted_within_the_ladders_range():
    inv = _inv("7", date(2012, 1, 2), date(2012, 4, 30))   # due 2/1, 89 days late
    snaps = build_snapshots([inv], **(D | {"windows": ((-5, -1), (3, 80))}))
    days = sorted({_day(s) for s in snaps})
    assert days[0] == -5 and days[-1] == 45 and days.count(45) == 1


def test_prior_features_only_count_invoices_settled_before_the_decision(history):
    snaps = build_snapshots(history, **D)
    names = FEATURE_NAMES

    def prior(number, t):
        f = _by_invoice(snaps, number)[t].features
        return (f[names.index("prior_late_ratio")], f[names.index("prior_avg_days_late")])

    ratio, avg = prior("1", date(2012, 1, 27))   # nothing of customer A settled yet (B's never counts)
    assert math.isnan(ratio) and math.isnan(avg)
    ratio, avg = prior("2", date(2012, 2, 10))   # invoice 1 settles on 2/10 itself: not yet known
    assert math.isnan(ratio) and math.isnan(avg)
    assert prior("2", date(2012, 2, 11)) == (1.0, 9.0)
    # invoice 2 settled 2/13 on time; the invoice itself never counts
    assert prior("3", date(2012, 2, 26)) == (0.5, 4.5)
    assert prior("3", date(2012, 3, 19)) == (0.5, 4.5)


def test_label_is_unpaid_at_the_later_of_due_plus_14_and_decision_plus_7(history):
    three = _by_invoice(build_snapshots(history, **D), "3")  # due 3/2, settled 3/25
    # pre-due decisions: paid more than 14 days late -> 1, known the day after due + 14
    assert three[date(2012, 2, 26)].label == 1
    assert three[date(2012, 2, 26)].label_known_on == date(2012, 3, 17)
    # decided 3/12: unpaid at the end of 3/19 -> 1
    assert three[date(2012, 3, 12)].label == 1
    # decided 3/19: paid 3/25, within 7 days -> 0, known the day after payment
    assert three[date(2012, 3, 19)].label == 0
    assert three[date(2012, 3, 19)].label_known_on == date(2012, 3, 26)
    one = _by_invoice(build_snapshots(history, **D), "1")  # 9 days late
    assert {s.label for s in one.values()} == {0}


def test_recent_invoices_are_censored(history):
    # the last settlement (3/25) minus the longest lateness (23 days): due after 3/2 is censored,
    # because only the invoices paid early enough are in a history of paid invoices
    recent = _inv("4", date(2012, 2, 10), date(2012, 3, 12), customer="B")   # due 3/11
    kept = build_snapshots([*history, recent], **D)
    censored = build_snapshots([*history, recent], **(D | {"censor_recent": True}))
    assert _by_invoice(kept, "4") and not _by_invoice(censored, "4")
    assert _by_invoice(censored, "3")   # due 3/2 itself stays


def test_time_split_never_uses_outcomes_from_after_the_end_of_a_period():
    start = date(2013, 1, 7)
    snaps = [
        Snapshot(start + timedelta(weeks=k), f"{k}", (0.0,) * 4, k % 2,
                 start + timedelta(weeks=k, days=d))
        for k in range(20) for d in (1, 30)
    ]
    train, calibration, holdout, (first, second), dropped = time_split(snaps, 0.2, 0.25)
    assert second == snaps[int(len(snaps) * 0.75)].decided_on
    assert first == snaps[int(len(snaps) * 0.55)].decided_on
    assert all(snaps[i].decided_on >= second for i in holdout)
    assert all(snaps[i].decided_on < first and snaps[i].label_known_on <= first for i in train)
    assert all(first <= snaps[i].decided_on < second and snaps[i].label_known_on <= second for i in calibration)
    assert not set(train) & set(holdout) and not set(calibration) & (set(train) | set(holdout))
    assert dropped["train"] > 0 and dropped["calibration"] > 0
    assert len(train) + len(calibration) + len(holdout) + sum(dropped.values()) == len(snaps)


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
    # both populations the ladder acts on, with customer-clustered intervals
    pops = m["populations"]
    assert pops["pre_due"]["n"] + pops["overdue_3"]["n"] == pops["all"]["n"] == m["holdout"]["n"]
    for p in pops.values():
        lo, hi = p["auc_ci"]
        assert lo <= p["auc"] <= hi
    assert m["bootstrap"]["clustered_by"] == "customer" and m["bootstrap"]["resamples"] == 50
    # the baselines of the same run, with paired differences
    assert [b["name"] for b in m["baselines"]] == ["monotone_gbm", "spline_logistic", "black_box"]
    for b in m["baselines"]:
        diff = b["ebm_minus_baseline_auc"]["all"]
        assert diff["difference"] == pytest.approx(pops["all"]["auc"] - b["populations"]["all"]["auc"])
    assert m["auc_gap_to_baseline"] == pytest.approx(m["baseline"]["holdout"]["auc"] - m["holdout"]["auc"])
    assert m["max_abs_diff_vs_interpret"] <= 1e-9
    assert summary["holdout_auc"] == m["holdout"]["auc"]
    t = artifact["training"]
    split = t["split"]
    assert (split["train"] + split["calibration"] + split["holdout"]
            + sum(split["dropped_label_unknown_at_cutoff"].values()) == t["snapshots"]["total"])
    assert t["settings"]["random_state"] == 42 and "interpret-core" in t["software"]
    assert [f["name"] for f in artifact["features"]] == list(FEATURE_NAMES)


def test_bands_are_derived_from_the_calibration_period_for_the_target_shares(trained):
    artifact, _ = trained
    from explain._bands import calibrated, derive_cutoffs

    cal, bands = artifact["calibration"], artifact["bands"]
    ref = bands["reference"]
    assert derive_cutoffs(ref["scores"], ref["counts"], a=cal["a"], b=cal["b"], shares=bands["shares"]) \
        == bands["cutoffs"]
    total = sum(ref["counts"])
    high = sum(c for s, c in zip(ref["scores"], ref["counts"], strict=True)
               if calibrated(cal["a"], cal["b"], s) >= bands["cutoffs"]["high"])
    medium_or_high = sum(c for s, c in zip(ref["scores"], ref["counts"], strict=True)
                         if calibrated(cal["a"], cal["b"], s) >= bands["cutoffs"]["medium"])
    assert 0 < high <= 0.10 * total and high < medium_or_high <= 0.40 * total
    assert total == artifact["training"]["split"]["calibration"]
    # calibration reported per band, and a check whose failure asks for a sign-off
    assert [b["band"] for b in artifact["metrics"]["bands"]] == ["low", "medium", "high"]
    gov = artifact["governance"]
    assert gov["calibration_check"] == ("passed" if all(b["consistent"] for b in artifact["metrics"]["bands"]
                                                        if b["n"]) else "failed")
    assert gov["sign_off_required"] == bool(gov["findings"])


def test_the_safeguard_is_set_for_its_target_review_rate(trained):
    artifact, _ = trained
    rates = artifact["metrics"]["safeguard"]
    assert artifact["safeguard"]["target_review_rate"] == 0.05
    assert 0.0 < rates["calibration"]["straddling"] <= 0.05
    assert rates["holdout"]["review_rate"] >= rates["holdout"]["straddling"]


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
        {"fixed_cuts": {"days_past_due": [6.5, 3.5]}},
        {"windows": [[3, 45], [-5, -1]]},
        {"band_shares": {"high": 0.6, "medium": 0.5}},
        {"target_review_rate": 0.0},
        {"calibration_fraction": 0.8},
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
    assert bins["days_past_due"] == [-2.5, 0.5, 6.5, 13.5, 20.5] and bins["paperless"] == [0.5]
    binning = {f["name"]: f["binning"] for f in artifact["features"]}
    assert binning["days_past_due"] == "fixed" and binning["prior_late_ratio"].startswith("quantile")


def _german_export(source, target):
    """The same history as another ERP would export it: other names, dates, decimals, flags."""
    import csv as _csv

    names = {"countryCode": "Land", "customerID": "Kunde", "invoiceNumber": "Beleg", "InvoiceDate": "Belegdatum",
             "DueDate": "Faellig", "InvoiceAmount": "Betrag", "Disputed": "Strittig", "SettledDate": "Ausgleich",
             "PaperlessBill": "Versand"}
    with source.open(newline="") as f:
        rows = list(_csv.DictReader(f))
    with target.open("w", newline="") as f:
        writer = _csv.writer(f, delimiter=",")
        writer.writerow(list(names.values()))
        for r in rows:
            def day(text):
                m, d, y = text.split("/")
                return f"{int(d):02d}.{int(m):02d}.{y}"
            writer.writerow([r["countryCode"], r["customerID"], r["invoiceNumber"], day(r["InvoiceDate"]),
                             day(r["DueDate"]), r["InvoiceAmount"].replace(".", ","),
                             "ja" if r["Disputed"] == "Yes" else "nein", day(r["SettledDate"]),
                             "E-Mail" if r["PaperlessBill"] == "Electronic" else "Post"])
    return target


MAPPING = {
    "name": "erp",
    "columns": {"customer": "Kunde", "invoice": "Beleg", "issued_on": "Belegdatum", "due_on": "Faellig",
                "settled_on": "Ausgleich", "amount": "Betrag", "disputed": "Strittig", "paperless": "Versand",
                "group": "Land"},
    "date_format": "%d.%m.%Y",
    "decimal_separator": ",",
    "flags": {"disputed": {"true": ["ja"], "false": ["nein"]}, "paperless": {"true": ["E-Mail"], "false": ["Post"]}},
}


def test_another_export_trains_the_same_model_through_a_column_mapping(trained, ar_history_csv, tmp_path,
                                                                     fast_settings):
    import json as _json

    from explain.layout import load_layout

    artifact, _ = trained
    export = _german_export(ar_history_csv, tmp_path / "export.csv")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(_json.dumps(MAPPING))
    other, summary = train_from_ar_history(export, layout=load_layout(mapping), **fast_settings)
    for key in ("features", "terms", "intercept", "bagged_intercepts", "metrics"):
        assert other[key] == artifact[key]
    assert other["fairness"]["attributes"]["Land"] == artifact["fairness"]["attributes"]["countryCode"]
    assert other["model_id"].startswith("ebm-ar-erp-")
    assert other["training"]["data"]["layout"]["date_format"] == "%d.%m.%Y"
    assert set(other["excluded_attributes"]) == {"Land", "Kunde", "Beleg", "Strittig", "Betrag"}


@pytest.mark.parametrize("change, message", [
    (lambda m: m["columns"].pop("due_on"), r"no column for \['due_on'\]"),
    (lambda m: m.update(colour="red"), "unknown keys"),
    (lambda m: m["columns"].update(paid_on="X"), "unknown fields"),
    (lambda m: m["flags"]["disputed"].update(false=["ja"]), "both true and false"),
    (lambda m: m.update(decimal_separator=";"), "decimal_separator"),
    (lambda m: m["columns"].update(group="Kunde"), "two fields"),
])
def test_bad_column_mappings_are_refused_clearly(tmp_path, change, message):
    import copy
    import json as _json

    from explain.layout import load_layout

    mapping = copy.deepcopy(MAPPING)
    change(mapping)
    path = tmp_path / "mapping.json"
    path.write_text(_json.dumps(mapping))
    with pytest.raises(TrainingError, match=message):
        load_layout(path)


def test_fairness_is_measured_by_country_and_country_is_never_a_feature(trained):
    artifact, summary = trained
    fairness = artifact["fairness"]
    groups = fairness["attributes"]["countryCode"]["groups"]
    assert sum(g["n"] for g in groups) == summary["n_holdout"]
    assert {g["group"] for g in groups} <= {"391", "406", "770", "818", "897"}
    assert fairness["high_cutoff"] == artifact["bands"]["cutoffs"]["high"] and fairness["max_ratio"] == 1.25
    assert fairness["min_customers"] == 10
    # within-group calibration first, counted in customers, with intervals
    for g in groups:
        assert g["customers"] >= 1 and g["eligible"] == (g["customers"] >= 10)
        assert g["flagged"] <= g["eligible"]
    assert "measured for fairness" in artifact["excluded_attributes"]["countryCode"]
    assert summary["fairness_flagged"] == fairness["flagged"]


def test_protected_or_feature_columns_cannot_be_misused(ar_history_csv, fast_settings):
    from explain.protected import ProtectedAttributeError

    with pytest.raises(ProtectedAttributeError, match="DueDate"):
        train_from_ar_history(ar_history_csv, protected=("DueDate",), **fast_settings)
    with pytest.raises(TrainingError, match="feed the model features"):
        train_from_ar_history(ar_history_csv, group_by="InvoiceAmount", **fast_settings)
    with pytest.raises(TrainingError, match="not columns"):
        train_from_ar_history(ar_history_csv, group_by="Region", **fast_settings)


def test_snapshots_can_be_exported_for_scoring(ar_history_csv, tmp_path):
    import csv as _csv

    from explain.training import export_snapshots, load_training_data

    summary = export_snapshots(ar_history_csv, tmp_path / "snapshots.csv")
    with (tmp_path / "snapshots.csv").open(newline="") as f:
        rows = list(_csv.DictReader(f))
    data = load_training_data(ar_history_csv)
    assert summary["snapshots"] == len(rows) == len(data.snapshots)
    assert list(rows[0]) == ["decided_on", "invoice", "split", *FEATURE_NAMES, "label"]
    assert sum(r["split"] == "holdout" for r in rows) == len(data.holdout)
    first = data.snapshots[0]
    assert rows[0]["invoice"] == first.invoice and int(rows[0]["label"]) == first.label
