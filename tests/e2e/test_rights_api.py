"""The data-subject and review endpoints through the Flask test client: the journey, roles on
every route (401/403), bad input (4xx, nothing written), one debtor never reaching another's
decision, the access export as JSON and PDF, and a property: no body yields a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fakes import request_with, verify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_tools import pdf_text
from rights_support import HANDOVER, entries

from service.auth import ROLES_ATTRIBUTE, Role

REF = "C-10023"
SUBJECT = f"/v1/subjects/{REF}"


def _decide(client: Any, auth: Any, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def _rights_routes(app: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("rights."):
            continue
        roles = getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE)
        path = (rule.rule.replace("<path:ref>", REF).replace("<uuid:request_id>", str(uuid.UUID(int=1)))
                .replace("<uuid:case_id>", str(uuid.UUID(int=1))).replace("<uuid:hold_id>", str(uuid.UUID(int=1))))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path, tuple(str(r) for r in roles)))
    return routes


def test_every_rights_route_refuses_missing_keys_and_wrong_roles(app: Any, client: Any, auth: Any) -> None:
    routes = _rights_routes(app)
    assert len(routes) == 18
    for method, path, roles in routes:
        assert client.open(path, method=method, json={}).status_code == 401, path
        for role in Role:
            if role.value in roles:
                continue
            response = client.open(path, method=method, json={}, headers=auth(role.value))
            assert response.status_code == 403, (path, role)
            assert response.json["error"]["code"] == "forbidden"
    assert entries(app.extensions["fairdun"]) == []


def test_the_routes_are_in_the_openapi_document_with_their_roles(client: Any) -> None:
    paths = client.get("/v1/openapi.json").json["paths"]
    assert paths["/v1/reviews/{case_id}/outcome"]["post"]["x-roles"] == ["reviewer", "compliance_officer"]
    assert paths["/v1/subjects/{ref}/access"]["get"]["x-roles"] == ["compliance_officer"]
    assert "requestBody" in paths["/v1/subjects/{ref}/objections"]["post"]


def test_debtor_review_journey_through_the_api(client: Any, auth: Any, app: Any) -> None:
    decision = _decide(client, auth, **HANDOVER)
    asked = client.post(f"{SUBJECT}/review-requests", headers=auth("compliance_officer"),
                        json={"decision_id": decision["decision_id"], "statement": "I never got a reminder"})
    assert asked.status_code == 201 and asked.json["type"] == "review"
    queue = client.get("/v1/reviews?status=open", headers=auth("reviewer")).json["reviews"]
    assert [c["decision_id"] for c in queue] == [decision["decision_id"]]
    case_id = queue[0]["case_id"]
    view = client.get(f"/v1/reviews/{case_id}", headers=auth("reviewer")).json
    assert view["statement"] == "I never got a reminder" and view["policy_trace"]
    outcome = client.post(f"/v1/reviews/{case_id}/outcome", headers=auth("reviewer"),
                          json={"outcome": "overturn", "rationale": "no reminder reached the debtor",
                                "explanation_opened": True})
    assert outcome.status_code == 200 and outcome.json["outcome"] == "overturn"
    got = client.get(f"/v1/decisions/{decision['decision_id']}", headers=auth("ar_system")).json
    assert got["review"]["outcome"] == "overturn"
    requests = client.get("/v1/requests?status=all", headers=auth("compliance_officer")).json["requests"]
    assert requests[0]["status"] == "fulfilled" and requests[0]["outcome"] == "overturn"
    again = client.post(f"/v1/reviews/{case_id}/outcome", headers=auth("reviewer"),
                        json={"outcome": "uphold", "rationale": "x", "explanation_opened": True})
    assert again.status_code == 409
    resumed = client.post(f"/v1/reviews/{case_id}/resume", headers=auth("compliance_officer"),
                          json={"rationale": "debtor confirmed receipt later"})
    assert resumed.status_code == 200 and resumed.json["escalation"] == "resumed"
    assert verify(app).entries == len(entries(app.extensions["fairdun"]))


def test_objection_then_profiling_false_through_the_api(client: Any, auth: Any) -> None:
    objected = client.post(f"{SUBJECT}/objections", headers=auth("compliance_officer"),
                           json={"scope": "profiling", "statement": "no profiling please"})
    assert objected.status_code == 201 and objected.json["outcome"] == "in_force"
    decision = _decide(client, auth)
    assert decision["risk"]["profiling"] is False and decision["risk"]["p_late"] is None


def test_another_debtors_decision_is_not_found(client: Any, auth: Any, app: Any) -> None:
    theirs = _decide(client, auth, **{"debtor.ref": "C-55555"})
    before = len(entries(app.extensions["fairdun"]))
    response = client.post(f"{SUBJECT}/review-requests", headers=auth("compliance_officer"),
                           json={"decision_id": theirs["decision_id"]})
    assert response.status_code == 404
    assert len(entries(app.extensions["fairdun"])) == before
    export = client.get(f"{SUBJECT}/access", headers=auth("compliance_officer")).json
    assert export["decisions"] == [] and "C-55555" not in str(export)


@pytest.mark.parametrize(("path", "body"), [
    ("/objections", {"scope": "marketing"}),
    ("/objections", {"scope": "profiling", "extra": 1}),
    ("/objections", {"scope": "profiling", "statement": "bell\x07"}),
    ("/review-requests", {"decision_id": "not-a-uuid"}),
    ("/rectifications", {"concerns": "address"}),
    ("/rectifications", {"concerns": "shoe size", "statement": "x"}),
    ("/erasure-requests", {"statement": "x" * 5000}),
    ("/compelling-grounds", {"basis": "legal_claims", "rationale": "short"}),
    ("/objections", ["profiling"]),
])
def test_bad_input_is_a_4xx_and_writes_nothing(client: Any, auth: Any, app: Any, path: str, body: Any) -> None:
    response = client.post(f"{SUBJECT}{path}", json=body, headers=auth("compliance_officer"))
    assert 400 <= response.status_code < 500 and "error" in response.json, response.json
    assert entries(app.extensions["fairdun"]) == []


def test_bad_queries_and_unknown_ids(client: Any, auth: Any, app: Any) -> None:
    headers = auth("compliance_officer")
    assert client.get("/v1/requests?status=lost", headers=headers).status_code == 422
    assert client.get("/v1/reviews?status=maybe", headers=headers).status_code == 422
    assert client.get(f"{SUBJECT}/access?format=docx", headers=headers).status_code == 422
    missing = str(uuid.UUID(int=7))
    assert client.get(f"/v1/requests/{missing}", headers=headers).status_code == 404
    assert client.post(f"/v1/requests/{missing}/extension", headers=headers,
                       json={"reason": "complexity", "notice": "n" * 30}).status_code == 404
    assert client.post(f"/v1/reviews/{missing}/outcome", headers=headers,
                       json={"outcome": "uphold", "rationale": "r", "explanation_opened": False}).status_code == 404
    assert client.post(f"/v1/reviews/{missing}/outcome", headers=headers,
                       json={"outcome": "modify", "rationale": "r", "explanation_opened": False}).status_code == 422
    assert client.post("/v1/subjects/" + "x" * 101 + "/objections", headers=headers,
                       json={"scope": "profiling"}).status_code == 422
    assert client.post(f"/v1/legal-holds/{missing}/release", headers=headers).status_code == 404
    assert entries(app.extensions["fairdun"]) == []


def test_access_export_as_json_and_pdf(client: Any, auth: Any) -> None:
    decision = _decide(client, auth)
    as_json = client.get(f"{SUBJECT}/access?lang=de", headers=auth("compliance_officer"))
    assert as_json.status_code == 200 and as_json.json["language"] == "de"
    assert as_json.json["decisions"][0]["data"]["debtor"]["ref"] == REF
    explanation = decision["explanation"]
    assert explanation["reasons"] and explanation["score_role"]["changed"]
    for lang, heading in (("en", "Changed by the risk assessment"), ("de", "Durch die Risikoeinschätzung geändert")):
        pdf = client.get(f"{SUBJECT}/access?format=pdf&lang={lang}", headers=auth("compliance_officer"))
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
        words = " ".join(pdf_text(pdf.data).split())
        assert heading in words
        for reason in explanation["reasons"]:     # the German decision's own words, each with its direction
            assert f"{reason['direction_text']}: {' '.join(reason['text'].split())}" in words
        for item in explanation["score_role"]["changed"] + explanation["score_role"]["regardless"]:
            assert " ".join(item["text"].split()) in words


def test_extension_and_resolution_through_the_api(client: Any, auth: Any) -> None:
    headers = auth("compliance_officer")
    request = client.post(f"{SUBJECT}/rectifications", headers=headers,
                          json={"concerns": "address", "statement": "new address"}).json
    extended = client.post(f"/v1/requests/{request['request_id']}/extension", headers=headers,
                           json={"reason": "complexity", "notice": "we check with the registry office",
                                 "until": "2027-01-15"})
    assert extended.status_code == 200 and extended.json["extended_to"] == "2027-01-15"
    resolved = client.post(f"/v1/requests/{request['request_id']}/resolution", headers=headers,
                           json={"resolution": "rejected", "rationale": "the address on file is right"})
    assert resolved.status_code == 200 and resolved.json["status"] == "fulfilled"


def test_legal_holds_and_ledger_status_through_the_api(client: Any, auth: Any) -> None:
    _decide(client, auth)
    headers = auth("compliance_officer")
    placed = client.post("/v1/legal-holds", headers=headers,
                         json={"debtor_ref": REF, "reason": "tax_audit", "note": "Betriebsprüfung 2026"})
    assert placed.status_code == 201 and placed.json["target"] == "subject"
    assert [h["hold_id"] for h in client.get("/v1/legal-holds", headers=headers).json["holds"]] == \
        [placed.json["hold_id"]]
    released = client.post(f"/v1/legal-holds/{placed.json['hold_id']}/release", headers=headers)
    assert released.status_code == 200 and released.json["released_at"]
    status = client.get("/v1/ledger/status", headers=auth("auditor"))
    assert status.status_code == 200 and "last_verification" in status.json


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                  max_size=3), max_leaves=8)
ENDPOINTS = ["/objections", "/review-requests", "/rectifications", "/erasure-requests", "/compelling-grounds"]


@SETTINGS
@given(endpoint=st.sampled_from(ENDPOINTS), body=values)
def test_no_rights_body_yields_a_500(client: Any, auth: Any, endpoint: str, body: Any) -> None:
    response = client.post(f"{SUBJECT}{endpoint}", json=body, headers=auth("compliance_officer"))
    assert response.status_code in {201, 400, 404, 409, 415, 422}, response.get_data(as_text=True)[:300]


@SETTINGS
@given(body=values)
def test_no_outcome_body_yields_a_500(client: Any, auth: Any, body: Any) -> None:
    response = client.post(f"/v1/reviews/{uuid.UUID(int=3)}/outcome", json=body, headers=auth("reviewer"))
    assert response.status_code in {400, 404, 409, 415, 422}, response.get_data(as_text=True)[:300]
