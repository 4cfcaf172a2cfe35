"""The policy gate: Rego policies evaluated once per case over all candidate actions.

    bundle = load_bundle()                      # the shipped policies_rego/
    engine = EmbeddedEngine(bundle)             # compiles once (or OpaEngine(bundle, url))
    outcome = engine.evaluate(policy_input)     # {case, candidates, now}
    outcome.verdicts["c0"].allow

Any doubt raises PolicyError (fail closed); the pipeline turns it into a ``held`` decision.
The input/output contract is documented in policies_rego/README.md.
"""

from ._bundle import PolicyBundle, RuleInfo, load_bundle, shipped_bundle_dir
from ._embedded import EmbeddedEngine
from ._fake import FakePolicyEngine
from ._opa import OpaEngine
from ._opa_bundle import manifest_of, opa_bundle_bytes, write_opa_bundle
from ._model import (
    OBLIGATION_KINDS,
    CandidateVerdict,
    Denial,
    Obligation,
    PolicyEngine,
    PolicyError,
    PolicyOutcome,
    UnavailableEngine,
    candidate_ids_of,
    checked_candidates,
    parse_decision,
)
from ._rego_tests import RegoTestResult, discover_rego_tests, run_rego_tests
from ._registry import write_registry

__all__ = [
    "OBLIGATION_KINDS",
    "CandidateVerdict",
    "Denial",
    "EmbeddedEngine",
    "FakePolicyEngine",
    "Obligation",
    "OpaEngine",
    "PolicyBundle",
    "PolicyEngine",
    "PolicyError",
    "PolicyOutcome",
    "RegoTestResult",
    "RuleInfo",
    "UnavailableEngine",
    "candidate_ids_of",
    "checked_candidates",
    "discover_rego_tests",
    "load_bundle",
    "manifest_of",
    "opa_bundle_bytes",
    "parse_decision",
    "run_rego_tests",
    "shipped_bundle_dir",
    "write_opa_bundle",
    "write_registry",
]
