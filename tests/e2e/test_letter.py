"""GET /v1/decisions/{id}/letter.pdf: the debtor-facing explanation of one decision, in the
decision's language, addressed from the sealed request; erased subjects get no letter."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fakes import request_with
from pdf_tools import assert_tagged_pdf_a, pdf_meta, pdf_text


def _decide(client: Any, auth: Any, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def _letter(client: Any, auth: Any, decision_id: str, role: str = "compliance_officer") -> Any:
    return client.get(f"/v1/decisions/{decision_id}/letter.pdf", headers=auth(role))


def _words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_german_letter_explains_the_decision_fees_and_rights(app: Any, client: Any, auth: Any,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    decision = _decide(client, auth, **{"debtor.consents.email": False})
    assert decision["explanation"]["language"] == "de" and decision["action"]["fees"]
    response = _letter(client, auth, decision["decision_id"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    words = _words(response.data)
    # addressed from the sealed request
    assert "Erika Mustermann" in words and "Musterstraße 1, 10115 Berlin" in words
    assert "Guten Tag Erika Mustermann," in words
    # what was decided and why, in the decision's own words
    # (its send time, recorded as "2026-11-23 09:00" in the debtor's zone, by locale and with the zone)
    summary = " ".join(decision["explanation"]["summary"].split())
    assert "geplant für 2026-11-23 09:00:" in summary
    assert summary.replace("2026-11-23 09:00", "23. November 2026, 09:00 (CET)") in words
    # each reason with the direction in which it counted, then what the score changed and what not
    assert decision["explanation"]["reasons"]
    for reason in decision["explanation"]["reasons"]:
        assert reason["direction_text"].startswith("Spricht für ein")
        assert f"{reason['direction_text']}: {' '.join(reason['text'].split())}" in words
    role = decision["explanation"]["score_role"]
    assert role["changed"] and role["regardless"]
    assert "Was die Risikoeinschätzung an dieser Entscheidung geändert hat:" in words
    assert "Was sich unabhängig von der Risikoeinschätzung aus unserem Mahnverfahren oder dem Gesetz ergab:" in words
    for item in role["changed"] + role["regardless"]:
        assert " ".join(item["text"].split()) in words
    assert "Es wurde keine Risikobewertung verwendet" not in words
    # fees with their legal basis
    fee = decision["action"]["fees"][0]
    assert (fee["amount"], fee["currency"]) == ("2.50", "EUR") and "Mahngebühr: 2,50 €" in words
    # the basis in German (its citation as the law names itself), never the recorded English explanation
    citation = fee["basis"].split(":", 1)[0]
    assert f"{citation}: Kosten einer Mahnung nach Verzugseintritt" in words
    assert fee["basis"].split(":", 1)[1].strip() not in words and "legal basis" not in words
    # the rights: objection, human review, access
    for right in ("Widerspruch (Art. 21 DSGVO)", "Überprüfung durch einen Menschen (Art. 22 Abs. 3 DSGVO)",
                  "Auskunft (Art. 15 DSGVO)"):
        assert right in words
    assert decision["decision_id"] in words
    # the portal access code (derived from the subject's pseudonym) and the invoice number to sign in with
    runtime = app.extensions["fairdun"]
    code = runtime.rights.portal.access_code(runtime.pseudonyms.subject("C-10023"))
    assert f"Nutzen Sie diese Rechte im Schuldnerportal mit diesem Zugangscode: {code}" in words
    assert "INV-42" in words
    assert 'pdfaid:part="3"' in pdf_meta(response.data)
    assert_tagged_pdf_a(response.data, lang="de")
    # the personal data went into the PDF, not into the log
    assert "Mustermann" not in caplog.text and "Musterstraße" not in caplog.text


def test_english_letter_for_an_english_speaking_debtor_and_the_review_note(client: Any, auth: Any) -> None:
    decision = _decide(client, auth, **{"debtor.language": "en", "debtor.contact.name": "Jane Roe"})
    words = _words(_letter(client, auth, decision["decision_id"], role="auditor").data)
    assert "Why we decided this about your invoice" in words and "Dear Jane Roe," in words
    assert "Human review (GDPR Art. 22(3))" in words and "Objection (GDPR Art. 21)" in words
    assert "Mahnung" not in words
    for reason in decision["explanation"]["reasons"]:
        assert reason["direction_text"].startswith("Counts towards a")
        assert f"{reason['direction_text']}: {' '.join(reason['text'].split())}" in words
    assert "What the risk assessment changed in this decision:" in words
    for item in decision["explanation"]["score_role"]["changed"] + decision["explanation"]["score_role"]["regardless"]:
        assert " ".join(item["text"].split()) in words


@pytest.mark.parametrize("lang, no_score, facts", [
    ("de", "Es wurde keine Risikobewertung verwendet", "diese Umstände gaben den Ausschlag"),
    ("en", "No risk score was used", "these facts decided it")])
def test_a_letter_without_a_score_says_so(client: Any, auth: Any, lang: str, no_score: str, facts: str) -> None:
    objected = client.post("/v1/subjects/C-10023/objections", headers=auth("compliance_officer"),
                           json={"scope": "profiling", "statement": "no profiling please"})
    assert objected.status_code == 201
    decision = _decide(client, auth, **{"debtor.language": lang})
    assert decision["risk"]["profiling"] is False
    words = _words(_letter(client, auth, decision["decision_id"]).data)
    assert no_score in words and facts in words
    for reason in decision["explanation"]["reasons"]:
        assert " ".join(reason["text"].split()) in words
    assert not any(label in words for label in ("Counts towards", "Spricht für", "What the risk assessment changed",
                                                "Was die Risikoeinschätzung an"))


def test_same_decision_same_letter_bytes(client: Any, auth: Any) -> None:
    decision_id = _decide(client, auth)["decision_id"]
    assert _letter(client, auth, decision_id).data == _letter(client, auth, decision_id, role="reviewer").data


def test_letter_roles_unknown_decisions_and_erased_subjects(app: Any, client: Any, auth: Any) -> None:
    decision_id = _decide(client, auth)["decision_id"]
    assert _letter(client, auth, decision_id, role="admin").status_code == 403
    assert client.get(f"/v1/decisions/{decision_id}/letter.pdf").status_code == 401
    missing = _letter(client, auth, "00000000-0000-4000-8000-000000000099")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert _letter(client, auth, "not-a-uuid").status_code == 404
    # crypto-shredding the subject's key makes the letter impossible to address
    runtime = app.extensions["fairdun"]
    with runtime.db.unit_of_work() as uow:
        runtime.vault.shred(uow.session, runtime.pseudonyms.subject("C-10023"), now=runtime.clock())
        uow.commit()
    erased = _letter(client, auth, decision_id)
    assert erased.status_code == 410 and erased.json["error"]["code"] == "subject_erased"


def test_cli_writes_the_same_letter(app: Any, client: Any, auth: Any, tmp_path: Any, database_url: str) -> None:
    from click.testing import CliRunner

    from service.cli import main

    decision_id = _decide(client, auth)["decision_id"]
    env = {"FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(main, ["report", "letter", decision_id, "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == _letter(client, auth, decision_id).data
    missing = CliRunner().invoke(main, ["report", "letter", "00000000-0000-4000-8000-000000000099", "-o", str(out)],
                                 env=env)
    assert missing.exit_code == 2 and "no decision with this id" in missing.output


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize(("jurisdiction", "zone", "law"), [("GB", "Europe/London", "uk"), ("DE", "Europe/Berlin", "eu")])
def test_the_letter_carries_the_controller_s_items_under_the_debtor_s_law_and_no_reason_code(
        client: Any, auth: Any, lang: str, jurisdiction: str, zone: str, law: str) -> None:
    from debtor_texts import assert_debtor_text

    # a vulnerable debtor in financial difficulty: the review reasons would be special_category_data, forbearance
    decision = _decide(client, auth, **{"debtor.language": lang, "debtor.jurisdiction": jurisdiction,
                                        "debtor.timezone": zone, "debtor.flags.vulnerable": True,
                                        "debtor.flags.financial_difficulty": True})
    assert decision["status"] == "needs_review"
    words = _words(_letter(client, auth, decision["decision_id"]).data)
    assert_debtor_text(words, lang=lang, law=law)
    if lang == "de":
        assert "legal basis" not in words and "Controller" not in words


CREDITOR = {"CREDITOR_NAME": "Stadtwerke Beispielstadt GmbH", "CREDITOR_ADDRESS": "Am Markt 1, 12345 Beispielstadt",
            "CREDITOR_EMAIL": "forderungen@stadtwerke.example", "CREDITOR_PHONE": "+49 30 1234567",
            "PORTAL_BASE_URL": "https://zahlung.stadtwerke.example"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("de", ("Gläubiger Stadtwerke Beispielstadt GmbH", "Am Markt 1, 12345 Beispielstadt",
            "Telefon: +49 30 1234567 · E-Mail: forderungen@stadtwerke.example", "Rechnung INV-42",
            "Offener Betrag der Rechnung 120,00 €", "+ Mahngebühr 2,50 €", "Zu zahlender Betrag 122,50 €",
            "Fällig am 31. Oktober 2026", "Schuldnerportal https://zahlung.stadtwerke.example/portal/")),
    ("en", ("Creditor Stadtwerke Beispielstadt GmbH", "Am Markt 1, 12345 Beispielstadt",
            "Telephone: +49 30 1234567 · E-mail: forderungen@stadtwerke.example", "Invoice INV-42",
            "Open amount of the invoice €120.00", "+ Dunning fee €2.50", "Amount owed €122.50",
            "Due date of the invoice 31 October 2026", "Debtor portal https://zahlung.stadtwerke.example/portal/")),
])
def test_page_one_says_who_writes_what_is_owed_by_when_and_where_to_act(make_app: Any, auth: Any, lang: str,
                                                                       expected: tuple[str, ...]) -> None:
    """The issue: the letter lacked creditor, amount, due date and the portal's address, and the
    access code stood alone on page 2. All of it is on page 1 now, by locale."""
    app = make_app(**CREDITOR)
    client = app.test_client()
    decision = _decide(client, auth, **{"debtor.consents.email": False, "debtor.language": lang})
    assert [(f["kind"], f["amount"]) for f in decision["action"]["fees"]] == [("dunning_fee", "2.50")]
    pdf = _letter(client, auth, decision["decision_id"]).data
    first = " ".join(pdf_text(pdf, layout=True, page=1).split())
    for text in expected:
        assert text in first, text
    runtime = app.extensions["fairdun"]
    code = runtime.rights.portal.access_code(runtime.pseudonyms.subject("C-10023"))
    assert code in first
    assert ("22. November 2026" if lang == "de" else "22 November 2026") in first   # the date line, by locale
    # no ISO date and no amount in the API's notation anywhere in the letter
    words = _words(pdf)
    assert "2026-1" not in words and "EUR" not in words
    assert_tagged_pdf_a(pdf, lang=lang)


def test_the_letter_names_the_request_s_own_creditor_and_else_the_controller(make_app: Any, auth: Any) -> None:
    from reports.letter import letter_creditor, letter_portal_url

    app = make_app()                                   # no FAIRDUN_CREDITOR_*: the controller (first party)
    client = app.test_client()
    decision = _decide(client, auth, **{"creditor.name": "Inkasso Nord GmbH",
                                        "creditor.contact": {"phone": "+49 40 555"}})
    first = " ".join(pdf_text(_letter(client, auth, decision["decision_id"]).data, layout=True, page=1).split())
    assert "Inkasso Nord GmbH" in first and "Telefon: +49 40 555" in first
    assert "Muster Energie GmbH" not in first.split("Schuldnerportal")[0]
    assert "Hauptstraße 5" not in first                # never mixed with the installation's contact
    other = _decide(client, auth, **{"invoice.ref": "INV-43"})
    first = " ".join(pdf_text(_letter(client, auth, other["decision_id"]).data, layout=True, page=1).split())
    assert "Gläubiger Muster Energie GmbH" in first    # tests/conftest.py's controller
    # the rules, directly: sealed message inputs first, then the request, then the installation
    from decisions.messages import CreditorDefaults, MessageSettings

    settings = MessageSettings(creditor=CreditorDefaults(name="Installation AG", phone="1"), portal_url="https://x.example/")
    assert letter_creditor({}, {"creditor": {"name": "Sealed KG"}}, settings, None)["name"] == "Sealed KG"
    assert letter_creditor({"creditor": {"contact": {"email": "a@b.example"}}}, {}, settings, None) == {
        "name": "Installation AG", "address": None, "email": "a@b.example", "phone": None, "website": None}
    assert letter_creditor({}, {}, settings, None)["phone"] == "1"
    assert letter_creditor({}, {}, None, None)["name"] is None
    assert letter_portal_url({}, settings) == "https://x.example/portal/"
    assert letter_portal_url({"portal_url": "https://sealed.example"}, settings) == "https://sealed.example/portal/"
    assert letter_portal_url({}, None) is None


def test_a_debtor_outside_the_gdpr_is_not_offered_gdpr_rights(client: Any, auth: Any) -> None:
    """The issue: a Californian debtor was offered only GDPR rights. The letter names the same
    workflows (objection to profiling, human review, access) without the GDPR's articles."""
    decision = _decide(client, auth, **{"debtor.language": "en", "debtor.jurisdiction": "US-CA",
                                        "debtor.timezone": "America/Los_Angeles"})
    words = _words(_letter(client, auth, decision["decision_id"]).data)
    assert "Human review: you may ask for a person to review this decision" in words
    assert "Objection: you may object to the use of your data for profiling" in words
    assert "GDPR" not in words and "Art. 22" not in words and "Art. 77" not in words
