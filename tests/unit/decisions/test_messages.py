"""Ready-to-send messages (decisions/messages): every notice the policy catalogue and the ladder
can oblige is rendered by every template in both languages; rendering is deterministic and its
hash is the documented one; released template sets stay as released; the SMS budget holds at
every field's longest; IBANs, URLs and installation settings are checked."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from decisions.messages import (
    SMS_MAX_CHARACTERS,
    WRITTEN_ONLY_NOTICES,
    CreditorDefaults,
    MessageError,
    MessageSettings,
    load_template_sets,
    message_inputs,
    missing_fields,
    render,
    shipped_template_sets,
)
from decisions.messages import limits as message_limits
from decisions.messages._templates import set_sha256
from decisions.messages.coverage import (
    CatalogueUnreadable,
    catalogue_notices,
    ladder_template_ids,
    obliged_notices,
)
from decisions.messages.limits import url_problem
from decisions.messages.payment import group_iban, iban_problem, normalise_iban
from decisions.policy import load_bundle
from decisions.privacy import Controller
from decisions.strategy import load_ladder

CHANNELS = ("email", "sms", "letter")
# Independent of the templates: words each notice must contain, per language and form. A notice
# the catalogue can oblige that is missing here fails the coverage test: say what it must say.
ANCHORS = {
    "gdpr_art21_objection_right": {"en": ("object", "Art. 21"), "de": ("Widerspruch", "Art. 21")},
    "electronic_opt_out": {"en": ("STOP", "opt out"), "de": ("STOP", "bestellen")},
    "credit_bureau_warning": {"en": ("credit agency", "BDSG"), "de": ("Auskunftei", "BDSG")},
    "de_rdg_13a_information": {"en": ("13a RDG",), "de": ("§ 13a RDG",)},
    "gdpr_art14_information": {"en": ("Art. 14",), "de": ("Art. 14",)},
    "ny_initial_disclosure": {"en": ("23 NYCRR 1.2", "income"), "de": ("23 NYCRR 1.2", "New York")},
    "ny_time_barred_disclosure": {"en": ("23 NYCRR 1.3", "time limit"), "de": ("23 NYCRR 1.3", "abgelaufen")},
    "validation_notice": {"en": ("dispute", "1006.34"), "de": ("bestreiten", "1006.34")},
    "debt_collector_initial": {"en": ("debt collector", "collect a debt"), "de": ("Inkassounternehmen", "Angaben")},
    "debt_collector_disclosure": {"en": ("debt collector",), "de": ("Inkassounternehmen",)},
}
# US notices no SMS carries: a text never carries the validation notice (US-REGF-1006.34-a denies
# texts until it was sent, and obliges it no more after), and the initial debt-collector
# disclosure excludes the subsequent one (the longer stays).
NEVER_IN_AN_SMS = frozenset({"validation_notice", "debt_collector_disclosure"})
THREATS = {"en": ("court", "legal action", "lawsuit"), "de": ("Gericht", "gericht", "Mahnbescheid", "Klage")}
IBAN = "DE89370400440532013000"
CONTROLLER_SETTINGS = {"CONTROLLER_NAME": "Muster Energie GmbH", "CONTROLLER_ADDRESS": "Hauptstraße 5, 10117 Berlin",
                       "CONTROLLER_EMAIL": "datenschutz@muster.example"}
CONTROLLER = Controller(name="Muster Energie GmbH", address="Hauptstraße 5, 10117 Berlin",
                        email="datenschutz@muster.example", dpo="Dr. Datenschutz, dsb@muster.example")


@pytest.fixture(scope="module")
def sets() -> Any:
    return shipped_template_sets()


@pytest.fixture(scope="module")
def notices() -> dict[str, tuple[str, ...]]:
    return obliged_notices(load_bundle(), load_ladder())


def inputs(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "creditor": {"name": "Muster Energie GmbH", "address": "Hauptstraße 5, 10117 Berlin",
                     "email": "forderungen@muster.example", "phone": "+49 30 1234567",
                     "website": "https://muster.example"},
        "debtor": {"name": "Erika Mustermann", "address": "Musterstraße 1, 10115 Berlin"},
        "invoice": {"ref": "INV-42", "currency": "EUR", "amount": "120.00", "open_amount": "120.00",
                    "issued_on": "2026-10-01", "due_on": "2026-10-31",
                    "contract": {"subject": "Stromlieferung, Zähler 4711", "concluded_on": "2025-03-01"},
                    # what a US collector's validation notice itemizes (12 CFR 1006.34(c)(2))
                    "itemization": {"on": "2026-10-31", "creditor": "Muster Energie GmbH", "amount": "110.00",
                                    "interest": "4.00", "fees": "10.00", "payments": "4.00", "credits": "0.00"}},
        # a collection agency's client and supervisory authority (RDG § 13a(1) Nr. 1, 7, 8; GDPR Art. 14(2)(f))
        "principal": {"name": "Muster Energie GmbH", "address": "Hauptstraße 5, 10117 Berlin",
                      "debtor_address_source": "creditor"},
        "supervisory_authority": "Bundesamt für Justiz, 53094 Bonn, poststelle@bfj.bund.de",
        "payment": {"url": "https://pay.muster.example/i/42",
                    "bank_transfer": {"iban": IBAN, "bic": "COBADEFFXXX", "reference": None, "account_holder": None}},
        "portal_url": "https://fairdun.muster.example",
        "controller": CONTROLLER.document(),
        "jurisdiction": "DE", "timezone": "Europe/Berlin",
    }
    base.update(changes)
    return base


def document(template: str, channel: str = "email", notices: list[str] | None = None,
             fees: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    kind, level = template.split(".")[0], int(template.split(".")[1][1:])
    return {"decision_id": "00000000-0000-4000-8000-000000000042", "as_of": "2026-11-22T09:00:00Z",
            "status": "decided",
            "action": {"kind": kind, "level": level, "channel": channel, "tone": template.split(".")[2],
                       "send_at": "2026-11-23T08:00:00Z", "template": template, "notices": notices or [],
                       "fees": fees if fees is not None else [
                           {"kind": "dunning_fee", "amount": "2.50", "currency": "EUR",
                            "basis": "BGB §§ 280(1),(2), 286: cost of a reminder sent after default"}]}}


def notice_text(sets: Any, code: str, lang: str, form: str, data: dict[str, Any]) -> str:
    """The notice rendered on its own, with the message's context (what the message must contain)."""
    env = sets.current.environment
    module = env.from_string(f'{{% import "notices/{code}.{lang}.txt" as n with context %}}'
                             f'{{% set out %}}{{{{ n.{form}() }}}}{{% endset %}}').make_module(data)
    return " ".join(str(module.out).split())


