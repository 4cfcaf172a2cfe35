"""What the debtor portal shows (issue 18), through the Flask test client, in English and German
(SQLite and PostgreSQL): who is writing, what is owed with each fee and its basis (money and dates
by Babel in the page's language), how to pay, the payments and disputes the AR system reported
(read from the verified claim activity and its ledger entries), the rights of the debtor's
jurisdiction (a Californian debtor: dispute and validation, no GDPR), and the explanation in the
page's language only."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import update
from web_support import access_code, ar_auth, client_at, decide, portal_sign_in

from decisions.tables import ClaimActivityRow

CREDITOR = {"CREDITOR_NAME": "Stadtwerke Muster GmbH", "CREDITOR_ADDRESS": "Werkstraße 1, 10115 Berlin",
            "CREDITOR_EMAIL": "forderungen@stadtwerke.example", "CREDITOR_PHONE": "+49 30 1234 5678"}
PAYMENT = {"PAYMENT_IBAN": "de89 3704 0044 0532 0130 00", "PAYMENT_BIC": "COBADEFFXXX",
           "PAYMENT_LINK": "https://pay.stadtwerke.example/"}
# A Californian consumer of a debt collector (12 CFR 1006.34): their own customer number and invoice.
CALIFORNIA = {"debtor.ref": "C-30000", "invoice.ref": "INV-90", "debtor.jurisdiction": "US-CA",
              "debtor.timezone": "America/Los_Angeles", "debtor.language": "en", "invoice.currency": "USD",
              "debtor.contact": {"name": "Sam Example", "email": "sam@example.invalid", "phone": "+1 415 555 0100",
                                 "address": "1 Market St, San Francisco, CA 94105"}}


def _words(page: Any) -> str:
    """The visible text of the page's main part and footer, tags dropped, entities resolved."""
    text = page.get_data(as_text=True)
    text = text[text.index("<main"):]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _event(client: Any, auth: Any, **event: Any) -> None:
    body = {"debtor_ref": "C-10023", "invoice_ref": "INV-42", **event}
    response = client.post("/v1/events", json=body, headers=auth("ar_system"))
    assert response.status_code == 201, response.json


def _signed_in(app: Any, debtor_ref: str = "C-10023", invoice_ref: str = "INV-42") -> Any:
    client = app.test_client()
    assert portal_sign_in(client, access_code(app.extensions["fairdun"], debtor_ref), invoice_ref).status_code == 303
    return client


def test_matters_name_the_creditor_the_amount_owed_with_each_fee_and_how_to_pay(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False, **CREDITOR, **PAYMENT)
    decision = decide(app.test_client(), ar_auth(app))
    assert [fee["amount"] for fee in decision["action"]["fees"]] == ["2.50"]
    client = _signed_in(app)
    english = _words(client.get("/portal/matters"))
    for shown in ("Who is writing to you", "Stadtwerke Muster GmbH", "Werkstraße 1, 10115 Berlin",
                  "forderungen@stadtwerke.example", "+49 30 1234 5678",
                  "Still open €120.00", "Reminder fee €2.50 (BGB §§ 280(1),(2), 286: the cost of a reminder",
                  "Total owed €122.50", "Due on 31 October 2026",
                  "Payee Stadtwerke Muster GmbH", "IBAN DE89 3704 0044 0532 0130 00", "BIC COBADEFFXXX",
                  "Payment reference INV-42", "Pay online for invoice INV-42"):
        assert shown in english, shown
    assert "EUR" not in english.replace("EUR 40", "")                      # money by Babel, not "120.00 EUR"
    page = client.get("/portal/matters").get_data(as_text=True)
    assert 'href="https://pay.stadtwerke.example/"' in page and 'href="mailto:forderungen@stadtwerke.example"' in page
    client.get("/portal/language/de")
    german = _words(client.get("/portal/matters"))
    for shown in ("Wer Ihnen schreibt", "Noch offen 120,00 €", "Mahngebühr 2,50 € (BGB §§ 280(1),(2), 286: Kosten "
                  "einer Mahnung", "Insgesamt geschuldet 122,50 €", "Fällig am 31. Oktober 2026", "So zahlen Sie",
                  "Verwendungszweck INV-42", "Rechnung INV-42 online bezahlen"):
        assert shown in german, shown
    assert "€2.50" not in german and "cost of a reminder" not in german and "EUR" not in german


