"""Rego modules parsed by OPA's own parser (``rego.parse_module``), never by regular expressions.

    module = parse_module("rules/de/limitation.rego", source)   # raises PolicyError if it does not parse
    module.package                                          # "rules.de.limitation"
    module.rule_names                                       # ("rule_id", "citations", "deny", ...)

The AST is OPA's JSON form of a module (``{"package", "imports", "rules", "comments"}``); the
loader, the test runner and the portability scan read what they need from it. One parser engine
per process, created on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._model import _fail

__all__ = ["RegoModule", "parse_module", "ref_text", "walk_expressions", "walk_terms"]

_PARSE_QUERY = "module := rego.parse_module(input.path, input.source)"


@dataclass(frozen=True, slots=True)
class RegoModule:
    path: str
    ast: dict[str, Any]

    @property
    def package(self) -> str:
        # package.path is [data, "a", "b", ...]
        return ".".join(str(term["value"]) for term in self.ast["package"]["path"][1:])

    @property
    def rules(self) -> list[dict[str, Any]]:
        return self.ast.get("rules") or []

    @property
    def rule_names(self) -> tuple[str, ...]:
        """Each rule's name once, in order of first definition."""
        return tuple(dict.fromkeys(rule_name(rule) for rule in self.rules))

    def rule_kinds(self, name: str) -> set[str]:
        """How the rule ``name`` is defined: "function", "set" (``contains``), "object" (a ref
        head) or "complete"."""
        return {rule_kind(rule) for rule in self.rules if rule_name(rule) == name}


def rule_name(rule: dict[str, Any]) -> str:
    head = rule["head"]
    return head.get("name") or str(head["ref"][0]["value"])


def rule_kind(rule: dict[str, Any]) -> str:
    head = rule["head"]
    if head.get("args"):
        return "function"
    if "key" in head and "value" not in head:
        return "set"
    if len(head.get("ref") or ()) > 1:
        return "object"
    return "complete"


class _Parser:
    """The process's parser: an OPA engine without policies, evaluating one prepared query."""

    def __init__(self) -> None:
        from ._opa_embedded import load_opa_bindings

        self._engine = load_opa_bindings().OpaEngine()
        self._lock = threading.Lock()

    def parse(self, path: str, source: str) -> dict[str, Any]:
        from ._opa_embedded import load_opa_bindings

        opa = load_opa_bindings()
        try:
            with self._lock:
                result = self._engine.eval_query(_PARSE_QUERY, {"path": path, "source": source})
        except opa.OpaError as exc:
            raise _fail(f"policy module {path} does not parse: {_first_error(exc.message)}") from exc
        if not result or "module" not in result[0]:
            raise _fail(f"policy module {path} does not parse")
        return result[0]["module"]


@cache
def _parser() -> _Parser:
    return _Parser()


def parse_module(path: str, source: str) -> RegoModule:
    """The module's AST; raises PolicyError (with OPA's message) when it does not parse."""
    return RegoModule(path=path, ast=_parser().parse(path, source))


def _first_error(message: str) -> str:
    # "rego.parse_module(...): eval_builtin_error: rego.parse_module: 2 errors occurred: x.rego:3: ..."
    # -> "x.rego:3: ..."
    message = message.rsplit("rego.parse_module: ", 1)[-1]
    return " ".join(message.split("occurred: ", 1)[-1].split())[:300]


def _walk(node: Any, wanted: Callable[[dict[str, Any]], bool]) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if wanted(node):
            yield node
        for value in node.values():
            yield from _walk(value, wanted)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, wanted)


def walk_terms(node: Any) -> Iterator[dict[str, Any]]:
    """Every term (``{"type", "value"}``) below ``node``, depth first."""
    return _walk(node, lambda n: "type" in n and "value" in n)


def walk_expressions(node: Any) -> Iterator[dict[str, Any]]:
    """Every body expression (``{"index", "terms"}``) below ``node``: rule bodies, comprehension
    and `every` bodies."""
    return _walk(node, lambda n: "index" in n and "terms" in n)


def ref_text(term: dict[str, Any]) -> str:
    """A ref term as text (``data.parameters.clock``, ``lib.fee[_]``), for messages and lookups."""
    parts = []
    for i, part in enumerate(term["value"]):
        if i == 0:
            parts.append(str(part["value"]))
        elif part["type"] == "string" and str(part["value"]).isidentifier():
            parts.append("." + str(part["value"]))
        elif part["type"] == "string":
            parts.append(f"[{part['value']!r}]")
        elif part["type"] == "ref":
            parts.append(f"[{ref_text(part)}]")
        else:
            parts.append(f"[{part['value'] if part['type'] in ('var', 'number', 'boolean', 'null') else part['type']}]")
    return "".join(parts)
