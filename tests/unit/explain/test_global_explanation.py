"""Global explanation (importances, shapes), its SVG charts, and the model card."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explain.card import card_json_bytes, model_card, render_model_card, write_model_card
from explain.charts import chart_files
from explain.global_explanation import global_explanation


def test_importances_equal_interprets(pair_ebm, make_artifact):
    ebm, settings = pair_ebm
    artifact = make_artifact(ebm, settings)
    explanation = global_explanation(artifact)
    expected = dict(zip(ebm.term_names_, ebm.term_importances(), strict=False))
    got = {r["term"]: r["importance"] for r in explanation["importances"]}
    assert got.keys() == expected.keys()
    for term, value in expected.items():
        assert got[term] == pytest.approx(value, abs=1e-12)
    values = [r["importance"] for r in explanation["importances"]]
    assert values == sorted(values, reverse=True)
    # pairs have an importance but no shape
    assert [s["feature"] for s in explanation["shapes"]] == [t for t in ebm.term_names_ if " & " not in t]


def test_shapes_are_the_main_terms_bin_by_bin(trained):
    artifact, _ = trained
    explanation = global_explanation(artifact)
    for shape, term, feature in zip(explanation["shapes"], artifact["terms"], artifact["features"], strict=False):
        cuts = feature["bins"][0]
        assert len(shape["bins"]) == len(cuts) + 1
        assert [b["score"] for b in shape["bins"]] == term["scores"][1:-1]
        assert shape["missing"]["score"] == term["scores"][0]
        assert [b["lower"] for b in shape["bins"][1:]] == cuts
        spread = np.std(np.array(term["bagged_scores"]), axis=0)
        assert [b["spread"] for b in shape["bins"]] == pytest.approx(list(spread[1:-1]))


def test_charts_are_byte_identical_across_renders_and_processes(trained, tmp_path):
    artifact, _ = trained
    explanation = global_explanation(artifact)
    first = chart_files(explanation)
    assert first == chart_files(explanation)
    assert set(first) == {"importances.svg"} | {f"shape-{f['name']}.svg" for f in artifact["features"]}
    for data in first.values():
        assert data.startswith(b"<?xml") and b"<svg" in data
        assert b"<dc:date>" not in data          # no date metadata
    # another process, another hash seed: the same bytes
    (tmp_path / "explanation.json").write_text(json.dumps(explanation))
    code = ("import json, sys; from explain.charts import chart_files; "
            "files = chart_files(json.load(open(sys.argv[1]))); "
            "sys.stdout.buffer.write(files['importances.svg'] + b'\\0' + files['shape-days_past_due.svg'])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "explanation.json")], check=True,
                         capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    assert out.split(b"\0") == [first["importances.svg"], first["shape-days_past_due.svg"]]


def test_the_card_shows_metrics_baseline_calibration_fairness_and_limitations(trained):
    artifact, summary = trained
    card = model_card(artifact, summary["sha256"])
    text = render_model_card(artifact, summary["sha256"])
    for heading in ("## Intended use", "## Data and populations", "## Features", "Never features",
                    "### Feature evidence", "## Global explanation", "## Metrics (holdout, time-ordered",
                    "## Baselines", "## Calibration", "## Risk bands and cut-offs",
                    "## Safeguard (FD-OVERSIGHT-UNCERTAIN-SCORE)", "## Fairness", "## Approval and sign-off",
                    "## Limitations", "## Reproduce"):
        assert heading in text
    # both populations the ladder acts on, every baseline of the run, calibration per band
    pops = artifact["metrics"]["populations"]
    for label, key in (("before the due date", "pre_due"), ("3+ days past due", "overdue_3")):
        row = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
        assert f"{pops[key]['auc']:.3f}" in row
    for b in artifact["metrics"]["baselines"]:
        assert f"| {b['name']} |" in text
    for band in artifact["metrics"]["bands"]:
        assert f"| {band['band']} | {band['n']} |" in text
    assert f"{artifact['bands']['cutoffs']['high']:.4f}" in text
    assert "### By `countryCode`" in text and "`countryCode`: " in text
    assert card["fairness"] == artifact["fairness"]
    assert card["governance"]["sign_off_required"] == bool(artifact["governance"]["findings"])
    assert len(card["calibration"]) == len(artifact["metrics"]["holdout"]["calibration"])
    assert card["features"][0]["monotone"] == "increasing"
    assert "fairdun model train --ar-history" in card["reproduce"]["command"]
    # the card is the same whether the artifact comes fresh from training or from its file
    reloaded = json.loads(json.dumps(artifact, sort_keys=True))
    assert render_model_card(reloaded, summary["sha256"]) == text
    assert card_json_bytes(model_card(reloaded, summary["sha256"])) == card_json_bytes(card)


def test_write_model_card_writes_markdown_json_and_charts(trained, tmp_path):
    artifact, summary = trained
    paths = write_model_card(artifact, summary["sha256"], tmp_path)
    markdown = Path(paths["markdown"]).read_text(encoding="utf-8")
    charts = sorted(os.listdir(paths["charts"]))
    assert charts == sorted(chart_files(global_explanation(artifact)))
    for name in charts:
        assert f"{artifact['model_id']}.charts/{name}" in markdown
    assert json.loads(Path(paths["json"]).read_text(encoding="utf-8"))["model_id"] == artifact["model_id"]
