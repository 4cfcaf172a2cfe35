"""The access report renders whatever the access export holds, in English or German, with
the export embedded; it never fails on keys it does not know or on missing ones."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pdf_tools import assert_tagged_pdf_a, pdf_attachments, pdf_json, pdf_meta, pdf_text

from reports import render_access_report

EXPORT: dict[str, Any] = {
    "generated_at": "2026-11-22T10:00:00Z",
    "subject": {"ref": "C-10023", "pseudonym": "7f" * 32},
    "decisions": [{
        "decision_id": "00000000-0000-0000-0000-000000000001", "as_of": "2026-11-22T09:00:00Z",
        "status": "needs_review", "action": {"kind": "final_notice", "level": 3, "channel": "letter"},
        "risk": {"profiling": True, "p_late": 0.31, "band": "medium"},
        "explanation": {"language": "en", "summary": "Final notice by letter, pending review.",
                        "reasons": [{"feature": "days_past_due", "value": 40, "contribution": 0.41,
                                     "direction": "raises", "direction_text": "Counts towards a higher risk",
                                     "text": "The invoice is 40 days overdue."},
                                    {"feature": "paperless", "value": 1, "contribution": -0.5,
                                     "direction": "lowers", "direction_text": "Counts towards a lower risk",
                                     "text": "You receive your invoices electronically."}],
                        "score_role": {"changed": [], "regardless": [
                            {"element": "step", "text": "A final notice follows from how long the invoice has been due."}]},
                        # recorded without a re-decision confirming it: never shown
                        "counterfactual": {"change": "later", "text": "An unconfirmed hint."}},
        "review": {"status": "open", "due_by": "2026-12-22"},
    }, {
        "decision_id": "00000000-0000-0000-0000-000000000002", "as_of": "2026-11-23T09:00:00Z",
        "status": "decided", "action": {"kind": "reminder", "level": 2, "channel": "letter"},
        "risk": {"profiling": False, "p_late": None},
        "explanation": {"language": "en", "summary": "Reminder 2 by letter.",
                        "reasons": [{"feature": "days_past_due", "value": 41, "contribution": None,
                                     "text": "Your invoice is 41 days past its due date."}]},
    }],
    "recipients": ["the creditor that asked for the decision"],
    "retention": [{"category": "decision records", "period": "10 years", "basis": "HGB § 257"}],
    "rights": ["object (Art. 21)", "human review (Art. 22(3))"],
    "quantum_flux": {"capacitor": 1.21},
}


def test_known_sections_reasons_and_review_are_shown_in_english() -> None:
    text = pdf_text(render_access_report(EXPORT, lang="en"))
    for expected in ("Access to your personal data", "About you", "C-10023", "Decisions about your invoices",
                     "waiting for a person to review it", "The invoice is 40 days overdue.",
                     "Recipients", "the creditor that asked for the decision",
                     "How long the data is kept", "HGB § 257", "Your rights", "human review (Art. 22(3))"):
        assert expected in text, expected


@pytest.mark.parametrize("lang, headings", [
    ("en", ("Principal reasons, with their direction", "Changed by the risk assessment",
            "Nothing: this step would have been the same whatever the risk assessment.",
            "Regardless of the risk assessment", "Facts used (no risk score)")),
    ("de", ("Hauptgründe, mit ihrer Richtung", "Durch die Risikoeinschätzung geändert",
            "Nichts: dieser Schritt wäre bei jeder Risikoeinschätzung derselbe gewesen.",
            "Unabhängig von der Risikoeinschätzung", "Verwendete Tatsachen (ohne Risikobewertung)"))])
def test_each_reason_with_its_direction_what_the_score_changed_and_no_score_without_one(
        lang: str, headings: tuple[str, ...]) -> None:
    words = " ".join(pdf_text(render_access_report(EXPORT, lang=lang)).split())
    for heading in headings:
        assert heading in words, heading
    assert "Counts towards a higher risk: The invoice is 40 days overdue." in words
    assert "Counts towards a lower risk: You receive your invoices electronically." in words
    assert "A final notice follows from how long the invoice has been due." in words
    assert "An unconfirmed hint." not in words
    # the decision made without a score: its facts carry no direction, and it says no score was used
    assert "No risk score was used" in words and "Your invoice is 41 days past its due date." in words
    assert words.count("Counts towards") == 2


def test_german_headings_for_a_german_subject() -> None:
    text = pdf_text(render_access_report(EXPORT, lang="de"))
    assert "Auskunft über Ihre personenbezogenen Daten" in text
    assert "Entscheidungen zu Ihren Rechnungen" in text
    assert "wartet auf Prüfung durch einen Menschen" in text
    assert "Access to your personal data" not in text


def test_unknown_keys_are_shown_under_their_own_name_and_missing_keys_are_left_out() -> None:
    export = {k: v for k, v in EXPORT.items() if k not in ("recipients", "retention")}
    text = pdf_text(render_access_report(export, lang="en"))
    assert "Quantum flux" in text and "1.21" in text
    assert "Recipients" not in text and "How long the data is kept" not in text


@pytest.mark.parametrize("export", [{}, {"decisions": []}, {"decisions": ["not a mapping", 3]},
                                    {"subject": None, "generated_at": "not a date"},
                                    {"decisions": [{"explanation": "text instead of a mapping"}]}])
def test_odd_exports_still_render(export: dict[str, Any]) -> None:
    assert pdf_text(render_access_report(export, lang="en")).startswith("fairdun")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_export_is_embedded_unchanged_and_the_pdf_is_tagged_pdf_a_3a(lang: str) -> None:
    pdf = render_access_report(EXPORT, lang=lang)
    assert list(pdf_attachments(pdf)) == ["access-export.json"]
    assert pdf_json(pdf, "access-export.json") == EXPORT
    structure = assert_tagged_pdf_a(pdf, lang=lang)
    assert {"/Table", "/TH", "/TD", "/L", "/LI", "/H1", "/H2"} <= structure["types"]
    meta = pdf_meta(pdf)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="A"' in meta
    assert "2026-11-22T10:00:00Z" in meta


def test_same_export_same_bytes() -> None:
    assert render_access_report(EXPORT, lang="de") == render_access_report(copy.deepcopy(EXPORT), lang="de")


def test_the_rights_workflows_export_shape_reads_as_tables() -> None:
    export = {
        "format": "fairdun-access-export", "version": 1, "generated_at": "2026-11-22T10:00:00Z", "language": "de",
        "retention": {"schedule": {"version": "2026.12-1", "sha256": "ab" * 32},
                      "periods": [{"category": "books", "duty": True, "period": {"years": 10},
                                   "starts": "end_of_calendar_year", "legal_basis": "Buchführungspflicht",
                                   "citation": "HGB § 257(1) Nr. 1", "description": "Handelsbücher", "url": "https://x"}],
                      "your_records": [{"category": "general", "scope": "", "kept_until": "2034-12-31T23:00:00Z",
                                        "duty": True}], "legal_holds": 0},
        "requests": [{"type": "objection", "received_at": "2026-11-20T08:00:00Z", "due_at": "2026-12-21T23:00:00Z",
                      "effective_due_at": "2026-12-21T23:00:00Z", "status": "fulfilled",
                      "outcome": "objection_in_force", "fulfilled_at": "2026-11-20T08:00:00Z",
                      "statement": "Ich widerspreche."}],
        "decisions": [{"decision_id": "d-1", "recorded_at": "2026-11-21T09:00:00Z", "status": "decided",
                       "action": {"kind": "reminder", "level": 2, "channel": "letter",
                                  "fees": [{"amount": "2.50", "currency": "EUR"}]},
                       "explanation": {"summary": "Mahnung", "reasons": []}, "risk": {"p_late": 0.2},
                       "data": {"shredded": True}, "review": None}],
    }
    words = " ".join(pdf_text(render_access_report(export, lang="de")).split())
    assert "Aufbewahrungsplan 2026.12-1" in words
    for cell in ("Handelsbücher", "10 Jahre", "dem Ende des Kalenderjahres", "Buchführungspflicht",
                 "HGB § 257(1) Nr. 1"):
        assert cell in words, cell
    # dates by locale (the day of a moment in UTC: the export names no zone), codes in words, money by locale
    assert "Allgemein 31. Dezember 2034 ja" in words
    assert "Widerspruch 20. November 2026 21. Dezember 2026 erledigt Widerspruch wirksam 20. November 2026" in words
    assert "„Ich widerspreche.“" in words
    assert "Mahnung Nr. 2 per Brief (2,50 €)" in words
    assert "gelöscht (der Schlüssel, der sie schützte, wurde vernichtet)" in words
    assert "Technische Aufzeichnung dieser Entscheidung" in words and "0,2" in words
    assert "2026-1" not in words and "T23:00" not in words and "2.50 EUR" not in words


def test_times_are_shown_in_the_debtors_zone_with_the_zone_and_dates_by_locale() -> None:
    export = copy.deepcopy(EXPORT)
    export["decisions"][0]["data"] = {"debtor": {"timezone": "Europe/Berlin"}}
    export["decisions"][0]["explanation"]["summary"] = "Final notice by letter, planned for 2026-11-23 09:00."
    english = " ".join(pdf_text(render_access_report(export, lang="en")).split())
    german = " ".join(pdf_text(render_access_report(export, lang="de")).split())
    assert "Prepared on 22 November 2026, 11:00 (CET)" in english
    assert "Erstellt am 22. November 2026, 11:00 (CET)" in german
    assert "Decision · 22 November 2026, 10:00 (CET)" in english
    # the summary's local send time (recorded as the debtor's wall-clock time) with its zone
    assert "planned for 23 November 2026, 09:00 (CET)." in english
    assert "2026-11-2" not in english and "2026-11-2" not in german