# -- what must be covered -----------------------------------------------------------------------


def test_the_catalogue_enumeration_finds_each_notice_rule(notices: dict[str, tuple[str, ...]]) -> None:
    # the three notice obligations of the shipped bundle and ladder, with where they come from
    assert {"EU-GDPR-21-4"} <= set(notices["gdpr_art21_objection_right"])
    assert {"US-REGF-1006.6-e"} <= set(notices["electronic_opt_out"])
    assert "ladder" in notices["credit_bureau_warning"]
    assert set(notices) <= set(ANCHORS), f"say what these notices must contain: {set(notices) - set(ANCHORS)}"


def test_a_notice_computed_at_evaluation_cannot_hide_from_the_enumeration() -> None:
    from decisions.policy._rego_ast import parse_module

    source = ('package rules.x.computed\n\nimport rego.v1\n\nobligations contains {"candidate": c, "kind": "notice", '
              '"rule": "X", "citation": "x", "params": {"notice": concat("_", ["a", "b"])}} if {\n\tsome c in input.c\n}\n')
    def bundle(text: str) -> Any:
        rule = type("Rule", (), {"path": "rules/x/computed.rego", "id": "X"})
        return type("Bundle", (), {"rules": (rule,), "data": {},
                                   "parsed": {rule.path: parse_module(rule.path, text)}})

    literal = source.replace('concat("_", ["a", "b"])', '"a_b"')
    assert catalogue_notices(bundle(literal)) == {"a_b": ("X",)}
    with pytest.raises(CatalogueUnreadable, match="computed"):
        catalogue_notices(bundle(source))
    with pytest.raises(CatalogueUnreadable, match="kind"):
        catalogue_notices(bundle(literal.replace('"kind": "notice"', '"kind": concat("", ["no", "tice"])')))


def test_every_template_id_the_ladder_can_name_has_a_template_and_no_template_is_dead(sets: Any) -> None:
    ids = ladder_template_ids(load_ladder())
    assert {"reminder.l2.gentle.de", "final_notice.l3.firm.no_legal_action.en", "pre_due_reminder.l0.firm.de"} <= ids
    kinds = {path.removeprefix("kinds/").removesuffix(".txt") for path in sets.current.files if path.startswith("kinds/")}
    assert ids == kinds


