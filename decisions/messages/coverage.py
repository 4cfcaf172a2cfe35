"""What the templates must cover: every notice the policy catalogue and the ladder can oblige,
and every template id the ladder can name.

    catalogue_notices(load_bundle())        # {"electronic_opt_out": ("US-REGF-1006.6-e",), …}
    ladder_notices(load_ladder())           # {"credit_bureau_warning": ("ladder",)}
    ladder_template_ids(load_ladder())      # {"reminder.l2.gentle.de", …}

Notices are found in the Rego rules' syntax trees (OPA's own parser, ``decisions.policy``): every
``obligations`` rule whose object has ``"kind": "notice"``, its ``params.notice`` resolved
through the module's own assignments (``params := data.parameters.x``) into the bundle's
``data.json``. A form this cannot resolve (a computed kind, a notice built at evaluation time)
raises ``CatalogueUnreadable``: the coverage test then fails instead of missing a notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..policy import PolicyBundle
from ..strategy import Ladder

__all__ = ["CatalogueUnreadable", "catalogue_notices", "ladder_notices", "ladder_template_ids", "obliged_notices"]

_TONES = ("gentle", "neutral", "firm")


class CatalogueUnreadable(Exception):
    """A rule obliges something this module cannot enumerate without evaluating it."""


def obliged_notices(bundle: PolicyBundle, ladder: Ladder) -> dict[str, tuple[str, ...]]:
    """Every notice code the gate or the ladder can put into ``action.notices``, with where from."""
    found: dict[str, set[str]] = {}
    for source in (catalogue_notices(bundle), ladder_notices(ladder)):
        for code, origins in source.items():
            found.setdefault(code, set()).update(origins)
    return {code: tuple(sorted(origins)) for code, origins in sorted(found.items())}


def ladder_notices(ladder: Ladder) -> dict[str, tuple[str, ...]]:
    return {entry["notice"]: ("ladder",) for entry in ladder.data.get("notices", [])}


def catalogue_notices(bundle: PolicyBundle) -> dict[str, tuple[str, ...]]:
    """Notice code -> ids of the rules that can oblige it.

    Only the catalogue's rule modules (``rules/``) oblige anything: ``fairdun/decision.rego``
    collects obligations from the registry alone, which ``load_bundle`` checks lists exactly the
    rule modules' ``obligations``."""
    found: dict[str, set[str]] = {}
    for info in sorted(bundle.rules, key=lambda rule: rule.path):
        path = info.path
        module = bundle.parsed[path]
        assignments = _assignments(module.rules)
        for rule in module.rules:
            head = rule["head"]
            if _rule_name(head) != "obligations":
                continue
            key = head.get("key")
            if not key or key.get("type") != "object":
                raise CatalogueUnreadable(f"{path}: an obligations rule whose value is not an object literal")
            fields = _object(key)
            kind = fields.get("kind")
            if kind is None or kind.get("type") != "string":
                raise CatalogueUnreadable(f"{path}: an obligation whose kind is not a string literal")
            if kind["value"] != "notice":
                continue
            params = fields.get("params")
            if params is None or params.get("type") != "object" or "notice" not in _object(params):
                raise CatalogueUnreadable(f"{path}: a notice obligation without params.notice")
            code = _resolve(_object(params)["notice"], assignments, bundle.data, path)
            found.setdefault(code, set()).add(info.id)
    return {code: tuple(sorted(ids)) for code, ids in found.items()}


def _rule_name(head: Mapping[str, Any]) -> str:
    return str(head.get("name") or head["ref"][0]["value"])


def _object(term: Mapping[str, Any]) -> dict[str, Any]:
    """An object literal's members whose keys are string literals."""
    return {k["value"]: v for k, v in term["value"] if k.get("type") == "string"}


def _assignments(rules: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The module's constant-like complete rules (``name := term`` with an empty body)."""
    found = {}
    for rule in rules:
        head = rule["head"]
        if head.get("assign") and "value" in head and not head.get("args") and len(head.get("ref") or ()) == 1:
            found[_rule_name(head)] = head["value"]
    return found


def _resolve(term: Mapping[str, Any], assignments: Mapping[str, Any], data: Mapping[str, Any], path: str,
             depth: int = 0) -> str:
    """A notice term's string value: a literal, or a reference into ``data`` (possibly through the
    module's assignments)."""
    if depth > 8:
        raise CatalogueUnreadable(f"{path}: the notice refers to itself")
    if term.get("type") == "string":
        return str(term["value"])
    if term.get("type") != "ref":
        raise CatalogueUnreadable(f"{path}: a notice that is computed ({term.get('type')}), not a literal or data")
    head, *rest = term["value"]
    if any(part.get("type") != "string" for part in rest) or head.get("type") != "var":
        raise CatalogueUnreadable(f"{path}: a notice read through a computed reference")
    keys = [part["value"] for part in rest]
    if head["value"] == "data":
        node: Any = data
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                raise CatalogueUnreadable(f"{path}: data.{'.'.join(keys)} is not in the bundle's data")
            node = node[key]
        if not isinstance(node, str):
            raise CatalogueUnreadable(f"{path}: data.{'.'.join(keys)} is not a string")
        return node
    if head["value"] in assignments:
        base = assignments[head["value"]]
        if base.get("type") == "ref":
            return _resolve({"type": "ref", "value": [*base["value"], *rest]}, assignments, data, path, depth + 1)
        if not rest:
            return _resolve(base, assignments, data, path, depth + 1)
    raise CatalogueUnreadable(f"{path}: the notice comes from {head['value']!r}, which is not data or a constant")


def ladder_template_ids(ladder: Ladder) -> set[str]:
    """Every template id ``strategy.propose`` can name with this ladder, in every language.

    Over-approximated where the ladder leaves it open: a level's messages in every tone the tone
    rules reach for it (each risk band the level admits, and the tone without profiling when it
    admits every band), both the announcement of court action and its variant without, and the
    payment-plan offer at every level from the lowest one it may be offered at."""
    data = ladder.data
    languages = data["template_languages"]
    rules = data["tone"]
    plan = data["payment_plan_offer"]
    levels = data["levels"]
    ids: set[str] = set()

    def tone_of(base: str, level: int) -> str:
        floor = rules["at_least_by_level"].get(str(level))
        return floor if floor is not None and _TONES.index(floor) > _TONES.index(base) else base

    def add(kind: str, level: int, tone: str, *, without_legal_action: bool = False) -> None:
        pattern = data["template_without_legal_action" if without_legal_action else "template"]
        ids.update(pattern.format(kind=kind, level=level, tone=tone, language=lang) for lang in languages)

    for level in levels:
        if not level["channels"]:
            continue
        bands = level.get("bands") or list(rules["by_band"])
        tones = {tone_of(rules["by_band"][band], level["level"]) for band in bands}
        if "bands" not in level:
            tones.add(tone_of(rules["without_profiling"], level["level"]))
        for kind in level["kinds"]:
            for tone in tones:
                add(kind, level["level"], tone)
                if level.get("threatens_legal_action"):
                    add(kind, level["level"], tone, without_legal_action=True)
    lowest = min(plan["from_level"], plan["without_profiling_from_level"])
    for level in levels:
        if level["level"] >= lowest and plan["channels"]:
            add("payment_plan_offer", level["level"], plan["tone"])
    return ids
