"""Which engine evaluates a bundle, and the rule that no bundle decides untested.

    engine = build_engine(load_bundle(), kind="opa")          # the real OPA, in-process (default)
    engine = build_engine(bundle, kind="regopy")
    engine = build_engine(bundle, opa_url="http://opa:8181")  # an OPA server

``build_engine`` runs the bundle's Rego suite on the engine that will evaluate it before returning
it, and refuses (PolicyError) a bundle whose tests fail, that has no tests, or one of whose rule
modules has none. An OPA server cannot run tests against bundles it serves, so for it the suite
runs on the embedded real OPA, the reference. A suite run is remembered for the process by
bundle hash, test hash, engine and engine version, so several apps in one process run it once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version
from typing import Any

from ._bundle import PolicyBundle
from ._model import PolicyEngine, _fail
from ._rego_tests import TEST_ENGINES, RegoTestResult, run_rego_tests

__all__ = ["ENGINE_KINDS", "TestRun", "build_engine", "engine_for", "test_run"]

# FAIRDUN_POLICY_ENGINE: "opa" is the real OPA in-process (the default), "regopy" the alternative.
ENGINE_KINDS = tuple(TEST_ENGINES)

_runs: dict[tuple[str, str, str, str], TestRun] = {}
_runs_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class TestRun:
    """The outcome of a bundle's Rego suite on one engine."""

    bundle_sha256: str
    tests_sha256: str
    engine: str            # "opa-embedded" | "regopy": the engine the tests ran on
    engine_version: str
    total: int
    failures: tuple[RegoTestResult, ...]
    untested_modules: tuple[str, ...]   # rule modules without a test

    @property
    def passed(self) -> bool:
        return self.total > 0 and not self.failures and not self.untested_modules

    def summary(self) -> str:
        if self.total == 0:
            return "has no Rego tests"
        if self.untested_modules:
            return f"has rule modules without tests ({', '.join(self.untested_modules[:3])})"
        if self.failures:
            first = self.failures[0]
            return f"fails {len(self.failures)} of {self.total} Rego tests (e.g. {first.id}: {first.detail[:160]})"
        return f"passes all {self.total} Rego tests"

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "engine_version": self.engine_version, "tests_sha256": self.tests_sha256,
                "total": self.total, "failed": len(self.failures), "untested_modules": list(self.untested_modules)}


def engine_version(kind: str) -> str:
    if kind == "opa":
        from ._opa_embedded import opa_version

        return opa_version()
    return package_version("regopy")


def test_run(bundle: PolicyBundle, kind: str) -> TestRun:
    """The bundle's Rego suite on the engine ``kind`` ("opa" or "regopy"), run at most once per
    process for the same bundle, tests and engine version."""
    key = (bundle.sha256, bundle.tests_sha256, kind, engine_version(kind))
    with _runs_lock:
        if key not in _runs:
            results = run_rego_tests(bundle, engine=kind)
            _runs[key] = TestRun(bundle_sha256=bundle.sha256, tests_sha256=bundle.tests_sha256,
                                 engine=TEST_ENGINES[kind], engine_version=key[3], total=len(results),
                                 failures=tuple(r for r in results if not r.passed),
                                 untested_modules=_untested_modules(bundle, results))
        return _runs[key]


def _untested_modules(bundle: PolicyBundle, results: list[RegoTestResult]) -> tuple[str, ...]:
    """Rule modules with no test in the `<rule>_test` package beside them."""
    tested = {r.package for r in results}
    return tuple(rule.path for rule in bundle.rules
                 if f"{rule.path.rsplit('/', 1)[1].removesuffix('.rego')}_test" not in tested)


def engine_for(bundle: PolicyBundle, *, kind: str = "opa", opa_url: str | None = None,
               opa_timeout: float = 2.0) -> Any:
    """An engine for ``bundle`` with ``tests``, the bundle's Rego suite run on it, whether it passed
    or not: for what decides nothing (``fairdun policy replay``). Everything that decides uses
    ``build_engine``."""
    if kind not in ENGINE_KINDS:
        raise _fail(f"policy engine must be one of {', '.join(ENGINE_KINDS)}, not {kind!r}")
    engine: Any
    if opa_url:
        from ._opa_server import OpaServerEngine

        engine, tested_on = OpaServerEngine(bundle, opa_url, timeout=opa_timeout), "opa"
    elif kind == "opa":
        from ._opa_embedded import OpaEmbeddedEngine

        engine, tested_on = OpaEmbeddedEngine(bundle), "opa"
    else:
        from ._regopy_engine import RegopyEngine

        engine, tested_on = RegopyEngine(bundle), "regopy"
    engine.tests = test_run(bundle, tested_on)
    return engine


def build_engine(bundle: PolicyBundle, *, kind: str = "opa", opa_url: str | None = None,
                 opa_timeout: float = 2.0) -> PolicyEngine:
    """The engine that will evaluate ``bundle``, once the bundle's Rego suite passed on it;
    raises PolicyError otherwise."""
    engine = engine_for(bundle, kind=kind, opa_url=opa_url, opa_timeout=opa_timeout)
    if not engine.tests.passed:
        raise _fail(_refusal(bundle, engine.tests))
    return engine


def _refusal(bundle: PolicyBundle, run: TestRun) -> str:
    return (f"policy bundle {bundle.sha256[:12]} {run.summary()} on {run.engine} {run.engine_version}; "
            f"an untested bundle never decides")
