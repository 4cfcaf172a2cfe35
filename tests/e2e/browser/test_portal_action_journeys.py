"""The debtor's actions on a matter as people do them, in headless Chromium: "I already paid",
"I dispute this", "I need a payment plan", channel preferences and withdrawing an objection,
each by typing and clicking on the decision page (one in German), each seen afterwards on the
page and by the next decision. Every page is checked with axe-core and for reflow at 390 and
320 px (``Visitor``), the refused form's page included."""

from __future__ import annotations

from typing import Any

import pytest
from rights_support import entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from web_support import ar_auth, decide

from decisions import rights
from service.web import texts

from .visitor import Visitor, debtor_signs_in

pytestmark = pytest.mark.browser

LATER = "2026-11-22T10:00:00Z"   # the next decision, after the action and before the first one's message
WHY = "Why? (invoice INV-42, decision of 22 November 2026)"


def _denied(decision: dict[str, Any]) -> set[str]:
    return {r["rule"] for r in decision["explanation"]["policy"] if r.get("effect") == "deny"}


def _to_the_decision(visitor: Visitor, runtime: Any) -> None:
    debtor_signs_in(visitor, runtime)
    visitor.click(WHY)
    assert "What you can do about this invoice" in visitor.main


def test_debtor_reports_a_payment_after_a_typing_error_and_escalation_waits(app: Any, runtime: Any,
                                                                          visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    _to_the_decision(visitor, runtime)
    visitor.send("Report my payment", paid_on="31.11.2026")                 # no such day
    summary = visitor.driver.find_element(By.CLASS_NAME, "error-summary").text
    assert "Day of payment" in summary and "Enter the day you paid" in summary
    assert visitor.driver.find_element(By.ID, "paid_on").get_attribute("aria-invalid") == "true"
    assert entries(runtime, "event") == []                                  # nothing written
    visitor.send("Report my payment", paid_on="20.11.2026", amount="50.00")
    assert "Your payment is reported." in visitor.main
    assert "you told us that you paid on 20 November 2026. Amount: €50.00." in visitor.main
    waiting = decide(client, auth, as_of=LATER)
    assert waiting["action"]["kind"] == "none" and "FD-DISPUTE-HOLD" in _denied(waiting)


def test_debtor_disputes_the_invoice(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    _to_the_decision(visitor, runtime)
    Select(visitor.driver.find_element(By.ID, "ground")).select_by_visible_text("The amount is wrong")
    visitor.send("Dispute this invoice", reason="I was charged twice for one order.")
    assert "Your dispute is recorded." in visitor.main
    assert "You disputed this invoice on 22 November 2026." in visitor.main
    assert not visitor.driver.find_elements(By.ID, "reason")                # no second dispute form
    assert entries(runtime, "event")[-1]["body"]["details"]["reason"] == "amount"
    held = decide(client, auth, as_of=LATER)
    assert held["action"]["kind"] == "none" and "FD-DISPUTE-HOLD" in _denied(held)


def test_debtor_asks_for_a_payment_plan_and_a_person_gets_the_case(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decision = decide(client, auth)
    _to_the_decision(visitor, runtime)
    visitor.send("Ask for a payment plan", note="I can pay 30 a month.")
    assert "Your request for a payment plan was received." in visitor.main
    assert "You asked for a payment plan on 22 November 2026. A person will answer by" in visitor.main
    [case] = rights.review_queue(runtime.rights)
    assert (case["origin"], case["decision_id"]) == ("debtor", decision["decision_id"])
    paused = decide(client, auth, as_of=LATER)
    assert paused["action"]["kind"] in ("none", "payment_plan_offer") and "FD-REVIEW-PAUSE" in _denied(paused)


def test_debtor_refuses_e_mail(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    assert decide(client, auth)["action"]["channel"] == "email"
    _to_the_decision(visitor, runtime)
    visitor.choose("channel-email")
    visitor.send("Save my contact preferences")
    assert "Your contact preferences are saved" in visitor.main
    assert "You asked not to be contacted by e-mail." in visitor.main
    assert not visitor.driver.find_elements(By.ID, "channel-email")
    later = decide(client, auth, as_of=LATER)
    assert later["action"]["channel"] != "email" and "FD-CHANNEL-OPT-OUT" in _denied(later)


def test_debtor_withdraws_an_objection_to_profiling(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    debtor_signs_in(visitor, runtime)
    visitor.click("Object to profiling")
    visitor.send("Object to profiling")
    assert decide(client, auth, as_of=LATER)["risk"]["profiling"] is False
    visitor.click("My matters")
    visitor.click(WHY)
    assert "You objected to profiling on 22 November 2026 (GDPR Art. 21)" in visitor.main
    visitor.send("Withdraw my objection")
    assert "Your objection is withdrawn" in visitor.main
    assert not visitor.driver.find_elements(By.XPATH, "//button[normalize-space()='Withdraw my objection']")
    assert decide(client, auth, as_of="2026-11-22T10:30:00Z")["risk"]["profiling"] is True


def test_a_german_debtor_reports_a_payment_in_german(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    de = texts("de")
    _to_the_decision(visitor, runtime)
    visitor.click("Deutsch")
    assert visitor.lang == "de" and de["actions.title"] in visitor.main
    visitor.send(de["actions.paid.submit"], paid_on="20.11.2026", amount="50,00")
    assert de["flash.payment_reported"] in visitor.main
    assert "am 20. November 2026 bezahlt haben. Betrag: 50,00 €." in visitor.main.replace("\xa0", " ")
    waiting = decide(client, auth, as_of=LATER)
    assert waiting["action"]["kind"] == "none"
