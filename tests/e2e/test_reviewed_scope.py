"""Issue 17, limitation and scope, through POST /v1/decisions: a prescribed Scottish claim gets
its final notice without the threat of court action, the UK nation decides which period counts,
and a decision outside the reviewed scope says so in its policy trace."""

from __future__ import annotations

from typing import Any

from fakes import request_with

URL = "/v1/decisions"
TWO_REMINDERS = {
    "history.dunning": [
        {"at": "2026-10-01T14:00:00Z", "kind": "reminder", "level": 1, "channel": "letter"},
        {"at": "2026-10-20T14:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
    "history.contacts": [],
}
IN_GB = {"debtor.jurisdiction": "GB", "debtor.timezone": "Europe/London", "debtor.language": "en",
         "invoice.currency": "GBP", "invoice.issued_on": "2021-05-01", "invoice.due_on": "2021-06-30",
         **TWO_REMINDERS}


def _decide(client: Any, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post(URL, json=request_with(**changes), headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _rules(decision: dict[str, Any]) -> set[str]:
    return {p["rule"] for p in decision["explanation"]["policy"]}


def test_a_prescribed_scottish_claim_gets_no_threat_of_court_action(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **IN_GB, **{"debtor.uk_nation": "scotland"})

    assert d["action"]["kind"] == "final_notice" and ".no_legal_action." in d["action"]["template"]
    refusals = [p for p in d["explanation"]["policy"] if p["rule"] == "FD-LIMITATION-THREAT"]
    assert refusals and all("Prescription and Limitation (Scotland) Act 1973" in p["message"] for p in refusals)


def test_the_same_claim_in_england_may_still_announce_court_action(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **IN_GB, **{"debtor.uk_nation": "england_wales"})

    assert d["action"]["kind"] == "final_notice" and ".no_legal_action." not in d["action"]["template"]
    assert "FD-LIMITATION-THREAT" not in _rules(d)


def test_without_the_nation_the_shortest_period_counts(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **IN_GB)

    assert ".no_legal_action." in d["action"]["template"] and "FD-LIMITATION-THREAT" in _rules(d)


def test_a_decision_outside_the_reviewed_scope_says_so(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{
        "debtor.jurisdiction": "US-TX", "debtor.timezone": "America/Chicago", "debtor.language": "en",
        "invoice.currency": "USD", "debtor.consents.email": True})

    assert d["action"]["kind"] == "reminder" and d["action"]["fees"] == []
    [hours] = [p for p in d["explanation"]["policy"] if p["rule"] == "FD-BASELINE-CONTACT-HOURS"]
    assert "outside the reviewed scope" in hours["citation"] and hours["obligation"] == "send_window"


def test_a_reviewed_place_carries_no_baseline(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"))

    assert not {rule for rule in _rules(d) if rule.startswith("FD-BASELINE-")}