def test_the_request_s_creditor_and_payment_details_win_over_the_installation_s(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False, **CREDITOR, **PAYMENT)
    decide(app.test_client(), ar_auth(app), **{
        "creditor": {"role": "first_party", "name": "Energie Nord AG",
                     "contact": {"email": "inkasso@nord.example", "address": "Hafenweg 2, 20457 Hamburg"}},
        "invoice.payment": {"bank_transfer": {"iban": "GB82 WEST 1234 5698 7654 32", "reference": "KD-42/2026"}}})
    words = _words(_signed_in(app).get("/portal/matters"))
    assert "Energie Nord AG" in words and "inkasso@nord.example" in words and "Hafenweg 2, 20457 Hamburg" in words
    assert "Stadtwerke" not in words and "+49 30 1234 5678" not in words     # never mixed with the installation's
    assert "IBAN GB82 WEST 1234 5698 7654 32" in words and "Payment reference KD-42/2026" in words
    assert "Payee Energie Nord AG" in words and "DE89" not in words and "Pay online" not in words


def test_without_payment_details_the_portal_shows_none(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    decide(app.test_client(), ar_auth(app))
    words = _words(_signed_in(app).get("/portal/matters"))
    assert "How to pay" not in words and "IBAN" not in words and "Total owed €122.50" in words


@pytest.mark.parametrize(("settings", "variable"), [({"PAYMENT_IBAN": "DE00 1234 5678 9012 3456 78"}, "FAIRDUN_PAYMENT_IBAN"),
                                                    ({"PAYMENT_LINK": "http://pay.example/"}, "FAIRDUN_PAYMENT_LINK"),
                                                    ({"PAYMENT_BIC": "COBADEFFXXX"}, "FAIRDUN_PAYMENT_IBAN")])
def test_payment_settings_a_debtor_could_not_use_stop_the_start(make_app: Any, settings: dict[str, str],
                                                                variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        make_app(**settings)


def test_a_part_payment_and_a_dispute_show_with_the_amount_still_open(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    _event(client, auth, type="partial_payment", at="2026-11-22T09:10:00Z", amount="50.00", currency="EUR",
           on_date="2026-11-21")
    _event(client, auth, type="dispute_opened", at="2026-11-22T09:20:00Z", reason="amount")
    debtor = _signed_in(app)
    english = _words(debtor.get("/portal/matters"))
    for shown in ("Open amount when last decided €120.00", "Paid since then €50.00", "Still open €70.00",
                  "Reminder fee €2.50", "Total owed €72.50", "You have disputed this invoice",
                  "Payments and disputes", "21 November 2026 Part payment received €50.00",
                  "22 November 2026 You disputed the invoice (the amount is wrong) –"):
        assert shown in english, shown
    debtor.get("/portal/language/de")
    german = _words(debtor.get("/portal/matters"))
    for shown in ("Seitdem gezahlt 50,00 €", "Noch offen 70,00 €", "Insgesamt geschuldet 72,50 €",
                  "Sie haben diese Rechnung bestritten", "21. November 2026 Teilzahlung eingegangen 50,00 €",
                  "Sie haben die Rechnung bestritten (der Betrag stimmt nicht)"):
        assert shown in german, shown
    _event(client, auth, type="dispute_closed", at="2026-11-22T09:25:00Z", reason="withdrawn")
    german = _words(debtor.get("/portal/matters"))
    assert "Einwand erledigt (zurückgenommen)" in german and "Sie haben diese Rechnung bestritten." not in german


def test_the_history_is_what_the_ledger_says_or_nothing(make_app: Any) -> None:
    """A claim_activity row that says otherwise than the event entry it points at (here: a dispute
    turned into a payment) is not shown: the page fails closed."""
    app = make_app(WEB_COOKIE_SECURE=False)
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    _event(client, auth, type="dispute_opened", at="2026-11-22T09:20:00Z", reason="amount")
    debtor = _signed_in(app)
    assert "You disputed the invoice" in _words(debtor.get("/portal/matters"))
    runtime = app.extensions["fairdun"]
    with runtime.db.unit_of_work() as uow:
        uow.session.execute(update(ClaimActivityRow).where(ClaimActivityRow.activity == "dispute_opened")
                            .values(activity="payment_received"))
        uow.commit()
    tampered = debtor.get("/portal/matters")
    assert tampered.status_code == 503 and "Payment received" not in _words(tampered)


def test_a_californian_debtor_is_offered_the_us_rights_not_the_gdpr_s(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False, **CREDITOR)
    client, auth = app.test_client(), ar_auth(app)
    decision = decide(client, auth, **CALIFORNIA, creditor={"role": "debt_collector"})
    response = client.post("/v1/events", headers=auth("ar_system"), json={
        "debtor_ref": "C-30000", "invoice_ref": "INV-90", "type": "validation_notice_sent", "at": "2026-11-20T18:00:00Z",
        "channel": "letter"})
    assert response.status_code == 201, response.json
    debtor = _signed_in(app, "C-30000", "INV-90")
    for lang in ("en", "de"):
        debtor.get(f"/portal/language/{lang}")
        pages = {path: _words(debtor.get(path)) for path in (
            "/portal/matters", f"/portal/decisions/{decision['decision_id']}", "/portal/objection", "/portal/data",
            "/portal/requests")}
        for path, words in pages.items():
            for gdpr in ("GDPR", "DSGVO", "Art. 15", "Art. 21", "Art. 22", "Art. 12", "Art. 77", "supervisory authority",
                         "Aufsichtsbehörde"):
                assert gdpr not in words, (lang, path, gdpr)
        matters = pages["/portal/matters"]
        # sent 20 November (Pacific); assumed received five business days later, Thanksgiving
        # (26 November) not counted: 30 November; the period ends 30 days after: 30 December 2026
        if lang == "en":
            assert "You have the right to dispute all or part of this debt" in matters
            assert "12 CFR 1006.34" in matters and "the validation period ends on 30 December 2026" in matters
            assert "Still open US$120.00" in matters
        else:
            assert "diese Forderung ganz oder teilweise zu bestreiten" in matters
            assert "endet die Prüffrist am 30. Dezember 2026" in matters and "Noch offen 120,00 $" in matters
        assert ("You may ask for a person to review this decision" if lang == "en" else
                "Sie können verlangen, dass ein Mensch diese Entscheidung überprüft") in pages[
            f"/portal/decisions/{decision['decision_id']}"]
    # a German debtor, signed in beside, still reads the GDPR's rights
    german = client_at(app, "192.0.2.7")
    decide(client, auth)
    assert portal_sign_in(german, access_code(app.extensions["fairdun"])).status_code == 303
    words = _words(german.get("/portal/matters"))
    assert "Art. 15 GDPR" in words and "Art. 77 GDPR" in words and "dispute all or part" not in words


def test_a_german_page_shows_no_english_reason_rule_or_fee_text(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    english = decide(app.test_client(), ar_auth(app), **{"debtor.language": "en", "debtor.consents.email": False})
    explanation = english["explanation"]
    assert explanation["language"] == "en" and explanation["policy"] and english["action"]["fees"]
    debtor = _signed_in(app)
    debtor.get("/portal/language/de")
    page = debtor.get(f"/portal/decisions/{english['decision_id']}")
    words = _words(page)
    recorded = [explanation["summary"], *(r["text"] for r in explanation["reasons"]),
                *(r["direction_text"] for r in explanation["reasons"]),
                *(i["text"] for part in explanation["score_role"].values() for i in part),
                *(r["message"] for r in explanation["policy"]), english["action"]["fees"][0]["basis"].split(": ", 1)[1]]
    for text in recorded:
        assert text not in words, text
    for english_word in ("Counts towards", "Reminder", "invoice", "consent", "by letter", "GDPR", "planned for"):
        assert english_word not in words, english_word
    for shown in ("Spricht für ein höheres Risiko: Ihre Rechnung ist seit 22 Tagen fällig.",
                  "Mahnung Nr. 2 per Brief, geplant für 23. November 2026, 09:00 (CET): die Rechnung ist seit 22 Tagen",
                  "Nicht zulässig und daher unterblieben: Zahlungserinnerung, per E-Mail.", "DSGVO Art. 6(1)(a)",
                  "Mahngebühr 2,50 €"):
        assert shown in words, shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", words)                  # no ISO date, no time without its zone
    assert "Die Erklärung wird in der Sprache gezeigt" not in words    # nothing left in the recorded language
    assert re.search(r'<span class="mono rule-id">FD-CONSENT-CHANNEL</span>', page.get_data(as_text=True))


def test_plain_words_instead_of_jargon(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    decision = decide(app.test_client(), ar_auth(app), **{"debtor.consents.email": False})
    debtor = _signed_in(app)
    for path in ("/portal/matters", f"/portal/decisions/{decision['decision_id']}"):
        words = _words(debtor.get(path))
        for jargon in ("Current state", "condition applied", "ruled out", "no consent on record", "(technical)"):
            assert jargon not in words, (path, jargon)
    words = _words(debtor.get(f"/portal/decisions/{decision['decision_id']}"))
    assert "State decided; you can ask a person to review it" in words
    assert "Not allowed, so not taken: Payment reminder, by e-mail." in words
