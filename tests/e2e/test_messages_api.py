"""Ready-to-send messages over HTTP: every decided communication carries its message; the ledger
keeps its hash and the template set's, never its text; the text is rendered again from the
sealed inputs and served only if it is the recorded one (409 when the templates changed, 410
once the debtor's data was erased); every notice the policy gate obliges reaches the message,
in both languages; letters come as PDF/A with their text embedded."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from fakes import ledger_kinds, request_with, verify
from openapi_check import assert_matches
from pdf_tools import pdf_attachments, pdf_meta, pdf_text
from webhook_support import serve

from decisions.messages import MessageSettings, TemplateSets
from decisions.messages.coverage import obliged_notices
from decisions.policy import load_bundle
from decisions.read_models import verify_read_models
from decisions.strategy import load_ladder

CREDITOR = {"CREDITOR_NAME": "Muster Energie GmbH", "CREDITOR_ADDRESS": "Hauptstraße 5, 10117 Berlin",
            "CREDITOR_EMAIL": "forderungen@muster.example", "CREDITOR_PHONE": "+49 30 1234567",
            "PORTAL_BASE_URL": "https://fairdun.muster.example"}
PAYMENT = {"bank_transfer": {"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX"},
           "url": "https://pay.muster.example/i/42"}
# personal data and references of the example request: never in a ledger body
PERSONAL = ("Erika", "Mustermann", "Musterstraße", "erika@example.invalid", "C-10023", "INV-42", "DE89",
            "370400440532013000", "pay.muster.example", "Muster Energie")


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(**CREDITOR)


def _decide(client: Any, auth: Any, status: int = 201, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**{"invoice.payment": PAYMENT, **changes}),
                           headers=auth("ar_system"))
    assert response.status_code == status, response.json
    return response.json


def _get(client: Any, auth: Any, decision_id: str, what: str = "", role: str = "ar_system") -> Any:
    return client.get(f"/v1/decisions/{decision_id}{what}", headers=auth(role))


def _entry_body(app: Any, seq: int) -> tuple[str, dict[str, Any]]:
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        text = session.get(LedgerEntry, seq).entry
    return text, json.loads(text)["body"]


def _headers(app: Any, role: str = "ar_system") -> dict[str, str]:
    """A key of ``role`` for an app built in the test (the ``auth`` fixture serves the ``app`` fixture's)."""
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    secret = create_api_key(runtime.db, name=f"test {role}", role=Role(role), now=runtime.clock(),
                            new_id=lambda: str(uuid.uuid4()))
    return {"Authorization": f"Bearer {secret}"}


def _words(text: str) -> str:
    return " ".join(text.split())


def _shred(app: Any, debtor_ref: str = "C-10023") -> None:
    runtime = app.extensions["fairdun"]
    with runtime.db.unit_of_work() as uow:
        runtime.vault.shred(uow.session, runtime.pseudonyms.subject(debtor_ref), now=runtime.clock())
        uow.commit()


def test_a_decided_email_carries_its_message_and_the_ledger_only_its_hash(app: Any, client: Any, auth: Any) -> None:
    decision = _decide(client, auth)
    assert decision["status"] == "decided" and decision["action"]["channel"] == "email"
    message = decision["message"]
    assert message["language"] == "de" and message["template"] == decision["action"]["template"]
    assert message["subject"] == "Zweite Zahlungserinnerung: Rechnung INV-42" and message["missing"] == []
    assert message["sha256"] == hashlib.sha256(f"{message['subject']}\n\n{message['text']}".encode()).hexdigest()
    text = message["text"]
    for expected in ("Guten Tag Erika Mustermann,", "Jetzt zu zahlen: 122,50\xa0€", "Mahngebühr: 2,50\xa0€",
                     "IBAN: DE89 3704 0044 0532 0130 00", "https://fairdun.muster.example/portal/",
                     "Muster Energie GmbH", decision["decision_id"]):
        assert expected in text, expected

    # the ledger: the digest and the template set, never the text or anything personal
    entry, body = _entry_body(app, decision["ledger"]["seq"])
    digest = {k: v for k, v in message.items() if k not in ("subject", "text", "unavailable", "pdf")}
    assert body["message"] == digest
    assert body["message"]["templates"]["version"] == "2026.12-2"
    for personal in (*PERSONAL, "Zahlungserinnerung", "Guten Tag"):
        assert personal not in entry, personal
    with app.extensions["fairdun"].db.reading() as session:
        verify_read_models(session)   # the served document is still the entry's body
    assert verify(app).entries == 1

    # rendered again on demand: the same text, the recorded hash
    again = _get(client, auth, decision["decision_id"])
    assert again.status_code == 200 and again.json["message"] == message
    alone = _get(client, auth, decision["decision_id"], "/message")
    assert alone.status_code == 200 and alone.json["sha256"] == body["message"]["sha256"]
    assert alone.json["text"] == text and alone.json["pdf"] is None
    spec = client.get("/v1/openapi.json").json
    assert_matches(spec, "DecisionResponse", decision)
    assert_matches(spec, "DecisionResponse", again.json)
    assert_matches(spec, "Message", alone.json)
    # the same request again (idempotent replay) answers the same message
    replayed = client.post("/v1/decisions", json=request_with(**{"invoice.payment": PAYMENT}),
                           headers={**auth("ar_system"), "Idempotency-Key": "k-1"})
    assert replayed.status_code in (200, 201)


def test_the_request_names_its_own_creditor(client: Any, auth: Any) -> None:
    decision = _decide(client, auth, **{"creditor.name": "Stadtwerke Beispiel",
                                        "creditor.contact": {"email": "inkasso@beispiel.example"}})
    # the GDPR Art. 13/14 block names the installation's controller (FAIRDUN_CONTROLLER_*), whoever the creditor
    text, privacy = decision["message"]["text"].split("WIE WIR IHRE DATEN VERWENDEN")
    assert "Verantwortlicher: Muster Energie GmbH" in privacy
    assert "Stadtwerke Beispiel" in text and "inkasso@beispiel.example" in text
    assert "Muster Energie" not in text.replace("Kontoinhaber: Stadtwerke Beispiel", "")
    assert "Hauptstraße 5" not in text   # never the installation's contact with another creditor's name


US = {"creditor.role": "debt_collector", "debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York",
      "invoice.currency": "USD", "invoice.payment": {"url": "https://pay.example/i/42"},
      "invoice.validation_notice_sent_on": "2026-11-02"}
# a debt collector's first message: no history, no validation notice yet (12 CFR 1006.34, 1006.18(e)(1)),
# with what the validation notice itemizes (1006.34(c)(2))
ITEMIZATION = {"on": "2026-10-31", "creditor": "Example Power Co.", "amount": "110.00", "interest": "4.00",
               "fees": "10.00", "payments": "4.00", "credits": "0.00"}
US_FIRST = {**US, "invoice.validation_notice_sent_on": None, "history.dunning": [], "history.contacts": [],
            "invoice.itemization": ITEMIZATION}
FINAL = {"as_of": "2026-11-22T09:00:00Z", "invoice.due_on": "2026-10-10", "invoice.issued_on": "2026-09-10",
         "history.dunning": [{"at": "2026-10-15T09:00:00Z", "kind": "reminder", "level": 1, "channel": "letter"},
                             {"at": "2026-11-02T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}]}
# A German collection agency's first demand, with the facts RDG § 13a(1) and GDPR Art. 14 need.
PRINCIPAL = {"name": "Stadtwerke Beispiel GmbH", "address": "Am Markt 1, 04109 Leipzig", "debtor_address_source": "creditor"}
AUTHORITY = "Bundesamt für Justiz, 53094 Bonn, poststelle@bfj.bund.de"
CONTRACT = {"subject": "Stromliefervertrag, Zähler 4711", "concluded_on": "2025-03-01"}
COLLECTOR = {"creditor.role": "debt_collector", "creditor.principal": PRINCIPAL,
             "creditor.supervisory_authority": AUTHORITY, "invoice.contract": CONTRACT}
# the notice, the request that makes the policy gate (or the ladder) oblige it, and words the
# message must then carry in each language (independent of the templates)
OBLIGED = {
    "gdpr_art21_objection_right": ({"history.dunning": []}, {"de": ("Widerspruch", "Art. 21 DSGVO"),
                                                             "en": ("right to object", "Art. 21 GDPR")}),
    "electronic_opt_out": (US, {"de": ("STOP", "abbestellen"), "en": ("STOP", "opt out")}),
    "debt_collector_disclosure": (US, {"de": ("von einem Inkassounternehmen",), "en": ("from a debt collector",)}),
    "debt_collector_initial": (US_FIRST, {"de": ("Inkassounternehmen", "erhalten"),
                                          "en": ("attempting to collect a debt", "any information obtained")}),
    "validation_notice": (US_FIRST, {"de": ("bestreiten", "ursprünglichen Gläubigers", "Example Power Co.: 110,00"),
                                     "en": ("dispute all or part of the debt", "original creditor",
                                            "Example Power Co.: $110.00", "in fees: + $10.00")}),
    "credit_bureau_warning": (FINAL, {"de": ("Auskunftei", "§ 31"), "en": ("credit agency", "31(2)")}),
    "de_rdg_13a_information": (COLLECTOR, {"de": ("§ 13a RDG", "Stadtwerke Beispiel GmbH, Am Markt 1"),
                                           "en": ("13a RDG", "Stadtwerke Beispiel GmbH, Am Markt 1")}),
    "gdpr_art14_information": (COLLECTOR, {"de": ("Art. 14 DSGVO", "Kategorien der Daten"),
                                           "en": ("Art. 14 GDPR", "Categories of data")}),
    "ny_initial_disclosure": (US, {"de": ("23 NYCRR 1.2", "New York"), "en": ("23 NYCRR 1.2", "income")}),
    "ny_time_barred_disclosure": ({**US, "invoice.issued_on": "2021-12-15", "invoice.due_on": "2022-01-15"},
                                  {"de": ("23 NYCRR 1.3", "abgelaufen"), "en": ("23 NYCRR 1.3", "time limit")}),
}


def test_the_cases_below_cover_every_notice_the_gate_or_the_ladder_can_oblige() -> None:
    assert set(OBLIGED) == set(obliged_notices(load_bundle(), load_ladder()))


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("notice", sorted(OBLIGED))
def test_every_obliged_notice_appears_in_the_message_in_both_languages(app: Any, api_keys: dict[str, str],
                                                                       notice: str, language: str) -> None:
    """Over real HTTP (the app served on loopback), as an AR system reads the message it sends."""
    changes, words = OBLIGED[notice]
    headers = {"Authorization": f"Bearer {api_keys['ar_system']}"}
    with serve(app) as base, requests.Session() as http:
        answer = http.post(f"{base}/v1/decisions", headers=headers, timeout=60,
                           json=request_with(**{"invoice.payment": PAYMENT, **changes, "debtor.language": language}))
        assert answer.status_code == 201, answer.text
        decision = answer.json()
        assert notice in decision["action"]["notices"], decision["action"]
        message = decision["message"]
        assert message["language"] == language and message["text"]
        assert message["sha256"] == hashlib.sha256(f"{message['subject']}\n\n{message['text']}".encode()).hexdigest()
        for word in words[language]:
            assert word in _words(message["text"]), word
        if message["channel"] == "letter":
            pdf = http.get(f"{base}/v1/decisions/{decision['decision_id']}/message.pdf", headers=headers, timeout=60)
            assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
            for word in words[language]:
                assert word in _words(pdf_text(pdf.content)), word


def test_a_letter_comes_as_pdf_a_with_its_verified_text_embedded(app: Any, client: Any, auth: Any) -> None:
    decision = _decide(client, auth, **{"debtor.consents.email": False})
    assert decision["action"]["channel"] == "letter"
    message = decision["message"]
    assert message["pdf"] == f"/v1/decisions/{decision['decision_id']}/message.pdf"
    assert message["text"].startswith("Muster Energie GmbH · Hauptstraße 5 · 10117 Berlin\nErika Mustermann\n"
                                      "Musterstraße 1\n10115 Berlin\n\n23. November 2026\n\n")
    response = _get(client, auth, decision["decision_id"], "/message.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    words = _words(pdf_text(response.data))
    runtime = app.extensions["fairdun"]
    code = runtime.rights.portal.access_code(runtime.pseudonyms.subject("C-10023"))
    for expected in ("Erika Mustermann", "Musterstraße 1", "10115 Berlin", message["subject"], "122,50 €",
                     f"Zugangscode {code}", decision["decision_id"]):
        assert expected in words, expected
    assert 'pdfaid:part="3"' in pdf_meta(response.data)
    embedded = pdf_attachments(response.data)["message.txt"]
    assert hashlib.sha256(embedded).hexdigest() == message["sha256"] == _entry_body(app, decision["ledger"]["seq"])[1][
        "message"]["sha256"]
    assert _get(client, auth, decision["decision_id"], "/message.pdf", role="reviewer").data == response.data

    email = _decide(client, auth, **{"debtor.ref": "C-2"})
    refused = _get(client, auth, email["decision_id"], "/message.pdf")
    assert refused.status_code == 404 and refused.json["error"]["code"] == "no_letter"


def test_who_reads_the_text(client: Any, auth: Any) -> None:
    decision = _decide(client, auth)
    for role in ("reviewer", "compliance_officer"):
        assert _get(client, auth, decision["decision_id"], role=role).json["message"]["text"] == \
            decision["message"]["text"]
    audited = _get(client, auth, decision["decision_id"], role="auditor").json["message"]
    assert audited["sha256"] == decision["message"]["sha256"] and "text" not in audited and "subject" not in audited
    for what in ("/message", "/message.pdf"):
        assert _get(client, auth, decision["decision_id"], what, role="auditor").status_code == 403
        assert _get(client, auth, decision["decision_id"], what, role="admin").status_code == 403
        assert client.get(f"/v1/decisions/{decision['decision_id']}{what}").status_code == 401
    missing = _get(client, auth, "00000000-0000-4000-8000-000000000099", "/message")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_after_erasure_the_message_is_gone_and_its_hash_stays(app: Any, client: Any, auth: Any) -> None:
    letter = _decide(client, auth, **{"debtor.consents.email": False})
    _shred(app)
    for what in ("/message", "/message.pdf"):
        gone = _get(client, auth, letter["decision_id"], what)
        assert gone.status_code == 410 and gone.json["error"]["code"] == "subject_erased"
    served = _get(client, auth, letter["decision_id"]).json["message"]
    assert served["text"] is None and served["subject"] is None and served["unavailable"] == "subject_erased"
    assert served["sha256"] == letter["message"]["sha256"]
    assert verify(app).blobs_shredded == 1   # the ledger still verifies: the hash stays, the inputs are gone


def test_a_decision_waiting_for_review_carries_the_message_the_reviewer_approves(make_app: Any, auth: Any) -> None:
    app = make_app(GLOBAL_STOP=True, **CREDITOR)
    client = app.test_client()
    decision = client.post("/v1/decisions", json=request_with(), headers=_headers(app)).json
    assert decision["status"] == "needs_review" and decision["message"]["sha256"]
    reviewed = client.get(f"/v1/decisions/{decision['decision_id']}/message", headers=_headers(app, "reviewer"))
    assert reviewed.status_code == 200 and reviewed.json["text"] == decision["message"]["text"]


def test_nothing_written_means_no_message(client: Any, auth: Any) -> None:
    waiting = _decide(client, auth, **{"history.dunning": [{"at": "2026-11-20T09:00:00Z", "kind": "reminder",
                                                             "level": 2, "channel": "email"}]})
    assert waiting["action"]["kind"] == "none" and waiting["message"] is None
    refused = _get(client, auth, waiting["decision_id"], "/message")
    assert refused.status_code == 404 and refused.json["error"]["code"] == "no_message"


def test_without_a_creditor_name_or_a_letter_address_the_message_is_incomplete(make_app: Any, client: Any,
                                                                              auth: Any) -> None:
    unnamed = make_app()   # no FAIRDUN_CREDITOR_NAME
    headers = _headers(unnamed)
    decision = unnamed.test_client().post("/v1/decisions", json=request_with(), headers=headers).json
    message = decision["message"]
    assert decision["status"] == "decided" and message["missing"] == ["creditor.name"]
    assert message["sha256"] is None and message["text"] is None and message["unavailable"] == "message_incomplete"
    refused = unnamed.test_client().get(f"/v1/decisions/{decision['decision_id']}/message", headers=headers)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "message_incomplete"
    assert "creditor.name" in refused.json["error"]["message"]

    no_address = _decide(client, auth, **{"debtor.ref": "C-3", "debtor.consents.email": False,
                                          "debtor.contact.address": None})
    assert no_address["action"]["channel"] == "letter"
    assert no_address["message"]["missing"] == ["debtor.contact.address"]
    refused = _get(client, auth, no_address["decision_id"], "/message.pdf")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "message_incomplete"


def test_a_changed_template_set_is_never_served_in_place_of_the_recorded_one(app: Any, client: Any,
                                                                            auth: Any) -> None:
    decision = _decide(client, auth)
    settings: MessageSettings = app.extensions["fairdun.messages"]
    recorded = settings.templates.current
    # (1) the installation no longer has the set the message was rendered with
    other = replace(recorded, sha256="0" * 64, version="2099.1-1")
    app.extensions["fairdun.messages"] = replace(settings, templates=TemplateSets(current=other, all=(other,),
                                                                                 released={}))
    refused = _get(client, auth, decision["decision_id"], "/message")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "message_templates_unavailable"
    assert recorded.sha256 in refused.json["error"]["message"]
    served = _get(client, auth, decision["decision_id"]).json["message"]
    assert served["text"] is None and served["unavailable"] == "message_templates_unavailable"
    # (2) a set under the recorded hash whose files were edited: the text differs, so it is refused
    path = f"kinds/{decision['message']['template']}.txt"
    edited = replace(recorded, files={**recorded.files, path: recorded.files[path].replace("Bitte", "Bitte sofort")})
    app.extensions["fairdun.messages"] = replace(settings, templates=TemplateSets(current=edited, all=(edited,),
                                                                                 released={}))
    refused = _get(client, auth, decision["decision_id"], "/message")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "message_not_reproducible"
    # (3) and with the recorded set back, the recorded text
    app.extensions["fairdun.messages"] = settings
    assert _get(client, auth, decision["decision_id"], "/message").json["text"] == decision["message"]["text"]


def test_a_message_the_templates_cannot_render_holds_the_decision(make_app: Any, tmp_path: Path) -> None:
    ladder = json.loads((Path(__file__).parents[2] / "decisions" / "ladder.json").read_text())
    ladder["template"] = "{kind}.l{level}.{tone}.unwritten.{language}"
    (tmp_path / "ladder.json").write_text(json.dumps(ladder))
    app = make_app(LADDER=str(tmp_path / "ladder.json"), **CREDITOR)
    response = app.test_client().post("/v1/decisions", json=request_with(), headers=_headers(app))
    decision = response.json
    assert response.status_code == 201 and decision["status"] == "held", decision
    assert decision["hold"]["code"] == "message_error" and "unwritten" in decision["hold"]["detail"]
    assert decision["action"]["kind"] == "none" and decision["message"] is None
    assert verify(app).entries == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"invoice.payment": {"bank_transfer": {"iban": "DE88 3704 0044 0532 0130 00"}}}, "invoice.payment.bank_transfer.iban"),
    ({"invoice.payment": {"bank_transfer": {"iban": "DE89370400440532013000", "bic": "COBA"}}},
     "invoice.payment.bank_transfer.bic"),
    ({"invoice.payment": {"url": "http://pay.example/i/42"}}, "invoice.payment.url"),
    ({"invoice.payment": {"url": "https://bank.example@evil.example/"}}, "invoice.payment.url"),
    ({"invoice.payment": {}}, "invoice.payment"),
    ({"invoice.payment": {"url": "https://pay.example/" + "x" * 200}}, "invoice.payment.url"),
    ({"creditor.name": ""}, "creditor.name"),
    ({"creditor.contact": {"website": "javascript:alert(1)"}}, "creditor.contact.website"),
    ({"creditor.contact": {"email": "nobody"}}, "creditor.contact.email"),
    ({"creditor.contact": {"fax": "+49 30 1"}}, "creditor.contact.fax"),
])
def test_bad_message_fields_are_refused_by_name_and_nothing_is_written(app: Any, client: Any, auth: Any,
                                                                       changes: dict[str, Any], field: str) -> None:
    response = client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error" and field in response.json["error"]["fields"]
    assert ledger_kinds(app) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_german_collectors_first_letter_states_rdg_13a_and_art_14_and_later_ones_need_not(
        app: Any, client: Any, auth: Any, lang: str) -> None:
    from debtor_texts import assert_debtor_text, assert_rdg_13a_items

    decision = _decide(client, auth, **COLLECTOR, **{"debtor.consents.email": False, "debtor.language": lang})
    action = decision["action"]
    assert action["channel"] == "letter" and {"de_rdg_13a_information", "gdpr_art14_information"} <= set(
        action["notices"])
    assert not any(fee["kind"] == "default_interest" for fee in action["fees"])
    rules = {entry["rule"] for entry in decision["explanation"]["policy"]}
    assert {"DE-RDG-13A", "EU-GDPR-14"} <= rules
    message = decision["message"]
    assert message["missing"] == [] and message["language"] == lang
    concluded = {"de": "1. März 2025", "en": "1 March 2025"}[lang]
    assert_rdg_13a_items(message["text"], lang=lang, principal="Stadtwerke Beispiel GmbH, Am Markt 1, 04109 Leipzig",
                         contract=f"Stromliefervertrag, Zähler 4711 ({'Vertrag vom' if lang == 'de' else 'contract of'} "
                                  f"{concluded})", authority=AUTHORITY)
    assert_debtor_text(message["text"], lang=lang, law="eu", collector_first=True)
    pdf = _words(pdf_text(_get(client, auth, decision["decision_id"], "/message.pdf").data))
    assert "Stadtwerke Beispiel GmbH" in pdf and AUTHORITY in pdf

    # once a demand recorded both notices (the AR system reports them), the next message needs neither
    later = _decide(client, auth, **COLLECTOR, **{
        "invoice.ref": "INV-43", "debtor.language": lang,
        "history.dunning": [{"at": "2026-11-08T09:00:00Z", "kind": "reminder", "level": 1, "channel": "letter",
                             "notices": ["de_rdg_13a_information", "gdpr_art14_information"]}]})
    assert later["status"] in ("decided", "needs_review")
    assert not {"de_rdg_13a_information", "gdpr_art14_information"} & set((later["action"] or {}).get("notices", []))


def test_a_collectors_first_demand_without_the_requests_facts_is_never_served(app: Any, client: Any,
                                                                             auth: Any) -> None:
    decision = _decide(client, auth, **{"creditor.role": "debt_collector", "debtor.consents.email": False})
    assert "de_rdg_13a_information" in decision["action"]["notices"]
    assert decision["message"]["missing"] == ["creditor.principal", "invoice.contract",
                                              "creditor.supervisory_authority"]
    assert decision["message"]["text"] is None
    response = _get(client, auth, decision["decision_id"], "/message")
    assert response.status_code == 409 and response.json["error"]["code"] == "message_incomplete"



def test_a_validation_notice_without_its_itemization_is_never_served(client: Any, auth: Any) -> None:
    decision = _decide(client, auth, **{**{k: v for k, v in US_FIRST.items() if k != "invoice.itemization"},
                                        "debtor.language": "en"})
    assert "validation_notice" in decision["action"]["notices"]
    assert decision["message"]["missing"] == ["invoice.itemization"] and decision["message"]["text"] is None
    response = _get(client, auth, decision["decision_id"], "/message")
    assert response.status_code == 409 and response.json["error"]["code"] == "message_incomplete"


@pytest.mark.parametrize("itemization, field", [
    ({**ITEMIZATION, "fees": "11.00"}, "invoice.itemization"),          # does not add up to open_amount
    ({**ITEMIZATION, "interest": "4.5"}, "invoice.itemization.interest"),
    ({**ITEMIZATION, "payments": "-4.00"}, "invoice.itemization.payments"),
    ({k: v for k, v in ITEMIZATION.items() if k != "creditor"}, "invoice.itemization.creditor"),
])
def test_an_itemization_that_does_not_hold_is_refused_naming_the_field(client: Any, auth: Any,
                                                                      itemization: dict[str, Any], field: str) -> None:
    response = client.post("/v1/decisions", headers=auth("ar_system"),
                           json=request_with(**{**US_FIRST, "invoice.itemization": itemization}))
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
