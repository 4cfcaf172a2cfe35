"""The alternative embedded engine: regopy (rego-cpp) in-process, the bundle compiled once.

Selected with ``FAIRDUN_POLICY_ENGINE=regopy``. It must give the same verdicts as the real OPA on
every input (tested on more than 10,000 generated inputs); it is slower (bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import version as package_version
from typing import Any

from ._bundle import PolicyBundle
from ._model import PolicyError, PolicyOutcome, _fail, checked_candidates, evaluate_each, parse_decision
from ._regopy import LIBREGO_LOCK, RegoError, input_text, new_interpreter, read_output, summary

__all__ = ["DECISION_QUERY", "RegopyEngine"]

DECISION_QUERY = "data.fairdun.decision"


class RegopyEngine:
    """``PolicyEngine`` over regopy. ``evaluate`` is safe to call from many threads: calls into
    librego are serialised (see ``_regopy``)."""

    name = "regopy"

    def __init__(self, bundle: PolicyBundle) -> None:
        self.bundle = bundle
        self.bundle_sha256 = bundle.sha256
        self.version = package_version("regopy")
        self._contract = bundle.data["parameters"]["contract"]
        with LIBREGO_LOCK:
            interpreter = new_interpreter()
            try:
                for path, source in bundle.modules:
                    interpreter.add_module(path, source)
                interpreter.add_data_json(bundle.data_text)
                compiled = interpreter.build(DECISION_QUERY)
            except RegoError as exc:
                raise _fail(f"policy bundle {bundle.sha256[:12]} does not compile in regopy: {summary(str(exc))}") from exc
            if not compiled.ok():
                raise _fail(f"policy bundle {bundle.sha256[:12]} does not compile in regopy")
        self._interpreter = interpreter
        self._compiled = compiled

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        """One evaluation for all candidates of a case; raises PolicyError unless the policy
        returns a complete, well-formed verdict for every candidate."""
        ids = checked_candidates(policy_input, self._contract)
        try:
            text = input_text(policy_input)
        except ValueError as exc:
            raise _fail(f"policy input is not JSON regopy can read: {exc}") from exc
        with LIBREGO_LOCK:
            try:
                self._interpreter.set_input_term(text)
            except RegoError as exc:
                raise _fail(f"regopy refused the input: {summary(str(exc))}") from exc
            failure, raw = read_output(lambda: self._interpreter.query_bundle(self._compiled))
        if failure is not None:
            raise _fail(f"regopy: {failure}")
        return parse_decision(raw, ids, engine_version=self.version)

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
        return evaluate_each(self, inputs)

    def __repr__(self) -> str:
        return f"RegopyEngine(regopy {self.version}, bundle_sha256={self.bundle_sha256[:12]}…)"
