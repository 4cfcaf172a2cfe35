"""The default policy engine: the real OPA, in-process.

    engine = OpaEmbeddedEngine(load_bundle())    # compiles the bundle once, here
    outcome = engine.evaluate(policy_input)      # one evaluation of data.fairdun.decision
    outcomes = engine.evaluate_many(inputs)      # batch runs: many cases in one query

OPA's Go engine (``github.com/open-policy-agent/opa/v1/rego``) comes with the wheel
``opa-golib-python-bindings``, a c-shared library behind a stdlib ctypes wrapper. The wheel
declares Python >= 3.14 but runs on 3.11, so it is installed apart from the other dependencies
(``pip install --ignore-requires-python opa-golib-python-bindings==0.4.4``; the Makefile does);
without it every decision is held with a reason that says how to install it.

Each thread evaluates in an OPA engine of its own (created on first use): the wrapper serialises
evaluations per engine, and ctypes releases the GIL, so threads evaluate in parallel.
"""

from __future__ import annotations

import mmap
import os
import re
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from ._bundle import PolicyBundle
from ._model import PolicyError, PolicyOutcome, _fail, checked_candidates, parse_decision

__all__ = ["DECISION_DOCUMENT", "OPA_BINDINGS", "OpaEmbeddedEngine", "load_opa_bindings", "opa_version"]

DECISION_DOCUMENT = "fairdun.decision"
# The wheel and version the Makefile installs; the README says why its install step is special.
OPA_BINDINGS = "opa-golib-python-bindings==0.4.4"
# Many cases in one query: each evaluated with `with input as`, answers keyed by position (a case
# whose decision is undefined is missing, never shifts another's answer). Past about a hundred
# cases a query gets no faster per case (bench/RESULTS.md), so longer batches are split.
_MANY_QUERY = "decisions := {i: d | some i; c := input.cases[i]; d := data.fairdun.decision with input as c}"
_MANY_CASES = 100
# Go's collector runs when the heap has grown by GOGC percent; an evaluation allocates a lot
# of short-lived memory next to a compiled bundle of a few MB, and 400 measured faster than Go's
# default of 100 (bench/RESULTS.md). A GOGC set by the operator wins.
_GOGC = "400"


@cache
def load_opa_bindings() -> ModuleType:
    """The ``opa_bindings`` module; raises PolicyError with the install command when missing."""
    os.environ.setdefault("GOGC", _GOGC)   # read by the Go runtime when the library loads
    try:
        return import_module("opa_bindings")
    except ImportError as exc:
        raise _fail(f"the OPA engine is not installed: pip install --ignore-requires-python {OPA_BINDINGS} "
                    f"({type(exc).__name__}: {exc})") from exc


@cache
def opa_version() -> str:
    """The OPA version compiled into the bindings, from the Go module list that the Go linker
    embeds in every binary (``dep\\tgithub.com/open-policy-agent/opa\\tv1.20.2``)."""
    library = Path(str(load_opa_bindings().__file__)).with_name("libopabridge.so")
    with library.open("rb") as raw, mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as image:
        found = re.search(rb"\tgithub\.com/open-policy-agent/opa\tv([0-9][0-9A-Za-z.+-]*)\t", image)
        if found is None:
            raise _fail(f"the OPA version of {library} cannot be read")
        return bytes(found.group(1)).decode("ascii")


