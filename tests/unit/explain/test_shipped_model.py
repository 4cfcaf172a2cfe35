"""The shipped default model: loadable, named by the manifest, meeting its stated bars."""

import ast
import hashlib
import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import explain
from explain import FEATURE_NAMES, default_artifact_path, default_sha256, load_model
from explain._artifact import artifact_bytes
from explain.card import card_json_bytes, charts_dir_name, model_card, render_model_card
from explain.charts import chart_files
from explain.global_explanation import global_explanation

PACKAGE = Path(explain.__file__).resolve().parent


def test_default_model_loads_with_the_manifest_hash():
    path = default_artifact_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == default_sha256()
    model = load_model(path, expected_sha256=default_sha256())
    assert model.sha256 == default_sha256()
    assert path.name == f"{model.id}.json"
    assert model.feature_names == FEATURE_NAMES


def test_shipped_artifact_is_canonical_and_its_card_matches():
    path = default_artifact_path()
    data = path.read_bytes()
    artifact = json.loads(data)
    assert artifact_bytes(artifact) == data
    card = path.with_suffix(".md").read_text(encoding="utf-8")
    assert card == render_model_card(artifact, default_sha256())
    as_json = path.with_name(f"{artifact['model_id']}.card.json").read_bytes()
    assert as_json == card_json_bytes(model_card(artifact, default_sha256()))


def test_shipped_charts_are_the_cards_charts_byte_for_byte():
    artifact = json.loads(default_artifact_path().read_bytes())
    folder = default_artifact_path().with_name(charts_dir_name(artifact["model_id"]))
    charts = chart_files(global_explanation(artifact))
    assert sorted(p.name for p in folder.iterdir()) == sorted(charts)
    card = default_artifact_path().with_suffix(".md").read_text(encoding="utf-8")
    for name in charts:
        assert f"{folder.name}/{name}" in card
    committed = {p.name: p.read_bytes() for p in folder.iterdir()}
    written_by = re.search(rb"Matplotlib v([0-9.]+)", committed["importances.svg"]).group(1).decode()
    if written_by != version("matplotlib"):
        pytest.skip(f"charts were rendered by matplotlib {written_by}, {version('matplotlib')} is installed")
    assert committed == charts


def test_shipped_model_meets_the_stated_bars():
    artifact = json.loads(default_artifact_path().read_bytes())
    m = artifact["metrics"]
    # evaluated on the ladder's decision population, overall and where the ladder acts
    assert set(m["populations"]) == {"all", "pre_due", "overdue_3"}
    assert m["populations"]["all"]["auc"] >= 0.70
    assert m["populations"]["overdue_3"]["auc"] >= 0.60
    assert m["populations"]["overdue_3"]["n"] > 1000
    lo, hi = m["populations"]["overdue_3"]["auc_ci"]
    assert lo < m["populations"]["overdue_3"]["auc"] < hi
    # the baselines of the same run: the EBM is within 0.01 AUC of each (or better)
    assert {b["name"] for b in m["baselines"]} == {"monotone_gbm", "spline_logistic", "black_box"}
    for b in m["baselines"]:
        assert b["ebm_minus_baseline_auc"]["all"]["difference"] >= -0.01, b["name"]
    assert m["auc_gap_to_baseline"] <= 0.01
    assert artifact["feature_set"] == "dunning"
    # fairness measured by the nationality proxy, which is never a feature
    assert "countryCode" in artifact["fairness"]["attributes"]
    assert "countryCode" not in [f["name"] for f in artifact["features"]]
    assert m["max_abs_diff_vs_interpret"] <= 1e-9
    assert artifact["training"]["data"]["sha256"] == (
        "f5d488eaa4c1cc843b478b6f1068c553c5394aab4b64d587e4b9ad811d845c19"
    )
    assert "countryCode" in artifact["excluded_attributes"]
    monotone = {f["name"]: f["monotone"] for f in artifact["features"]}
    assert monotone["days_past_due"] == monotone["prior_late_ratio"] == 1
    assert monotone["prior_avg_days_late"] == 1


def test_shipped_model_never_sees_a_dispute_an_amount_or_the_calendar():
    artifact = json.loads(default_artifact_path().read_bytes())
    names = [f["name"] for f in artifact["features"]]
    assert not any(word in n for n in names for word in ("disput", "amount", "month", "prior_invoices"))
    assert {"Disputed", "InvoiceAmount"} <= set(artifact["excluded_attributes"])
    # what the left-out candidates would have added is measured in the same run
    assert {e["candidate"] for e in artifact["metrics"]["feature_evidence"]} == {
        "due_month", "prior_invoices", "open_amount_log"}


def test_shipped_model_carries_its_bands_calibration_and_safeguard():
    model = load_model(default_artifact_path(), expected_sha256=default_sha256())
    artifact = model.artifact
    cutoffs = model.cutoffs
    assert cutoffs is not None and 0.0 < cutoffs["medium"] < cutoffs["high"] < 1.0
    # calibration is reported per band, and the safeguard's rate on the holdout is within 1-10 %
    assert [b["band"] for b in artifact["metrics"]["bands"]] == ["low", "medium", "high"]
    assert 0.01 <= artifact["metrics"]["safeguard"]["holdout"]["review_rate"] <= 0.10
    assert artifact["safeguard"]["z"] > 0.0
    # days_past_due is counted within the ladder's range: its domain is never out of range
    domain = {f["name"]: f.get("domain") for f in artifact["features"]}
    assert domain["days_past_due"] == [-5.0, 45.0]


def test_shipped_model_uses_days_past_due():
    model = load_model(default_artifact_path(), expected_sha256=default_sha256())
    row = {"days_past_due": -5, "prior_late_ratio": 0.3, "prior_avg_days_late": 3.0, "paperless": 1}
    ps = [model.score(row | {"days_past_due": d}).calibrated.p_late for d in (-5, -1, 3, 7, 14, 21, 45)]
    assert ps == sorted(ps) and ps[-1] > ps[0] * 1.2


def test_scoring_imports_no_training_or_web_libraries():
    code = (
        "import sys, explain\n"
        "from explain.reasons import principal_reasons\n"
        "m = explain.load_model(explain.default_artifact_path(), explain.default_sha256())\n"
        "principal_reasons(m.score({n: 1 for n in explain.FEATURE_NAMES}))\n"
        "from explain.counterfactual import counterfactual_hint\n"
        "bad = [k for k in ('interpret', 'sklearn', 'pandas', 'flask', 'sqlalchemy', 'pickle',"
        " 'matplotlib')"
        " if k in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# The registry (and its table) persist model versions through the ledger: explain may import
# ledger/ and the database library there, and only there. Nothing in explain imports the layers
# above it, or Flask.
PERSISTENCE = {"registry.py", "tables.py"}


def test_explain_never_imports_the_layers_above_it():
    for source in PACKAGE.rglob("*.py"):
        forbidden = {"decisions", "service", "reports", "flask"}
        if source.name not in PERSISTENCE:
            forbidden |= {"ledger", "retention", "sqlalchemy"}
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{source.name} imports {name}"
