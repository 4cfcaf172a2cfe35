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


def assert_debtor_text(text: str, *, lang: str, law: str) -> None:
    """``text`` names the controller's items in ``lang`` under ``law`` and no reason code."""
    words = " ".join(text.split())
    for item in CONTROLLER_ITEMS + LABELS[lang]:
        assert item in words, item
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
