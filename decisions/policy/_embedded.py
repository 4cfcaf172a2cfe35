"""The embedded policy engine: regopy (rego-cpp) in-process, the bundle compiled once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._bundle import PolicyBundle
from ._model import PolicyOutcome, _fail, checked_candidates, parse_decision
from ._regopy import LIBREGO_LOCK, RegoError, new_interpreter, query_compiled, set_input

__all__ = ["DECISION_QUERY", "EmbeddedEngine"]

DECISION_QUERY = "data.fairdun.decision"


class EmbeddedEngine:
    """Evaluates ``data.fairdun.decision`` with regopy.

    The bundle is compiled once, here; ``evaluate`` only sets the input and runs the compiled
    plan (``query_bundle``; a fresh ``query`` would recompile every module). ``evaluate`` is safe
    to call from many threads: calls into librego are serialised (see ``_regopy``); timings are
    in policies_rego/README.md.
    """

    name = "embedded"

    def __init__(self, bundle: PolicyBundle) -> None:
        self.bundle = bundle
        self.bundle_sha256 = bundle.sha256
        self._contract = bundle.data["parameters"]["contract"]
        with LIBREGO_LOCK:
            interpreter = new_interpreter()
            try:
                for path, source in bundle.modules:
                    interpreter.add_module(path, source)
                interpreter.add_data_json(bundle.data_text)
                compiled = interpreter.build(DECISION_QUERY)
            except RegoError as exc:
                raise _fail(f"policy bundle {bundle.sha256[:12]} does not compile: {exc}") from exc
            if not compiled.ok():
                raise _fail(f"policy bundle {bundle.sha256[:12]} does not compile")
        self._interpreter = interpreter
        self._compiled = compiled

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        """One evaluation for all candidates of a case; raises PolicyError unless the policy
        returns a complete, well-formed verdict for every candidate."""
        # (1) the candidates, checked against the bundle's contract (the same check as OPA's)
        ids = checked_candidates(policy_input, self._contract)
        # (2) the input, built node by node; what JSON cannot carry is refused, so the policy
        # sees exactly what OPA would receive over HTTP
        with LIBREGO_LOCK:
            try:
                set_input(self._interpreter, policy_input)
            except (ValueError, RegoError) as exc:
                raise _fail(f"policy input is not JSON: {exc}") from exc
            # (3) evaluate the compiled plan
            failure, raw = query_compiled(self._interpreter, self._compiled)
        if failure is not None:
            raise _fail(f"embedded policy engine: {failure}")
        # (4) the shared validation of both engines
        return parse_decision(raw, ids)

    def __repr__(self) -> str:
        return f"EmbeddedEngine(bundle_sha256={self.bundle_sha256[:12]}…)"
