"""POST /v1/events: ledgered, remembered, and used by later decisions."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import ledger_kinds, request_with, verify

EVENT = {"debtor_ref": "C-10023", "invoice_ref": "INV-42"}


def report(client: Any, auth: Any, **event: Any) -> Any:
    return client.post("/v1/events", json={**EVENT, **event}, headers=auth("ar_system"))


def decide(client: Any, auth: Any, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def test_each_event_type_is_ledgered_without_references(client: Any, auth: Any, app: Any) -> None:
    events = [
        {"type": "payment_received", "at": "2026-11-21T10:00:00Z", "amount": "120.00", "currency": "EUR"},
        {"type": "partial_payment", "at": "2026-11-20T10:00:00Z", "amount": "20.00", "currency": "EUR",
         "on_date": "2026-11-20"},
        {"type": "dispute_opened", "at": "2026-11-19T10:00:00Z", "reason": "goods_or_service"},
        {"type": "dispute_closed", "at": "2026-11-19T12:00:00Z", "reason": "resolved_for_creditor"},
        {"type": "promise_to_pay", "at": "2026-11-18T10:00:00Z", "on_date": "2026-11-30"},
        {"type": "contact_attempt", "at": "2026-11-18T11:00:00Z", "channel": "phone", "connected": True},
        {"type": "delivery_result", "at": "2026-11-18T12:00:00Z", "channel": "email", "status": "delivered"},
        {"type": "claim_closed", "at": "2026-11-21T11:00:00Z", "reason": "paid"},
        {"type": "channel_opted_out", "at": "2026-11-21T11:10:00Z", "channel": "sms"},
        {"type": "complaint_received", "at": "2026-11-21T11:20:00Z"},
    ]
    for event in events:
        response = report(client, auth, **event)
        assert response.status_code == 201, response.json
        assert response.json["type"] == event["type"] and response.json["ledger"]["entry_hash"]
    assert ledger_kinds(app) == ["event"] * len(events)
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        text = " ".join(e for (e,) in session.query(LedgerEntry.entry))
    assert "C-10023" not in text and "INV-42" not in text
    assert verify(app).entries == len(events)


def test_a_reported_dispute_stops_the_next_reminder(client: Any, auth: Any) -> None:
    assert report(client, auth, type="dispute_opened", at="2026-11-21T10:00:00Z").status_code == 201
    decision = decide(client, auth)
    assert decision["action"]["kind"] == "none"
    assert any(p["effect"] == "deny" and p["action"] == "reminder" for p in decision["explanation"]["policy"])


def test_a_full_payment_settles_the_claim(client: Any, auth: Any) -> None:
    report(client, auth, type="payment_received", at="2026-11-21T10:00:00Z", amount="120.00", currency="EUR")
    decision = decide(client, auth)
    assert (decision["status"], decision["action"]["kind"]) == ("decided", "none")


def test_a_closed_claim_is_never_dunned_again(client: Any, auth: Any, clock: Any) -> None:
    assert decide(client, auth)["action"]["kind"] == "reminder"
    assert report(client, auth, type="claim_closed", at="2026-11-22T09:01:00Z", reason="written_off").status_code == 201
    clock.advance(days=28)
    later = decide(client, auth, as_of="2026-12-20T09:00:00Z")
    assert (later["status"], later["action"]["kind"]) == ("decided", "none")
    assert later["explanation"]["summary"] == "Keine Maßnahme: die Forderung ist abgeschlossen."


def test_a_reported_opt_out_keeps_the_channel_out_of_later_decisions(client: Any, auth: Any) -> None:
    assert report(client, auth, type="channel_opted_out", at="2026-11-21T09:01:00Z", channel="email").status_code == 201
    later = decide(client, auth)
    assert later["action"]["channel"] != "email"
    assert any(p["effect"] == "deny" and p["channel"] == "email" for p in later["explanation"]["policy"])


def test_a_payment_may_name_the_decision_it_answers(client: Any, auth: Any, app: Any) -> None:
    decision = decide(client, auth)
    response = report(client, auth, type="payment_received", at="2026-11-22T09:01:00Z", amount="120.00",
                      currency="EUR", decision_id=decision["decision_id"])
    assert response.status_code == 201, response.json
    elsewhere = client.post("/v1/events", headers=auth("ar_system"), json={
        "debtor_ref": "C-10023", "invoice_ref": "INV-99", "type": "partial_payment", "at": "2026-11-22T09:01:00Z",
        "amount": "1.00", "currency": "EUR", "decision_id": decision["decision_id"]})
    assert elsewhere.status_code == 422 and "decision_id" in elsewhere.json["error"]["fields"]


def test_fairdun_remembers_its_own_reminders_and_bounces_undo_them(client: Any, auth: Any, clock: Any) -> None:
    first = decide(client, auth)
    assert first["action"]["level"] == 2
    # A week later the AR system asks again without echoing the second reminder:
    # fairdun remembers it and waits (10 days between notices).
    clock.advance(days=7)
    later = decide(client, auth, as_of="2026-11-29T09:00:00Z")
    assert later["action"]["kind"] == "none"
    # The reminder bounced: it does not count, level 2 is proposed again.
    assert report(client, auth, type="delivery_result", at="2026-11-23T09:05:00Z", channel="email",
                  status="bounced", decision_id=first["decision_id"]).status_code == 201
    again = decide(client, auth, as_of="2026-11-29T10:00:00Z")
    assert (again["action"]["kind"], again["action"]["level"]) == ("reminder", 2)


def test_a_delivery_result_must_name_a_decision_about_the_same_invoice(client: Any, auth: Any, app: Any) -> None:
    decision = decide(client, auth)
    response = client.post("/v1/events", headers=auth("ar_system"), json={
        "debtor_ref": "C-10023", "invoice_ref": "INV-99", "type": "delivery_result", "at": "2026-11-22T09:10:00Z",
        "channel": "email", "status": "bounced", "decision_id": decision["decision_id"]})
    assert response.status_code == 422 and "decision_id" in response.json["error"]["fields"]
    assert ledger_kinds(app) == ["decision"]


@pytest.mark.parametrize("event, field", [
    ({"type": "contact_attempt", "at": "2026-11-21T10:00:00Z", "channel": "phone"}, "connected"),
    ({"type": "contact_attempt", "at": "2026-11-21T10:00:00Z", "channel": "phone", "connected": True,
      "amount": "1.00", "currency": "EUR"}, "amount"),
    ({"type": "payment_received", "at": "2026-11-21T10:00:00Z", "amount": "1.0", "currency": "EUR"}, "amount"),
    ({"type": "promise_to_pay", "at": "2026-11-21T10:00:00Z"}, "on_date"),
    ({"type": "teleportation", "at": "2026-11-21T10:00:00Z"}, "type"),
    ({"type": "claim_closed", "at": "2026-11-21T10:00:00Z"}, "reason"),
    ({"type": "channel_opted_out", "at": "2026-11-21T10:00:00Z"}, "channel"),
    ({"type": "complaint_received", "at": "2026-11-21T10:00:00Z", "channel": "pigeon"}, "channel"),
    ({"type": "claim_closed", "at": "2026-11-21T10:00:00Z", "reason": "withdrawn"}, "reason"),    # a dispute's
    ({"type": "dispute_opened", "at": "2026-11-21T10:00:00Z", "reason": "sold"}, "reason"),        # a closing's
    ({"type": "dispute_opened", "at": "2026-11-21T10:00:00Z", "decision_id": "0d6f0b0e-9a59-4f7c-9d4e-2f4a0e6e3a11"},
     "decision_id"),
    ({"type": "dispute_opened", "at": "2026-11-29T10:00:00Z"}, "at"),     # in the future
])
def test_invalid_events_are_refused_and_nothing_is_written(client: Any, auth: Any, app: Any,
                                                           event: dict[str, Any], field: str) -> None:
    response = report(client, auth, **event)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert ledger_kinds(app) == []


def test_events_replay_under_their_idempotency_key(client: Any, auth: Any, app: Any) -> None:
    body = {**EVENT, "type": "contact_attempt", "at": "2026-11-21T10:00:00Z", "channel": "sms", "connected": False}
    headers = {**auth("ar_system"), "Idempotency-Key": "evt-1"}
    first = client.post("/v1/events", json=body, headers=headers)
    again = client.post("/v1/events", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and first.json == again.json
    conflict = client.post("/v1/events", json={**body, "connected": True}, headers=headers)
    assert conflict.status_code == 409
    assert ledger_kinds(app) == ["event"]
    assert client.post("/v1/events", json=body, headers=auth("auditor")).status_code == 403