def test_every_obliged_notice_is_in_every_template_channel_and_language(sets: Any,
                                                                        notices: dict[str, tuple[str, ...]]) -> None:
    """The coverage test: every notice × every template × every channel (both languages, as the
    template ids name them), each notice alone and all at once, with full and with minimal data."""
    minimal = inputs(creditor={"name": "Muster GmbH", "address": None, "email": None, "phone": None,
                               "website": None}, payment=None, portal_url=None,
                     debtor={"name": None, "address": "Musterstraße 1, 10115 Berlin"})
    checked = 0
    for template in sorted(ladder_template_ids(load_ladder())):
        lang = template.rsplit(".", 1)[1]
        for channel, data in itertools.product(CHANNELS, (inputs(), minimal)):
            for obliged in [[code] for code in notices] + [sorted(notices)]:
                if channel == "sms" and set(obliged) & set(WRITTEN_ONLY_NOTICES):
                    # given in letters and e-mails only (the policy gate refuses such an SMS first)
                    with pytest.raises(MessageError, match="letter or e-mail only"):
                        render(data, document(template, channel, obliged), templates=sets.current)
                    checked += 1
                    continue
                message = render(data, document(template, channel, obliged), templates=sets.current,
                                 access_code="ABCD-EFGH-JKMN")
                words = " ".join(message.text.split())
                for code in obliged:
                    form = "short" if channel == "sms" else "full"
                    context = {**_context_of(data, template, channel), "lang": lang}
                    assert notice_text(sets, code, lang, form, context) in words, (template, channel, code)
                    for anchor in ANCHORS[code][lang]:
                        assert anchor in words, (template, channel, code, anchor)
                checked += 1
    assert checked == len(ladder_template_ids(load_ladder())) * len(CHANNELS) * 2 * (len(notices) + 1)


def _context_of(data: dict[str, Any], template: str, channel: str) -> dict[str, Any]:
    from decisions.messages._render import _context

    return _context(data, document(template, channel), language=template.rsplit(".", 1)[1],
                    templates=shipped_template_sets().current, access_code=None)


def test_a_notice_or_template_the_set_lacks_is_refused_not_left_out(sets: Any) -> None:
    with pytest.raises(MessageError, match="notices/us_validation_notice.de.txt"):
        render(inputs(), document("reminder.l2.gentle.de", notices=["us_validation_notice"]), templates=sets.current)
    with pytest.raises(MessageError, match="kinds/reminder.l9.gentle.de.txt"):
        render(inputs(), document("reminder.l9.gentle.de"), templates=sets.current)
    with pytest.raises(MessageError, match="language"):
        render(inputs(), document("reminder.l2.gentle.fr"), templates=sets.current)
    with pytest.raises(MessageError, match="currency"):
        render(inputs(), document("reminder.l2.gentle.de", fees=[{"kind": "dunning_fee", "amount": "2.50",
                                                                   "currency": "USD", "basis": "x"}]),
               templates=sets.current)


def test_only_the_final_notice_that_may_threaten_court_does(sets: Any) -> None:
    for template in sorted(ladder_template_ids(load_ladder())):
        lang = template.rsplit(".", 1)[1]
        for channel in CHANNELS:
            message = render(inputs(), document(template, channel), templates=sets.current)
            own = f"{message.subject or ''} {message.text}"
            threatens = any(word in own for word in THREATS[lang])
            may = template.startswith("final_notice.") and ".no_legal_action." not in template
            assert threatens == may, (template, channel)


# -- what a message says, and its hash ------------------------------------------------------------


def test_the_message_states_creditor_amounts_fees_due_date_payment_and_portal(sets: Any) -> None:
    message = render(inputs(), document("reminder.l2.gentle.de"), templates=sets.current)
    assert message.subject == "Zweite Zahlungserinnerung: Rechnung INV-42" and message.language == "de"
    text = message.text
    for expected in ("Guten Tag Erika Mustermann,", "fällig am 31. Oktober 2026", "Offener Betrag: 120,00\xa0€",
                     "Mahngebühr: 2,50\xa0€ (Rechtsgrundlage: BGB §§ 280(1),(2), 286: Kosten einer Mahnung nach Verzugseintritt", "Jetzt zu zahlen: 122,50\xa0€",
                     "bis zum 7. Dezember 2026", "IBAN: DE89 3704 0044 0532 0130 00", "BIC: COBADEFFXXX",
                     "Verwendungszweck: INV-42", "Kontoinhaber: Muster Energie GmbH",
                     "https://pay.muster.example/i/42", "https://fairdun.muster.example/portal/",
                     "Muster Energie GmbH\nHauptstraße 5, 10117 Berlin", "E-Mail: forderungen@muster.example",
                     "Zeichen dieser Nachricht: 00000000-0000-4000-8000-000000000042"):
        assert expected in text, expected
    english = render(inputs(jurisdiction="US-NY", timezone="America/New_York"),
                     document("reminder.l1.neutral.en", fees=[]), templates=sets.current)
    assert "Dear Erika Mustermann," in english.text and "Open amount: €120.00" in english.text
    assert "due on October 31, 2026" in english.text   # en_US: the language is official in the US
    in_germany = render(inputs(), document("reminder.l1.neutral.en", fees=[]), templates=sets.current)
    assert "due on 31 October 2026" in in_germany.text and "€120.00" in in_germany.text   # en_GB otherwise


