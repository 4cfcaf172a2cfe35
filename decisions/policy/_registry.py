"""The rule registry: ``fairdun/registry.rego`` lists every rule module's ``deny`` and
``obligations`` explicitly.

Iterating ``data.rules[area][rule]`` would let a dropped-in file be collected without any list,
but rego-cpp then materialises every rule of every package on each evaluation (about 1 ms of
the 5 candidate budget). So the list is generated from the files under ``rules/``, committed with
them, and ``load_bundle`` refuses a bundle whose registry does not match its rule files: a rule
can be forgotten neither by the registry nor by the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["AREA_GATES", "REGISTRY_PATH", "listed_refs", "registry_refs", "render_registry", "rule_outputs", "write_registry"]

REGISTRY_PATH = "fairdun/registry.rego"
OUTPUTS = ("deny", "obligations")

_OUTPUT_RULE = re.compile(r"^(deny|obligations)\b(?=[ \t]+contains\b|[ \t]*:?=|[ \t]+if\b)", re.MULTILINE)

_HEADER = """\
# METADATA
# title: Rule registry (generated)
# description: >-
#   Every rule module's deny and obligations, listed explicitly (rego-cpp evaluates explicit
#   references far faster than an iteration over data.rules); the rules of an area written for
#   one place (rules/de, gb, gdpr, us, us_states) are listed only when that place applies.
#   Generated from the files under rules/ by decisions.policy.write_registry; load_bundle
#   refuses a bundle whose registry does not match them. Regenerate, do not edit.
package fairdun.registry

import rego.v1

import data.fairdun.lib
"""


def rule_outputs(source: str) -> tuple[str, ...]:
    """Which of ``deny`` / ``obligations`` a rule module defines."""
    found = set(_OUTPUT_RULE.findall(source))
    return tuple(name for name in OUTPUTS if name in found)


def registry_refs(rule_modules: Iterable[tuple[str, str, str]]) -> dict[str, list[str]]:
    """{"deny": [...], "obligations": [...]}: the references the registry must list for
    ``(path, package, source)`` of the rule modules."""
    refs: dict[str, list[str]] = {name: [] for name in OUTPUTS}
    for _path, package, source in sorted(rule_modules):
        for name in rule_outputs(source):
            refs[name].append(f"data.{package}.{name}")
    return refs


# Areas of rules/ written for one place, and the library test of that place. The registry lists
# their rules only when the place applies (rego-cpp charges 10-20 microseconds for every rule it
# visits, even one whose first condition fails); each rule still tests its place itself, so the
# gate only saves time and never decides.
AREA_GATES = {
    "de": "lib.in_de",
    "gb": "lib.in_gb",
    "gdpr": "lib.in_gdpr",
    "us": "lib.in_us",
    "us_states": "lib.in_us",
}

_REF = re.compile(r"data\.rules(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def listed_refs(registry_source: str) -> dict[str, list[str]]:
    """The references a registry module lists (formatting, gates and comments aside)."""
    refs = _REF.findall(registry_source)
    return {name: sorted(r for r in refs if r.endswith("." + name)) for name in OUTPUTS}


def _area(ref: str) -> str:
    return ref.split(".")[2]


def render_registry(rule_modules: Iterable[tuple[str, str, str]]) -> str:
    """The registry module for ``(path, package, source)`` of the rule modules."""
    refs = registry_refs(rule_modules)
    parts = [_HEADER]
    for name in OUTPUTS:
        groups: dict[str, list[str]] = {}
        for ref in refs[name]:
            gate = AREA_GATES.get(_area(ref))
            groups.setdefault(gate or "", []).append(ref)
        lists = []
        for gate in sorted(groups, key=lambda g: (g != "", g)):
            lines = "".join(f"\t{ref},\n" for ref in groups[gate])
            if gate:
                label = f"{name}_{gate.removeprefix('lib.')}"
                parts.append(f"\ndefault {label} := []\n\n{label} := [\n{lines}] if {gate}\n")
            else:
                label = f"{name}_everywhere"
                parts.append(f"\n{label} := [\n{lines}]\n")
            lists.append(label)
        parts.append(f"\n{name} := {_concat(lists)}\n")
    return "".join(parts)


def _concat(lists: list[str]) -> str:
    if not lists:
        return "[]"
    expression = lists[-1]
    for label in reversed(lists[:-1]):
        expression = f"array.concat({label}, {expression})"
    return expression


def write_registry(bundle_dir: str | Path | None = None) -> Path:
    """(Re)generate ``fairdun/registry.rego`` of a bundle folder (None: the shipped one) after
    adding, renaming or removing a rule file. Returns the path written."""
    from ._bundle import expected_registry, shipped_bundle_dir

    root = Path(bundle_dir) if bundle_dir is not None else shipped_bundle_dir()
    target = root / REGISTRY_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(expected_registry(root), encoding="utf-8")
    return target
