"""Arbitrary JSON-able values as display blocks, so a template can show keys it does not know.

``blocks(value, lang=..., zone=...)`` returns a tree of ``{"type": "text" | "kv" | "table" |
"list", ...}``: a flat list of mappings with the same keys becomes a table, a mapping a key/value
table, anything else a list or text. Keys are labelled in the document's language (the
``labels`` of ``texts.json``; a key without one: ``"retention_period"`` -> ``"Retention
period"``); the order of keys is the source's, so a document reads as written. Values are shown
as people read them: yes/no in the language, dates and moments by locale (Babel; a moment with
its zone), the codes of known fields (a request's type, status, outcome, channel…) in words.
"""

from __future__ import annotations

import re
from typing import Any

from decisions import l10n

from ._texts import texts

__all__ = ["blocks", "label", "scalar_text"]

_MAX_TABLE_COLUMNS = 7
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
# fields whose values are codes with words in ``texts.json`` (``codes``)
CODED = frozenset({"type", "status", "outcome", "channel", "role", "kind", "band", "tone", "disclosure",
                   "restriction_reasons", "direction", "interval_bands"})
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def label(key: Any, lang: str = "en") -> str:
    own = texts(lang).get("labels", {}).get(str(key))
    if own:
        return str(own)
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def scalar_text(value: Any, lang: str = "en", zone: str | None = None, *, coded: bool = False) -> str:
    t = texts(lang)
    if value is None:
        return l10n.DASH
    if value is True:
        return str(t["access"]["yes"])
    if value is False:
        return str(t["access"]["no"])
    if isinstance(value, str):
        if _MOMENT.match(value):
            return l10n.format_moment(value, lang, zone or "UTC")
        if _DAY.match(value):
            return l10n.format_day(value, lang)
        if coded:
            return str(t.get("codes", {}).get(value) or value.replace("_", " "))
        if _DECIMAL.match(value):     # an amount as sent ("120.00"): the locale's separators, its digits
            return l10n.format_number(value, lang)
        return value
    if isinstance(value, (int, float)):
        return l10n.format_number(value, lang)
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def blocks(value: Any, lang: str = "en", zone: str | None = None, *, key: str | None = None) -> dict[str, Any]:
    if isinstance(value, dict):
        return {"type": "kv", "items": [(label(k, lang), blocks(v, lang, zone, key=str(k))) for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        items = list(value)
        if not items:
            return {"type": "text", "text": l10n.DASH, "hash": False}
        if all(isinstance(i, dict) for i in items):
            columns: list[str] = []
            for item in items:
                columns += [k for k in item if k not in columns]
            if len(columns) <= _MAX_TABLE_COLUMNS and all(_is_scalar(v) for i in items for v in i.values()):
                return {"type": "table", "columns": [label(c, lang) for c in columns],
                        "rows": [[blocks(i.get(c), lang, zone, key=c) for c in columns] for i in items]}
        return {"type": "list", "items": [blocks(i, lang, zone, key=key) for i in items]}
    text = scalar_text(value, lang, zone, coded=key in CODED)
    return {"type": "text", "text": text, "hash": len(text) >= 40 and " " not in text}