def test_sha256_is_of_subject_blank_line_text_and_rendering_is_deterministic(sets: Any) -> None:
    first = render(inputs(), document("final_notice.l3.neutral.de", "letter"), templates=sets.current,
                   access_code="ABCD-EFGH-JKMN")
    again = render(inputs(), document("final_notice.l3.neutral.de", "letter"), templates=sets.current,
                   access_code="ABCD-EFGH-JKMN")
    assert first == again
    assert first.sha256 == hashlib.sha256(f"{first.subject}\n\n{first.text}".encode()).hexdigest()
    sms = render(inputs(), document("reminder.l1.gentle.en", "sms"), templates=sets.current)
    assert sms.subject is None and sms.sha256 == hashlib.sha256(sms.text.encode()).hexdigest()
    changed = render(inputs(debtor={"name": "Max Mustermann", "address": "Musterstraße 1, 10115 Berlin"}),
                     document("final_notice.l3.neutral.de", "letter"), templates=sets.current,
                     access_code="ABCD-EFGH-JKMN")
    assert changed.sha256 != first.sha256


def test_a_letter_is_the_whole_letter_and_carries_the_access_code(sets: Any) -> None:
    letter = render(inputs(), document("reminder.l2.neutral.de", "letter"), templates=sets.current,
                    access_code="ABCD-EFGH-JKMN")
    assert letter.sender == "Muster Energie GmbH · Hauptstraße 5 · 10117 Berlin"
    assert letter.recipient == ("Erika Mustermann", "Musterstraße 1", "10115 Berlin")
    assert letter.dateline == "23. November 2026"
    assert letter.text == f"{letter.sender}\n{chr(10).join(letter.recipient)}\n\n{letter.dateline}\n\n{letter.body}"
    assert "Zugangscode ABCD-EFGH-JKMN" in letter.text
    email = render(inputs(), document("reminder.l2.neutral.de", "email"), templates=sets.current,
                   access_code="ABCD-EFGH-JKMN")
    assert "ABCD-EFGH-JKMN" not in email.text   # a credential goes on paper only


def test_fallbacks_without_debtor_name_payment_details_portal_or_creditor_contact(sets: Any) -> None:
    bare = inputs(creditor={"name": "Muster GmbH", "address": None, "email": None, "phone": None, "website": None},
                  debtor={"name": None, "address": None}, payment=None, portal_url=None)
    message = render(bare, document("reminder.l1.neutral.en"), templates=sets.current)
    assert message.text.startswith("Dear Sir or Madam,")
    assert "to the account given on your invoice, quoting invoice number INV-42" in message.text
    assert "please contact us, quoting the message reference below" in message.text


def test_what_a_ready_to_send_message_cannot_do_without() -> None:
    assert missing_fields(inputs(), "email") == []
    assert missing_fields(inputs(creditor={"name": None}), "sms") == ["creditor.name"]
    assert missing_fields(inputs(debtor={"name": "E", "address": None}), "email") == []
    assert missing_fields(inputs(creditor={"name": None}, debtor={"name": "E", "address": None}), "letter") == [
        "creditor.name", "debtor.contact.address"]


