"""The debtor's actions on a matter, from its decision page, through the Flask test client
(SQLite and PostgreSQL): "I already paid", "I dispute this", "I need a payment plan", channel
preferences and withdrawing an objection. Each is ledgered (actor ``portal``, no personal data
in a body), confirmed in the debtor's language, idempotent against a second submission, and
read by the NEXT decision about the claim through the real pipeline and policy; bad input is the
page again with the field marked (422) and nothing written; another debtor's decision is not
found."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from rights_support import entries
from web_support import OTHER, access_code, ar_auth, csrf_token, decide, ledger_size, portal_sign_in

from decisions import rights
from decisions.read_models import verify_read_models

LATER = "2026-11-22T10:00:00Z"     # the next decision: after the action (the clock says 09:30), before
                                   # the first decision's message goes out, so without the action it
                                   # would be the same reminder again


def _setup(make_app: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
    app = make_app(WEB_COOKIE_SECURE=False)
    client, runtime, auth = app.test_client(), app.extensions["fairdun"], ar_auth(app)
    decision = decide(client, auth)
    assert decision["action"]["kind"] == "reminder" and decision["action"]["channel"] == "email"
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    return app, client, runtime, auth, decision


def _page(decision: dict[str, Any]) -> str:
    return f"/portal/decisions/{decision['decision_id']}"


def _post(client: Any, decision: dict[str, Any], action: str, **fields: str) -> Any:
    token = csrf_token(client, _page(decision))
    return client.post(f"{_page(decision)}/{action}", data={"csrf_token": token, **fields})


def _rules(decision: dict[str, Any]) -> set[str]:
    return {r["rule"] for r in decision["explanation"]["policy"] if r.get("effect") == "deny"}


def _verified(runtime: Any) -> None:
    """The projections the next decisions read say what the ledger says."""
    with runtime.db.reading() as session:
        verify_read_models(session)


def _personal(body: dict[str, Any]) -> None:
    text = json.dumps(body)
    for value in ("C-10023", "INV-42", "Erika", "Mustermann", "erika@example.invalid"):
        assert value not in text


def test_without_an_action_the_next_decision_repeats_the_reminder(make_app: Any) -> None:
    """The baseline the tests below change: the same reminder at LATER."""
    _, client, _, auth, _ = _setup(make_app)
    again = decide(client, auth, as_of=LATER)
    assert (again["action"]["kind"], again["action"]["channel"]) == ("reminder", "email")


@pytest.mark.parametrize("answer", [
    {"type": "partial_payment", "amount": "50.00", "currency": "EUR", "on_date": "2026-11-20"},
    {"type": "dispute_closed", "reason": "resolved_for_creditor"},
])
def test_a_reported_payment_holds_the_claim_until_the_ar_system_answers(make_app: Any, clock: Any,
                                                                        answer: dict[str, Any]) -> None:
    _, client, runtime, auth, decision = _setup(make_app)
    page = client.get(_page(decision)).get_data(as_text=True)
    assert "I have already paid" in page and 'id="paid_on"' in page

    done = _post(client, decision, "paid", paid_on="20.11.2026", amount="50,00")
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{_page(decision)}#actions")
    shown = client.get(_page(decision)).get_data(as_text=True)
    assert "Your payment is reported" in shown and "you paid on 20 November 2026" in shown
    assert "€50.00" in shown                                          # Babel's way in English
    event = entries(runtime, "event")[-1]["body"]
    assert event["type"] == "payment_reported" and event["actor"] == "portal"
    assert event["details"] == {"source": "debtor", "on_date": "2026-11-20", "amount": "50.00", "currency": "EUR",
                                "decision_id": decision["decision_id"]}
    _personal(event)

    size = ledger_size(runtime)
    assert _post(client, decision, "paid", paid_on="2026-11-20", amount="50.00").status_code == 303
    assert ledger_size(runtime) == size                                  # a double submit adds nothing
    assert "You had reported this payment already" in client.get(_page(decision)).get_data(as_text=True)

    held = decide(client, auth, as_of=LATER)                           # the next decision: nothing is sent
    assert held["action"]["kind"] == "none" and "FD-DISPUTE-HOLD" in _rules(held)

    clock.advance(minutes=20)                                           # 09:50: the AR system answers
    answered = client.post("/v1/events", headers=auth("ar_system"), json={
        "debtor_ref": "C-10023", "invoice_ref": "INV-42", "at": "2026-11-22T09:45:00Z", **answer})
    assert answered.status_code == 201, answered.json
    resumed = decide(client, auth, as_of="2026-11-22T10:30:00Z")
    assert resumed["action"]["kind"] == "reminder" and "FD-DISPUTE-HOLD" not in _rules(resumed)
    answered_page = client.get(_page(decision))
    assert answered_page.status_code == 200 and "you paid on" not in answered_page.get_data(as_text=True)
    _verified(runtime)


def test_a_dispute_holds_the_claim_and_its_words_stay_sealed(make_app: Any) -> None:
    _, client, runtime, auth, decision = _setup(make_app)
    done = _post(client, decision, "dispute", ground="amount", reason="I was charged twice\r\nfor one order.")
    assert done.status_code == 303
    shown = client.get(_page(decision)).get_data(as_text=True)
    assert "Your dispute is recorded" in shown and "You disputed this invoice on 22 November 2026" in shown
    event = entries(runtime, "event")[-1]
    assert event["body"]["type"] == "dispute_opened" and event["body"]["details"]["source"] == "debtor"
    assert event["body"]["details"]["reason"] == "amount" and event["sealed_sha256"]
    assert "charged twice" not in json.dumps(entries(runtime))          # the words are sealed
    _personal(event["body"])

    size = ledger_size(runtime)
    assert _post(client, decision, "dispute", ground="other", reason="Again.").status_code == 303
    assert ledger_size(runtime) == size
    held = decide(client, auth, as_of=LATER)
    assert held["action"]["kind"] == "none" and "FD-DISPUTE-HOLD" in _rules(held)
    _verified(runtime)


def test_a_payment_plan_request_opens_a_review_case_and_pauses_escalation(make_app: Any) -> None:
    _, client, runtime, auth, decision = _setup(make_app)
    assert _post(client, decision, "payment-plan", note="I can pay 30 a month.").status_code == 303
    cases = rights.review_queue(runtime.rights)
    assert len(cases) == 1 and cases[0]["origin"] == "debtor" and cases[0]["decision_id"] == decision["decision_id"]
    event = entries(runtime, "event")[-1]["body"]
    assert event["type"] == "payment_plan_requested" and event["details"]["case_id"] == cases[0]["case_id"]
    desk = rights.review_desk_case(runtime.rights, cases[0]["case_id"])   # what the reviewer reads
    assert [r["code"] for r in desk["reasons"]] == ["payment_plan"]
    assert any(item.get("detail") == "I can pay 30 a month." and "payment plan" in item["text"]
               for item in desk["timeline"])
    [queued] = rights.review_desk_queue(runtime.rights)["cases"]
    assert [r["label"] for r in queued["reasons"]] == ["payment plan asked"]
    assert "30 a month" not in json.dumps(entries(runtime))
    shown = client.get(_page(decision)).get_data(as_text=True)
    assert "request for a payment plan was received" in shown and "A person will answer by" in shown

    size = ledger_size(runtime)
    assert _post(client, decision, "payment-plan").status_code == 303
    assert ledger_size(runtime) == size and len(rights.review_queue(runtime.rights)) == 1

    paused = decide(client, auth, as_of=LATER)
    assert paused["action"]["kind"] in ("none", "payment_plan_offer") and "FD-REVIEW-PAUSE" in _rules(paused)
    _verified(runtime)


def test_a_channel_refused_is_not_used_on_any_of_the_debtors_invoices(make_app: Any) -> None:
    _, client, runtime, auth, decision = _setup(make_app)
    decide(client, auth, **{"invoice.ref": "INV-43"})                    # a second invoice of the debtor
    assert _post(client, decision, "channels", email="yes").status_code == 303
    opted = [e["body"] for e in entries(runtime, "event") if e["body"]["type"] == "channel_opted_out"]
    assert len(opted) == 2 and {e["details"]["channel"] for e in opted} == {"email"}
    assert len({e["claim"] for e in opted}) == 2
    shown = client.get(_page(decision)).get_data(as_text=True)
    assert "You asked not to be contacted by e-mail." in shown and 'id="channel-email"' not in shown

    size = ledger_size(runtime)
    assert _post(client, decision, "channels", sms="yes").status_code == 303
    assert ledger_size(runtime) == size + 2                              # sms on both invoices, e-mail not again
    for ref in ("INV-42", "INV-43"):
        later = decide(client, auth, as_of=LATER, **{"invoice.ref": ref})
        assert later["action"]["channel"] not in ("email", "sms") and "FD-CHANNEL-OPT-OUT" in _rules(later)
    _verified(runtime)


def test_a_withdrawn_objection_stops_applying_on_the_next_decision(make_app: Any) -> None:
    _, client, runtime, auth, decision = _setup(make_app)
    assert "Withdraw my objection" not in client.get(_page(decision)).get_data(as_text=True)
    client.post("/portal/objection", data={"csrf_token": csrf_token(client, "/portal/objection")})
    objected = decide(client, auth, as_of=LATER)
    assert objected["risk"]["profiling"] is False
    assert "You objected to profiling on 22 November 2026 (GDPR Art. 21)" in \
        client.get(_page(decision)).get_data(as_text=True)

    assert _post(client, decision, "objection/withdraw").status_code == 303
    withdrawn = entries(runtime, "objection_withdrawn")
    assert len(withdrawn) == 1 and withdrawn[0]["body"]["actor"] == "portal"
    assert "Your objection is withdrawn" in client.get(_page(decision)).get_data(as_text=True)
    listed = client.get("/portal/requests").get_data(as_text=True)       # where the request stands now
    assert "withdrawn" in listed and "in force" not in listed
    size = ledger_size(runtime)
    assert _post(client, decision, "objection/withdraw").status_code == 303
    assert ledger_size(runtime) == size
    profiled = decide(client, auth, as_of="2026-11-22T10:30:00Z")
    assert profiled["risk"]["profiling"] is True and profiled["risk"]["p_late"] is not None
    assert 'id="statement"' in client.get("/portal/objection").get_data(as_text=True)   # may object again
    client.post("/portal/objection", data={"csrf_token": csrf_token(client, "/portal/objection")})
    assert decide(client, auth, as_of="2026-11-22T11:00:00Z")["risk"]["profiling"] is False
    _verified(runtime)


@pytest.mark.parametrize(("action", "fields", "marked"), [
    ("paid", {}, "paid_on"),
    ("paid", {"paid_on": "31.02.2026"}, "paid_on"),
    ("paid", {"paid_on": "2026-11-23"}, "paid_on"),                   # tomorrow
    ("paid", {"paid_on": "2026-11-20", "amount": "-5"}, "amount"),
    ("paid", {"paid_on": "2026-11-20", "amount": "12.345"}, "amount"),
    ("dispute", {"ground": "amount"}, "reason"),
    ("dispute", {"ground": "made_up", "reason": "x"}, "ground"),
    ("dispute", {"ground": "other", "reason": "a\x07b"}, "reason"),
    ("payment-plan", {"note": "x" * 4001}, "note"),
    ("channels", {}, "channels"),
    ("channels", {"fax": "yes"}, "fax"),
    ("channels", {"email": "no"}, "email"),
    ("objection/withdraw", {"extra": "1"}, "extra"),
])
def test_bad_input_is_the_page_again_with_the_field_marked_and_nothing_written(
        make_app: Any, action: str, fields: dict[str, str], marked: str) -> None:
    _, client, runtime, _, decision = _setup(make_app)
    size = ledger_size(runtime)
    refused = _post(client, decision, action, **fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'class="error-summary"' in page and f'href="#{marked}"' in page or marked in ("fax", "email", "extra")
    assert ledger_size(runtime) == size
    if marked in ("paid_on", "amount", "reason", "note"):
        assert re.search(rf'id="{marked}"[^>]*aria-invalid="true"', page)
        if "reason" in fields and marked != "reason":
            assert fields["reason"] in page                             # what was typed is kept


def test_without_the_csrf_token_nothing_is_written(make_app: Any) -> None:
    _, client, runtime, _, decision = _setup(make_app)
    size = ledger_size(runtime)
    refused = client.post(f"{_page(decision)}/paid", data={"paid_on": "2026-11-20"})
    assert refused.status_code == 400 and ledger_size(runtime) == size


@pytest.mark.parametrize(("action", "fields"), [
    ("paid", {"paid_on": "2026-11-20"}), ("dispute", {"ground": "other", "reason": "x"}),
    ("payment-plan", {}), ("channels", {"email": "yes"}), ("objection/withdraw", {}),
    ("paid", {}),                                                       # bad input too: still not found
])
def test_another_debtors_decision_is_not_found_and_nothing_is_written(make_app: Any, action: str,
                                                                      fields: dict[str, str]) -> None:
    app, client, runtime, auth, _ = _setup(make_app)
    theirs = decide(client, auth, **{"debtor.ref": OTHER["debtor.ref"], "invoice.ref": OTHER["invoice.ref"],
                                     "debtor.contact": OTHER["debtor.contact"]})
    size = ledger_size(runtime)
    token = csrf_token(client, "/portal/matters")
    response = client.post(f"{_page(theirs)}/{action}", data={"csrf_token": token, **fields})
    assert response.status_code == 404 and ledger_size(runtime) == size
    assert client.get(_page(theirs)).status_code == 404


def test_actions_are_offered_and_confirmed_in_german(make_app: Any) -> None:
    _, client, runtime, _, decision = _setup(make_app)
    client.get("/portal/language/de")
    page = client.get(_page(decision)).get_data(as_text=True)
    assert "Ich habe schon bezahlt" in page and "Ich brauche eine Ratenzahlung" in page
    assert "Wie wir Sie kontaktieren dürfen" in page and "15 U.S.C." not in page
    refused = _post(client, decision, "paid", paid_on="morgen")
    assert refused.status_code == 422 and "Geben Sie den Tag der Zahlung ein" in refused.get_data(as_text=True)
    assert _post(client, decision, "paid", paid_on="20.11.2026", amount="50,00").status_code == 303
    shown = client.get(_page(decision)).get_data(as_text=True)
    assert "Ihre Zahlung ist gemeldet" in shown and "am 20. November 2026 bezahlt" in shown
    assert "50,00\xa0€" in shown


def test_a_us_debt_collectors_debtor_is_told_of_the_validation_right(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    client, runtime, auth = app.test_client(), app.extensions["fairdun"], ar_auth(app)
    response = client.post("/v1/decisions", headers=auth("ar_system"), json=_us_request())
    assert response.status_code == 201, response.json
    portal_sign_in(client, access_code(runtime))
    page = client.get(_page(response.json)).get_data(as_text=True)
    assert "15 U.S.C. § 1692g(b)" in page and "I dispute this invoice" in page


def _us_request() -> dict[str, Any]:
    from fakes import request_with

    return request_with(**{"creditor.role": "debt_collector", "debtor.jurisdiction": "US-MA",
                           "debtor.timezone": "America/New_York", "debtor.language": "en",
                           "invoice.currency": "USD"})
