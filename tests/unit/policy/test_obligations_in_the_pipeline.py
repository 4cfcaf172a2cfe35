"""How the pipeline applies what the new rules oblige: fee caps per kind, the ladder's own
notices."""

from __future__ import annotations

from typing import Any

from fakes import FakeModel, case_from, request_with

from decisions.pipeline import DecisionContext, evaluate
from decisions.policy import FakePolicyEngine
from decisions.strategy import load_ladder

LADDER = load_ladder()
FINAL_NOTICE_DUE = {"history.dunning": [{"at": "2026-10-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
                    "invoice.due_on": "2026-10-01"}


def _capping(cap: dict[str, Any]):
    def decide(policy_input: dict[str, Any]) -> dict[str, Any]:
        return {"candidates": {c["id"]: {"allow": True, "deny": [], "obligations": [
            {"kind": "fee_cap", "rule": "T", "citation": "c", "params": cap}] if c["fees"] else []}
            for c in policy_input["candidates"]}}
    return decide


def _decide(policy: Any, **changes: Any):
    context = DecisionContext(model=FakeModel(), policy=policy, ladder=LADDER)
    return evaluate(case_from(request_with(**changes)), decision_id="d", context=context)


def test_a_cap_with_a_fee_kind_caps_only_that_kind() -> None:
    decision = _decide(FakePolicyEngine(_capping({"amount_minor": 100, "currency": "EUR", "fee_kind": "default_interest"})),
                       **FINAL_NOTICE_DUE)
    fees = {f.kind: str(f.amount) for f in decision.action.fees}
    assert fees == {"dunning_fee": "2.50", "default_interest": "1.00"}


def test_a_cap_without_a_fee_kind_caps_every_fee_of_the_currency() -> None:
    decision = _decide(FakePolicyEngine(_capping({"amount_minor": 100, "currency": "EUR"})), **FINAL_NOTICE_DUE)
    assert {f.kind: str(f.amount) for f in decision.action.fees} == {"dunning_fee": "1.00", "default_interest": "1.00"}


def test_the_ladders_notices_travel_with_the_chosen_action() -> None:
    decision = _decide(FakePolicyEngine(), **FINAL_NOTICE_DUE)
    assert decision.action.kind == "final_notice"
    assert decision.document()["action"]["notices"] == ["credit_bureau_warning"]


def test_the_global_stop_reaches_the_policy_input() -> None:
    engine = FakePolicyEngine()
    context = DecisionContext(model=FakeModel(), policy=engine, ladder=LADDER, global_stop=True)
    evaluate(case_from(request_with()), decision_id="d", context=context)
    assert engine.inputs[0]["case"]["controls"] == {"global_stop": True}