def test_the_request_s_creditor_or_the_installation_s_never_mixed() -> None:
    from fakes import case_from, request_with

    defaults = MessageSettings(creditor=CreditorDefaults(name="Installation AG", address="A-Str. 1, 1 B",
                                                         email="ar@installation.example"))
    none_named = message_inputs(case_from(request_with()), defaults)["creditor"]
    assert none_named == {"name": "Installation AG", "address": "A-Str. 1, 1 B", "email": "ar@installation.example",
                          "phone": None, "website": None}
    named = message_inputs(case_from(request_with(**{"creditor.name": "Client GmbH"})), defaults)["creditor"]
    assert named == {"name": "Client GmbH", "address": None, "email": None, "phone": None, "website": None}
    contact_only = message_inputs(case_from(request_with(**{"creditor.contact": {"email": "x@client.example"}})),
                                  defaults)["creditor"]
    assert contact_only == {"name": "Installation AG", "address": None, "email": "x@client.example", "phone": None,
                            "website": None}


def test_the_sms_budget_holds_with_every_field_at_its_longest(sets: Any, notices: dict[str, tuple[str, ...]]) -> None:
    longest = inputs(
        creditor={"name": "N" * message_limits.CREDITOR_NAME_MAX, "address": None,
                  "email": f"{'e' * (message_limits.EMAIL_MAX - 12)}@example.org", "phone": None, "website": None},
        invoice={"ref": "R" * 100, "currency": "EUR", "amount": "999999999999.99", "open_amount": "999999999999.99",
                 "issued_on": "2026-09-30", "due_on": "2026-09-30"})
    payments = [{"url": "https://" + "u" * (message_limits.PAYMENT_URL_MAX - 8), "bank_transfer": None},
                {"url": None, "bank_transfer": {"iban": "MT84MALT011000012345MTLCAST001S", "bic": None,
                                                "reference": "r" * message_limits.REFERENCE_MAX,
                                                "account_holder": None}}]
    fees = [{"kind": "default_interest", "amount": "999999999.99", "currency": "EUR", "basis": "x"}]
    longest_seen = 0
    for template, payment, portal, together in itertools.product(
            sorted(ladder_template_ids(load_ladder())), payments,
            ("https://" + "p" * (message_limits.PORTAL_URL_MAX - 8), None), _obliged_together(notices)):
        data = {**longest, "payment": payment, "portal_url": portal}
        sms_notices = sorted(set(together) - set(WRITTEN_ONLY_NOTICES))
        message = render(data, document(template, "sms", sms_notices, fees), templates=sets.current)
        longest_seen = max(longest_seen, len(message.text))
    assert 0 < longest_seen <= SMS_MAX_CHARACTERS
    typical = render(inputs(), document("reminder.l2.gentle.de", "sms", ["gdpr_art21_objection_right"]),
                     templates=sets.current)
    assert len(typical.text) <= 400, typical.text


def _obliged_together(notices: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """The notices one message can be obliged to carry at once: the US rules' notices (US debtors)
    and the others (the GDPR's and the ladder's German ones, EU/EEA and GB debtors) never meet."""
    us = sorted(code for code, origins in notices.items() if any(o.startswith("US-") for o in origins))
    assert all(all(o.startswith("US-") for o in notices[code]) for code in us), "a notice of US and other law"
    return [sorted(set(us) - NEVER_IN_AN_SMS), sorted(set(notices) - set(us))]


def test_an_sms_over_budget_is_refused_not_cut(sets: Any) -> None:
    tight = replace(sets.current, files={**sets.current.files, "kinds/reminder.l1.gentle.en.txt":
                                         sets.current.files["kinds/reminder.l1.gentle.en.txt"].replace(
                                             "{% macro short() %}", "{% macro short() %}" + "x" * 1000)})
    with pytest.raises(MessageError, match="characters"):
        render(inputs(), document("reminder.l1.gentle.en", "sms"), templates=replace(tight, sha256="edited"))


def test_a_template_that_fails_is_refused_naming_it_and_quoting_no_value(sets: Any) -> None:
    path = "kinds/reminder.l1.gentle.en.txt"
    broken = replace(sets.current, sha256="broken", files={**sets.current.files, path: sets.current.files[path].replace(
        "{{ invoice.ref }}", "{{ invoice.reference }}", 1)})
    with pytest.raises(MessageError, match="reminder.l1.gentle.en .* UndefinedError") as refused:
        render(inputs(), document("reminder.l1.gentle.en"), templates=broken)
    assert "INV-42" not in str(refused.value) and "Mustermann" not in str(refused.value)


# -- template sets --------------------------------------------------------------------------------


def test_released_sets_are_unchanged_and_the_current_one_is_released(sets: Any) -> None:
    """A released set is never edited (a recorded message names it by its hash): change a copy."""
    assert sets.current.version in sets.released
    for template_set in sets.all:
        if template_set.version in sets.released:
            assert template_set.sha256 == sets.released[template_set.version], (
                f"template set {template_set.version} was edited after its release: restore it and put the change "
                f"into a new version (its hash is now {template_set.sha256})")


def test_the_set_hash_is_the_sha256sum_listing_of_its_files(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    folder = root / "1"
    (folder / "kinds").mkdir(parents=True)
    (root / "sets.json").write_text('{"current": "1"}')
    (folder / "set.json").write_text('{"version": "1", "languages": ["en"]}')
    (folder / "kinds" / "a.txt").write_text("a")
    listing = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                      for name, data in sorted({"kinds/a.txt": b"a",
                                                "set.json": b'{"version": "1", "languages": ["en"]}'}.items()))
    loaded = load_template_sets(root)
    assert loaded.current.sha256 == hashlib.sha256(listing.encode()).hexdigest()
    assert loaded.current.sha256 == set_sha256({"kinds/a.txt": b"a",
                                                "set.json": b'{"version": "1", "languages": ["en"]}'})
    (folder / "kinds" / "a.txt").write_text("b")
    assert load_template_sets(root).current.sha256 != loaded.current.sha256
    assert load_template_sets(root).by_sha256(loaded.current.sha256) is None


# -- payment details and settings ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "ok"), [
    ("DE89 3704 0044 0532 0130 00", True), ("de89370400440532013000", True), ("GB82 WEST 1234 5698 7654 32", True),
    ("DE88 3704 0044 0532 0130 00", False), ("DE89 3704 0044 0532 0130 01", False), ("89DE370400440532013000", False),
    ("DE89", False), ("DE89 3704 0044 0532 0130 0Ä", False),
])
def test_iban_check_digits(text: str, ok: bool) -> None:
    assert (iban_problem(text) is None) == ok


