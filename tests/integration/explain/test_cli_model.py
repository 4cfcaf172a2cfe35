"""``fairdun model``: training in both modes, scoring a file, and the registry commands
against a real installation (instance folder + database)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from explain import default_artifact_path
from service.cli import main

FAST = ["--set", "outer_bags=3", "--set", "max_rounds=300", "--set", "early_stopping_rounds=15",
        "--set", "learning_rate=0.1"]


@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, list(args), env=env, input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    rng = random.Random(5)
    path = tmp_path_factory.mktemp("generic") / "history.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["amount", "channel", "Sex", "region", "late"])
        for _ in range(800):
            amount, channel = rng.uniform(10, 500), rng.choice(["web", "phone"])
            late = rng.random() < (0.2 + amount / 1000 + (0.2 if channel == "phone" else 0))
            writer.writerow([f"{amount:.2f}", channel, rng.choice("fm"), rng.choice(["n", "s"]), int(late)])
    return path


def _error(result: Any) -> dict:
    assert result.exit_code == 2, result.output
    return json.loads(result.stderr.strip().splitlines()[-1])["error"]


def test_generic_training_refuses_a_protected_feature_with_a_clear_error(fairdun, table):
    error = _error(fairdun("model", "train", "--csv", str(table), "--target", "late", "--feature", "amount",
                           "--feature", "Sex"))
    assert error["code"] == "protected_attribute" and "'Sex'" in error["message"]
    assert _error(fairdun("model", "train", "--csv", str(table)))["code"] == "usage"
    assert _error(fairdun("model", "train", "--csv", str(table), "--target", "late", "--set",
                          "learning_rat=1"))["code"] == "bad_settings"
    assert _error(fairdun("model", "train", "--csv", str(table), "--target", "late", "--monotone",
                          "amount=up"))["code"] == "bad_monotone"


def test_generic_training_prints_the_summary_and_writes_artifact_and_card(fairdun, table, tmp_path):
    out = tmp_path / "model.json"
    result = fairdun("model", "train", "--csv", str(table), "--target", "late", "--monotone", "amount=+1",
                     "--group-by", "region", *FAST, "--out", str(out), "--card", str(tmp_path / "card"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["mode"] == "generic" and set(summary["metrics"]) >= {"holdout", "baseline", "random_split"}
    assert set(summary["fairness"]["attributes"]) == {"region", "Sex"}
    artifact = json.loads(out.read_bytes())
    assert artifact["model_id"] == summary["model_id"]
    assert [(f["name"], f["monotone"]) for f in artifact["features"]] == [("amount", 1), ("channel", 0)]
    assert (tmp_path / "card" / f"{summary['model_id']}.md").is_file()
    assert (tmp_path / "card" / f"{summary['model_id']}.charts" / "shape-amount.svg").is_file()
    # the same file scores every row, in order
    scored = tmp_path / "scored.csv"
    result = fairdun("model", "score", str(out), "--csv", str(table), "-o", str(scored), "--keep", "late")
    assert result.exit_code == 0, result.output
    with scored.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 800 and list(rows[0]) == ["late", "p_late", "uncertainty", "reasons"]
    assert all(0.0 < float(r["p_late"]) < 1.0 for r in rows)
    # ... and it cannot be registered for live decisions
    assert _error(fairdun("model", "register", str(out)))["code"] == "artifact_refused"


def test_ar_history_training_and_snapshot_scoring(fairdun, synthetic_ar_csv, tmp_path):
    out = tmp_path / "ar.json"
    result = fairdun("model", "train", "--ar-history", str(synthetic_ar_csv), *FAST, "--out", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["mode"] == "ar-history" and "countryCode" in summary["fairness"]["attributes"]
    snapshots = tmp_path / "snapshots.csv"
    result = fairdun("model", "features", "--ar-history", str(synthetic_ar_csv), "-o", str(snapshots))
    assert result.exit_code == 0, result.output
    scored = tmp_path / "scored.csv"
    result = fairdun("model", "score", str(out), "--csv", str(snapshots), "-o", str(scored), "--keep", "label")
    assert json.loads(result.stdout)["rows"] == json.loads(fairdun(
        "model", "features", "--ar-history", str(synthetic_ar_csv), "-o", str(snapshots)).stdout)["snapshots"]
    assert _error(fairdun("model", "score", str(out), "--csv", str(snapshots), "-o", str(scored),
                          "--sha256", "0" * 64))["code"] == "model_error"


def test_register_approve_retire_list_and_card(fairdun, variant, tmp_path):
    shipped_id = json.loads(default_artifact_path().read_bytes())["model_id"]
    listed = json.loads(fairdun("model", "list").stdout)
    assert [(v["model_id"], v["status"], v["registered"]) for v in listed] == [(shipped_id, "approved", False)]
    artifact = tmp_path / "candidate.json"
    artifact.write_bytes(variant(31))
    candidate = json.loads(fairdun("model", "register", str(artifact), "--note", "retrained").stdout)
    assert candidate["status"] == "candidate"
    approved = json.loads(fairdun("model", "approve", candidate["model_id"], "--note", "card reviewed").stdout)
    assert approved["status"] == "approved" and approved["ledger"]["approved"] == 5   # after the default's 3 + 1
    statuses = {v["model_id"]: v["status"] for v in json.loads(fairdun("model", "list").stdout)}
    assert statuses == {shipped_id: "retired", candidate["model_id"]: "approved"}
    assert _error(fairdun("model", "approve", shipped_id))["code"] == "transition_refused"
    assert _error(fairdun("model", "retire", "ebm-ar-ibm-000000000000"))["code"] == "unknown_model"
    card = json.loads(fairdun("model", "card", candidate["model_id"], "--format", "json").stdout)
    assert card["model_id"] == candidate["model_id"] and card["fairness"]["attributes"]
    markdown = fairdun("model", "card", candidate["model_id"]).stdout
    assert markdown.startswith(f"# Model card: `{candidate['model_id']}`") and "## Fairness" in markdown
    written = json.loads(fairdun("model", "card", candidate["model_id"], "--out", str(tmp_path / "c")).stdout)
    assert Path(written["json"]).is_file()
    assert json.loads(fairdun("model", "retire", candidate["model_id"]).stdout)["status"] == "retired"
    verified = fairdun("ledger", "verify")
    assert verified.exit_code == 0 and "ok: 7 entries" in verified.output


def test_approval_without_the_sign_off_its_findings_need_exits_3(fairdun, variant, tmp_path):
    from service.cli_model import SIGN_OFF_REQUIRED_STATUS

    artifact = tmp_path / "flagged.json"
    artifact.write_bytes(variant(32, findings=True))
    candidate = json.loads(fairdun("model", "register", str(artifact)).stdout)
    refused = fairdun("model", "approve", candidate["model_id"])
    assert refused.exit_code == SIGN_OFF_REQUIRED_STATUS == 3
    error = json.loads(refused.stderr.strip().splitlines()[-1])["error"]
    assert error["code"] == "sign_off_required" and "fairdun model sign-off" in error["message"]
    assert _error(fairdun("model", "sign-off", candidate["model_id"], "--by", "nobody", "--rationale", "ok")
                  )["code"] == "invalid_input"
    assert fairdun("user", "create", "--name", "olga", "--role", "compliance_officer",
                   input="a long password 1\n").exit_code == 0
    signed = json.loads(fairdun("model", "sign-off", candidate["model_id"], "--by", "olga", "--rationale",
                                "calibration gap in the low band errs gentle").stdout)
    assert signed["sign_off"]["signed_off_by"].startswith("staff:") and signed["sign_off"]["seq"] is not None
    approved = json.loads(fairdun("model", "approve", candidate["model_id"]).stdout)
    assert approved["status"] == "approved"
    # the card of the registered version shows the sign-off recorded in this installation
    card = fairdun("model", "card", candidate["model_id"]).stdout
    assert f"approved; signed off by **{signed['sign_off']['signed_off_by']}**" in card
