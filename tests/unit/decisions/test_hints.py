"""Counterfactual hints are shown only when re-deciding confirms them: a change the debtor makes
never leads to a harsher step, and a failed re-decision shows no hint."""

from __future__ import annotations

from decisions.hints import HintCheck, harshness, verified
from decisions.policy import PolicyError
from decisions.policy._model import CandidateVerdict, PolicyOutcome
from decisions.strategy import Candidate, Proposal

PLAN = Candidate("c0", "payment_plan_offer", level=2, channel="email", tone="gentle")
REMINDER = Candidate("c1", "reminder", level=2, channel="email", tone="neutral")
FIRM = Candidate("c2", "reminder", level=2, channel="email", tone="firm")
HANDOVER = Candidate("c3", "collection_handover", level=4, channel="letter", tone="firm")
NONE = Candidate("c9", "none")


def _check(change: str, *candidates: Candidate) -> HintCheck:
    hint = {"feature": "days_past_due", "change": change, "band": "high", "counterfactual_band": "medium",
            "counterfactual_p_late": 0.3, "text": "…"}
    return HintCheck(hint=hint, proposal=Proposal(candidates=candidates, rationale="next_level"), document={})


def _allow(*candidates: Candidate, deny: tuple[str, ...] = ()) -> PolicyOutcome:
    return PolicyOutcome(verdicts={c.id: CandidateVerdict(allow=c.id not in deny) for c in candidates})


def test_harshness_orders_kind_then_level_then_tone():
    assert harshness(None) == harshness(NONE) < harshness(PLAN) < harshness(REMINDER) < harshness(FIRM) \
        < harshness(HANDOVER)


def test_a_lower_hint_is_shown_only_when_the_re_decided_step_is_gentler():
    gentler = verified(_check("lower", PLAN, REMINDER), _allow(PLAN, REMINDER), chosen=FIRM)
    assert gentler is not None and gentler["redecided"]["kind"] == "payment_plan_offer"
    # the case: "high -> medium" turned a payment-plan offer into a hand-over: never shown
    assert verified(_check("lower", HANDOVER), _allow(HANDOVER), chosen=PLAN) is None
    # the same step is no reason to give the hint either
    assert verified(_check("lower", FIRM), _allow(FIRM), chosen=FIRM) is None


def test_the_re_decision_passes_the_policy_gate_first():
    # the gentler candidate is denied: the first lawful one is what re-deciding gives
    outcome = _allow(PLAN, HANDOVER, deny=("c0",))
    assert verified(_check("lower", PLAN, HANDOVER), outcome, chosen=REMINDER) is None


def test_a_later_hint_promises_a_stricter_step_only_when_it_would_follow():
    # "paid by D the band stays; from D + 1 it would be higher and our next step stricter"
    assert verified(_check("later", FIRM), _allow(FIRM), chosen=REMINDER) is not None
    assert verified(_check("later", REMINDER), _allow(REMINDER), chosen=REMINDER) is None
    assert verified(_check("later", PLAN), _allow(PLAN), chosen=REMINDER) is None


def test_no_hint_without_a_verified_re_decision():
    check = _check("lower", PLAN)
    assert verified(check, PolicyError("engine down"), chosen=FIRM) is None
    assert verified(check, None, chosen=FIRM) is None
    assert verified(None, _allow(PLAN), chosen=FIRM) is None
    assert verified(check, _allow(PLAN), chosen=None) is None
    assert verified(check, _allow(PLAN, deny=("c0",)), chosen=FIRM) is None