def test_iban_forms() -> None:
    assert normalise_iban("de89 3704 0044 0532 0130 00") == IBAN
    assert group_iban(IBAN) == "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize(("url", "ok"), [
    ("https://pay.example/i/42?x=1", True), ("https://[2001:db8::1]:8443/p", True), ("http://pay.example", False),
    ("https://user:pw@pay.example", False), ("https://pay.example@evil.example/", False), ("https://", False),
    ("https://pay example", False), ("javascript:alert(1)", False), ("https://pay.example:99999/", False),
])
def test_urls_a_message_may_print(url: str, ok: bool) -> None:
    assert (url_problem(url) is None) == ok


def test_installation_settings_are_checked_like_the_request() -> None:
    from service.config import message_settings

    settings = message_settings({"CREDITOR_NAME": "Muster AG", "CREDITOR_PHONE": 4930123,
                                 "PORTAL_BASE_URL": "http://127.0.0.1:8000", **CONTROLLER_SETTINGS})
    assert settings.creditor.phone == "4930123" and settings.portal_url == "http://127.0.0.1:8000"
    with pytest.raises(ValueError) as refused:
        message_settings({"CREDITOR_EMAIL": "not-an-address", "PORTAL_BASE_URL": "ftp://x.example",
                          "CREDITOR_WEBSITE": "https://a@b.example"})
    for name in ("FAIRDUN_CREDITOR_EMAIL", "FAIRDUN_PORTAL_BASE_URL", "FAIRDUN_CREDITOR_WEBSITE"):
        assert name in str(refused.value)


# -- GDPR Art. 13/14 information and the law of the debtor's country (issue 17, point 7) ------------

# Words only the other language has: a German message must contain none of the English ones.
ENGLISH_ONLY = ("legal basis", "cost of a reminder", "after default", "Controller", "Recipients", "legitimate interests")


@pytest.mark.parametrize("channel", ["email", "letter"])
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize(("jurisdiction", "law"), [("DE", "eu"), ("GB", "uk"), ("FR", "eu")])
def test_every_email_and_letter_carries_the_controller_s_art_13_14_items_under_the_debtor_s_law(
        sets: Any, channel: str, lang: str, jurisdiction: str, law: str) -> None:
    zone = "Europe/London" if jurisdiction == "GB" else "Europe/Berlin"
    text = render(inputs(jurisdiction=jurisdiction, timezone=zone), document(f"reminder.l2.gentle.{lang}", channel),
                  templates=sets.current, access_code="ABCD-EFGH").text
    for item in ("Muster Energie GmbH", "Hauptstraße 5, 10117 Berlin", "datenschutz@muster.example",
                 "Dr. Datenschutz, dsb@muster.example"):
        assert item in text, item
    labels = {"en": ("Controller", "Data protection officer", "Purposes and legal basis", "legitimate interests",
                     "Recipients", "How long we keep the data", "Where the data come from", "Complaint"),
              "de": ("Verantwortlicher", "Datenschutzbeauftragte", "Zwecke und Rechtsgrundlage",
                     "berechtigten Interessen", "Empfänger", "Wie lange wir die Daten speichern",
                     "Woher die Daten stammen", "Beschwerde")}[lang]
    for label in labels:
        assert label in text, label
    if law == "uk":
        assert "UK GDPR" in text and "Data Protection Act 2018" in text
        assert "Information Commissioner's Office" in text and "https://ico.org.uk" in text
        assert "EU-" not in text and "Regulation (EU)" not in text and "(EU) 2016/679" not in text
    else:
        assert "2016/679" in text and "ICO" not in text and "UK GDPR" not in text
    if lang == "de":
        for english in ENGLISH_ONLY:
            assert english not in text, english


