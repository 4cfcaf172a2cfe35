"""Every PDF fairdun produces is a tagged PDF (structure tree, ``/MarkInfo /Marked true``, ``/Lang``,
the title displayed, every figure with alternative text) that still declares PDF/A-3 (level A).

The producers are found in the source, not listed by hand: every ``write_pdf`` call is the one in
``reports/_pdf.py``, and every caller of its ``render_pdf`` is one of the four producers below,
each rendered here through the API a user calls."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes import request_with
from pdf_tools import assert_tagged_pdf_a, pdf_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [path for folder in ("service", "decisions", "reports", "ledger", "retention", "explain", "bench")
           for path in (ROOT / folder).rglob("*.py")]
# the public producers and the module each lives in
PRODUCERS = {"render_letter": "reports/letter.py", "render_access_report": "reports/access.py",
             "render_audit_report": "reports/audit_pdf.py", "render_message_pdf": "reports/message_pdf.py"}


def _calls(name: str) -> dict[str, list[str]]:
    """``{file: [enclosing function, ...]}`` of every call of a function or method ``name``."""
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        if name not in source:
            continue
        tree = ast.parse(source)
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and (
                        (isinstance(node.func, ast.Name) and node.func.id == name)
                        or (isinstance(node.func, ast.Attribute) and node.func.attr == name)):
                    found.setdefault(str(path.relative_to(ROOT)), []).append(function.name)
    return found


def test_every_pdf_is_written_by_render_pdf_and_every_render_pdf_caller_is_a_producer_tested_here() -> None:
    assert _calls("write_pdf") == {"reports/_pdf.py": ["render_pdf"]}
    callers = _calls("render_pdf")
    assert {file: sorted(set(functions)) for file, functions in callers.items()} == {
        module: [producer] for producer, module in PRODUCERS.items()}
    # and render_pdf always asks weasyprint for the tagged PDF/A variant
    from reports._pdf import PDF_VARIANT

    assert PDF_VARIANT == "pdf/a-3a"
    assert re.search(r"write_pdf\(pdf_variant=PDF_VARIANT", (ROOT / "reports/_pdf.py").read_text(encoding="utf-8"))


CREDITOR = {"CREDITOR_NAME": "Muster Energie GmbH", "CREDITOR_ADDRESS": "Hauptstraße 5, 10117 Berlin",
            "CREDITOR_EMAIL": "forderungen@muster.example", "PORTAL_BASE_URL": "https://fairdun.muster.example"}


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(**CREDITOR)


def test_letter_access_report_audit_report_and_message_pdf_are_tagged_and_pdf_a(app: Any, client: Any, auth: Any,
                                                                                clock: Any) -> None:
    decided = client.post("/v1/decisions", json=request_with(**{"debtor.consents.email": False}),
                          headers=auth("ar_system"))
    assert decided.status_code == 201, decided.json
    decision = decided.json
    assert decision["action"]["channel"] == "letter" and decision["message"]["pdf"]
    english = client.post("/v1/decisions", headers=auth("ar_system"), json=request_with(**{
        "debtor.ref": "C-20000", "debtor.language": "en", "invoice.ref": "INV-77"}))
    assert english.status_code == 201, english.json
    officer = auth("compliance_officer")
    produced: dict[str, tuple[bytes, str]] = {}
    for name, path, lang in (
            ("letter (de)", f"/v1/decisions/{decision['decision_id']}/letter.pdf", "de"),
            ("letter (en)", f"/v1/decisions/{english.json['decision_id']}/letter.pdf", "en"),
            ("message letter (de)", decision["message"]["pdf"], "de"),
            ("access report (de)", "/v1/subjects/C-10023/access?format=pdf&lang=de", "de"),
            ("access report (en)", "/v1/subjects/C-10023/access?format=pdf&lang=en", "en")):
        response = client.get(path, headers=officer)
        assert response.status_code == 200 and response.mimetype == "application/pdf", (name, response.status_code)
        produced[name] = (response.data, lang)
    clock.now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    audit = client.get("/v1/reports/audit?from=2026-11-22&to=2026-11-22", headers=officer)
    assert audit.status_code == 200, audit.get_data(as_text=True)[:500]
    produced["audit report"] = (audit.data, "en")

    for name, (data, lang) in produced.items():
        structure = assert_tagged_pdf_a(data, lang=lang)
        assert "/Table" in structure["types"] or name.startswith("message"), name
    # the audit report's charts are figures a screen reader can name: what they show, in words
    audit_structure = assert_tagged_pdf_a(audit.data, lang="en")
    assert audit_structure["figures"], "the audit report has its charts"
    assert any(alt and alt.startswith("Bar chart of the decisions recorded per day from 22 November 2026")
               and "2 in all (2 decided)" in alt for alt in audit_structure["figures"]), audit_structure["figures"]
    # dates in the audit report by locale, never ISO, and times with their zone
    words = " ".join(pdf_text(audit.data).split())
    assert "Period 22 November 2026, 00:00 (UTC) to 23 November 2026, 00:00 (UTC)" in words
