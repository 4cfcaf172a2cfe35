"""Arbitrary JSON-able values as display blocks, so a template can show keys it does not know.

``blocks(value)`` returns a tree of ``{"type": "text" | "kv" | "table" | "list", ...}``:
a flat list of mappings with the same keys becomes a table, a mapping a key/value table,
anything else a list or text. Keys are labelled by ``label`` (``"retention_period"`` ->
``"Retention period"``); the order of keys is the source's, so a document reads as written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["blocks", "label", "scalar_text"]

_MAX_TABLE_COLUMNS = 7


def label(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def scalar_text(value: Any) -> str:
    if value is None:
        return "–"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def blocks(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {"type": "kv", "items": [(label(k), blocks(v)) for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        items = list(value)
        if not items:
            return {"type": "text", "text": "–", "hash": False}
        if all(isinstance(i, dict) for i in items):
            columns: list[str] = []
            for item in items:
                columns += [k for k in item if k not in columns]
            if len(columns) <= _MAX_TABLE_COLUMNS and all(_is_scalar(v) for i in items for v in i.values()):
                return {"type": "table", "columns": [label(c) for c in columns],
                        "rows": [[blocks(i.get(c)) for c in columns] for i in items]}
        return {"type": "list", "items": [blocks(i) for i in items]}
    text = scalar_text(value)
    return {"type": "text", "text": text, "hash": len(text) >= 40 and " " not in text}