def test_a_debtor_outside_the_gdpr_gets_no_gdpr_notice_and_an_unconfigured_controller_fails_closed(sets: Any) -> None:
    us = render(inputs(jurisdiction="US-NY", timezone="America/New_York"), document("reminder.l1.neutral.en"),
                templates=sets.current).text
    assert "GDPR" not in us and "Controller" not in us
    with pytest.raises(MessageError, match="FAIRDUN_CONTROLLER"):
        render(inputs(controller=None), document("reminder.l1.neutral.de"), templates=sets.current)
    # the released set before the Art. 13/14 block renders its recorded messages as it did
    old = next(s for s in sets.all if s.version == "2026.11-1")
    assert "Verantwortlicher" not in render(inputs(controller=None), document("reminder.l1.neutral.de"),
                                            templates=old).text


def test_the_controller_settings_fail_the_start_naming_what_is_missing(tmp_path: Path) -> None:
    import json as json_module

    from service.config import controller_settings

    with pytest.raises(ValueError) as missing:
        controller_settings({})
    for name in ("FAIRDUN_CONTROLLER_NAME", "FAIRDUN_CONTROLLER_ADDRESS", "FAIRDUN_CONTROLLER_EMAIL"):
        assert name in str(missing.value)
    with pytest.raises(ValueError, match="FAIRDUN_CONTROLLER_RETENTION_EN/FAIRDUN_CONTROLLER_RETENTION_DE"):
        controller_settings({**CONTROLLER_SETTINGS, "CONTROLLER_RETENTION_EN": "Ten years."})   # German missing
    with pytest.raises(ValueError, match="FAIRDUN_CONTROLLER_EMAIL"):
        controller_settings({**CONTROLLER_SETTINGS, "CONTROLLER_EMAIL": "not-an-address"})
    path = tmp_path / "controller.json"
    path.write_text(json_module.dumps({"name": "Datei GmbH", "address": "Weg 1, 10115 Berlin", "email": "a@b.example",
                                       "retention": {"en": "Ten years.", "de": "Zehn Jahre."}}), encoding="utf-8")
    controller = controller_settings({"CONTROLLER_FILE": str(path), "CONTROLLER_NAME": "Variable AG"})
    assert controller.name == "Variable AG" and controller.address == "Weg 1, 10115 Berlin"   # the variable wins
    assert controller.texts == {"retention": {"en": "Ten years.", "de": "Zehn Jahre."}}
    with pytest.raises(ValueError, match="FAIRDUN_CONTROLLER_FILE"):
        controller_settings({"CONTROLLER_FILE": str(tmp_path / "absent.json")})


def test_the_eu_eea_list_is_the_policy_bundle_s() -> None:
    import json as json_module

    from decisions.privacy import _data

    bundle = json_module.loads((Path(__file__).resolve().parents[3] / "policies_rego" / "data.json").read_text("utf-8"))
    assert sorted(_data()["eu_eea"]) == sorted(bundle["parameters"]["regions"]["eu_eea"])


# -- a collection agency's first message (RDG § 13a, GDPR Art. 14) ---------------------------------


FIRST_DEMAND = ["de_rdg_13a_information", "gdpr_art14_information"]


