"""``fairdun policy …`` against a real installation, and the activation of a bundle as a ledger
event (by the CLI, and when the service starts with a bundle that was never activated)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import ledger_kinds, verify

from decisions.policy import load_bundle, shipped_bundle_dir
from service.cli import main


@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Path:
    target = tmp_path / "candidate"
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _break_a_test(bundle: Path) -> None:
    test = bundle / "rules" / "stops" / "deceased_stop_test.rego"
    test.write_text(test.read_text().replace('"denied": {"c0", "c4"}', '"denied": {"c0"}'))


def test_policy_test_reports_each_rego_test_on_every_engine_and_fails_on_a_broken_one(
        fairdun: Any, bundle_copy: Path) -> None:
    passed = fairdun("policy", "test")
    assert passed.exit_code == 0
    for engine in ("opa", "regopy"):
        assert f"PASS [{engine}] deceased_stop_test.test_living_debtor_may_be_dunned" in passed.output
    summaries = [line for line in passed.output.splitlines() if not line.startswith("PASS")]
    assert [line.split(":")[0] for line in summaries] == ["opa-embedded", "regopy"]
    assert all(" 0 failed" in line for line in summaries)

    _break_a_test(bundle_copy)
    failed = fairdun("policy", "test", "--bundle", str(bundle_copy), "--quiet", "--engine", "opa")
    assert failed.exit_code == 1
    assert "FAIL [opa] deceased_stop_test.test_deceased_debtor_in_germany_is_not_dunned_bgb_1922_1967" in failed.output
    assert "PASS" not in failed.output and "regopy" not in failed.output


def test_testing_a_bundle_needs_no_controller_or_creditor(fairdun: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The service refuses to start without its controller (GDPR Art. 13/14); testing the Rego of a
    bundle, on a developer's machine or in a pipeline, needs none."""
    for name in ("FAIRDUN_CONTROLLER_NAME", "FAIRDUN_CONTROLLER_ADDRESS", "FAIRDUN_CONTROLLER_EMAIL",
                 "FAIRDUN_CONTROLLER_FILE"):
        monkeypatch.delenv(name, raising=False)
    result = fairdun("policy", "test", "--engine", "regopy", "--quiet")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_policy_bundle_writes_a_reproducible_opa_bundle(fairdun: Any, tmp_path: Path) -> None:
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"

    assert fairdun("policy", "bundle", "-o", str(first)).exit_code == 0
    assert fairdun("policy", "bundle", "-o", str(second)).exit_code == 0

    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(first.read_bytes()))) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(".manifest").read())
    bundle = load_bundle()
    assert manifest["revision"] == bundle.sha256
    assert set(manifest["roots"]) == {"fairdun", "rules", "parameters"}
    assert sorted(n for n in names if n != ".manifest") == sorted(bundle.files)
    assert not any(n.endswith("_test.rego") for n in names)


def test_policy_activate_appends_a_ledger_event_and_refuses_a_failing_bundle(fairdun: Any, bundle_copy: Path,
                                                                             make_app: Any) -> None:
    activated = fairdun("policy", "activate")
    assert activated.exit_code == 0, activated.output
    assert f"activated bundle {load_bundle().sha256} (opa-embedded 1.20.2, passes all" in activated.output

    _break_a_test(bundle_copy)
    refused = fairdun("policy", "activate", "--bundle", str(bundle_copy))
    assert refused.exit_code == 2 and "fails 1 of" in refused.output and "never decides" in refused.output

    listed = fairdun("policy", "activations")
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 1 and " cli" in listed.output
    app = make_app(INSTANCE_PATH=str(Path(bundle_copy).parent / "instance"))
    assert ledger_kinds(app) == ["policy_bundle_activated"]
    assert verify(app).entries == 1
    body = _bodies(app)[0]
    assert (body["engine"], body["engine_version"]) == ("opa-embedded", "1.20.2")
    assert body["tests"]["total"] >= 100 and body["tests"]["failed"] == 0
    assert body["tests"]["tests_sha256"] == load_bundle().tests_sha256


def _bodies(app: Any) -> list[dict[str, Any]]:
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        return [json.loads(entry)["body"] for (entry,) in session.query(LedgerEntry.entry).order_by(LedgerEntry.seq)]


def test_the_service_records_a_bundle_it_starts_with_once(make_app: Any, bundle_copy: Path) -> None:
    from decisions.policy.activation import activations
    from service.cli_policy import record_activation_at_start

    app = make_app()                      # migrated by the fixture after creation
    record_activation_at_start(app)
    record_activation_at_start(make_app())   # a second worker, or a restart with the same bundle
    data = json.loads((bundle_copy / "data.json").read_text())
    data["parameters"]["de_dunning_fee"]["source"]["note"] += " (reviewed again)"
    (bundle_copy / "data.json").write_text(json.dumps(data))
    record_activation_at_start(make_app(POLICY_BUNDLE=str(bundle_copy)))
    # a bundle whose Rego tests fail never decides, so it is never recorded as active either
    data["parameters"]["de_dunning_fee"]["cap_minor"]["EUR"] = 100
    failing = bundle_copy.parent / "failing"
    shutil.copytree(bundle_copy, failing)
    (failing / "data.json").write_text(json.dumps(data))
    refused = make_app(POLICY_BUNDLE=str(failing))
    record_activation_at_start(refused)
    assert "fails 2 of" in refused.extensions["fairdun"].context.policy.reason

    with app.extensions["fairdun"].db.reading() as session:
        history = activations(session)
    assert [(a.bundle_sha256, a.source, a.engine) for a in history] == [
        (load_bundle().sha256, "start", "opa-embedded"), (load_bundle(bundle_copy).sha256, "start", "opa-embedded")]
    assert history[1].previous_sha256 == load_bundle().sha256
    assert ledger_kinds(app) == ["policy_bundle_activated", "policy_bundle_activated"]
    assert verify(app).entries == 2


def test_an_unmigrated_database_starts_without_recording(tmp_path: Path, database_url: str) -> None:
    from service.app import close_app, create_app
    from service.cli_policy import record_activation_at_start

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url})
    try:
        record_activation_at_start(app)      # no table yet: logged, not raised
    finally:
        close_app(app)
