"""Fail closed: every failure of a part the decision depends on ends in `held`
with the reason recorded, or in a 503 when nothing could be recorded."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeModel, ledger_kinds, request_with, verify
from sqlalchemy import text


def decide(client: Any, auth: Any) -> Any:
    return client.post("/v1/decisions", json=request_with(), headers=auth("ar_system"))


def assert_held(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 201, response.json
    document = response.json
    assert document["status"] == "held" and document["hold"]["code"] == code
    assert document["action"] == {"kind": "none", "level": None, "channel": None, "tone": None, "send_at": None,
                                  "fees": [], "template": None, "notices": []}
    assert document["explanation"]["summary"]
    return document


def _bundle_copy(tmp_path: Path) -> Path:
    from decisions.policy import shipped_bundle_dir

    target = tmp_path / "bundle"
    shutil.copytree(shipped_bundle_dir(), target)
    return target


def test_a_policy_bundle_that_does_not_compile_holds_every_decision(make_app: Any, tmp_path: Path) -> None:
    bundle = _bundle_copy(tmp_path)
    (bundle / "fairdun" / "decision.rego").write_text("package fairdun\n\ndecision := {{{ not rego\n")
    app = make_app(POLICY_BUNDLE=str(bundle))
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    client = app.test_client()
    assert_held(client.post("/v1/decisions", json=request_with(), headers={"Authorization": f"Bearer {key}"}),
                "policy_error")
    health = client.get("/health")
    assert health.status_code == 503 and health.json["policy"]["available"] is False
    assert verify(app).entries == 1


def test_an_undefined_policy_result_holds_the_decision(app: Any, client: Any, auth: Any) -> None:
    from decisions.policy import FakePolicyEngine, PolicyError

    runtime = app.extensions["fairdun"]

    def undefined(_: Any) -> Any:
        raise PolicyError("data.fairdun.decision is undefined")

    runtime.context = replace(runtime.context, policy=FakePolicyEngine(undefined))
    document = assert_held(decide(client, auth), "policy_error")
    assert "undefined" in document["hold"]["detail"]


def test_a_policy_answer_missing_a_candidate_holds_the_decision(app: Any, client: Any, auth: Any) -> None:
    from decisions.policy import FakePolicyEngine

    runtime = app.extensions["fairdun"]
    runtime.context = replace(runtime.context, policy=FakePolicyEngine(lambda i: {"candidates": {}}))
    assert_held(decide(client, auth), "policy_error")


def test_a_tampered_model_artifact_is_refused_and_decisions_are_held(make_app: Any, tmp_path: Path,
                                                                      client: Any) -> None:
    from explain import default_artifact_path, default_sha256

    tampered = tmp_path / "model.json"
    tampered.write_bytes(Path(default_artifact_path()).read_bytes().replace(b'"intercept"', b'"intercept" ', 1))
    app = make_app(MODEL_ARTIFACT=str(tampered), MODEL_SHA256=default_sha256())
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    response = app.test_client().post("/v1/decisions", json=request_with(), headers={"Authorization": f"Bearer {key}"})
    document = assert_held(response, "model_unavailable")
    assert document["risk"]["p_late"] is None
    assert app.test_client().get("/health").json["model"]["available"] is False


def test_a_model_error_while_scoring_holds_the_decision(app: Any, client: Any, auth: Any) -> None:
    runtime = app.extensions["fairdun"]
    runtime.context = replace(runtime.context, model=FakeModel(error=RuntimeError("contributions do not sum")))
    assert_held(decide(client, auth), "model_error")


def test_a_decision_the_ledger_cannot_take_is_recorded_held(app: Any, client: Any, auth: Any) -> None:
    runtime = app.extensions["fairdun"]
    # An infinite contribution cannot be written as canonical JSON (RFC 8785 has no infinity).
    runtime.context = replace(runtime.context, model=FakeModel(contribution=math.inf))
    document = assert_held(decide(client, auth), "ledger_error")
    assert document["risk"]["p_late"] is None
    assert verify(app).entries == 1


def test_when_nothing_can_be_recorded_the_answer_is_503_and_nothing_is_written(app: Any, client: Any,
                                                                              auth: Any) -> None:
    runtime = app.extensions["fairdun"]
    with runtime.db.engine.connect() as connection:
        connection.execute(text("DROP TABLE decisions"))
        connection.commit()
    response = decide(client, auth)
    assert response.status_code == 503 and response.json["error"]["code"] == "storage_unavailable"
    assert response.headers["Retry-After"]
    assert ledger_kinds(app) == []     # the ledger append was rolled back with the projection


@pytest.mark.parametrize("path", ["/v1/openapi.json", "/health"])
def test_public_endpoints_answer_without_a_key(client: Any, path: str) -> None:
    assert client.get(path).status_code == 200
