"""Policy impact replay: past decisions re-evaluated under a candidate bundle, compared and
attributed, without writing anything; shredded subjects skipped and counted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import request_with, verify

from decisions.policy import OpaEmbeddedEngine, load_bundle, shipped_bundle_dir
from decisions.replay import replay

GERMAN = {}
GERMAN_LETTER = {"debtor.consents.email": False, "debtor.ref": "C-20001", "invoice.ref": "INV-2"}
NEW_YORK = {"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "debtor.language": "en",
            "invoice.currency": "USD", "debtor.ref": "C-30001", "invoice.ref": "INV-3"}
SHREDDED = {"debtor.ref": "C-40001", "invoice.ref": "INV-4"}


@pytest.fixture
def decided(app: Any, client: Any, auth: Any) -> Any:
    """Four recorded decisions (two German with a dunning fee, one in New York, one of a subject
    whose key is then shredded)."""
    for changes in (GERMAN, GERMAN_LETTER, NEW_YORK, SHREDDED):
        assert client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system")).status_code == 201
    runtime = app.extensions["fairdun"]
    with runtime.db.unit_of_work() as uow:
        runtime.vault.shred(uow.session, runtime.pseudonyms.subject("C-40001"), now=runtime.clock())
        uow.commit()
    return app


@pytest.fixture
def cheaper_reminders(tmp_path: Path) -> Path:
    """The shipped bundle with the German dunning fee capped at EUR 1.00 instead of EUR 2.50."""
    target = tmp_path / "candidate"
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    data = json.loads((target / "data.json").read_text())
    data["parameters"]["de_dunning_fee"]["cap_minor"]["EUR"] = 100
    (target / "data.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return target


def _entries(app: Any) -> int:
    return verify(app).entries


def test_the_running_bundle_changes_nothing(decided: Any) -> None:
    runtime = decided.extensions["fairdun"]

    report = replay(runtime.db, runtime.vault, OpaEmbeddedEngine(load_bundle())).to_dict()

    assert (report["decisions"], report["compared"], report["changed"]) == (4, 3, 0)
    assert report["skipped"] == {"of shredded subjects": 1}
    assert report["by_rule"] == {} and report["examples"] == {}


def test_a_lower_fee_cap_changes_the_german_decisions_and_names_the_rule(decided: Any,
                                                                          cheaper_reminders: Path) -> None:
    runtime = decided.extensions["fairdun"]
    before = _entries(decided)

    result = replay(runtime.db, runtime.vault, OpaEmbeddedEngine(load_bundle(cheaper_reminders)))
    report = result.to_dict()

    assert report["candidate_bundle_sha256"] == load_bundle(cheaper_reminders).sha256
    assert (report["compared"], report["changed"], report["unchanged"]) == (3, 2, 1)
    assert report["by_rule"] == {"DE-DUNNING-FEE-COST": 2}
    assert report["by_jurisdiction"] == {"DE": {"compared": 2, "changed": 2}, "US-NY": {"compared": 1, "changed": 0}}
    [example, _] = report["examples"]["DE-DUNNING-FEE-COST"]
    assert example["before"]["fees_minor"] == {"dunning_fee": 250}
    assert example["after"]["fees_minor"] == {"dunning_fee": 100}
    assert "DE-DUNNING-FEE-COST: 2" in result.summary() and "1 of shredded subjects" in result.summary()
    text = json.dumps(report)
    assert "C-10023" not in text and "Erika" not in text       # pseudonymous ids only
    assert _entries(decided) == before                          # nothing was written


def test_since_limits_the_replay_to_later_decisions(decided: Any, cheaper_reminders: Path) -> None:
    from datetime import timedelta

    runtime = decided.extensions["fairdun"]
    later = runtime.clock() + timedelta(minutes=1)

    report = replay(runtime.db, runtime.vault, OpaEmbeddedEngine(load_bundle(cheaper_reminders)), since=later).to_dict()

    assert report["decisions"] == 0 and report["since"] == later.isoformat()


def test_the_cli_prints_json_and_a_summary(decided: Any, cheaper_reminders: Path, database_url: str) -> None:
    from service.cli import main

    env = {"FAIRDUN_INSTANCE_PATH": decided.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(main, ["policy", "replay", "--bundle", str(cheaper_reminders),
                                       "--since", "2026-11-01"], env=env, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by_rule"] == {"DE-DUNNING-FEE-COST": 2}
    assert "2 would change" in result.stderr and "By rule:" in result.stderr

    refused = CliRunner().invoke(main, ["policy", "replay", "--bundle", str(cheaper_reminders), "--since", "soon"],
                                 env=env)
    assert refused.exit_code == 2 and "--since" in refused.stderr


def test_decisions_an_experiment_arm_shaped_replay_unchanged_under_the_same_bundle(app: Any, client: Any,
                                                                                  auth: Any) -> None:
    """A decision that took its arm's option (a letter where the first lawful candidate was an
    e-mail) is what the same bundle decides again: replay reports no change."""
    spec = {"name": "letters", "hypothesis": "h", "factor": "channel",
            "arms": [{"name": "email", "value": "email"}, {"name": "letter", "value": "letter"}],
            "population": {"jurisdictions": ["DE"], "debtor_kinds": ["consumer"]},
            "guardrails": [{"metric": "dispute_rate", "max": 0.5}], "seed": 7}
    officer = auth("compliance_officer")
    experiment_id = client.post("/v1/experiments", json=spec, headers=officer).json["id"]
    client.post(f"/v1/experiments/{experiment_id}/start", headers=officer)
    channels = set()
    for n in range(8):
        decision = client.post("/v1/decisions", json=request_with(**{"invoice.ref": f"INV-E{n}"}),
                               headers=auth("ar_system")).json
        assert decision["experiment"]["applied"] is True
        channels.add(decision["action"]["channel"])
    assert channels == {"email", "letter"}
    runtime = app.extensions["fairdun"]
    report = replay(runtime.db, runtime.vault, OpaEmbeddedEngine(load_bundle())).to_dict()
    assert (report["compared"], report["changed"]) == (8, 0), report
