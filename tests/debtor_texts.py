"""What debtor-facing outputs (letters, messages, portal pages, the access export) must and must
not say under GDPR Art. 13/14 (issue 17, point 7): the controller's items, the right law and
authority for the debtor's country, and no internal reason code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reason_codes() -> set[str]:
    """Every human-review reason code the Rego catalogue can record (scanned from the rules, so a
    new code is covered without editing this list)."""
    codes = set()
    for path in (ROOT / "policies_rego").rglob("*.rego"):
        if not path.name.endswith("_test.rego"):
            codes |= set(re.findall(r'"reason":\s*"([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    codes |= {"uncertain_score", "input_out_of_range"}   # computed in uncertain_score_review.rego
    return codes


# Words that would tell a debtor that special-category data are held, besides the codes.
REVEALING = ("Art. 9", "special category", "special_category", "health", "Gesundheit", "EU-GDPR-22-4")

CONTROLLER_ITEMS = ("Muster Energie GmbH", "Hauptstraße 5, 10117 Berlin", "datenschutz@muster.example",
                    "Dr. Datenschutz, dsb@muster.example")
LABELS = {"en": ("Controller", "Data protection officer", "Purposes and legal basis", "legitimate interests",
                 "Recipients", "How long we keep the data", "Where the data come from"),
          "de": ("Verantwortlicher", "Datenschutzbeauftragte", "Zwecke und Rechtsgrundlage", "berechtigten Interessen",
                 "Empfänger", "Wie lange wir die Daten speichern", "Woher die Daten stammen")}


# A collection agency's first message (GDPR Art. 14): the source of the data is its own notice,
# which replaces the privacy block's "where the data come from" item.
ART14_HEADINGS = {"en": "WHERE WE GOT YOUR DATA", "de": "WOHER WIR IHRE DATEN HABEN"}
SOURCE_LABELS = {"en": "Where the data come from", "de": "Woher die Daten stammen"}

# Words of the English texts only: a German text must contain none of them (no English legal text
# in a German letter).
ENGLISH_ONLY = ("legal basis", "Controller", "Recipients", "legitimate interests", "on behalf of", "Basis of the claim",
                "Categories of data", "supervisory authority", "section 13a", "WHERE WE GOT", "We do not claim")

# RDG § 13a(1): what a German collection agency's first demand to a private person states, in the
# words of each language (Nr. 1 client, Nr. 2 basis, Nr. 3 to 6 the claim itemised, Nr. 8 authority).
RDG_13A_ITEMS = {"de": ("INFORMATIONEN NACH § 13a RDG", "im Auftrag unseres Auftraggebers", "Forderungsgrund:",
                        "Vertrag vom", "Zusammensetzung der Forderung", "Zinsen machen wir mit diesem Schreiben nicht",
                        "Aufsichtsbehörde:", "§ 13a Abs. 2 RDG"),
                 "en": ("SECTION 13a RDG", "on behalf of our client", "Basis of the claim:", "contract of",
                        "The claim consists of", "We do not claim interest", "supervisory authority:", "13a(2) RDG")}


def assert_debtor_text(text: str, *, lang: str, law: str, collector_first: bool = False) -> None:
    """``text`` names the controller's items in ``lang`` under ``law`` and no reason code; in a
    collection agency's first message (``collector_first``) the source is its Art. 14 notice."""
    words = " ".join(text.split())
    labels = LABELS[lang]
    if collector_first:
        labels = tuple(label for label in labels if label != SOURCE_LABELS[lang]) + (ART14_HEADINGS[lang],)
        assert SOURCE_LABELS[lang] not in words
    for item in CONTROLLER_ITEMS + labels:
        assert item in words, item
    if lang == "de":
        for english in ENGLISH_ONLY:
            assert english not in words, english
    if law == "uk":
        for name in ("UK GDPR", "Data Protection Act 2018", "Information Commissioner's Office", "ico.org.uk"):
            assert name in words, name
        assert "2016/679" not in words and "DSGVO" not in words and "Art. 22(3)" not in words
    else:
        assert "2016/679" in words and "ico.org.uk" not in words and "UK GDPR" not in words
    assert_no_codes(words)


def assert_no_codes(text: str) -> None:
    for code in sorted(reason_codes()):
        assert code not in text, code
    for word in REVEALING:
        assert word not in text, word


def assert_rdg_13a_items(text: str, *, lang: str, principal: str, contract: str, authority: str) -> None:
    """``text`` states every item of RDG § 13a(1) a German collection agency owes a private person."""
    words = " ".join(text.split())
    for item in RDG_13A_ITEMS[lang] + (principal, contract, authority):
        assert item in words, item
