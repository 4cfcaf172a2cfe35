"""A letter and an access report rendered in German contain no English legal text (issue 18).

Two checks, on the documents a German debtor with decisions, requests and a review receives:

1. no English text fairdun ships appears in them: every English string of the reports' texts,
   the decisions' explanation texts, the rights workflow's export texts, the privacy notice's
   texts and the laws' names, and the retention schedule's descriptions and legal bases
   (fragments of three words or more around placeholders);
2. no run of five English words of the same documents rendered in English for an English-speaking
   debtor appears in the German ones (whatever the source of a text, a sentence that is not
   translated shows up here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import request_with
from pdf_tools import pdf_text

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^}]*\}")
WORD = re.compile(r"^[A-Za-z][a-z]+$")
# English words that are also German words or names, so a run made of them proves nothing
SHARED_WORDS = {"Name", "Status", "Profiling", "Version", "Format", "Experiment", "Art", "Land", "Text", "Recht"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json(path: str) -> Any:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def english_texts() -> set[str]:
    """The English fragments (three words or more) of every text fairdun ships for debtors."""
    privacy = _json("decisions/privacy.json")
    sources: list[Any] = [
        _json("reports/texts.json")["en"], _json("decisions/texts.json")["en"],
        _json("decisions/rights/texts.json")["en"],
        [law["en"] for law in privacy["laws"].values()], privacy["labels"]["en"], privacy["texts"]["en"],
        privacy["defaults"]["en"],
        [[c.get("description"), c.get("legal_basis")] for c in _json("retention/schedule.json")["categories"]],
    ]
    german = set(_strings([_json("reports/texts.json")["de"], _json("decisions/texts.json")["de"],
                           _json("decisions/rights/texts.json")["de"], privacy["labels"]["de"]]))
    fragments = set()
    for text in _strings(sources):
        for fragment in PLACEHOLDER.split(text):
            fragment = " ".join(fragment.split()).strip(" .,:;()")
            if len(fragment.split()) >= 3 and fragment not in german:
                fragments.add(fragment)
    return fragments


def _runs(text: str, n: int = 5) -> set[str]:
    """Runs of ``n`` consecutive plain words (letters only, not shared by both languages)."""
    words = [w.strip(".,:;()“”„\"'") for w in text.split()]
    runs = set()
    for k in range(len(words) - n + 1):
        window = words[k:k + n]
        if all(WORD.match(w) for w in window) and not all(w in SHARED_WORDS for w in window):
            runs.add(" ".join(window))
    return runs


CREDITOR = {"CREDITOR_NAME": "Muster Energie GmbH", "CREDITOR_ADDRESS": "Hauptstraße 5, 10117 Berlin",
            "CREDITOR_EMAIL": "forderungen@muster.example", "PORTAL_BASE_URL": "https://fairdun.muster.example"}


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(**CREDITOR)


def _documents(client: Any, auth: Any, *, ref: str, lang: str) -> dict[str, str]:
    """A debtor's letter and access report after a decision, an objection, a review request and a
    rectification, as text."""
    officer = auth("compliance_officer")
    decision = client.post("/v1/decisions", headers=auth("ar_system"), json=request_with(**{
        "debtor.ref": ref, "debtor.language": lang, "debtor.consents.email": False,
        "invoice.ref": f"INV-{ref}"}))
    assert decision.status_code == 201, decision.json
    decision_id = decision.json["decision_id"]
    for path, body in ((f"/v1/subjects/{ref}/review-requests", {"decision_id": decision_id, "statement": "x"}),
                       (f"/v1/subjects/{ref}/rectifications", {"concerns": "address", "statement": "y"}),
                       (f"/v1/subjects/{ref}/objections", {"scope": "profiling"})):
        response = client.post(path, headers=officer, json=body)
        assert response.status_code in (200, 201), (path, response.json)
    # a decision after the objection: made without profiling, its facts instead of a score
    later = client.post("/v1/decisions", headers=auth("ar_system"), json=request_with(**{
        "debtor.ref": ref, "debtor.language": lang, "debtor.consents.email": False,
        "invoice.ref": f"INV-{ref}-2", "as_of": "2026-11-22T10:00:00Z"}))
    assert later.status_code == 201, later.json
    letter = client.get(f"/v1/decisions/{decision_id}/letter.pdf", headers=officer)
    access = client.get(f"/v1/subjects/{ref}/access?format=pdf&lang={lang}", headers=officer)
    assert letter.status_code == access.status_code == 200
    return {"letter": " ".join(pdf_text(letter.data).split()), "access report": " ".join(pdf_text(access.data).split())}


def test_a_german_letter_and_access_report_contain_no_english_text(client: Any, auth: Any) -> None:
    german = _documents(client, auth, ref="C-10023", lang="de")
    english = _documents(client, auth, ref="C-20000", lang="en")
    shipped = english_texts()
    assert len(shipped) > 150      # the check has something to find
    for name, text in german.items():
        # the German document is German: its own headings are there
        assert ("Ihre Rechte" if name == "letter" else "Auskunft über Ihre personenbezogenen Daten") in text
        found = sorted(fragment for fragment in shipped if fragment in text)
        assert not found, f"English text in the German {name}: {found}"
        untranslated = sorted(_runs(english[name]) & _runs(text))
        assert not untranslated, f"English sentences of the English {name} in the German one: {untranslated}"
    # and the check would see English: the English documents are full of it
    assert sum(fragment in english["access report"] for fragment in shipped) > 50


def test_the_check_finds_english_text() -> None:
    shipped = english_texts()
    assert "Commercial and tax record-keeping duty of a merchant" in shipped
    assert "Use these rights in the debtor portal with this access code" in shipped
    assert _runs("Sie können the controller is responsible for your data hier") & _runs(
        "the controller is responsible for your data")
