"""The policy gate: Rego policies evaluated once per case over all candidate actions.

    bundle = load_bundle()                      # the shipped policies_rego/
    engine = build_engine(bundle)               # the real OPA in-process, after the Rego suite passed on it
    outcome = engine.evaluate(policy_input)     # {case, candidates, now}
    outcome.verdicts["c0"].allow

Any doubt raises PolicyError (fail closed); the pipeline turns it into a ``held`` decision.
The input/output contract is documented in policies_rego/README.md.
"""

from ._bundle import PolicyBundle, RuleInfo, load_bundle, shipped_bundle_dir
from ._fake import FakePolicyEngine
from ._gate import ENGINE_KINDS, TestRun, build_engine, engine_for, test_run
from ._model import (
    ENGINE_NAMES,
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
    evaluate_each,
    parse_decision,
)
from ._opa_bundle import manifest_of, opa_bundle_bytes, write_opa_bundle
from ._opa_embedded import OpaEmbeddedEngine
from ._opa_server import OpaServerEngine
from ._registry import write_registry
from ._rego_tests import TEST_ENGINES, RegoTestResult, discover_rego_tests, run_rego_tests
from ._regopy_engine import RegopyEngine

__all__ = [
    "ENGINE_KINDS",
    "ENGINE_NAMES",
    "OBLIGATION_KINDS",
    "TEST_ENGINES",
    "CandidateVerdict",
    "Denial",
    "FakePolicyEngine",
    "Obligation",
    "OpaEmbeddedEngine",
    "OpaServerEngine",
    "PolicyBundle",
    "PolicyEngine",
    "PolicyError",
    "PolicyOutcome",
    "RegoTestResult",
    "RegopyEngine",
    "RuleInfo",
    "TestRun",
    "UnavailableEngine",
    "build_engine",
    "engine_for",
    "candidate_ids_of",
    "checked_candidates",
    "discover_rego_tests",
    "evaluate_each",
    "load_bundle",
    "manifest_of",
    "opa_bundle_bytes",
    "parse_decision",
    "run_rego_tests",
    "shipped_bundle_dir",
    "test_run",
    "write_opa_bundle",
    "write_registry",
]
