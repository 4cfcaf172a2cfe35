"""Experiments in the pipeline: who is allocated, which option an arm takes, and that the gate
decides every option an arm may take like any other."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakes import FakeModel, case_from, request_with
from scipy.stats import binomtest

from decisions.experiments import Arm, Experiment, allocate
from decisions.pipeline import DecisionContext, evaluate
from decisions.policy import FakePolicyEngine
from decisions.policy_input import RightsStatus
from decisions.strategy import load_ladder

LADDER = load_ladder()


def verdicts(policy_input: dict[str, Any], rule: Any) -> dict[str, Any]:
    """A raw policy answer built by ``rule(candidate) -> (deny list, obligations list)``."""
    return {"candidates": {c["id"]: {"allow": not deny, "deny": deny, "obligations": obligations}
                           for c in policy_input["candidates"] for deny, obligations in [rule(c)]}}


def experiment(factor: str = "channel", arms: tuple[tuple[str, Any], ...] = (("email", "email"), ("letter", "letter")),
               *, jurisdictions: tuple[str, ...] = ("DE",), stopped: str | None = None,
               status: str = "running") -> Experiment:
    spec = {"name": "x", "hypothesis": "h", "primary_metric": "paid_14d", "factor": factor,
            "arms": [{"name": n, "value": v} for n, v in arms],
            "population": {"jurisdictions": list(jurisdictions), "debtor_kinds": ["consumer"]},
            "guardrails": [{"metric": "dispute_rate", "max": 0.05, "min_n": 20}], "seed": 7}
    return Experiment(id="e-1", spec=spec, status=status, registered_at="2026-11-01T00:00:00Z",
                      arms=tuple(Arm(n, v, {"reason": "officer"} if n == stopped else None) for n, v in arms))


def claim_for(exp: Experiment, arm: str) -> str:
    """A claim id the experiment allocates to ``arm``."""
    for i in range(1000):
        allocation = allocate([exp], claim_id=f"claim-{i}", jurisdiction="DE", debtor_kind="consumer",
                              vulnerable=False, profiling=True, under_review=False)
        if allocation is not None and allocation.arm == arm:
            return f"claim-{i}"
    raise AssertionError(f"no claim drawn into {arm}")


def decide(exp: Experiment | None, claim_id: str | None, policy: Any = None, profiling: bool = True,
           rights: RightsStatus = RightsStatus(), **changes: Any) -> Any:
    context = DecisionContext(model=FakeModel(), policy=policy or FakePolicyEngine(), ladder=LADDER,
                              experiments=(exp,) if exp else ())
    return evaluate(case_from(request_with(**changes)), decision_id="d-1", context=context, profiling=profiling,
                    rights=rights, claim_id=claim_id)


# --- allocation ------------------------------------------------------------------------------

def test_allocation_is_a_reproducible_fair_draw_per_claim() -> None:
    exp = experiment()
    draws = [allocate([exp], claim_id=f"c{i}", jurisdiction="DE", debtor_kind="consumer", vulnerable=False,
                      profiling=True, under_review=False) for i in range(4000)]
    assert draws == [allocate([exp], claim_id=f"c{i}", jurisdiction="DE", debtor_kind="consumer", vulnerable=False,
                              profiling=True, under_review=False) for i in range(4000)]
    letters = sum(d is not None and d.arm == "letter" for d in draws)
    assert binomtest(letters, 4000, 0.5).pvalue > 0.001
    assert {d.propensity for d in draws if d is not None} == {0.5}


@pytest.mark.parametrize("kwargs", [
    {"vulnerable": True}, {"profiling": False}, {"under_review": True},
    {"jurisdiction": "FR"}, {"debtor_kind": "business"},
])
def test_who_is_never_allocated(kwargs: dict[str, Any]) -> None:
    facts = {"claim_id": "c1", "jurisdiction": "DE", "debtor_kind": "consumer", "vulnerable": False,
             "profiling": True, "under_review": False, **kwargs}
    assert allocate([experiment()], **facts) is None


def test_a_country_covers_its_subdivisions_and_stopped_arms_or_experiments_take_nobody() -> None:
    us = experiment(jurisdictions=("US",))
    assert allocate([us], claim_id="c1", jurisdiction="US-NY", debtor_kind="consumer", vulnerable=False,
                    profiling=True, under_review=False) is not None
    one_left = experiment(stopped="letter")
    arms = {allocate([one_left], claim_id=f"c{i}", jurisdiction="DE", debtor_kind="consumer", vulnerable=False,
                     profiling=True, under_review=False).arm for i in range(50)}
    assert arms == {"email"}
    assert allocate([experiment(status="stopped")], claim_id="c1", jurisdiction="DE", debtor_kind="consumer",
                    vulnerable=False, profiling=True, under_review=False) is None


# --- the pipeline -----------------------------------------------------------------------------

def test_outside_experiments_the_first_lawful_option_is_chosen_with_probability_one() -> None:
    decision = decide(None, "claim-1")
    assert decision.experiment is None
    assert decision.selection["propensity"] == 1.0
    assert decision.selection["chosen"] == "c0"
    assert [o["channel"] for o in decision.selection["lawful"]] == ["email", "letter", "sms", "phone", None]
    assert decision.document()["selection"] == decision.selection and decision.document()["experiment"] is None


def test_a_channel_arm_takes_the_same_message_over_its_channel() -> None:
    exp = experiment()
    decision = decide(exp, claim_for(exp, "letter"))
    assert (decision.action.kind, decision.action.level, decision.action.channel) == ("reminder", 2, "letter")
    assert decision.experiment == {"id": "e-1", "arm": "letter", "propensity": 0.5, "applied": True,
                                   "fallback": None, "rules": []}
    assert decision.selection["chosen"] == "c1" and decision.selection["propensity"] == 0.5
    same = decide(exp, claim_for(exp, "email"))
    assert same.action.channel == "email" and same.experiment["applied"] is True


def test_an_arm_the_gate_refuses_falls_back_to_the_first_lawful_option_and_says_which_rule() -> None:
    exp = experiment()
    refuse_letters = FakePolicyEngine(lambda i: verdicts(i, lambda c: (
        [{"rule": "T-NO-LETTER", "message": "no letters", "citation": "§ 1"}] if c["channel"] == "letter" else [], [])))
    decision = decide(exp, claim_for(exp, "letter"), refuse_letters)
    assert decision.action.channel == "email"
    assert decision.experiment == {"id": "e-1", "arm": "letter", "propensity": 0.5, "applied": False,
                                   "fallback": "refused", "rules": ["T-NO-LETTER"]}
    assert decision.selection["propensity"] == 1.0     # both arms lead to the e-mail
    assert {"rule": "T-NO-LETTER", "effect": "deny", "action": "reminder", "channel": "letter", "citation": "§ 1",
            "message": "no letters"} in decision.explanation["policy"]


@pytest.mark.parametrize("changes, profiling, rights", [
    ({"debtor.flags.vulnerable": True}, True, RightsStatus()),
    ({}, False, RightsStatus()),
    ({}, True, RightsStatus(escalation_paused=True)),
])
def test_excluded_debtors_are_never_randomised(changes: dict[str, Any], profiling: bool, rights: RightsStatus) -> None:
    exp = experiment()
    decision = decide(exp, claim_for(exp, "letter"), profiling=profiling, rights=rights, **changes)
    assert decision.experiment is None
    if decision.selection is not None:
        assert decision.selection["propensity"] == 1.0


def test_nothing_is_randomised_when_no_message_is_due() -> None:
    exp = experiment()
    decision = decide(exp, claim_for(exp, "letter"), **{"invoice.open_amount": "0.00"})
    assert decision.action.kind == "none" and decision.experiment is None


def test_a_send_hour_arm_is_checked_by_the_gate_at_that_hour() -> None:
    exp = experiment("send_hour", (("morning", 9), ("evening", 18)))
    engine = FakePolicyEngine()
    decision = decide(exp, claim_for(exp, "evening"), engine)
    [seen] = engine.inputs
    twins = [c for c in seen["candidates"] if c["id"].endswith("h18")]
    assert twins and all(z["hour"] == 18 for c in twins for z in c["send_at_local"]["zones"])
    assert decision.experiment["applied"] is True
    local = decision.action.send_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.hour == 18 and decision.selection["chosen"] == "c0h18"

    no_evenings = FakePolicyEngine(lambda i: verdicts(i, lambda c: (
        [{"rule": "T-EVENING", "message": "not at 18", "citation": "§ 2"}]
        if c["send_at_local"] and any(z["hour"] == 18 for z in c["send_at_local"]["zones"]) else [], [])))
    refused = decide(exp, claim_for(exp, "evening"), no_evenings)
    assert refused.experiment["applied"] is False and refused.experiment["rules"] == ["T-EVENING"]
    assert refused.action.send_at.astimezone(ZoneInfo("Europe/Berlin")).hour != 18


def test_without_a_claim_id_nothing_is_allocated() -> None:
    assert decide(experiment(), None).experiment is None
