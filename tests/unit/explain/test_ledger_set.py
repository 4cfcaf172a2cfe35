"""A challenger trained on a ledger training set, and its comparison with the champion
(``explain.ledger_set``, ``explain.comparison``)."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from explain import TrainingError
from explain._model import Model
from explain.card import render_model_card
from explain.comparison import MIN_ROWS, compare_models
from explain.ledger_set import COLUMNS, read_ledger_set, train_from_ledger_set
from explain.training import TrainingSettings, load_training_data


def _cell(x: float) -> str:
    return "" if x != x else repr(int(x)) if x.is_integer() else repr(x)


def write_ledger_set(ar_history: Path, out: Path, settings: dict, *, open_rows: int = 0) -> Path:
    """The synthetic AR history's decision snapshots as the ledger export writes decisions: one
    row per decision, the country as jurisdiction, pseudonyms for claim and customer."""
    cfg = TrainingSettings(**settings)
    data = load_training_data(ar_history, cfg, measure=("countryCode",))
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i, s in enumerate(data.snapshots):
            pseudonym = hashlib.sha256(s.customer.encode()).hexdigest()[:16]
            unknown = i >= len(data.snapshots) - open_rows
            writer.writerow([s.decided_on.isoformat(), f"decision-{i}", f"claim-{s.invoice}", pseudonym,
                             s.groups[0], "ebm-champion", "0.5", *(_cell(x) for x in s.features),
                             "" if unknown else s.label, "" if unknown else s.label_known_on.isoformat(),
                             cfg.late_after_days, cfg.horizon_days])
    return out


@pytest.fixture(scope="module")
def ledger_set(ar_history_csv, tmp_path_factory, fast_settings) -> Path:
    return write_ledger_set(ar_history_csv, tmp_path_factory.mktemp("ledger") / "train.csv", fast_settings)


@pytest.fixture(scope="module")
def challenger(ledger_set, fast_settings) -> tuple[dict, dict]:
    return train_from_ledger_set(ledger_set, **fast_settings)


def test_a_challenger_trains_on_the_ledger_set_as_a_decision_model(challenger, ledger_set):
    artifact, summary = challenger
    assert artifact["feature_set"] == "dunning" and artifact["model_id"].startswith("ebm-ledger-")
    training = artifact["training"]
    assert training["mode"] == summary["mode"] == "ledger"
    rows = read_ledger_set(ledger_set)
    assert training["data"]["rows"] == len(rows) and training["data"]["scored_by"] == ["ebm-champion"]
    assert training["data"]["sha256"] == hashlib.sha256(ledger_set.read_bytes()).hexdigest()
    # the time-ordered split: no training label known after the calibration period starts
    calibration_from = date.fromisoformat(training["split"]["calibration_from"])
    assert training["split"]["train"] == sum(
        1 for r in rows if date.fromisoformat(r["decided_on"]) < calibration_from
        and date.fromisoformat(r["label_known_on"]) <= calibration_from)
    assert "jurisdiction" in artifact["fairness"]["attributes"]
    assert not {"customer", "jurisdiction", "p_late"} & {f["name"] for f in artifact["features"]}
    card = render_model_card(artifact, summary["sha256"])
    assert "fairdun model train --ledger-set train.csv" in card and "own decisions" in card


def test_a_set_with_open_rows_or_another_target_does_not_train(ar_history_csv, tmp_path, fast_settings):
    with_open = write_ledger_set(ar_history_csv, tmp_path / "open.csv", fast_settings, open_rows=3)
    with pytest.raises(TrainingError, match="3 rows have no label"):
        train_from_ledger_set(with_open, **fast_settings)
    labelled = write_ledger_set(ar_history_csv, tmp_path / "set.csv", fast_settings)
    with pytest.raises(TrainingError, match="labelled for the target"):
        train_from_ledger_set(labelled, **fast_settings, horizon_days=3)
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(TrainingError, match="not a training set"):
        train_from_ledger_set(tmp_path / "other.csv", **fast_settings)


def test_the_comparison_is_paired_and_judged_by_its_margins(challenger, model, ledger_set):
    artifact, summary = challenger
    new = Model(artifact=artifact, sha256=summary["sha256"])
    rows = read_ledger_set(ledger_set)
    since = date.fromisoformat(artifact["training"]["split"]["holdout_from"])
    lenient = compare_models(model, new, rows, since=since, bootstrap=200, auc_margin=0.5, brier_margin=0.25)
    holdout = [r for r in rows if date.fromisoformat(r["decided_on"]) >= since]
    assert lenient["n"] == len(holdout) >= MIN_ROWS and lenient["passed"] and lenient["findings"] == []
    low, high = lenient["auc"]["ci"]
    assert low <= lenient["auc"]["difference"] <= high
    assert lenient["auc"]["difference"] == pytest.approx(lenient["auc"]["challenger"] - lenient["auc"]["champion"])
    assert lenient["champion"]["model_id"] == model.id and lenient["challenger"]["model_id"] == new.id
    # a model against itself: every resample's difference is 0, so no margin of 0 is met
    itself = compare_models(new, new, rows, since=since, bootstrap=200, auc_margin=0.0, brier_margin=0.0)
    assert itself["auc"]["ci"] == [0.0, 0.0] and not itself["passed"] and len(itself["findings"]) == 2
    # the same inputs and seed: the same result
    assert compare_models(model, new, rows, since=since, bootstrap=200, auc_margin=0.5,
                          brier_margin=0.25) == lenient
    too_late = compare_models(model, new, rows, since=date.fromisoformat(rows[-1]["decided_on"]) + timedelta(days=1))
    assert too_late["n"] == 0 and not too_late["passed"] and "not judged" in too_late["findings"][0]
