"""A New York debt collector through the API (23 NYCRR Part 1): the initial disclosure in the
first message, the time-barred disclosure, and no collection while substantiation is pending."""

from __future__ import annotations

from typing import Any

from fakes import request_with

URL = "/v1/decisions"
# Regulation F's validation notice went out long ago (its period is over), so only New York's
# duties are under test here
NY_COLLECTOR = {"creditor.role": "debt_collector", "debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York",
                "debtor.language": "en", "invoice.currency": "USD", "invoice.validation_notice_sent_on": "2026-09-01"}


def _decide(client: Any, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post(URL, json=request_with(**{**NY_COLLECTOR, **changes}), headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _trace(decision: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [p for p in decision["explanation"]["policy"] if p["rule"] == rule]


def test_the_first_message_carries_the_new_york_disclosure_until_one_has(client: Any, auth: Any) -> None:
    first = _decide(client, auth("ar_system"))
    assert first["action"]["kind"] != "none"
    assert "ny_initial_disclosure" in first["action"]["notices"]
    assert "ny_time_barred_disclosure" not in first["action"]["notices"]
    assert all(p["citation"] == "23 NYCRR 1.2(a)" for p in _trace(first, "US-NY-23NYCRR-1.2-a"))

    disclosed = request_with(**NY_COLLECTOR)
    disclosed["invoice"]["ref"] = "INV-NY-2"
    disclosed["history"]["dunning"][0]["notices"] = ["ny_initial_disclosure"]
    response = client.post(URL, json=disclosed, headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    assert "ny_initial_disclosure" not in response.json["action"]["notices"]


def test_a_time_barred_new_york_debt_carries_the_time_barred_disclosure(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{"invoice.issued_on": "2021-12-15", "invoice.due_on": "2022-01-15"})
    assert d["action"]["kind"] != "none"
    assert "ny_time_barred_disclosure" in d["action"]["notices"]
    assert _trace(d, "US-NY-23NYCRR-1.3-b")


def test_a_pending_request_for_substantiation_stops_collection(client: Any, auth: Any) -> None:
    d = _decide(client, auth("ar_system"), **{"invoice.substantiation_requested_on": "2026-11-15"})
    refusals = _trace(d, "US-NY-23NYCRR-1.4-b")
    assert refusals and all(p["effect"] == "deny" and p["citation"] == "23 NYCRR 1.4(b)" for p in refusals)
    assert d["action"] is None or d["action"]["kind"] == "none"

    provided = _decide(client, auth("ar_system"), **{"invoice.ref": "INV-NY-3",
                                                     "invoice.substantiation_requested_on": "2026-11-15",
                                                     "invoice.substantiation_provided_on": "2026-11-20"})
    assert not _trace(provided, "US-NY-23NYCRR-1.4-b")
    assert provided["action"]["kind"] != "none"


def test_a_provision_before_its_request_is_refused_naming_the_field(client: Any, auth: Any) -> None:
    response = client.post(URL, json=request_with(**{**NY_COLLECTOR, "invoice.substantiation_requested_on": "2026-11-15",
                                                     "invoice.substantiation_provided_on": "2026-11-01"}),
                           headers=auth("ar_system"))
    assert response.status_code == 422
    assert "invoice.substantiation_provided_on" in response.json["error"]["fields"]


def test_the_request_dates_are_documented_in_the_openapi_document(client: Any, auth: Any) -> None:
    spec = client.get("/v1/openapi.json", headers=auth("ar_system")).json
    invoice = spec["components"]["schemas"]["Invoice"]["properties"]
    for name in ("substantiation_requested_on", "substantiation_provided_on"):
        assert "23 NYCRR 1.4(b)" in invoice[name]["description"], name


def test_fairdun_remembers_the_disclosure_its_own_message_carried(client: Any, auth: Any, clock: Any) -> None:
    """The AR system does not echo the message fairdun decided: fairdun's memory of it carries its
    notices, so the next message does not repeat the initial disclosure."""
    first = _decide(client, auth("ar_system"))
    assert "ny_initial_disclosure" in first["action"]["notices"]
    clock.advance(days=20)
    later = _decide(client, auth("ar_system"), as_of="2026-12-12T15:00:00Z")
    assert later["action"]["kind"] != "none" and later["action"]["level"] > first["action"]["level"]
    assert "ny_initial_disclosure" not in later["action"]["notices"]
