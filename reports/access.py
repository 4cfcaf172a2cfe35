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

from decisions import l10n

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
    """The access export ``export`` as a tagged PDF/A-3a in ``lang`` (``en`` or ``de``), the export
    embedded. Unknown keys are rendered under their own name; missing ones are left out. Dates and
    times are shown by locale in the debtor's zone (the one their requests name; else UTC), each
    time with its zone; the shipped retention schedule's texts and known codes in the language."""
    lang = language(lang)
    t = texts(lang)
    if export.get("law") == "uk":   # a GB subject: the UK GDPR, never the EU's
        t = json.loads(_UK_NAMES.sub(_uk_name, json.dumps(t, ensure_ascii=False)))
    zone = _subject_zone(export)
    titles = t["access"]["sections"]
    sections = []
    for key in SECTION_ORDER:
        if key in export and export[key] not in (None, "", [], {}):
            sections.append(_section(key, titles[key], export[key], t, lang, zone))
    others = [(k, v) for k, v in export.items() if k not in SECTION_ORDER and k not in _META]
    if others:
        sections.append({"key": "other", "title": t["access"]["other"], "kind": "generic",
                         "body": blocks(dict(others), lang, zone)})
    generated = export.get("generated_at")
    context = {"t": t, "lang": lang, "sections": sections,
               "generated_at": l10n.format_moment(generated, lang, zone) if _moment(generated) else None,
               "page_label": t["page"], "footer_text": t["access"]["footer"],
               "header_title": t["access"]["title"]}
    evidence = (Evidence("access-export.json", evidence_json(export),
                         "the access export (GDPR Art. 15(3)) in machine-readable form"),)
    return render_pdf("access.html", context, title=t["access"]["title"], created=_moment(generated), lang=lang,
                      zone=zone, evidence=evidence)


