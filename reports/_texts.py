"""The reports' own texts (``texts.json``, English and German)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["texts", "language"]


@cache
def _all() -> dict[str, Any]:
    return json.loads(resources.files("reports").joinpath("texts.json").read_text("utf-8"))


def language(lang: str | None) -> str:
    """``de`` or ``en`` (every other language gets English)."""
    return "de" if (lang or "").lower().startswith("de") else "en"


def texts(lang: str | None) -> dict[str, Any]:
    return _all()[language(lang)]
