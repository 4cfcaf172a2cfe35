"""The portal's texts: every key a template or view asks for exists in English and German,
both languages have the same keys and the same placeholders (``service.web._t`` would fall back
to English, then to the key itself — these tests make sure it never has to)."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from jinja2 import Environment, nodes

from service.web import texts

TEMPLATES = Path(__file__).resolve().parents[3] / "service" / "templates"
PORTAL_VIEWS = Path(__file__).resolve().parents[3] / "service" / "portal.py"


def _text_calls() -> tuple[set[str], set[str]]:
    """The keys passed to ``t(...)`` in every template: whole keys, and the prefixes of keys
    built as ``'prefix.' ~ value``."""
    env = Environment()
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        for call in env.parse(path.read_text("utf-8")).find_all(nodes.Call):
            if not (isinstance(call.node, nodes.Name) and call.node.name == "t" and call.args):
                continue
            first = call.args[0]
            if isinstance(first, nodes.Const):
                keys.add(first.value)
            elif isinstance(first, nodes.Concat) and isinstance(first.nodes[0], nodes.Const):
                prefixes.add(first.nodes[0].value)
    return keys, prefixes


def _placeholders(text: Any) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, de = texts("en"), texts("de")
    assert set(en) == set(de)
    for key in en:
        assert _placeholders(en[key]) == _placeholders(de[key]), key
    assert len(en["months"]) == len(de["months"]) == 12


def test_every_key_the_templates_ask_for_exists() -> None:
    keys, prefixes = _text_calls()
    assert len(keys) > 50 and prefixes                  # the walk found the portal's texts
    en = texts("en")
    missing = sorted(keys - set(en))
    assert not missing, f"texts missing from web_texts.json: {missing}"
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in en), f"no text starts with {prefix!r}"


def test_every_flash_and_failure_the_portal_views_use_exists() -> None:
    source = PORTAL_VIEWS.read_text("utf-8")
    flashes = re.findall(r'flash\("([a-z_]+)", "portal"\)', source)
    failures = re.findall(r'failure="([a-z_.]+)"', source)
    assert flashes and failures
    en = texts("en")
    for key in [f"flash.{name}" for name in flashes] + failures:
        assert key in en, key
