"""The model on the real IBM AR history (skipped when the CSV is absent)."""

from __future__ import annotations

import json
from importlib.metadata import version

import numpy as np
import pytest

from explain import FEATURE_NAMES, default_artifact_path, default_sha256, load_model
from explain._model import Model
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
    artifact, _ = shipped
    settings = TrainingSettings(**artifact["training"]["settings"])
    return load_training_data(real_csv, settings), settings


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


def test_recorded_metrics_equal_rescoring_the_real_holdout(shipped, shipped_data):
    artifact, model = shipped
    data, settings = shipped_data
    assert data.data_sha256 == artifact["training"]["data"]["sha256"]
    assert data.holdout_from.isoformat() == artifact["training"]["split"]["holdout_from"]
    X_test, y_test = data.matrix(data.holdout)
    p = model.score_arrays({n: X_test[:, j] for j, n in enumerate(FEATURE_NAMES)})["p_late"]
    assert binary_metrics(y_test, p, settings.calibration_bins) == artifact["metrics"]["holdout"]


def test_retraining_reproduces_the_shipped_artifact_byte_for_byte(real_csv, shipped):
    artifact, model = shipped
    recorded = artifact["training"]["software"]
    installed = {k: version(k) for k in ("interpret-core", "numpy", "scikit-learn")}
    if any(recorded[k] != v for k, v in installed.items()):
        pytest.skip(f"library versions differ from the recorded ones: {recorded} vs {installed}")
    _, summary = train_from_ar_history(real_csv, n_jobs=2, **artifact["training"]["settings"])
    assert summary["model_id"] == model.id
    assert summary["sha256"] == default_sha256()
    # the bars of the issue, measured in this run: AUC >= 0.88, within 0.01 of the baseline
    assert summary["holdout_auc"] >= 0.88 and summary["baseline_auc"] - summary["holdout_auc"] <= 0.01


def test_recorded_fairness_equals_remeasuring_the_real_holdout(real_csv, shipped):
    from explain.fairness import fairness_report

    artifact, model = shipped
    settings = TrainingSettings(**artifact["training"]["settings"])
    data = load_training_data(real_csv, settings, measure=("countryCode",))
    X_test, y_test = data.matrix(data.holdout)
    p = model.score_arrays({n: X_test[:, j] for j, n in enumerate(FEATURE_NAMES)})["p_late"]
    groups = [data.snapshots[i].groups[0] for i in data.holdout]
    expected = fairness_report(y_test, p, {"countryCode": groups}, threshold=settings.fairness_threshold,
                               max_ratio=settings.fairness_max_ratio, min_group=settings.fairness_min_group)
    recorded = {k: v for k, v in artifact["fairness"].items() if k != "evaluated_on"}
    assert json.loads(json.dumps(expected)) == recorded


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
