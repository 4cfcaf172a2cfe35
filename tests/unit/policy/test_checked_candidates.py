"""The candidate check both engines run before evaluating (fail closed: the case is held)."""

from __future__ import annotations

import copy

import pytest

from decisions.policy import PolicyError, checked_candidates, load_bundle

CONTRACT = load_bundle().data["parameters"]["contract"]
INPUT = {"case": {"invoice": {"currency": "EUR"}}, "candidates": [
    {"id": "c0", "kind": "reminder", "channel": "email", "communication": True,
     "fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}]},
    {"id": "c1", "kind": "collection_handover", "channel": None, "communication": False, "fees": []},
    {"id": "c2", "kind": "none", "channel": None, "communication": False, "fees": []},
]}


def test_well_formed_candidates_give_their_ids_in_order() -> None:
    assert checked_candidates(INPUT, CONTRACT) == ("c0", "c1", "c2")


@pytest.mark.parametrize(("index", "change", "problem"), [
    (0, {"kind": "lawsuit"}, "kind 'lawsuit' is not a known kind"),
    (0, {"channel": "fax"}, "channel 'fax' is not a known channel"),
    (0, {"communication": "yes"}, "communication is not a boolean"),
    (1, {"communication": True}, "a communication without a channel"),
    (0, {"fees": {"dunning_fee": 250}}, "fees are not an array"),
    (0, {"fees": [{"kind": "dunning_fee", "amount_minor": 2.5, "currency": "EUR"}]}, "non-negative integer"),
    (0, {"fees": [{"kind": "dunning_fee", "amount_minor": True, "currency": "EUR"}]}, "non-negative integer"),
    (0, {"fees": [{"kind": "", "amount_minor": 250, "currency": "EUR"}]}, "non-negative integer"),
    (0, {"fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "USD"}]}, "in the invoice currency"),
    (2, {"fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}]}, '"none" candidate'),
    (0, {"fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}] * 2}, "two fees of the same kind"),
    (2, {"channel": "letter", "communication": True}, '"none" candidate'),
])
def test_a_candidate_outside_the_contract_is_refused(index: int, change: dict, problem: str) -> None:
    policy_input = copy.deepcopy(INPUT)
    policy_input["candidates"][index].update(change)

    with pytest.raises(PolicyError) as caught:
        checked_candidates(policy_input, CONTRACT)
    assert problem in caught.value.reason and f"'c{index}'" in caught.value.reason
