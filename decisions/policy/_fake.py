"""An in-memory PolicyEngine for unit tests of the pipeline (a fake, not a mock).

It answers with a raw decision produced by a Python function and passes it through the same
``parse_decision`` as the real engines, so a test cannot script an answer a real engine would
have been refused for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._model import PolicyError, PolicyOutcome, candidate_ids_of, evaluate_each, parse_decision

__all__ = ["FakePolicyEngine"]

RawDecision = Mapping[str, Any]


def allow_all(policy_input: Mapping[str, Any]) -> RawDecision:
    return {
        "candidates": {
            c["id"]: {"allow": True, "deny": [], "obligations": []} for c in policy_input["candidates"]
        }
    }


class FakePolicyEngine:
    """``FakePolicyEngine(decide)``: ``decide(policy_input)`` returns the raw decision, or raises
    PolicyError to simulate an engine failure. Records every input it was asked about."""

    name = "fake"
    version = "0"

    def __init__(
        self,
        decide: Callable[[Mapping[str, Any]], RawDecision] = allow_all,
        *,
        bundle_sha256: str = "0" * 64,
    ) -> None:
        self._decide = decide
        self.bundle_sha256 = bundle_sha256
        self.inputs: list[Mapping[str, Any]] = []

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        self.inputs.append(policy_input)
        ids = candidate_ids_of(policy_input)
        return parse_decision(self._decide(policy_input), ids, engine_version=self.version)

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
        return evaluate_each(self, inputs)

    @classmethod
    def failing(cls, reason: str = "policy engine unavailable") -> FakePolicyEngine:
        """An engine whose every evaluation raises PolicyError(reason)."""

        def decide(_: Mapping[str, Any]) -> RawDecision:
            raise PolicyError(reason)

        return cls(decide)
