"""Legal scenarios through POST /v1/decisions: refusals carry their citations in
explanation.policy, obligations shape the action, and the OPA engine over HTTP answers as the
embedded one does."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import request_with

URL = "/v1/decisions"


def _client_for(app: Any) -> tuple[Any, dict[str, str]]:
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    return app.test_client(), {"Authorization": f"Bearer {key}"}


def _decide(client: Any, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post(URL, json=request_with(**changes), headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _trace(decision: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [p for p in decision["explanation"]["policy"] if p["rule"] == rule]


def test_a_withdrawn_consent_refusal_names_its_law(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{"debtor.consents.email": False})

    [refusal] = _trace(d, "FD-CONSENT-CHANNEL")
    assert refusal == {"rule": "FD-CONSENT-CHANNEL", "effect": "deny", "action": "reminder", "channel": "email",
                       "citation": "GDPR Art. 6(1)(a), Art. 7(3)", "message": "no consent on record for channel email"}
    assert (d["action"]["kind"], d["action"]["channel"]) == ("reminder", "letter")


def test_a_time_barred_new_york_debt_gets_the_final_notice_without_the_threat_of_suit(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{
        "creditor.role": "debt_collector", "debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York",
        "debtor.language": "en", "invoice.currency": "USD", "invoice.issued_on": "2021-12-15",
        "invoice.due_on": "2022-01-15", "invoice.validation_notice_sent_on": "2026-10-01",
        "history.dunning": [
            {"at": "2026-10-01T14:00:00Z", "kind": "reminder", "level": 1, "channel": "letter"},
            {"at": "2026-10-20T14:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
        "history.contacts": []})

    refusals = _trace(d, "US-REGF-1006.26-b")
    assert refusals and all(p["effect"] == "deny" and p["action"] == "final_notice" for p in refusals)
    assert all(p["citation"] == "12 CFR 1006.26(b)" and "time-barred" in p["message"] for p in refusals)
    assert d["action"]["kind"] == "final_notice"
    assert ".no_legal_action." in d["action"]["template"]


def test_a_breathing_space_stops_every_action_and_says_why(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{
        "debtor.jurisdiction": "GB", "debtor.timezone": "Europe/London", "debtor.language": "en",
        "invoice.currency": "GBP", "debtor.flags.breathing_space_until": "2026-12-31"})

    assert d["action"]["kind"] == "none"
    refusals = _trace(d, "GB-DRS-MORATORIUM")
    assert refusals and {p["citation"] for p in refusals} == {"SI 2020/1311 regs. 7, 26 and Part 3"}


def test_the_first_german_reminder_carries_the_objection_notice(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{"history.dunning": [], "invoice.due_on": "2026-11-10"})

    assert d["action"]["kind"] == "reminder" and d["action"]["level"] == 1
    assert "gdpr_art21_objection_right" in d["action"]["notices"]
    [obligation] = _trace(d, "EU-GDPR-21-4")
    assert obligation["effect"] == "obligation" and obligation["citation"] == "GDPR Art. 21(4)"


def test_a_german_business_debtor_owes_the_40_euro_lump_sum_not_a_dunning_fee(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{"debtor.kind": "business"})

    assert d["action"]["level"] == 2
    assert [(f["kind"], f["amount"]) for f in d["action"]["fees"]] == [("default_lump_sum", "40.00")]
    assert "288(5)" in d["action"]["fees"][0]["basis"]


def test_the_global_stop_switch_sends_every_decision_to_a_person(make_app: Any) -> None:
    client, headers = _client_for(make_app(GLOBAL_STOP=True))

    d = _decide(client, headers)

    assert d["status"] == "needs_review" and d["action"]["kind"] == "reminder"
    [stop] = _trace(d, "FD-GLOBAL-STOP")
    assert stop["effect"] == "obligation" and stop["citation"] == "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(e)"


@pytest.mark.parametrize("changes", [
    {"debtor.consents.email": False},
    {"debtor.kind": "business"},
    {"debtor.jurisdiction": "US-CA", "debtor.timezone": "America/Los_Angeles", "invoice.currency": "USD",
     "creditor.role": "debt_collector", "debtor.consents.sms": True},
])
def test_decisions_over_opa_match_the_embedded_engine(make_app: Any, changes: dict[str, Any]) -> None:
    from integration.policy.opa_rest_server import opa_rest_server

    embedded_client, embedded_headers = _client_for(make_app())
    local = _decide(embedded_client, embedded_headers, **changes)
    with opa_rest_server() as server:
        opa_client, opa_headers = _client_for(make_app(OPA_URL=server.url, OPA_TIMEOUT=10))
        # another claim: the same one again, on the same database, would repeat the recorded decision
        remote = _decide(opa_client, opa_headers, **{**changes, "debtor.ref": "C-OPA", "invoice.ref": "INV-OPA"})

    assert remote["policy"] == {"bundle_sha256": local["policy"]["bundle_sha256"], "engine": "opa-server",
                                "engine_version": "1.20.2"}
    for key in ("status", "action", "explanation", "hold"):
        assert remote[key] == local[key], key


def test_an_unreachable_opa_holds_the_decision(make_app: Any) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, headers = _client_for(make_app(OPA_URL=f"http://127.0.0.1:{port}", OPA_TIMEOUT=1))

    d = _decide(client, headers)

    assert d["status"] == "held" and d["hold"]["code"] == "policy_error"
    assert "connection failed" in d["hold"]["detail"] and d["policy"]["engine"] == "opa-server"
    assert client.get("/health").status_code == 503
