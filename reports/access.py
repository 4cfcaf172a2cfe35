"""The data-subject access report (GDPR Art. 15) as a PDF, from the access export.

The export is the JSON document the rights workflow builds (``GET /v1/subjects/{ref}/access``);
this module only renders it, so the PDF and the JSON never disagree. Sections the report knows
(subject, decisions with their plain-language explanations and review status, the logic
involved and its significance, categories and sources of data, recipients, retention, rights,
requests) get their own heading in the subject's language; any other key is shown under its
own name, and a missing key is simply left out. The export itself is embedded in the PDF
(``access-export.json``), so the person receives their data in a machine-readable form too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ._blocks import blocks
from ._pdf import Evidence, evidence_json, render_pdf
from ._texts import language, texts

__all__ = ["render_access_report", "SECTION_ORDER"]

# Known sections, in the order a reader expects them (Art. 15(1)(a)-(h), then the rest).
SECTION_ORDER = ("subject", "purposes", "categories", "data_categories", "data", "sources", "recipients",
                 "retention", "decisions", "logic", "logic_involved", "significance", "events", "objections",
                 "reviews", "requests", "rights")
_META = ("generated_at", "language", "lang", "format", "version", "kind")


def render_access_report(export: dict[str, Any], *, lang: str) -> bytes:
    """The access export ``export`` as a PDF/A-3b in ``lang`` (``en`` or ``de``), the export
    embedded. Unknown keys are rendered under their own name; missing ones are left out."""
    lang = language(lang)
    t = texts(lang)
    generated = _moment(export.get("generated_at"))
    titles = t["access"]["sections"]
    sections = []
    for key in SECTION_ORDER:
        if key in export and export[key] not in (None, "", [], {}):
            sections.append(_section(key, titles[key], export[key]))
    others = [(k, v) for k, v in export.items() if k not in SECTION_ORDER and k not in _META]
    if others:
        sections.append({"key": "other", "title": t["access"]["other"], "kind": "generic",
                         "body": blocks(dict(others))})
    context = {"t": t, "lang": lang, "sections": sections, "generated_at": export.get("generated_at"),
               "page_label": t["page"], "footer_text": t["access"]["footer"],
               "header_title": t["access"]["title"]}
    evidence = (Evidence("access-export.json", evidence_json(export),
                         "the access export (GDPR Art. 15(3)) in machine-readable form"),)
    return render_pdf("access.html", context, title=t["access"]["title"], created=generated, lang=lang,
                      evidence=evidence)


def _section(key: str, title: str, value: Any) -> dict[str, Any]:
    if key == "decisions" and isinstance(value, list) and all(isinstance(d, dict) for d in value):
        return {"key": key, "title": title, "kind": "decisions", "decisions": [_decision(d) for d in value]}
    if isinstance(value, str):
        return {"key": key, "title": title, "kind": "text", "text": value}
    return {"key": key, "title": title, "kind": "generic", "body": blocks(value)}


def _decision(document: dict[str, Any]) -> dict[str, Any]:
    """A decision as the person reads it: when, what, why, and where review stands."""
    explanation = document.get("explanation") if isinstance(document.get("explanation"), dict) else {}
    reasons = [r.get("text") for r in explanation.get("reasons") or [] if isinstance(r, dict) and r.get("text")]
    known = {"decision_id", "as_of", "decided_at", "recorded_at", "status", "action", "explanation", "review",
             "review_status"}
    rest = {k: v for k, v in document.items() if k not in known}
    action = document.get("action")
    return {
        "id": document.get("decision_id"),
        "at": document.get("decided_at") or document.get("recorded_at") or document.get("as_of"),
        "status": document.get("status"),
        "action": blocks(action) if isinstance(action, dict) else blocks(action) if action else None,
        "summary": explanation.get("summary") or document.get("summary"),
        "reasons": reasons,
        "review": blocks(document.get("review") or document.get("review_status"))
        if (document.get("review") or document.get("review_status")) else None,
        "rest": blocks(rest) if rest else None,
    }


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
