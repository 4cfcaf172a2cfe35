"""The portable subset of Rego: what every shipped engine evaluates alike.

The language is OPA v1 Rego and the real OPA's semantics are the reference; regopy (rego-cpp) is
an alternative engine that must agree with it on every input. ``problems(runtime, tests)`` scans
the modules' ASTs (OPA's own parser) for the forms on which the engines are known to part ways,
or which make a decision depend on anything but its input, and names each occurrence.
``load_bundle`` refuses a bundle with a problem in a runtime module; the Rego test runner fails
the tests of a test module with one. policies_rego/README.md#portability explains each form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._rego_ast import RegoModule, ref_text, rule_kind, rule_name, walk_expressions, walk_terms

__all__ = ["FORBIDDEN_BUILTINS", "problems"]

# Built-ins whose result depends on the clock, randomness, the network or the host (DESIGN.md:
# time is passed in), and built-ins rego-cpp gets wrong: min, max and sort compare numbers as
# text (min([900, 1439]) is 1439); object.union does not merge nested objects.
FORBIDDEN_BUILTINS = {
    "time.now_ns": "reads the clock; rules use input.now and case.today",
    "rand.intn": "is random", "uuid.rfc4122": "is random", "uuid.parse": "is not in rego-cpp",
    "http.send": "reads the network", "net.lookup_ip_addr": "reads the network",
    "opa.runtime": "reads the host", "io.jwt.encode_sign": "is random",
    "crypto.x509.parse_and_verify_certificates": "reads the clock",
    "min": "compares numbers as text in rego-cpp; use lib.lesser",
    "max": "compares numbers as text in rego-cpp; use lib.greater",
    "sort": "compares numbers as text in rego-cpp",
    "object.union": "merges nested objects in OPA but not in rego-cpp",
}

# Operators whose arguments OPA evaluates outside a negation (so a missing argument makes
# `not f(x)` undefined in OPA but true in rego-cpp); only equality keeps a missing operand inside.
_EQUALITY = "equal"
_SCALARS = {"null", "boolean", "number", "string"}


def problems(runtime: Iterable[RegoModule], tests: Iterable[RegoModule] = (),
             is_builtin: Any = None) -> list[str]:
    """Every portability problem as "path: rule: what" (empty when the modules are portable).
    ``is_builtin(name)`` (regopy's) flags calls of built-ins rego-cpp does not have."""
    runtime, tests = list(runtime), list(tests)
    found: list[str] = []
    functions = {f"{m.package}.{rule_name(r)}" for m in runtime + tests for r in m.rules if rule_kind(r) == "function"}
    for module in runtime:
        found += _module_problems(module, functions, is_builtin, runtime=True)
    runtime_roots = {m.package.split(".")[0] for m in runtime}
    for module in tests:
        found += _module_problems(module, functions, is_builtin, runtime=False)
        found += _test_module_problems(module, runtime_roots)
    found += _arity_problems(runtime + tests)
    return found


def _module_problems(module: RegoModule, functions: set[str], is_builtin: Any, *, runtime: bool) -> list[str]:
    found = []
    aliases = _aliases(module)
    own_rules = set(module.rule_names)
    for rule in module.rules:
        where = f"{module.path}: {rule_name(rule)}"
        for name in _called(rule, module, aliases, functions):
            if runtime and name in FORBIDDEN_BUILTINS:
                found.append(f"{where}: calls {name}, which {FORBIDDEN_BUILTINS[name]}")
            elif is_builtin is not None and not is_builtin(name):
                found.append(f"{where}: calls {name}, which rego-cpp does not have")
        if not runtime:
            continue
        for expr in walk_expressions(rule):
            if expr.get("negated"):
                problem = _negation_problem(expr, own_rules)
                if problem:
                    found.append(f"{where}: `not` over {problem}")
        for term in walk_terms(rule):
            if term["type"] == "call" and _operator(term) == "sprintf" and _literal_default_in(term):
                found.append(f"{where}: sprintf() of object.get's string default, which rego-cpp prints with its "
                             "quotes (and then writes an answer that is not JSON); give the text with `else`")
            if term["type"] in ("arraycomprehension", "setcomprehension", "objectcomprehension"):
                head = [term["value"].get(k) for k in ("term", "key", "value") if term["value"].get(k)]
                if any(_has_call(h) for h in head):
                    found.append(f"{where}: a comprehension computes in its head; compute in its body "
                                 "(x := ...) and collect the variable")
        if rule_kind(rule) == "function":
            args = {a["value"] for a in rule["head"]["args"] if a["type"] == "var"}
            for term in walk_terms([rule.get("body"), rule["head"].get("value")]):
                if term["type"].endswith("comprehension") and args & _vars_in(term):
                    found.append(f"{where}: a comprehension inside a function reads the function's "
                                 "argument, which rego-cpp evaluates wrongly; write a rule (a map) instead")
                    break
    return found


def _test_module_problems(module: RegoModule, runtime_roots: set[str]) -> list[str]:
    found = []
    for rule in module.rules:
        for expr in walk_expressions(rule):
            for modifier in expr.get("with") or ():
                target = modifier["target"]
                text = ref_text(target) if target["type"] == "ref" else str(target["value"])
                if text == "input":
                    found.append(f"{module.path}: {rule_name(rule)}: `with input as` replaces the whole input, which "
                                 "aborts rego-cpp; replace fields (`with input.case as ...`)")
                elif module.package.split(".")[0] in runtime_roots:
                    found.append(f"{module.path}: package {module.package} shares its first segment with a runtime "
                                 "package, where rego-cpp may ignore `with`; name it <rule>_test")
    return found


def _arity_problems(modules: list[RegoModule]) -> list[str]:
    arities: dict[str, set[int]] = {}
    for module in modules:
        for rule in module.rules:
            if rule_kind(rule) == "function":
                arities.setdefault(rule_name(rule), set()).add(len(rule["head"]["args"]))
    return [f"functions named {name} take {sorted(n)} arguments in different packages, which aborts rego-cpp"
            for name, n in sorted(arities.items()) if len(n) > 1]


def _aliases(module: RegoModule) -> dict[str, str]:
    """Import aliases: {"lib": "fairdun.lib", "fx": "fairdun.fixtures_test"}."""
    aliases = {}
    for imported in module.ast.get("imports") or ():
        path = imported["path"]
        if path["type"] != "ref" or path["value"][0]["value"] != "data":
            continue
        parts = [str(p["value"]) for p in path["value"][1:]]
        aliases[imported.get("alias") or parts[-1]] = ".".join(parts)
    return aliases


def _called(rule: dict[str, Any], module: RegoModule, aliases: dict[str, str], functions: set[str]) -> set[str]:
    """The built-ins a rule calls (user functions resolved away)."""
    operators = []
    for expr in walk_expressions(rule):
        if isinstance(expr["terms"], list):
            operators.append(expr["terms"][0])
    operators += [t["value"][0] for t in walk_terms(rule) if t["type"] == "call"]
    names = set()
    for op in operators:
        if op["type"] != "ref":
            continue
        name = ".".join(str(p["value"]) for p in op["value"])
        head, _, rest = name.partition(".")
        if f"{module.package}.{name}" in functions or (head in aliases and f"{aliases[head]}.{rest}" in functions):
            continue
        if head == "data" and rest in functions:
            continue
        names.add(name)
    return names - {"assign", "eq", "equal", "internal.member_2", "internal.member_3"}


def _negation_problem(expr: dict[str, Any], own_rules: set[str]) -> str | None:
    terms = expr["terms"]
    if isinstance(terms, dict):
        return _dynamic_key(terms)
    operator = ".".join(str(p["value"]) for p in terms[0]["value"])
    if operator == _EQUALITY:
        return next((p for p in (_dynamic_key(t) for t in terms[1:]) if p), None)
    for arg in terms[1:]:
        if not _bound_or_constant(arg, own_rules):
            return (f"{operator}() with the argument {_text(arg)}, which OPA evaluates outside the negation: bind it "
                    "to a variable first or negate a rule")
    return None


def _dynamic_key(term: dict[str, Any]) -> str | None:
    """A ref whose key is itself a ref or a call: OPA evaluates the key outside the negation."""
    if term["type"] != "ref":
        return None
    for part in term["value"][1:]:
        if part["type"] in ("ref", "call"):
            return f"{ref_text(term)}, whose key OPA evaluates outside the negation: bind the key to a variable first"
    return None


def _bound_or_constant(term: dict[str, Any], own_rules: set[str]) -> bool:
    kind = term["type"]
    if kind in _SCALARS:
        return True
    if kind == "var":
        return term["value"] not in own_rules   # a local variable, not a rule of the module
    if kind in ("array", "set"):
        return all(_bound_or_constant(t, own_rules) for t in term["value"])
    if kind == "object":
        return all(_bound_or_constant(k, own_rules) and _bound_or_constant(v, own_rules) for k, v in term["value"])
    return False


def _operator(call: dict[str, Any]) -> str:
    head = call["value"][0]
    return ".".join(str(p["value"]) for p in head["value"]) if head["type"] == "ref" else ""


def _literal_default_in(sprintf: dict[str, Any]) -> bool:
    """A sprintf whose arguments include object.get(_, _, "a string literal")."""
    return any(t["type"] == "call" and _operator(t) == "object.get" and len(t["value"]) == 4
               and t["value"][3]["type"] == "string" for t in walk_terms(sprintf["value"][2:]))


def _has_call(term: dict[str, Any]) -> bool:
    """A call in a term, outside any comprehension nested in it (those are checked on their own)."""
    if term["type"] == "call":
        return True
    if term["type"].endswith("comprehension"):
        return False
    value = term["value"]
    children = value if isinstance(value, list) else []
    return any(_has_call(c) for child in children for c in (child if isinstance(child, list) else [child])
               if isinstance(c, dict) and "type" in c)


def _vars_in(term: dict[str, Any]) -> set[str]:
    return {t["value"] for t in walk_terms(term) if t["type"] == "var"}


def _text(term: dict[str, Any]) -> str:
    if term["type"] == "ref":
        return ref_text(term)
    if term["type"] == "var":
        return str(term["value"])
    return term["type"]
