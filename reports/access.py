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

import json
import re
from datetime import UTC, datetime
from typing import Any

from ._blocks import blocks
from ._pdf import Evidence, evidence_json, render_pdf
from ._texts import language, texts

__all__ = ["render_access_report", "SECTION_ORDER"]

# Known sections, in the order a reader expects them (Art. 15(1)(a)-(h), then the rest).
SECTION_ORDER = ("subject", "privacy", "purposes", "categories", "data_categories", "data", "sources", "recipients",
                 "retention", "decisions", "logic", "logic_involved", "significance", "events", "objections",
                 "reviews", "requests", "rights")
_META = ("generated_at", "language", "lang", "format", "version", "kind", "law")
_UK_NAMES = re.compile(r"General Data Protection Regulation \(GDPR\)|Datenschutz-Grundverordnung \(DSGVO\)"
                       r"|(?<!UK )\bGDPR\b|\bDSGVO\b")


def _uk_name(match: re.Match[str]) -> str:
    return "UK General Data Protection Regulation (UK GDPR)" if "(" in match.group(0) else "UK GDPR"


def render_access_report(export: dict[str, Any], *, lang: str) -> bytes:
    """The access export ``export`` as a PDF/A-3b in ``lang`` (``en`` or ``de``), the export
    embedded. Unknown keys are rendered under their own name; missing ones are left out."""
    lang = language(lang)
    t = texts(lang)
    if export.get("law") == "uk":   # a GB subject: the UK GDPR, never the EU's
        t = json.loads(_UK_NAMES.sub(_uk_name, json.dumps(t, ensure_ascii=False)))
    generated = _moment(export.get("generated_at"))
    titles = t["access"]["sections"]
    sections = []
    for key in SECTION_ORDER:
        if key in export and export[key] not in (None, "", [], {}):
            sections.append(_section(key, titles[key], export[key], t, lang))
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


def _section(key: str, title: str, value: Any, t: dict[str, Any], lang: str) -> dict[str, Any]:
    section: dict[str, Any] = {"key": key, "title": title}
    try:
        if key == "decisions" and isinstance(value, list) and all(isinstance(d, dict) for d in value):
            return {**section, "kind": "decisions", "decisions": [_decision(d, t, lang) for d in value]}
        if key == "retention" and isinstance(value, dict) and isinstance(value.get("periods", []), list):
            return {**section, "kind": "retention", **_retention(value, t)}
        if key == "privacy" and isinstance(value, dict) and isinstance(value.get("items"), list):
            return {**section, "kind": "privacy", "items": [{"label": i["label"], "text": i["text"]}
                                                            for i in value["items"]]}
        if key == "requests" and isinstance(value, list) and all(isinstance(r, dict) for r in value):
            return {**section, "kind": "requests", "rows": [_request(r, t) for r in value]}
    except (TypeError, ValueError, AttributeError, KeyError):
        pass   # a shape this renderer does not expect: shown as it is, below
    if isinstance(value, str):
        return {**section, "kind": "text", "text": value}
    return {**section, "kind": "generic", "body": blocks(value)}


def _decision(document: dict[str, Any], t: dict[str, Any], lang: str) -> dict[str, Any]:
    """A decision as the person reads it: when, what, why, where review stands, then the
    technical record and the data it was made from."""
    from decisions.explanation import for_debtor

    shown = for_debtor(document)
    known = {"decision_id", "as_of", "decided_at", "recorded_at", "status", "action", "explanation", "review",
             "review_status", "data"}
    technical = {k: v for k, v in document.items() if k not in known}
    data = document.get("data")
    review = document.get("review") or document.get("review_status")
    return {
        "id": document.get("decision_id"),
        "at": document.get("decided_at") or document.get("recorded_at") or document.get("as_of"),
        "status": document.get("status"),
        "action": _action_label(document.get("action"), t, lang),
        "summary": shown["summary"] or document.get("summary"),
        "reasons": shown["reasons"], "facts": shown["facts"], "profiling": shown["profiling"],
        "changed": shown["changed"], "regardless": shown["regardless"], "hint": shown["hint"],
        "review": blocks(review) if review else None,
        "technical": blocks(technical) if technical else None,
        "data": None if data is None else ({"type": "text", "text": t["access"]["shredded"], "hash": False}
                                           if isinstance(data, dict) and data.get("shredded") else blocks(data)),
    }


def _action_label(action: Any, t: dict[str, Any], lang: str) -> str | None:
    from decisions.explanation import text

    if not isinstance(action, dict):
        return None
    kind = action.get("kind")
    if not kind or kind == "none":
        return t["access"]["no_action"]
    try:
        label = text(lang, "action", kind).format(level=action.get("level"))
        if action.get("channel"):
            label += " " + text(lang, "channel", action["channel"])
    except KeyError:
        label = str(kind)
    fees = ", ".join(f"{f.get('amount')} {f.get('currency')}" for f in action.get("fees") or [] if isinstance(f, dict))
    return label + (f" ({fees})" if fees else "")


def _retention(value: dict[str, Any], t: dict[str, Any]) -> dict[str, Any]:
    a = t["access"]
    yes_no = {True: a["yes"], False: a["no"]}
    schedule = value.get("schedule") or {}
    periods = []
    for p in value.get("periods") or []:
        length = ", ".join(f"{n} {a['units'].get(unit, unit)}" for unit, n in (p.get("period") or {}).items())
        periods.append({"category": p.get("category"), "description": p.get("description"), "kept_for": length,
                        "starts": a["starts"].get(p.get("starts"), p.get("starts")),
                        "duty": yes_no.get(p.get("duty"), "–"), "basis": p.get("legal_basis"),
                        "citation": p.get("citation")})
    records = [{"category": r.get("category"), "kept_until": r.get("kept_until"), "duty": yes_no.get(r.get("duty"), "–")}
               for r in value.get("your_records") or []]
    rest = {k: v for k, v in value.items() if k not in ("schedule", "periods", "your_records", "legal_holds")}
    return {"schedule": a["schedule"].format(version=schedule.get("version", "–"), sha256=schedule.get("sha256", "–"))
            if schedule else None,
            "periods": periods, "records": records,
            "holds": a["legal_holds"].format(n=value["legal_holds"]) if "legal_holds" in value else None,
            "rest": blocks(rest) if rest else None}


def _request(r: dict[str, Any], t: dict[str, Any]) -> dict[str, Any]:
    return {"type": r.get("type"), "received": (r.get("received_at") or "")[:10] or "–",
            "due": (r.get("effective_due_at") or r.get("due_at") or "")[:10] or "–",
            "status": r.get("status") or "–", "outcome": r.get("outcome") or "–",
            "fulfilled": (r.get("fulfilled_at") or "")[:10] or "–", "statement": r.get("statement")}


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
