"""FakePolicyEngine (scripted answers, held to the real engines' contract) and UnavailableEngine."""

import pytest

from decisions.policy import FakePolicyEngine, PolicyEngine, PolicyError, UnavailableEngine

POLICY_INPUT = {"case": {}, "candidates": [{"id": "c0"}, {"id": "c1"}], "now": "2026-11-22T09:00:00Z"}


def test_by_default_it_allows_every_candidate_and_records_the_input():
    engine = FakePolicyEngine()

    outcome = engine.evaluate(POLICY_INPUT)

    assert {cid: v.allow for cid, v in outcome.verdicts.items()} == {"c0": True, "c1": True}
    assert engine.inputs == [POLICY_INPUT]
    assert isinstance(engine, PolicyEngine)


def test_a_scripted_answer_goes_through_parse_decision():
    engine = FakePolicyEngine(lambda _: {"candidates": {
        "c0": {"allow": False, "deny": [{"rule": "R", "message": "m", "citation": "c"}], "obligations": []},
        "c1": {"allow": True, "deny": [], "obligations": []},
    }})

    assert engine.evaluate(POLICY_INPUT).verdicts["c0"].deny[0].rule == "R"


def test_a_scripted_answer_a_real_engine_would_be_refused_for_is_refused():
    engine = FakePolicyEngine(lambda _: {"candidates": {"c0": {"allow": True, "deny": [], "obligations": []}}})

    with pytest.raises(PolicyError, match="no verdict for candidate"):
        engine.evaluate(POLICY_INPUT)


def test_a_failing_engine_raises_policy_error():
    with pytest.raises(PolicyError, match="engine down"):
        FakePolicyEngine.failing("engine down").evaluate(POLICY_INPUT)


def test_an_unavailable_engine_holds_every_case_with_its_reason():
    engine = UnavailableEngine(reason="policy bundle x does not compile")

    with pytest.raises(PolicyError, match="policy engine unavailable: policy bundle x does not compile"):
        engine.evaluate(POLICY_INPUT)
    assert engine.available is False
    assert engine.name == "opa-embedded" and engine.bundle_sha256 is None and engine.version is None
    assert [type(r) for r in engine.evaluate_many([POLICY_INPUT, POLICY_INPUT])] == [PolicyError, PolicyError]
    assert isinstance(engine, PolicyEngine)
