"""Run the bundle's Rego tests (``test_*`` rules in ``*_test.rego``) through regopy.

``fairdun policy test`` and the pytest suite both call :func:`run_rego_tests`. A test passes when
its rule evaluates to ``true``; ``false``, undefined and evaluation errors fail it with a detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._bundle import is_test_module, load_bundle, package_of, rego_files
from ._regopy import LIBREGO_LOCK, RegoError, new_interpreter, read_output

__all__ = ["RegoTestResult", "discover_rego_tests", "run_rego_tests"]

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]*)\b(?![ \t]*\()", re.MULTILINE)
# regopy 1.5.2 aborts the process on `with input as ...`; `with input.<field> as ...` is fine.
_WITH_WHOLE_INPUT = re.compile(r"\bwith[ \t]+input[ \t]+as\b")
# ... and silently ignores `with` in some test packages that share the first name segment of a
# runtime package (seen for `rules.x` testing `data.rules.*`): such tests would pass or fail on
# the wrong input, so they are refused. Name test packages `<rule>_test`.
_WITH = re.compile(r"\bwith[ \t]+(?:input|data)\b")


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
    package: str
    tests: tuple[str, ...]


def _without_comments(source: str) -> str:
    """The source with `# ...` comments blanked (a `#` inside a string or raw string stays)."""
    lines = []
    for line in source.splitlines():
        quote = None
        for i, ch in enumerate(line):
            if quote:
                if ch == quote and (quote == "`" or line[i - 1] != "\\"):
                    quote = None
            elif ch in "\"`":
                quote = ch
            elif ch == "#":
                line = line[:i]
                break
        lines.append(line)
    return "\n".join(lines)


_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:([^)\n]*)")
_ERROR_AT = re.compile(r"\(error \d+:([^|\s]+)\|(\d+)\|")


def _summary(exc: RegoError, source: str | None = None) -> str:
    """'Invalid collection at fairdun/x_test.rego:12' instead of rego-cpp's AST dump."""
    text = str(exc)
    messages = _ERROR_MESSAGE.findall(text)
    if not messages:
        return text
    where = ""
    located = _ERROR_AT.search(text)
    if located:
        where = f" at {located.group(1)}"
        if source is not None:
            line = source.encode("utf-8")[: int(located.group(2))].count(b"\n") + 1
            where += f":{line}"
    return f"{'; '.join(dict.fromkeys(messages))}{where}"


def _test_modules(root: Path) -> list[_TestModule]:
    modules = []
    for path in (p for p in rego_files(root) if is_test_module(p)):
        source = (root / path).read_text(encoding="utf-8")
        tests = tuple(dict.fromkeys(_TEST_RULE.findall(source)))  # a rule may have several bodies
        modules.append(_TestModule(path, source, package_of(path, source), tests))
    return modules


def discover_rego_tests(bundle_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """(package, test name) of every Rego test of the bundle, without running anything."""
    root = load_bundle(bundle_dir).root
    return [(m.package, name) for m in _test_modules(root) for name in m.tests]


def run_rego_tests(bundle_dir: str | Path | None = None) -> list[RegoTestResult]:
    """Run every Rego test of the bundle (None: the shipped policies_rego/) against its runtime
    modules and data.json. Raises PolicyError when the bundle itself cannot be loaded."""
    bundle = load_bundle(bundle_dir)
    modules = _test_modules(bundle.root)
    results: dict[tuple[str, str], RegoTestResult] = {}
    broken_support: list[str] = []

    def fail_module(module: _TestModule, detail: str) -> None:
        for name in module.tests:
            results[(module.package, name)] = RegoTestResult(module.package, name, False, detail)
        if not module.tests:
            # A support module (fixtures) other tests import: none of them can be trusted.
            broken_support.append(detail)

    runtime_roots = {package_of(path, source).split(".")[0] for path, source in bundle.modules}

    with LIBREGO_LOCK:
        # (1) refuse what would crash the process, and modules that do not parse
        runnable = []
        for module in modules:
            code = _without_comments(module.source)
            if _WITH_WHOLE_INPUT.search(code):
                fail_module(module, f"{module.path}: `with input as` is not supported by regopy; "
                            "replace fields instead (`with input.case as ...`)")
                continue
            if module.package.split(".")[0] in runtime_roots and _WITH.search(code):
                fail_module(module, f"{module.path}: package {module.package} shares its first segment "
                            "with a runtime package, where regopy may ignore `with`; name it <rule>_test")
                continue
            try:
                new_interpreter().add_module(module.path, module.source)
            except RegoError as exc:
                fail_module(module, f"{module.path} does not parse: {_summary(exc, module.source)}")
                continue
            runnable.append(module)
        if broken_support:
            for module in runnable:
                fail_module(module, f"a test support module is broken: {broken_support[0]}")
            runnable = []

        # (2) compile the runtime modules, the support modules and one test module at a time, one
        # entrypoint per test. (One build of every test module at once grows rego-cpp's memory
        # beyond 20 GB for two hundred entrypoints; per module it stays small.)
        support = [m for m in runnable if not m.tests]
        for module in (m for m in runnable if m.tests):
            _run_module(bundle, support, module, results)

    return [results[(m.package, name)] for m in modules for name in m.tests]


def _run_module(bundle: Any, support: list[_TestModule], module: _TestModule,
                results: dict[tuple[str, str], RegoTestResult]) -> None:
    """Compile and run the tests of one module (caller holds LIBREGO_LOCK)."""
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
        detail = f"{module.path} does not compile with the bundle: {_summary(exc)}"
        for name in module.tests:
            results[(module.package, name)] = RegoTestResult(module.package, name, False, detail)
        return
    for name, entrypoint in entrypoints.items():
        failure, value = read_output(lambda ep=entrypoint: interpreter.query_bundle_entrypoint(compiled, ep))
        if failure is None and value is not True:
            failure = f"the test evaluated to {value!r}"
        elif failure == "the query result is undefined":
            failure = "undefined: a condition of the test did not hold"
        results[(module.package, name)] = RegoTestResult(module.package, name, failure is None, failure or "")
