"""The model on the real IBM AR history (skipped when the CSV is absent)."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from explain import BAND_NAMES, FEATURE_NAMES, default_artifact_path, default_sha256, load_model
from explain._artifact import artifact_bytes
from explain._model import Model
from explain.evaluation import (
    POPULATIONS,
    band_calibration,
    cutoff_neighbourhoods,
    interval,
    population_metrics,
    resamples,
)
from explain.fairness import calibration_fairness
from explain.training import (
    TrainingSettings,
    assemble_artifact,
    binary_metrics,
    export_ebm,
    fit_ebm,
    load_training_data,
    train_from_ar_history,
)

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def shipped():
    artifact = json.loads(default_artifact_path().read_bytes())
    return artifact, load_model(default_artifact_path(), expected_sha256=default_sha256())


@pytest.fixture(scope="module")
def shipped_data(real_csv, shipped):
    """The snapshots and periods as the training pipeline builds them from the recorded settings,
    with the fairness group (the IBM layout's ``countryCode``) kept for measurement."""
    artifact, _ = shipped
    settings = TrainingSettings(**artifact["training"]["settings"])
    return load_training_data(real_csv, settings, measure=("countryCode",)), settings


@pytest.fixture(scope="module")
def rescored(shipped, shipped_data):
    """The real holdout scored by the shipped artifact as production scores it (the calibrated
    probability, its band, the safeguard interval), with the resamples training drew: the same
    customers, the same number, the same seed."""
    _, model = shipped
    data, settings = shipped_data
    X, y = data.matrix(data.holdout)
    scored = model.score_arrays({n: X[:, j] for j, n in enumerate(FEATURE_NAMES)})
    customers = data.customers(data.holdout)
    return SimpleNamespace(
        X=X, y=y, scored=scored, p=scored["calibrated"], customers=customers,
        days=X[:, FEATURE_NAMES.index("days_past_due")],
        groups=[data.snapshots[i].groups[0] for i in data.holdout],
        boot=resamples(customers, n=settings.bootstrap, seed=settings.random_state),
    )


def _plain(value):
    """JSON-normalised (tuples to lists), as the artifact stores it."""
    return json.loads(json.dumps(value))


def test_scorer_equals_interpret_on_the_real_holdout(shipped_data):
    data, settings = shipped_data
    X_train, y_train = data.matrix(data.train)
    X_test, _ = data.matrix(data.holdout)
    ebm = fit_ebm(X_train, y_train, settings, n_jobs=2)
    model = Model(artifact=assemble_artifact(export_ebm(ebm), settings=settings), sha256="0" * 64)

    expected_p = ebm.predict_proba(X_test)[:, 1]
    expected_terms = ebm.eval_terms(X_test)
    arrays = model.score_arrays({n: X_test[:, j] for j, n in enumerate(FEATURE_NAMES)})
    np.testing.assert_allclose(arrays["p_late"], expected_p, rtol=0, atol=1e-9)
    np.testing.assert_allclose(arrays["contributions"], expected_terms, rtol=0, atol=1e-9)
    rows = [{n: (None if np.isnan(v) else v) for n, v in zip(FEATURE_NAMES, x.tolist(), strict=False)}
            for x in X_test[:300]]
    for row, p, terms in zip(rows, expected_p, expected_terms, strict=False):
        s = model.score(row)
        assert abs(s.p_late - p) <= 1e-9
        assert max(abs(c.contribution - t) for c, t in zip(s.contributions, terms, strict=False)) <= 1e-9


def test_recorded_metrics_equal_rescoring_the_real_holdout(shipped, shipped_data, rescored):
    """What the model card says about the shipped model's quality is what the artifact does on the
    real holdout, measured with the pipeline's own definitions: the third time-ordered period of
    the decision-population snapshots, the *calibrated* probability (what bands and decisions use;
    the EBM's raw ``p_late`` is not what the card reports), the populations of
    ``explain.evaluation.POPULATIONS`` and the customer-clustered resamples of the run.

    The bar. The old test asked for a holdout AUC >= 0.88; issue 16 showed that figure measured
    mostly invoices four weeks before their due date, not the decisions the ladder takes. On the
    decision population the shipped model reaches about 0.72, and so does a tuned monotone GBM of
    the same run: that is what the data allow, not a regression. An absolute bar would be
    arbitrary, so the honest check is relative to the run: in every population the EBM ranks
    better than chance (the lower end of its AUC interval is above 0.5), it is not significantly
    worse than any baseline of the same run (each paired interval of "EBM minus baseline" reaches
    0 or above), and it is within 0.01 AUC of the black box (the generic mode's bar)."""
    artifact, model = shipped
    data, settings = shipped_data
    split, m = artifact["training"]["split"], artifact["metrics"]
    # the same data and the same periods
    assert data.data_sha256 == artifact["training"]["data"]["sha256"]
    assert (data.calibration_from.isoformat(), data.holdout_from.isoformat()) == (
        split["calibration_from"], split["holdout_from"])
    assert (len(data.train), len(data.calibration), len(data.holdout)) == (
        split["train"], split["calibration"], split["holdout"])
    assert len(set(rescored.customers)) == split["customers"]["holdout"] == m["bootstrap"]["customers"]
    assert m["bootstrap"]["resamples"] == settings.bootstrap

    y, p, customers, boot = rescored.y, rescored.p, rescored.customers, rescored.boot
    assert _plain(binary_metrics(y, p, settings.calibration_bins)) == m["holdout"]
    masks = {name: [test(float(d)) for d in rescored.days] for name, (_, test) in POPULATIONS.items()}
    populations = {name: {"description": POPULATIONS[name][0],
                          **population_metrics(y, p, masks[name], customers, boot)} for name in POPULATIONS}
    assert _plain(populations) == m["populations"]
    # the two populations the ladder acts on make up every decision of the holdout
    assert populations["pre_due"]["n"] + populations["overdue_3"]["n"] == populations["all"]["n"] == len(y)

    # calibration per band and around each cut-off, with the shipped cut-offs
    cutoffs = model.cutoffs
    assert cutoffs == artifact["bands"]["cutoffs"]
    per_band = band_calibration(y, p, [model.band_of(float(x)) for x in p], BAND_NAMES, customers, boot)
    assert _plain(per_band) == m["bands"]
    assert _plain(cutoff_neighbourhoods(y, p, cutoffs, customers, boot)) == m["cutoffs"]
    # the calibration check of the governance section: exactly the bands whose interval misses
    governance = artifact["governance"]
    missed = [b["band"] for b in per_band if b["n"] and not b["consistent"]]
    named = [f.split()[2] for f in governance["findings"] if f.startswith("calibration: band ")]
    assert named == missed
    assert governance["calibration_check"] == ("failed" if missed else "passed")
    assert governance["sign_off_required"] is bool(governance["findings"])

    # the safeguard on the holdout: intervals reaching into another band, inputs out of range
    s = rescored.scored
    straddle = np.array([model.band_of(lo) != model.band_of(hi)
                         for lo, hi in zip(s["lower"].tolist(), s["upper"].tolist(), strict=True)])
    either = straddle | s["out_of_range"].any(axis=1)
    recorded = m["safeguard"]["holdout"]
    assert (recorded["n"], recorded["straddling"], recorded["out_of_range"], recorded["review_rate"]) == (
        len(y), float(straddle.mean()), float(s["out_of_range"].any(axis=1).mean()), float(either.mean()))
    assert recorded["review_rate_ci"] == interval([float(either[r].mean()) for r in boot.rows if len(r)])

    # the bar (see the docstring): better than chance, not significantly worse than any baseline
    for name, pop in populations.items():
        assert pop["auc_ci"][0] > 0.5, f"{name}: AUC interval {pop['auc_ci']} reaches chance"
    assert {b["name"] for b in m["baselines"]} == {"monotone_gbm", "spline_logistic", "black_box"}
    for b in m["baselines"]:
        for name, d in b["ebm_minus_baseline_auc"].items():
            assert d["difference"] == pytest.approx(populations[name]["auc"] - b["populations"][name]["auc"],
                                                    abs=1e-12)
            assert d["ci"][1] >= 0.0, f"{name}: the EBM is significantly worse than {b['name']}: {d}"
    black_box = next(b for b in m["baselines"] if b["name"] == "black_box")
    assert m["baseline"]["holdout"]["auc"] == black_box["populations"]["all"]["auc"]
    assert m["auc_gap_to_baseline"] == pytest.approx(black_box["populations"]["all"]["auc"]
                                                     - populations["all"]["auc"], abs=1e-12)
    assert m["auc_gap_to_baseline"] <= 0.01


# libebm picks its SIMD path at run time (AVX-512F, AVX2 or none) and boosting sums in another
# order on each: the shipped artifact was trained on a CPU with AVX-512F. Retrained on one without,
# every number agrees to 1e-4 but not bit for bit (measured on AVX2: largest absolute difference
# 1.3e-5 in a term's log-odds score, 2.5e-5 in a reported AUC interval bound).
SHIPPED_SIMD = "avx512f"
_ABSOLUTE_TOLERANCE = 1e-4


def _cpu_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _assert_numerically_equal(retrained, shipped, path=""):
    if isinstance(shipped, float) or isinstance(retrained, float):
        assert retrained == pytest.approx(shipped, rel=0, abs=_ABSOLUTE_TOLERANCE), path
    elif isinstance(shipped, dict):
        assert sorted(retrained) == sorted(shipped), path
        for key in shipped:
            if key != "model_id":   # derives from the bytes
                _assert_numerically_equal(retrained[key], shipped[key], f"{path}.{key}")
    elif isinstance(shipped, list):
        assert len(retrained) == len(shipped), path
        for i, (a, b) in enumerate(zip(retrained, shipped, strict=True)):
            _assert_numerically_equal(a, b, f"{path}[{i}]")
    else:
        assert retrained == shipped, path


def test_retraining_reproduces_the_shipped_artifact_byte_for_byte(real_csv, shipped, tmp_path):
    """``fairdun model train --ar-history ar_history_ibm.csv`` (its defaults) retrains the shipped
    artifact byte for byte on a CPU of its SIMD level (numerically on another), and the shipped
    model card is what that artifact renders."""
    from explain.card import write_model_card

    artifact, model = shipped
    recorded = artifact["training"]["software"]
    installed = {k: version(k) for k in ("interpret-core", "numpy", "scikit-learn")}
    if any(recorded[k] != v for k, v in installed.items()):
        pytest.skip(f"library versions differ from the recorded ones: {recorded} vs {installed}")
    # the recorded settings are the defaults, so the documented command (no settings) reproduces it
    assert artifact["training"]["settings"] == _plain(TrainingSettings().as_dict())
    retrained, summary = train_from_ar_history(real_csv, n_jobs=2)
    if SHIPPED_SIMD not in _cpu_flags():
        _assert_numerically_equal(json.loads(artifact_bytes(retrained)), artifact)
        return
    assert (summary["model_id"], summary["sha256"]) == (model.id, default_sha256())
    assert artifact_bytes(retrained) == default_artifact_path().read_bytes()

    card = write_model_card(retrained, summary["sha256"], tmp_path)
    shipped_dir = default_artifact_path().parent
    for kind in ("markdown", "json"):
        written = Path(card[kind])
        assert written.read_bytes() == (shipped_dir / written.name).read_bytes(), f"{written.name} is stale"
    charts = Path(card["charts"])
    shipped_charts = shipped_dir / charts.name
    assert sorted(f.name for f in charts.iterdir()) == sorted(f.name for f in shipped_charts.iterdir())
    for f in charts.iterdir():
        assert f.read_bytes() == (shipped_charts / f.name).read_bytes(), f"{charts.name}/{f.name} is stale"


def test_recorded_fairness_equals_remeasuring_the_real_holdout(shipped, shipped_data, rescored):
    """The fairness section is what ``explain.fairness.calibration_fairness`` measures on the real
    holdout with the calibrated score, the shipped high cut-off and the run's customer-clustered
    resamples; its flags are the governance findings, and each flag follows the rule (a group of
    enough customers whose calibration gap against the rest has an interval excluding 0)."""
    artifact, model = shipped
    _, settings = shipped_data
    assert list(artifact["fairness"]["attributes"]) == ["countryCode"]
    measured = calibration_fairness(
        rescored.y, rescored.p, {"countryCode": rescored.groups}, customers=rescored.customers,
        boot=rescored.boot, high_cutoff=model.cutoffs["high"], max_ratio=settings.fairness_max_ratio,
        min_customers=settings.fairness_min_customers)
    recorded = {k: v for k, v in artifact["fairness"].items() if k != "evaluated_on"}
    assert _plain(measured) == recorded
    assert artifact["fairness"]["evaluated_on"] == "holdout (time-ordered)"

    fairness_findings = [f.removeprefix("fairness: ") for f in artifact["governance"]["findings"]
                         if f.startswith("fairness: ")]
    assert fairness_findings == measured["flagged"]
    for g in measured["attributes"]["countryCode"]["groups"]:
        lo, hi = g["gap_vs_rest_ci"]
        follows_rule = g["customers"] >= settings.fairness_min_customers and (lo > 0.0 or hi < 0.0)
        assert g["flagged"] is follows_rule, g
        assert (f"countryCode: calibration of group {g['group']}" in measured["flagged"]) is follows_rule


def test_generic_mode_on_the_real_history(real_csv, tmp_path):
    import csv

    from explain.generic import train_from_csv
    from explain.protected import ProtectedAttributeError

    with real_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    table = tmp_path / "invoices.csv"
    with table.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["DueDate", "InvoiceAmount", "Disputed", "PaperlessBill", "countryCode", "late"])
        for r in rows:
            m, d, y = r["DueDate"].split("/")
            writer.writerow([f"{y}-{int(m):02d}-{int(d):02d}", r["InvoiceAmount"], r["Disputed"],
                             r["PaperlessBill"], r["countryCode"], int(int(r["DaysLate"]) > 0)])
    with pytest.raises(ProtectedAttributeError, match="countryCode"):
        train_from_csv(table, target="late", features=["InvoiceAmount", "countryCode"])
    artifact, summary = train_from_csv(table, target="late", order_by="DueDate", group_by="countryCode")
    assert [f["name"] for f in artifact["features"]] == ["InvoiceAmount", "Disputed", "PaperlessBill"]
    assert {f["name"]: f["type"] for f in artifact["features"]}["Disputed"] == "nominal"
    assert summary["max_abs_diff_vs_interpret"] <= 1e-9 and summary["holdout_auc"] > 0.5
    assert "countryCode" in artifact["fairness"]["attributes"]
