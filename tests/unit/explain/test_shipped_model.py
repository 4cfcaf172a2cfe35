"""The shipped default model: loadable, named by the manifest, meeting its stated bars."""

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import explain
from explain import FEATURE_NAMES, default_artifact_path, default_sha256, load_model
from explain._artifact import artifact_bytes
from explain.card import render_model_card

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


def test_shipped_model_meets_the_stated_bars():
    artifact = json.loads(default_artifact_path().read_bytes())
    m = artifact["metrics"]
    assert m["holdout"]["auc"] >= 0.88
    assert m["auc_gap_to_baseline"] <= 0.01
    assert m["max_abs_diff_vs_interpret"] <= 1e-9
    assert artifact["training"]["data"]["sha256"] == (
        "f5d488eaa4c1cc843b478b6f1068c553c5394aab4b64d587e4b9ad811d845c19"
    )
    assert "countryCode" in artifact["excluded_attributes"]
    monotone = {f["name"]: f["monotone"] for f in artifact["features"]}
    assert monotone["days_past_due"] == monotone["prior_late_ratio"] == 1
    assert monotone["prior_avg_days_late"] == 1


def test_shipped_model_uses_days_past_due():
    model = load_model(default_artifact_path(), expected_sha256=default_sha256())
    row = {"days_past_due": -21, "open_amount": 60.0, "prior_invoices": 10,
           "prior_late_ratio": 0.3, "prior_avg_days_late": 3.0, "disputed": 0, "paperless": 1,
           "due_month": 6}
    ps = [model.score(row | {"days_past_due": d}).p_late for d in (-21, -7, 0, 7, 21, 35)]
    assert ps == sorted(ps) and ps[-1] > ps[0] * 1.2


def test_scoring_imports_no_training_or_web_libraries():
    code = (
        "import sys, explain\n"
        "from explain.reasons import principal_reasons\n"
        "m = explain.load_model(explain.default_artifact_path(), explain.default_sha256())\n"
        "principal_reasons(m.score({n: 1 for n in explain.FEATURE_NAMES}))\n"
        "bad = [k for k in ('interpret', 'sklearn', 'pandas', 'flask', 'sqlalchemy', 'pickle')"
        " if k in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_explain_never_imports_the_layers_above_it():
    forbidden = {"decisions", "service", "ledger", "retention", "reports", "flask", "sqlalchemy"}
    for source in PACKAGE.rglob("*.py"):
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
