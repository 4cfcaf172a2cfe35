"""POST/GET /v1/decisions end to end: contract, idempotency, roles, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakes import ledger_kinds, request_with, verify
from openapi_check import assert_matches

URL = "/v1/decisions"


def post(client: Any, body: Any, headers: dict[str, str], **extra_headers: str) -> Any:
    return client.post(URL, json=body, headers={**headers, **extra_headers})


def test_a_normal_reminder_fills_every_contract_field(client: Any, auth: Any, app: Any) -> None:
    # E-mail consent withdrawn: the policy gate refuses e-mail, the letter is chosen.
    response = post(client, request_with(**{"debtor.consents.email": False}), auth("ar_system"))
    assert response.status_code == 201, response.json
    d = response.json
    assert d["status"] == "decided"
    assert d["action"]["kind"] == "reminder" and d["action"]["level"] == 2
    assert d["action"]["channel"] == "letter" and d["action"]["tone"] in ("gentle", "neutral", "firm")
    assert d["action"]["send_at"] == "2026-11-23T08:00:00Z"      # Monday 09:00 in Berlin
    assert d["action"]["fees"] == [{"kind": "dunning_fee", "amount": "2.50", "currency": "EUR",
                                    "basis": d["action"]["fees"][0]["basis"]}]
    assert d["action"]["template"] == f"reminder.l2.{d['action']['tone']}.de"
    assert 0 < d["risk"]["p_late"] < 1 and d["risk"]["profiling"] is True
    assert d["risk"]["band"] in ("low", "medium", "high") and d["risk"]["uncertainty"] >= 0
    assert len(d["risk"]["model"]["sha256"]) == 64
    assert d["explanation"]["summary"] and d["explanation"]["language"] == "de"
    assert 1 <= len(d["explanation"]["reasons"]) <= 4
    assert all(r["text"] and isinstance(r["contribution"], float) for r in d["explanation"]["reasons"])
    denied = [p for p in d["explanation"]["policy"] if p["effect"] == "deny"]
    assert denied and all(p["action"] == "reminder" and p["channel"] == "email" and p["citation"] for p in denied)
    assert d["policy"]["engine"] == "opa-embedded" and len(d["policy"]["bundle_sha256"]) == 64
    assert d["policy"]["engine_version"] == "1.20.2"
    assert d["ledger"]["seq"] == 0 and len(d["ledger"]["entry_hash"]) == 64
    assert response.headers["Location"].endswith(d["decision_id"])
    assert_matches(client.get("/v1/openapi.json").json, "DecisionResponse", d)
    assert verify(app).entries == 1


def test_a_recorded_decision_reads_back_unchanged(client: Any, auth: Any) -> None:
    created = post(client, request_with(), auth("ar_system")).json
    assert created["metadata"] == {}
    for role in ("ar_system", "reviewer", "compliance_officer", "auditor"):
        fetched = client.get(f"{URL}/{created['decision_id']}", headers=auth(role))
        # as recorded, plus its latest human review and what it means now read beside it (none here);
        # the request's metadata only for the roles that see what the AR system sent
        expected = {**created, "review": None,
                    "effective": {"status": created["status"], "action": created["action"], "because": None}}
        if role in ("reviewer", "auditor"):
            del expected["metadata"]
        if role == "auditor":   # a message's text only for the roles that read it (service/api_messages.py)
            expected["message"] = {k: v for k, v in created["message"].items()
                                   if k not in ("subject", "text", "unavailable", "pdf")}
        assert fetched.status_code == 200 and fetched.json == expected
    missing = client.get(f"{URL}/00000000-0000-0000-0000-00000000ffff", headers=auth("auditor"))
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_no_direct_identifier_reaches_the_ledger_body(client: Any, auth: Any, app: Any) -> None:
    post(client, request_with(), auth("ar_system"))
    from ledger.tables import LedgerBlob, LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        entry = session.query(LedgerEntry).one().entry
        blob = session.query(LedgerBlob).one().data
    for secret in ("Erika", "erika@example.invalid", "+49 30", "Musterstraße", "C-10023", "INV-42"):
        assert secret not in entry
        assert secret.encode() not in blob       # sealed, not merely stored
    assert json.loads(entry)["sealed_sha256"]


def test_idempotent_replay_returns_the_same_decision_without_a_new_entry(client: Any, auth: Any,
                                                                           app: Any) -> None:
    first = post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "run-7/INV-42"})
    again = post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "run-7/INV-42"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert ledger_kinds(app) == ["decision"]


def test_the_same_key_with_another_body_is_a_conflict_and_writes_nothing(client: Any, auth: Any,
                                                                         app: Any) -> None:
    post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "k1"})
    conflict = post(client, request_with(**{"invoice.open_amount": "60.00"}), auth("ar_system"),
                    **{"Idempotency-Key": "k1"})
    assert conflict.status_code == 409
    assert conflict.json["error"]["code"] == "idempotency_conflict"
    assert ledger_kinds(app) == ["decision"]


def test_keys_are_scoped_to_the_client(client: Any, auth: Any, app: Any) -> None:
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    other = create_api_key(runtime.db, name="other AR", role=Role.AR_SYSTEM, now=runtime.clock(),
                           new_id=lambda: "11111111-1111-1111-1111-111111111111")
    post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "shared"})
    response = post(client, request_with(**{"invoice.open_amount": "60.00"}),
                    {"Authorization": f"Bearer {other}"}, **{"Idempotency-Key": "shared"})
    assert response.status_code == 201
    assert ledger_kinds(app) == ["decision", "decision"]


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "ümlaut"])
def test_malformed_idempotency_keys_are_refused(client: Any, auth: Any, app: Any, key: str) -> None:
    response = client.post(URL, json=request_with(), headers={**auth("ar_system"), "Idempotency-Key": key})
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_idempotency_key"
    assert ledger_kinds(app) == []


def test_bad_input_gets_a_4xx_naming_the_field_and_writes_nothing(client: Any, auth: Any, app: Any) -> None:
    headers = auth("ar_system")
    invalid = post(client, request_with(**{"debtor.timezone": "Nowhere/Town"}), headers)
    assert invalid.status_code == 422
    assert invalid.json["error"]["code"] == "validation_error"
    assert "debtor.timezone" in invalid.json["error"]["fields"]
    not_json = client.post(URL, data="{not json", headers={**headers, "Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json["error"]["code"] == "malformed_json"
    wrong_type = client.post(URL, data="as_of=now", headers={**headers, "Content-Type": "text/plain"})
    assert wrong_type.status_code == 415 and "error" in wrong_type.json
    too_big = client.post(URL, data="[" + " " * 70_000 + "]",
                          headers={**headers, "Content-Type": "application/json"})
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "request_entity_too_large"
    deep = client.post(URL, data="[" * 20_000 + "]" * 20_000, headers={**headers, "Content-Type": "application/json"})
    assert deep.status_code == 400
    future = post(client, request_with(as_of="2026-12-24T09:00:00Z"), headers)
    assert future.status_code == 422 and "as_of" in future.json["error"]["fields"]
    assert ledger_kinds(app) == []


def test_authentication_and_roles(client: Any, auth: Any) -> None:
    body = request_with()
    anonymous = client.post(URL, json=body)
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "unauthenticated"
    forged = client.post(URL, json=body, headers={"Authorization": "Bearer fd_abc_def"})
    assert forged.status_code == 401
    for role in ("reviewer", "compliance_officer", "auditor", "admin"):
        refused = client.post(URL, json=body, headers=auth(role))
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"


def test_every_v1_route_declares_its_roles(app: Any) -> None:
    from service.auth import ROLES_ATTRIBUTE

    public = {"openapi.openapi_document", "openapi.api_docs"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/v1") and rule.endpoint not in public:
            roles = getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE, ())
            assert roles, f"{rule.rule} declares no roles"
