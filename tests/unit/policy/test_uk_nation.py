"""The UK nation: an optional request fact of GB debtors that reaches the policy as
``case.debtor.uk_nation`` (the limitation period differs between England and Wales, Scotland and
Northern Ireland); left out, the policies apply the shortest period."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import case_from, request_with
from marshmallow import ValidationError

from decisions.policy_input import policy_input
from decisions.situation import situate
from decisions.strategy import load_ladder, propose
from service.errors import flatten_messages
from service.schemas import DecisionRequestSchema

SCHEMA = DecisionRequestSchema()
IN_GB = {"debtor.jurisdiction": "GB", "debtor.timezone": "Europe/London", "invoice.currency": "GBP"}


def _debtor_input(**changes: Any) -> dict[str, Any]:
    situation = situate(case_from(request_with(**changes)))
    candidates = propose(situation, band="medium", ladder=load_ladder()).candidates
    risk = {"profiling": True, "p_late": 0.1, "band": "medium", "uncertainty": 0.02}
    return policy_input(situation, candidates, risk=risk)["case"]["debtor"]


@pytest.mark.parametrize("nation", ["england_wales", "scotland", "northern_ireland"])
def test_a_gb_debtors_nation_reaches_the_policy(nation: str) -> None:
    assert _debtor_input(**IN_GB, **{"debtor.uk_nation": nation})["uk_nation"] == nation


@pytest.mark.parametrize("changes", [{}, {"debtor.uk_nation": None}], ids=["left_out", "null"])
def test_an_unknown_nation_reaches_the_policy_as_null(changes: dict[str, Any]) -> None:
    assert _debtor_input(**IN_GB, **changes)["uk_nation"] is None


@pytest.mark.parametrize(("changes", "message"), [
    ({**IN_GB, "debtor.uk_nation": "wales"}, "Must be one of"),
    ({**IN_GB, "debtor.uk_nation": "ENGLAND_WALES"}, "Must be one of"),
    ({"debtor.uk_nation": "scotland"}, "Only for a debtor in the United Kingdom"),
    ({"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "invoice.currency": "USD",
      "debtor.uk_nation": "england_wales"}, "Only for a debtor in the United Kingdom"),
])
def test_a_nation_outside_the_list_or_outside_the_uk_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SCHEMA.load(request_with(**changes))
    errors = flatten_messages(caught.value.messages)
    assert list(errors) == ["debtor.uk_nation"] and message in errors["debtor.uk_nation"][0]


def test_a_gb_subdivision_may_carry_its_nation() -> None:
    case = SCHEMA.load(request_with(**{**IN_GB, "debtor.jurisdiction": "GB-SCT", "debtor.uk_nation": "scotland"}))
    assert (case.debtor.country, case.debtor.uk_nation) == ("GB", "scotland")