@pytest.mark.parametrize("channel", ["letter", "email"])
def test_a_german_collectors_first_demand_states_every_item_of_rdg_13a_and_art_14(sets: Any, channel: str) -> None:
    fees = [{"kind": "collection_costs", "amount": "55.62", "currency": "EUR",
             "basis": "RDG § 13e(1); RVG § 13, VV Nr. 2300, 7002: collection costs"}]
    message = render(inputs(), document("reminder.l2.neutral.de", channel, FIRST_DEMAND, fees), templates=sets.current)
    words = " ".join(message.text.split())
    # Nr. 1 the client and its address; Nr. 2 the contract's subject and date
    assert "im Auftrag unseres Auftraggebers geltend: Muster Energie GmbH, Hauptstraße 5, 10117 Berlin" in words
    assert "Forderungsgrund: Stromlieferung, Zähler 4711 (Vertrag vom 1. März 2025)" in words
    # Nr. 3 to 6: the claim itemised, no interest, the costs' kind, amount and basis, no VAT
    assert "offene Hauptforderung 120,00 €; Inkassokosten 55,62 € (Art und Entstehungsgrund: RDG § 13e(1)" in words
    assert "insgesamt 175,62 €" in words
    assert "Zinsen machen wir mit diesem Schreiben nicht geltend" in words and "Umsatzsteuer" in words
    # Nr. 7 only for a researched address; Nr. 8 the supervisory authority; Abs. 2 on request
    assert "selbst ermittelt" not in words
    assert "Aufsichtsbehörde: Bundesamt für Justiz, 53094 Bonn, poststelle@bfj.bund.de" in words
    assert "§ 13a Abs. 2 RDG" in words
    # Art. 14(1)(d) categories and (2)(f) source, and the rest of Art. 14 in the privacy block without its
    # own (a creditor's) source item
    assert "WOHER WIR IHRE DATEN HABEN (Art. 14 DSGVO)" in words
    assert "Muster Energie GmbH hat sie uns übermittelt" in words and "Kategorien der Daten:" in words
    assert "WIE WIR IHRE DATEN VERWENDEN" in words and "Verantwortlicher:" in words
    assert "Woher die Daten stammen:" not in words and "Unsere eigenen Kunden- und Rechnungsdaten" not in words


def test_a_researched_address_is_said_and_the_uk_gdpr_is_named_in_english(sets: Any) -> None:
    researched = inputs(principal={"name": "Acme Ltd", "address": "1 High Street, London EC1A 1AA",
                                   "debtor_address_source": "research"})
    words = " ".join(render(researched, document("reminder.l2.neutral.de", "letter", FIRST_DEMAND),
                            templates=sets.current).text.split())
    assert "Ihre Anschrift hat uns nicht unser Auftraggeber mitgeteilt, wir haben sie selbst ermittelt" in words
    assert "Ihre Anschrift haben wir selbst ermittelt." in words
    english = inputs(jurisdiction="GB", timezone="Europe/London", principal=researched["principal"])
    words = " ".join(render(english, document("reminder.l2.neutral.en", "email", ["gdpr_art14_information"]),
                            templates=sets.current).text.split())
    assert "WHERE WE GOT YOUR DATA (Art. 14 UK GDPR)" in words and "Acme Ltd passed them to us" in words
    assert "We found your address ourselves." in words and "Where the data come from:" not in words


def test_a_first_demand_without_the_requests_facts_is_incomplete_not_sent_without_them() -> None:
    bare = inputs(principal=None, supervisory_authority=None,
                  invoice={**inputs()["invoice"], "contract": None})
    assert missing_fields(bare, "letter", FIRST_DEMAND) == [
        "creditor.principal", "invoice.contract", "creditor.supervisory_authority"]
    assert missing_fields(bare, "email", ["gdpr_art14_information"]) == ["creditor.principal"]
    assert missing_fields(bare, "email", ["gdpr_art21_objection_right"]) == []
    assert missing_fields(inputs(), "letter", FIRST_DEMAND) == []


def test_a_first_demand_is_never_rendered_with_interest_by_sms_or_without_the_privacy_block(sets: Any) -> None:
    interest = [{"kind": "default_interest", "amount": "1.20", "currency": "EUR", "basis": "BGB § 288(1): x"}]
    with pytest.raises(MessageError, match="13a"):
        render(inputs(), document("reminder.l2.neutral.de", "letter", FIRST_DEMAND, interest), templates=sets.current)
    with pytest.raises(MessageError, match="letter or e-mail only"):
        render(inputs(), document("reminder.l2.neutral.de", "sms", ["gdpr_art14_information"]), templates=sets.current)
    without_block = replace(sets.current, sha256="edited", files={
        path: text for path, text in sets.current.files.items() if path != "layouts/_privacy.de.txt"})
    with pytest.raises(MessageError, match="privacy block"):
        render(inputs(), document("reminder.l2.neutral.de", "letter", ["gdpr_art14_information"]),
               templates=without_block)