class OpaEmbeddedEngine:
    """``PolicyEngine`` over the real OPA, in-process."""

    name = "opa-embedded"

    def __init__(self, bundle: PolicyBundle) -> None:
        self._opa = load_opa_bindings()
        self.bundle = bundle
        self.bundle_sha256 = bundle.sha256
        self.version = opa_version()
        self._contract = bundle.data["parameters"]["contract"]
        self._local = threading.local()
        self._engine()   # compile now: a bundle OPA refuses never gets as far as a case

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        """One evaluation for all candidates of a case; raises PolicyError unless the policy
        returns a complete, well-formed verdict for every candidate."""
        ids = checked_candidates(policy_input, self._contract)
        try:
            raw = self._engine().eval_document(DECISION_DOCUMENT, policy_input)
        except self._opa.OpaUndefinedError as exc:
            raise _fail("OPA: data.fairdun.decision is undefined (a rule module is missing or undefined)") from exc
        except self._opa.OpaError as exc:
            if exc.code in ("invalid_json", "invalid_argument"):
                raise _fail(f"policy input is not JSON OPA can read: {_summary(exc)}") from exc
            raise _fail(f"OPA: {_summary(exc)}") from exc
        except (TypeError, ValueError) as exc:   # the wrapper's json.dumps
            raise _fail(f"policy input is not JSON: {exc}") from exc
        return parse_decision(raw, ids, engine_version=self.version)

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
        """Each case's outcome or PolicyError, in order, from one query per hundred cases (batch
        runs). When a query fails as a whole (an evaluation error in one case), each of its cases
        is evaluated alone, so the error stays with its case."""
        if len(inputs) > _MANY_CASES:
            return [result for first in range(0, len(inputs), _MANY_CASES)
                    for result in self.evaluate_many(inputs[first:first + _MANY_CASES])]
        checked: dict[int, tuple[str, ...]] = {}
        results: list[PolicyOutcome | PolicyError | None] = [None] * len(inputs)
        for i, policy_input in enumerate(inputs):
            try:
                checked[i] = checked_candidates(policy_input, self._contract)
            except PolicyError as exc:
                results[i] = exc
        try:
            answer = self._engine().eval_query(_MANY_QUERY, {"cases": [inputs[i] for i in checked]})
        except (self._opa.OpaError, TypeError, ValueError):
            return [result if result is not None else _attempt(self.evaluate, inputs[i])
                    for i, result in enumerate(results)]
        decisions = answer[0]["decisions"] if answer else {}
        for position, i in enumerate(checked):
            raw = decisions.get(str(position), decisions.get(position))   # JSON object keys
            if raw is None:
                results[i] = _fail("OPA: data.fairdun.decision is undefined (a rule module is missing or undefined)")
            else:
                results[i] = _attempt(lambda raw=raw, ids=checked[i]: parse_decision(raw, ids, engine_version=self.version))
        return [result for result in results if result is not None]

    def _engine(self) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._local.engine = self._compiled()
        return engine

    def _compiled(self) -> Any:
        opa = self._opa
        engine = opa.OpaEngine()
        engine.print_handler = _discard   # a print() in a bundle must not reach a log
        try:
            for path, source in self.bundle.modules:
                engine.add_policy(path, source)
            engine.add_data(dict(self.bundle.data))
            engine.eval_document(DECISION_DOCUMENT, {"case": {}, "candidates": []})
        except opa.OpaUndefinedError:
            pass   # compiled; undefined for an empty case, as it should be
        except opa.OpaError as exc:
            if exc.code == "eval_error":
                return engine   # compiled; an empty case may fail to evaluate, a real one is judged on its own
            engine.close()
            raise _fail(f"policy bundle {self.bundle_sha256[:12]} does not compile in OPA: {_summary(exc)}") from exc
        return engine

    def __repr__(self) -> str:
        return f"OpaEmbeddedEngine(opa {self.version}, bundle_sha256={self.bundle_sha256[:12]}…)"


def _attempt(call: Any, *args: Any) -> PolicyOutcome | PolicyError:
    try:
        return call(*args)
    except PolicyError as exc:
        return exc


def _summary(exc: Any) -> str:
    # "eval_error: 1 error occurred: rules/x.rego:3: eval_builtin_error: ..." -> one line
    message = " ".join(str(exc.message).split())
    return f"{exc.code}: {message.split('occurred: ', 1)[-1]}"[:300]


def _discard(_message: str, _location: str) -> None:
    pass
