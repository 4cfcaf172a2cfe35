"""What the debtor portal shows, read as a debtor does in headless Chromium (SQLite and
PostgreSQL), in English and German: who is writing, what is owed with its fees, how to pay, a part
payment and a dispute, the rights of a Californian debtor, the explanation in the page's language.
Every page is checked with axe-core and for reflow at 390 and 320 px (``Visitor``)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from web_support import access_code, ar_auth, decide

from service.web import texts

from .visitor import Visitor, debtor_signs_in, row_of, sign_out

pytestmark = pytest.mark.browser

SETTINGS = {"CREDITOR_NAME": "Stadtwerke Muster GmbH", "CREDITOR_ADDRESS": "Werkstraße 1, 10115 Berlin",
            "CREDITOR_EMAIL": "forderungen@stadtwerke.example", "CREDITOR_PHONE": "+49 30 1234 5678",
            "PAYMENT_IBAN": "DE89370400440532013000", "PAYMENT_BIC": "COBADEFFXXX",
            "PAYMENT_LINK": "https://pay.stadtwerke.example/"}


@pytest.fixture
def app(make_app: Any) -> Any:
    """The browser suite's app (plain HTTP on loopback) with an installation creditor and payment details."""
    return make_app(WEB_COOKIE_SECURE=False, **SETTINGS)


def _event(client: Any, auth: Any, debtor_ref: str, invoice_ref: str, **event: Any) -> None:
    response = client.post("/v1/events", headers=auth("ar_system"),
                           json={"debtor_ref": debtor_ref, "invoice_ref": invoice_ref, **event})
    assert response.status_code == 201, response.json


def test_debtor_reads_who_writes_what_is_owed_and_what_was_reported(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth, **{"debtor.consents.email": False})      # a letter, the e-mail ruled out
    _event(client, auth, "C-10023", "INV-42", type="partial_payment", at="2026-11-22T09:10:00Z", amount="50.00",
           currency="EUR")
    _event(client, auth, "C-10023", "INV-42", type="dispute_opened", at="2026-11-22T09:20:00Z", reason="amount")

    debtor_signs_in(visitor, runtime)
    main = visitor.main
    for shown in ("Stadtwerke Muster GmbH", "forderungen@stadtwerke.example", "Still open\n€70.00", "Total owed\n€72.50",
                  "IBAN\nDE89 3704 0044 0532 0130 00", "Payment reference\nINV-42", "You have disputed this invoice"):
        assert shown in main, shown
    assert "€50.00" in row_of(visitor, "Part payment received")
    assert "the amount is wrong" in row_of(visitor, "You disputed the invoice")
    assert visitor.driver.find_element(By.LINK_TEXT, "Pay online for invoice INV-42").get_attribute("href") == \
        "https://pay.stadtwerke.example/"
    visitor.click("Why? (invoice INV-42, decision of 22 November 2026)")
    assert "Not allowed, so not taken: Payment reminder, by e-mail." in visitor.main
    rule = visitor.driver.find_element(By.CSS_SELECTOR, "span.rule-id")
    assert rule.text == "FD-CONSENT-CHANNEL"
    assert visitor.driver.execute_script("return arguments[0].getClientRects().length", rule) == 1   # on one line

    # (2) the same in German: money, dates and the explanation in German only
    t = texts("de")
    visitor.click("Deutsch")
    assert visitor.lang == "de"
    main = visitor.main
    assert "Mahnung Nr. 2 per Brief, geplant für 23. November 2026, 09:00 (CET)" in main
    assert "Spricht für ein höheres Risiko: Ihre Rechnung ist seit 22 Tagen fällig." in main
    assert "Counts towards" not in main and "no consent on record" not in main
    visitor.click(t["decision.back"])
    main = visitor.main
    assert "Noch offen\n70,00 €" in main and "Insgesamt geschuldet\n72,50 €" in main and "Mahngebühr\n2,50 €" in main
    assert "50,00 €" in row_of(visitor, "Teilzahlung eingegangen")
    assert "Ihre Rechte" in main and "DSGVO" in main
    sign_out(visitor, t)


def test_a_californian_debtor_reads_the_us_rights_in_english_and_german(app: Any, runtime: Any,
                                                                        visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth, **{"debtor.ref": "C-30000", "invoice.ref": "INV-90", "debtor.jurisdiction": "US-CA",
                            "debtor.timezone": "America/Los_Angeles", "debtor.language": "en",
                            "invoice.currency": "USD", "creditor": {"role": "debt_collector"}})
    _event(client, auth, "C-30000", "INV-90", type="validation_notice_sent", at="2026-11-20T18:00:00Z")
    visitor.open("/portal/")
    visitor.send("Sign in", code=access_code(runtime, "C-30000"), invoice_ref="INV-90")
    assert visitor.heading == "My matters"
    assert "You have the right to dispute all or part of this debt" in visitor.main
    assert "the validation period ends on 30 December 2026" in visitor.main
    assert "GDPR" not in visitor.main
    for link in ("Object to profiling", "Download my data", "My requests"):
        visitor.click(link)
        assert "GDPR" not in visitor.main and "Art. 15" not in visitor.main, link
    visitor.click("Deutsch")
    visitor.click(texts("de")["nav.matters"])
    assert "endet die Prüffrist am 30. Dezember 2026" in visitor.main and "DSGVO" not in visitor.main
    assert "Noch offen\n120,00 $" in visitor.main
