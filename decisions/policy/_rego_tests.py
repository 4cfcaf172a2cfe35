"""Run a bundle's Rego tests (``test_*`` rules of its ``*_test.rego`` modules) on an engine.

    run_rego_tests(bundle_dir, engine="opa")      # the real OPA (the reference), in-process
    run_rego_tests(bundle_dir, engine="regopy")

``fairdun policy test`` and the pytest suite both call :func:`run_rego_tests`. A test passes when
its rule evaluates to ``true``, as in ``opa test``; ``false``, undefined and evaluation errors fail
it with a detail. Tests are found by OPA's parser; a test module outside the portable subset of
Rego (``_portability``) fails its tests without being run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ._bundle import PolicyBundle, load_bundle
from ._model import PolicyError
from ._portability import problems
from ._rego_ast import RegoModule, parse_module, rule_kind, rule_name

__all__ = ["TEST_ENGINES", "RegoTestResult", "discover_rego_tests", "run_rego_tests"]

# The engines a bundle's tests run on (``--engine``), by the name of the engine that decides.
TEST_ENGINES = {"opa": "opa-embedded", "regopy": "regopy"}


@dataclass(frozen=True, slots=True)
class RegoTestResult:
    package: str
    name: str
    passed: bool
    detail: str = ""

    @property
    def id(self) -> str:
        return f"{self.package}.{self.name}"


@dataclass(frozen=True, slots=True)
class _TestModule:
    path: str
    source: str
    parsed: RegoModule | None
    tests: tuple[str, ...]
    problem: str = ""

    @property
    def package(self) -> str:
        return self.parsed.package if self.parsed else self.path


def _test_modules(bundle: PolicyBundle) -> list[_TestModule]:
    modules = []
    for path, source in bundle.tests:
        try:
            parsed = parse_module(path, source)
        except PolicyError as exc:
            modules.append(_TestModule(path, source, None, ("(module)",), exc.reason))
            continue
        tests = tuple(name for name in parsed.rule_names
                      if name.startswith("test_") and rule_kind(_first(parsed, name)) != "function")
        modules.append(_TestModule(path, source, parsed, tests))
    found = problems(bundle.parsed.values(), [m.parsed for m in modules if m.parsed])
    return [_with_problem(m, [p for p in found if p.startswith(m.path + ":")]) for m in modules]


def _first(module: RegoModule, name: str) -> dict[str, Any]:
    return next(rule for rule in module.rules if rule_name(rule) == name)


def _with_problem(module: _TestModule, found: list[str]) -> _TestModule:
    if not found or module.problem:
        return module
    return _TestModule(module.path, module.source, module.parsed, module.tests, found[0])


def discover_rego_tests(bundle_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """(package, test name) of every Rego test of the bundle, without running anything."""
    return [(m.package, name) for m in _test_modules(load_bundle(bundle_dir)) for name in m.tests]


def run_rego_tests(bundle_dir: str | Path | PolicyBundle | None = None, *, engine: str = "opa") -> list[RegoTestResult]:
    """Run every Rego test of the bundle (None: the shipped policies_rego/) against its runtime
    modules and data.json on ``engine`` ("opa" or "regopy"). Raises PolicyError when the bundle
    itself cannot be loaded."""
    if engine not in TEST_ENGINES:
        raise ValueError(f"engine must be one of {', '.join(TEST_ENGINES)}, not {engine!r}")
    bundle = bundle_dir if isinstance(bundle_dir, PolicyBundle) else load_bundle(bundle_dir)
    modules = _test_modules(bundle)
    results: dict[tuple[str, str], RegoTestResult] = {}

    def fail(module: _TestModule, detail: str) -> None:
        for name in module.tests:
            results[(module.package, name)] = RegoTestResult(module.package, name, False, detail)

    runnable = []
    for module in modules:
        if module.problem:
            fail(module, module.problem)
        else:
            runnable.append(module)
    broken_support = [m for m in modules if m.problem and m.parsed and not m.tests]
    if broken_support:
        # A support module (fixtures) other tests import: none of them can be trusted.
        for module in runnable:
            fail(module, f"a test support module is broken: {broken_support[0].problem}")
        runnable = []

    run = _run_on_opa if engine == "opa" else _run_on_regopy
    run(bundle, runnable, results)
    return [results[(m.package, name)] for m in modules for name in m.tests]


# --- the real OPA ------------------------------------------------------------------------------


def _run_on_opa(bundle: PolicyBundle, modules: list[_TestModule],
                results: dict[tuple[str, str], RegoTestResult]) -> None:
    """One engine with the runtime and test modules; every test package evaluated in one query,
    then package by package and test by test only where an evaluation error needs finding."""
    from ._opa_embedded import load_opa_bindings

    opa = load_opa_bindings()
    while True:
        engine = opa.OpaEngine()
        engine.print_handler = lambda *_: None
        try:
            for path, source in [*bundle.modules, *[(m.path, m.source) for m in modules]]:
                engine.add_policy(path, source)
            engine.add_data(dict(bundle.data))
            packages = [m for m in modules if m.tests]
            query = "x := [" + ", ".join(f"data.{m.package}" for m in packages) + "]"
            try:
                documents = engine.eval_query(query)[0]["x"] if packages else []
            except opa.OpaError as exc:
                culprit = _compile_culprit(exc, modules)
                if culprit is not None:
                    # a test module that does not compile with the bundle fails alone
                    _fail_all(culprit, f"{culprit.path} does not compile with the bundle: {_opa_text(exc)}", results)
                    modules = [m for m in modules if m is not culprit]
                    continue
                if exc.code == "prepare_error":
                    for module in packages:
                        _fail_all(module, f"the bundle does not compile with the tests: {_opa_text(exc)}", results)
                    return
                documents = [_package_document(engine, opa, m) for m in packages]
            for module, document in zip(packages, documents, strict=True):
                for name in module.tests:
                    results[(module.package, name)] = _opa_result(engine, opa, module, name, document)
            return
        finally:
            engine.close()


def _package_document(engine: Any, opa: Any, module: _TestModule) -> Any:
    try:
        return engine.eval_document(module.package)
    except opa.OpaError:
        return None   # the tests are then evaluated one by one


def _opa_result(engine: Any, opa: Any, module: _TestModule, name: str, document: Any) -> RegoTestResult:
    if isinstance(document, dict):
        value = document.get(name)
        if value is True:
            return RegoTestResult(module.package, name, True)
        if value is not None:
            return RegoTestResult(module.package, name, False, f"the test evaluated to {value!r}")
    try:
        value = engine.eval_document(f"{module.package}.{name}")
    except opa.OpaUndefinedError:
        return RegoTestResult(module.package, name, False, "undefined: a condition of the test did not hold")
    except opa.OpaError as exc:
        return RegoTestResult(module.package, name, False, f"evaluation error: {_opa_text(exc)}")
    if value is True:
        return RegoTestResult(module.package, name, True)
    return RegoTestResult(module.package, name, False, f"the test evaluated to {value!r}")


def _compile_culprit(exc: Any, modules: list[_TestModule]) -> _TestModule | None:
    if exc.code not in ("prepare_error", "parse_error", "compile_error"):
        return None
    located = set(re.findall(r"([\w./-]+_test\.rego):\d+", str(exc.message)))
    return next((m for m in modules if m.path in located), None)


def _fail_all(module: _TestModule, detail: str, results: dict[tuple[str, str], RegoTestResult]) -> None:
    for name in module.tests:
        results[(module.package, name)] = RegoTestResult(module.package, name, False, detail)


def _opa_text(exc: Any) -> str:
    return " ".join(str(exc.message).split()).split("occurred: ", 1)[-1][:300]


# --- regopy --------------------------------------------------------------------------------------


def _run_on_regopy(bundle: PolicyBundle, modules: list[_TestModule],
                   results: dict[tuple[str, str], RegoTestResult]) -> None:
    """One compilation per test module (one build of every test module at once grows rego-cpp's
    memory beyond 20 GB for two hundred entrypoints; per module it stays small)."""
    from ._regopy import LIBREGO_LOCK, RegoError, new_interpreter, read_output, summary

    support = [m for m in modules if not m.tests]
    with LIBREGO_LOCK:
        for module in (m for m in modules if m.tests):
            entrypoints = {name: "/".join([*module.package.split("."), name]) for name in module.tests}
            interpreter = new_interpreter()
            try:
                for path, source in bundle.modules:
                    interpreter.add_module(path, source)
                for other in [*support, module]:
                    interpreter.add_module(other.path, other.source)
                interpreter.add_data_json(bundle.data_text)
                interpreter.set_input_term("{}")
                compiled = interpreter.build(None, list(entrypoints.values()))
            except RegoError as exc:
                _fail_all(module, f"{module.path} does not compile with the bundle: {summary(str(exc))}", results)
                continue
            for name, entrypoint in entrypoints.items():
                failure, value = read_output(partial(interpreter.query_bundle_entrypoint, compiled, entrypoint))
                if failure is None and value is not True:
                    failure = f"the test evaluated to {value!r}"
                elif failure == "the query result is undefined":
                    failure = "undefined: a condition of the test did not hold"
                results[(module.package, name)] = RegoTestResult(module.package, name, failure is None, failure or "")
