"""No bundle decides untested: a bundle whose Rego tests fail on the engine that would evaluate it,
that has no tests, or one of whose rule modules has none, is refused by ``serve``, ``run``,
``decide``, ``demo`` and ``policy activate`` (a clear error and an exit code), and an app built
with it holds every decision and answers /health with 503.

The scenario of the issue: a copy of the bundle whose consent rule was broken (it never denies),
so its own Rego tests fail; before, it was served and an e-mail went out without consent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import request_with, verify

from decisions.policy import shipped_bundle_dir
from service.cli import EXIT_POLICY_UNAVAILABLE, main


def _copy(tmp_path: Path, name: str = "bundle") -> Path:
    target = tmp_path / name
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _broken_consent(tmp_path: Path) -> Path:
    """The consent rule never denies; its tests (which expect denials) fail."""
    bundle = _copy(tmp_path)
    rule = bundle / "rules/consent/channel_consent.rego"
    rule.write_text(rule.read_text().replace("\tnot lib.consents[channel] == true\n", "\tfalse\n"))
    return bundle


def _without_tests(tmp_path: Path) -> Path:
    bundle = _copy(tmp_path)
    for test in bundle.rglob("*_test.rego"):
        test.unlink()
    return bundle


def _one_rule_untested(tmp_path: Path) -> Path:
    bundle = _copy(tmp_path)
    (bundle / "rules/stops/deceased_stop_test.rego").unlink()
    return bundle


REFUSALS = {
    "broken consent rule": (_broken_consent, "fails"),
    "no tests": (_without_tests, "has no Rego tests"),
    "a rule without tests": (_one_rule_untested, "rule modules without tests (rules/stops/deceased_stop.rego)"),
}


@pytest.fixture(params=sorted(REFUSALS))
def refused_bundle(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    make, reason = REFUSALS[request.param]
    return make(tmp_path), reason


def _cli(tmp_path: Path, database_url: str, bundle: Path) -> Any:
    # (FAIRDUN_WEB_COOKIE_SECURE given, so `demo`, which defaults it for plain HTTP, leaves the
    # environment of the other tests as it was)
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_POLICY_BUNDLE": str(bundle), "FAIRDUN_LOG_LEVEL": "WARNING", "FAIRDUN_WEB_COOKIE_SECURE": "true"}
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_an_app_with_a_refused_bundle_holds_every_decision_and_reports_503(make_app: Any, refused_bundle: Any) -> None:
    from service.auth import Role, create_api_key

    bundle, reason = refused_bundle
    app = make_app(POLICY_BUNDLE=str(bundle))
    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    client = app.test_client()

    # the debtor withdrew e-mail consent; nothing may go out, by e-mail or otherwise
    decided = client.post("/v1/decisions", json=request_with(**{"debtor.consents.email": False}),
                          headers={"Authorization": f"Bearer {key}"})
    assert decided.status_code == 201
    assert decided.json["status"] == "held" and decided.json["hold"]["code"] == "policy_error"
    assert decided.json["action"]["kind"] == "none"
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json["policy"]["available"] is False and reason in health.json["policy"]["reason"]
    assert "never decides" in health.json["policy"]["reason"]


@pytest.mark.parametrize("command", ["decide", "run", "serve", "demo"])
def test_the_deciding_commands_refuse_a_bundle_whose_tests_fail(tmp_path: Path, database_url: str, command: str,
                                                                make_app: Any) -> None:
    fairdun = _cli(tmp_path, database_url, _broken_consent(tmp_path))
    case = tmp_path / "case.json"
    case.write_text(json.dumps(request_with(**{"debtor.consents.email": False})))
    invoices = tmp_path / "invoices.jsonl"
    invoices.write_text(json.dumps(request_with()) + "\n")
    args = {"decide": [str(case)], "run": [str(invoices), "--no-progress"], "serve": ["--port", "1"],
            "demo": ["--no-serve", "--invoices", "3"]}[command]

    result = fairdun(command, *args)

    assert result.exit_code == EXIT_POLICY_UNAVAILABLE, result.output
    assert "FAILED the policy gate cannot decide" in result.output
    assert "channel_consent_test" in result.output   # the failing test is named
    assert verify(make_app()).entries == 0           # nothing was decided, nothing recorded


def test_activation_refuses_a_bundle_whose_tests_fail_on_the_chosen_engine(tmp_path: Path, database_url: str,
                                                                            make_app: Any) -> None:
    bundle = _broken_consent(tmp_path)
    fairdun = _cli(tmp_path, database_url, shipped_bundle_dir())

    for engine in ("opa", "regopy"):
        refused = fairdun("policy", "activate", "--bundle", str(bundle), "--engine", engine)
        assert refused.exit_code == 2
        assert {"opa": "opa-embedded 1.20.2", "regopy": "regopy 1.5.2"}[engine] in refused.output
    assert verify(make_app()).entries == 0


def test_a_healthy_bundle_reports_its_engine_version_and_test_run(client: Any) -> None:
    health = client.get("/health")

    assert health.status_code == 200
    policy = health.json["policy"]
    assert (policy["engine"], policy["version"], policy["available"]) == ("opa-embedded", "1.20.2", True)
    assert policy["tests"]["failed"] == 0 and policy["tests"]["total"] >= 100
    assert policy["tests"]["engine"] == "opa-embedded"


def test_the_regopy_engine_is_selected_tested_and_named(make_app: Any) -> None:
    app = make_app(POLICY_ENGINE="regopy")
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    decided = app.test_client().post("/v1/decisions", json=request_with(),
                                     headers={"Authorization": f"Bearer {key}"}).json

    assert decided["policy"]["engine"] == "regopy" and decided["policy"]["engine_version"] == "1.5.2"
    assert runtime.context.policy.tests.engine == "regopy"


def test_an_unknown_engine_holds_every_decision(make_app: Any) -> None:
    app = make_app(POLICY_ENGINE="wasm")

    health = app.test_client().get("/health")
    assert health.status_code == 503 and "policy engine must be one of opa, regopy" in health.json["policy"]["reason"]
