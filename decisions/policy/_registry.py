"""The rule registry: ``fairdun/registry.rego`` lists every rule module's ``deny`` and
``obligations`` explicitly, in array literals that make ``data.fairdun.decision`` undefined when a
module is missing (fail closed, in the Rego itself).

Iterating ``data.rules[area][rule]`` would collect a dropped-in file without any list, but it
also evaluates every helper rule of every package on each evaluation. So the list is generated
from the files under ``rules/``, committed with them, and ``load_bundle`` refuses a bundle whose
registry does not match its rule files: a rule can be forgotten neither by the registry nor by
the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ._rego_ast import ref_text

if TYPE_CHECKING:
    from ._rego_ast import RegoModule

__all__ = ["REGISTRY_PATH", "listed_refs", "registry_refs", "render_registry", "rule_outputs", "write_registry"]

REGISTRY_PATH = "fairdun/registry.rego"
OUTPUTS = ("deny", "obligations")

_HEADER = """\
# METADATA
# title: Rule registry (generated)
# description: >-
#   Every rule module's deny and obligations, listed explicitly for every case: a module that is
#   missing or whose output is undefined makes its list, and so data.fairdun.decision, undefined
#   (fail closed). Rules written for one place test that place first. Generated from the files
#   under rules/ by decisions.policy.write_registry; load_bundle refuses a bundle whose registry
#   does not match them. Regenerate, do not edit.
package fairdun.registry

import rego.v1
"""


def rule_outputs(module: RegoModule) -> tuple[str, ...]:
    """Which of ``deny`` / ``obligations`` a rule module defines."""
    names = set(module.rule_names)
    return tuple(name for name in OUTPUTS if name in names)


def registry_refs(rule_modules: Iterable[RegoModule]) -> dict[str, list[str]]:
    """{"deny": [...], "obligations": [...]}: the references the registry must list for the rule
    modules."""
    refs: dict[str, list[str]] = {name: [] for name in OUTPUTS}
    for module in sorted(rule_modules, key=lambda m: m.path):
        for name in rule_outputs(module):
            refs[name].append(f"data.{module.package}.{name}")
    return refs


def listed_refs(registry: RegoModule) -> dict[str, list[str]]:
    """The references a registry module lists in its ``deny`` and ``obligations`` arrays."""
    listed: dict[str, list[str]] = {name: [] for name in OUTPUTS}
    for rule in registry.rules:
        head = rule["head"]
        value = head.get("value") or {}
        if head.get("name") in listed and value.get("type") == "array":
            listed[head["name"]] += [ref_text(t) if t["type"] == "ref" else str(t["value"]) for t in value["value"]]
    return {name: sorted(refs) for name, refs in listed.items()}


def render_registry(rule_modules: Iterable[RegoModule]) -> str:
    """The registry module for the rule modules."""
    refs = registry_refs(rule_modules)
    parts = [_HEADER]
    for name in OUTPUTS:
        lines = "".join(f"\t{ref},\n" for ref in refs[name])
        parts.append(f"\n{name} := [\n{lines}]\n")
    return "".join(parts)


def write_registry(bundle_dir: str | Path | None = None) -> Path:
    """(Re)generate ``fairdun/registry.rego`` of a bundle folder (None: the shipped one) after
    adding, renaming or removing a rule file. Returns the path written."""
    from ._bundle import expected_registry, shipped_bundle_dir

    root = Path(bundle_dir) if bundle_dir is not None else shipped_bundle_dir()
    target = root / REGISTRY_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(expected_registry(root), encoding="utf-8")
    return target
