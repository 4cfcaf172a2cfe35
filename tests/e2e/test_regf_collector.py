"""Regulation F through the API (issue 17 point 3): a US debt collector's first message carries
the validation notice and the full debt-collector disclosure (texts and calls wait for it:
``rules/us/validation_notice_test.rego``); the
notice reported as an event lifts the deadline; an attorney, an inconvenient time and a work
e-mail address keep messages away; the new request facts are refused naming their field."""

from __future__ import annotations

from typing import Any

from fakes import request_with

URL = "/v1/decisions"
COLLECTOR = {"creditor": {"role": "debt_collector", "name": "Acme Collections LLC",
                          "contact": {"address": "1 Main St, Albany, NY 12207", "email": "help@acme.example"}}, "debtor.jurisdiction": "US-NY",
             "debtor.timezone": "America/New_York", "debtor.language": "en", "invoice.currency": "USD",
             "debtor.consents": {"email": True, "sms": True, "phone": True, "letter": True}}
# the first message, with what its validation notice itemizes (12 CFR 1006.34(c)(2))
FIRST = {**COLLECTOR, "history.dunning": [], "history.contacts": [],
         "invoice.itemization": {"on": "2026-10-31", "creditor": "Example Power Co.", "amount": "120.00"}}


def _decide(client: Any, auth: Any, **changes: Any) -> dict[str, Any]:
    response = client.post(URL, json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def _rules(decision: dict[str, Any], effect: str) -> set[str]:
    return {p["rule"] for p in decision["explanation"]["policy"] if p["effect"] == effect}


def test_the_first_message_carries_the_validation_notice_and_the_full_disclosure(client: Any, auth: Any) -> None:
    d = _decide(client, auth, **FIRST)

    assert d["status"] == "decided" and d["action"]["channel"] in ("email", "letter"), d["action"]
    assert {"validation_notice", "debt_collector_initial"} <= set(d["action"]["notices"])
    assert "debt_collector_disclosure" not in d["action"]["notices"]
    assert d["message"]["text"], d["message"]
    words = " ".join(d["message"]["text"].split())
    assert "attempting to collect a debt" in words and "dispute all or part of the debt" in words
    assert "As of October 31, 2026, you owed Example Power Co.: $120.00" in words
    assert "Creditor to whom the debt is owed now: Example Power Co." in words
    obliged = [p for p in d["explanation"]["policy"] if p["rule"] == "US-REGF-1006.34-a"]
    assert obliged and all(p["effect"] == "obligation" for p in obliged)
    assert all(p["citation"] == "15 U.S.C. § 1692g(a); 12 CFR 1006.34(a)(1)" for p in obliged)
    assert "US-REGF-1006.18-e" in _rules(d, "obligation")


def test_a_notice_overdue_holds_collection_until_the_event_reports_it(client: Any, auth: Any) -> None:
    # the example's history: an e-mail reminder on 8 November, 14 days before as_of
    before = _decide(client, auth, **COLLECTOR)
    assert before["action"]["kind"] == "none"
    assert "US-REGF-1006.34-a" in _rules(before, "deny")

    event = {"debtor_ref": "C-10023", "invoice_ref": "INV-42", "type": "validation_notice_sent",
             "at": "2026-11-09T15:00:00Z", "channel": "letter"}
    assert client.post("/v1/events", json=event, headers=auth("ar_system")).status_code == 201
    after = _decide(client, auth, **{**COLLECTOR, "as_of": "2026-11-22T15:00:00Z"})

    assert "US-REGF-1006.34-a" not in _rules(after, "deny") | _rules(after, "obligation")
    assert after["action"]["kind"] != "none", after["explanation"]["policy"]
    assert "debt_collector_disclosure" in after["action"]["notices"]
    # inside the validation period (receipt assumed 17 November, Veterans Day skipped) a reminder may go
    assert after["action"]["kind"] == "reminder" and after["status"] == "decided"


def test_a_represented_consumer_gets_nothing_and_the_trace_says_why(client: Any, auth: Any) -> None:
    d = _decide(client, auth, **FIRST, **{"debtor.represented_by_attorney": True})

    assert d["action"]["kind"] == "none"
    denied = [p for p in d["explanation"]["policy"] if p["rule"] == "US-REGF-1006.6-b2"]
    assert denied and all(p["citation"] == "15 U.S.C. § 1692c(a)(2); 12 CFR 1006.6(b)(2)" for p in denied)


def test_an_inconvenient_day_and_a_work_address_leave_the_letter(client: Any, auth: Any) -> None:
    d = _decide(client, auth, **FIRST, **{"debtor.inconvenient_times": [{"from": "00:00", "to": "23:59"}],
                                         "debtor.email_is_work": True})

    assert d["action"]["channel"] == "letter", d["action"]
    assert {"US-REGF-1006.6-b1-i", "US-REGF-1006.22-f3"} <= _rules(d, "deny")


def test_a_bad_fact_is_refused_naming_its_field(client: Any, auth: Any) -> None:
    response = client.post(URL, json=request_with(**FIRST, **{"debtor.inconvenient_times": [{"from": "25:00",
                                                                                              "to": "08:00"}]}),
                           headers=auth("ar_system"))
    assert response.status_code == 422 or response.status_code == 400, response.status_code
    assert "debtor.inconvenient_times.0.from" in response.get_data(as_text=True)