def _subject_zone(export: dict[str, Any]) -> str:
    """The debtor's time zone as their decisions' requests name it (the latest), else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    decisions = export.get("decisions")
    for document in reversed(decisions if isinstance(decisions, list) else []):
        data = document.get("data") if isinstance(document, dict) else None
        debtor = data.get("debtor") if isinstance(data, dict) else None
        zone = debtor.get("timezone") if isinstance(debtor, dict) else None
        if isinstance(zone, str):
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return zone
    return "UTC"


def _section(key: str, title: str, value: Any, t: dict[str, Any], lang: str, zone: str) -> dict[str, Any]:
    section: dict[str, Any] = {"key": key, "title": title}
    try:
        if key == "decisions" and isinstance(value, list) and all(isinstance(d, dict) for d in value):
            return {**section, "kind": "decisions", "decisions": [_decision(d, t, lang, zone) for d in value]}
        if key == "retention" and isinstance(value, dict) and isinstance(value.get("periods", []), list):
            return {**section, "kind": "retention", **_retention(value, t, lang, zone)}
        if key == "privacy" and isinstance(value, dict) and isinstance(value.get("items"), list):
            return {**section, "kind": "privacy", "items": [{"label": i["label"], "text": i["text"]}
                                                            for i in value["items"]]}
        if key == "requests" and isinstance(value, list) and all(isinstance(r, dict) for r in value):
            return {**section, "kind": "requests", "rows": [_request(r, t, lang, zone) for r in value]}
    except (TypeError, ValueError, AttributeError, KeyError):
        pass   # a shape this renderer does not expect: shown as it is, below
    if isinstance(value, str):
        return {**section, "kind": "text", "text": value}
    return {**section, "kind": "generic", "body": blocks(value, lang, zone)}


def _decision(document: dict[str, Any], t: dict[str, Any], lang: str, zone: str) -> dict[str, Any]:
    """A decision as the person reads it: when, what, why, where review stands, then the
    technical record and the data it was made from."""
    from decisions.explanation import for_debtor

    shown = for_debtor(document)
    known = {"decision_id", "as_of", "decided_at", "recorded_at", "status", "action", "explanation", "review",
             "review_status", "data"}
    technical = {k: v for k, v in document.items() if k not in known}
    data = document.get("data")
    review = document.get("review") or document.get("review_status")
    at = document.get("decided_at") or document.get("recorded_at") or document.get("as_of")
    own = language((document.get("explanation") or {}).get("language") if isinstance(
        document.get("explanation"), dict) else lang)
    summary = shown["summary"] or document.get("summary")
    return {
        "id": document.get("decision_id"),
        "at": l10n.format_moment(at, lang, zone) if _moment(at) else at,
        "status": document.get("status"),
        "action": _action_label(document.get("action"), t, lang),
        "summary": l10n.readable_dates(summary, own, zone) if isinstance(summary, str) else summary,
        "reasons": shown["reasons"], "facts": shown["facts"], "profiling": shown["profiling"],
        "changed": shown["changed"], "regardless": shown["regardless"], "hint": shown["hint"],
        "review": blocks(review, lang, zone) if review else None,
        "technical": blocks(technical, lang, zone) if technical else None,
        "data": None if data is None else ({"type": "text", "text": t["access"]["shredded"], "hash": False}
                                           if isinstance(data, dict) and data.get("shredded")
                                           else blocks(data, lang, zone)),
    }


def _action_label(action: Any, t: dict[str, Any], lang: str) -> str | None:
    from decisions.explanation import text

    if not isinstance(action, dict):
        return None
    kind = action.get("kind")
    if not kind or kind == "none":
        return str(t["access"]["no_action"])
    try:
        label = text(lang, "action", kind).format(level=action.get("level"))
        if action.get("channel"):
            label += " " + text(lang, "channel", action["channel"])
    except KeyError:
        label = str(kind)
    fees = ", ".join(l10n.format_money(f.get("amount"), f.get("currency"), lang)
                     for f in action.get("fees") or [] if isinstance(f, dict))
    return label + (f" ({fees})" if fees else "")


def _retention(value: dict[str, Any], t: dict[str, Any], lang: str, zone: str) -> dict[str, Any]:
    a = t["access"]
    own = t.get("retention", {})
    names, words = own.get("categories", {}), own.get("texts", {})
    yes_no = {True: a["yes"], False: a["no"]}
    schedule = value.get("schedule") or {}
    periods = []
    for p in value.get("periods") or []:
        length = ", ".join(f"{l10n.format_number(n, lang)} {a['units'].get(unit, unit)}"
                           for unit, n in (p.get("period") or {}).items())
        periods.append({"category": names.get(p.get("category"), p.get("category")),
                        "description": words.get(p.get("description"), p.get("description")), "kept_for": length,
                        "starts": a["starts"].get(p.get("starts"), p.get("starts")),
                        "duty": yes_no.get(p.get("duty"), l10n.DASH),
                        "basis": words.get(p.get("legal_basis"), p.get("legal_basis")),
                        "citation": _citation(p.get("citation"), lang)})
    records = [{"category": names.get(r.get("category"), r.get("category")),
                "kept_until": l10n.format_last_day(r.get("kept_until"), lang, zone) if r.get("kept_until")
                else l10n.DASH,   # the instant it ends (local midnight): kept through the day before
                "duty": yes_no.get(r.get("duty"), l10n.DASH)}
               for r in value.get("your_records") or []]
    rest = {k: v for k, v in value.items() if k not in ("schedule", "periods", "your_records", "legal_holds")}
    return {"schedule": a["schedule"].format(version=schedule.get("version", l10n.DASH),
                                             sha256=schedule.get("sha256", l10n.DASH)) if schedule else None,
            "periods": periods, "records": records,
            "holds": a["legal_holds"].format(n=l10n.format_number(value["legal_holds"], lang))
            if "legal_holds" in value else None,
            "rest": blocks(rest, lang, zone) if rest else None}


_GDPR_CITATION = re.compile(r"(?<!UK )\bGDPR\b")   # the UK GDPR keeps its name


def _citation(citation: Any, lang: str) -> Any:
    """A citation as the law is named in the language (GDPR Art. 17 -> DSGVO Art. 17; UK GDPR stays)."""
    if lang == "de" and isinstance(citation, str):
        return _GDPR_CITATION.sub("DSGVO", citation)
    return citation


def _request(r: dict[str, Any], t: dict[str, Any], lang: str, zone: str) -> dict[str, Any]:
    """A request's row: its type, status and outcome in words, its dates as the API's days."""
    codes = t.get("codes", {})

    def word(code: Any) -> str:
        return str(codes.get(code) or str(code).replace("_", " ")) if code else l10n.DASH

    due = r.get("extended_to") or r.get("due_on")
    return {"type": word(r.get("type")), "received": _day(r.get("received_at"), lang, zone),
            "due": l10n.format_day(due, lang) if due else (
                l10n.format_last_day(r.get("effective_due_at") or r.get("due_at"), lang, zone)
                if r.get("effective_due_at") or r.get("due_at") else l10n.DASH),
            "status": word(r.get("status")), "outcome": word(r.get("outcome")),
            "fulfilled": _day(r.get("fulfilled_at"), lang, zone), "statement": r.get("statement")}


def _day(value: Any, lang: str, zone: str) -> str:
    return l10n.format_day(value, lang, zone) if value else l10n.DASH


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
