"""/v1/models: the registry over HTTP (admin writes; admin, auditor, compliance officer read)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_check import assert_matches

from explain import default_artifact_path


def _register(client: Any, auth: Any, data: bytes, role: str = "admin") -> Any:
    return client.post("/v1/models", data=data, content_type="application/json", headers=auth(role))


def test_an_admin_registers_and_approves_and_the_ledger_names_the_key(app, client, auth, api_keys, variant):
    response = _register(client, auth, variant(41))
    assert response.status_code == 201, response.json
    version = response.json
    assert response.headers["Location"].endswith(f"/v1/models/{version['model_id']}")
    spec = client.get("/v1/openapi.json").json
    assert_matches(spec, "ModelVersion", version)
    approved = client.post(f"/v1/models/{version['model_id']}/approve", json={"note": "reviewed"},
                           headers=auth("admin"))
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    listed = client.get("/v1/models", headers=auth("auditor")).json["versions"]
    assert [v["status"] for v in listed] == ["retired", "approved"]
    assert_matches(spec, "ModelVersionList", {"versions": listed})
    card = client.get(f"/v1/models/{version['model_id']}/card", headers=auth("compliance_officer"))
    assert card.status_code == 200 and card.json["model_id"] == version["model_id"]
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        bodies = [json.loads(e.entry)["body"] for e in session.query(LedgerEntry).order_by(LedgerEntry.seq)
                  if e.kind == "model_approved"]
        from service.tables import ApiKeyRow

        admin_key = session.query(ApiKeyRow).filter_by(prefix=api_keys["admin"].split("_")[1]).one()
    assert bodies[-1]["actor"] == {"via": "api", "api_key_id": admin_key.key_id}
    assert bodies[-1]["note"] == "reviewed"
    assert api_keys["admin"] not in json.dumps(bodies)   # the key's id, never its secret


@pytest.mark.parametrize("role", ["ar_system", "reviewer", "auditor", "compliance_officer"])
def test_only_an_admin_changes_the_registry(client, auth, variant, role):
    assert _register(client, auth, variant(42), role).status_code == 403
    shipped = json.loads(default_artifact_path().read_bytes())["model_id"]
    assert client.post(f"/v1/models/{shipped}/retire", json={}, headers=auth(role)).status_code == 403


def test_errors_are_4xx_with_the_reason(client, auth, variant):
    assert _register(client, auth, b'{"format": "x"}').status_code == 422
    assert client.post("/v1/models", data=variant(43), content_type="text/plain",
                       headers=auth("admin")).status_code == 415
    assert client.get("/v1/models/ebm-ar-ibm-000000000000", headers=auth("admin")).status_code == 404
    version = _register(client, auth, variant(44)).json
    assert _register(client, auth, variant(44)).status_code == 409
    too_long = client.post(f"/v1/models/{version['model_id']}/approve", json={"note": "x" * 501},
                           headers=auth("admin"))
    assert too_long.status_code == 422 and "note" in too_long.json["error"]["fields"]
    client.post(f"/v1/models/{version['model_id']}/retire", json={}, headers=auth("admin"))
    again = client.post(f"/v1/models/{version['model_id']}/approve", headers=auth("admin"))
    assert again.status_code == 409 and again.json["error"]["code"] == "transition_refused"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values, spoil=st.sampled_from(["features", "terms", "bins", "none"]))
def test_no_upload_yields_a_500(client, auth, variant, body, spoil):
    artifact = json.loads(variant(45))
    if spoil == "features":
        artifact["features"][0] = body
    elif spoil == "terms":
        artifact["terms"][0]["scores"] = body
    elif spoil == "bins":
        artifact["features"][1]["bins"] = body
    else:
        artifact = body
    response = _register(client, auth, json.dumps(artifact).encode())
    assert response.status_code in (201, 400, 409, 422), response.json
    if response.status_code == 400:   # Python writes inf as Infinity, which is not JSON (RFC 8259 §6)
        assert response.json["error"]["code"] == "malformed_json"
    assert response.json.get("error", {}).get("status", response.status_code) == response.status_code


# ---------------------------------------------------------------------------- sign-off (issue 16)

def _staff(app: Any, name: str, role: str) -> str:
    from decisions.rights import create_staff_user

    runtime = app.extensions["fairdun"]
    return create_staff_user(runtime.db, name=name, role=role, password="a long password 1", now=runtime.clock(),
                             new_id=runtime.new_id, actor="test").user_id


def test_approval_of_a_version_with_findings_needs_a_named_sign_off(app, client, auth, variant):
    version = _register(client, auth, variant(45, findings=True)).json
    assert version["sign_off"]["required"] and version["sign_off"]["signed_off_by"] is None
    refused = client.post(f"/v1/models/{version['model_id']}/approve", json={}, headers=auth("admin"))
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "sign_off_required"
    assert error["fields"]["findings"] == version["sign_off"]["findings"] != []
    assert all(f in error["message"] for f in version["sign_off"]["findings"])
    # a reviewer cannot sign off; an unknown name is refused; a compliance officer can
    _staff(app, "rita", "reviewer")
    officer = _staff(app, "olga", "compliance_officer")
    url = f"/v1/models/{version['model_id']}/sign-off"
    body = {"signed_off_by": "olga", "rationale": "low band errs gentle; country 391 re-checked in Q3"}
    assert client.post(url, json=body, headers=auth("reviewer")).status_code == 403
    assert client.post(url, json={**body, "signed_off_by": "rita"}, headers=auth("compliance_officer")
                       ).json["error"]["fields"] == {"signed_off_by": ["a sign-off is given by a compliance_officer "
                                                                       "or admin, not a reviewer"]}
    assert client.post(url, json={**body, "signed_off_by": "nobody"},
                       headers=auth("compliance_officer")).status_code == 422
    assert client.post(url, json={"signed_off_by": "olga"}, headers=auth("compliance_officer")).status_code == 422
    signed = client.post(url, json=body, headers=auth("compliance_officer"))
    assert signed.status_code == 200, signed.json
    assert signed.json["sign_off"]["signed_off_by"] == f"staff:{officer}"
    assert_matches(client.get("/v1/openapi.json").json, "ModelVersion", signed.json)
    approved = client.post(f"/v1/models/{version['model_id']}/approve", json={}, headers=auth("admin"))
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        entries = {e.kind: json.loads(e.entry)["body"] for e in session.query(LedgerEntry).order_by(LedgerEntry.seq)}
    assert entries["model_signed_off"]["signed_off_by"] == f"staff:{officer}"
    assert "olga" not in json.dumps(entries["model_signed_off"])   # the account's id, not its name
    assert entries["model_approved"]["sign_off"] == {"seq": signed.json["sign_off"]["seq"],
                                                     "by": f"staff:{officer}"}
