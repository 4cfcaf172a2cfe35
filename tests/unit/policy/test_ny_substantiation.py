"""The request dates of 23 NYCRR 1.4(b): a consumer's request for substantiation of the debt and
the day the debt collector provided it. Optional (null when none); they reach the policy as
``case.invoice.substantiation_requested_on`` / ``substantiation_provided_on``; a provision without
a request, or before it, is refused naming the field."""

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


def _invoice_input(**changes: Any) -> dict[str, Any]:
    situation = situate(case_from(request_with(**changes)))
    candidates = propose(situation, band="medium", ladder=load_ladder()).candidates
    risk = {"profiling": True, "p_late": 0.1, "band": "medium", "uncertainty": 0.02}
    return policy_input(situation, candidates, risk=risk)["case"]["invoice"]


def test_without_a_request_both_dates_reach_the_policy_as_null() -> None:
    invoice = _invoice_input()
    assert invoice["substantiation_requested_on"] is None and invoice["substantiation_provided_on"] is None


def test_the_dates_reach_the_policy_as_iso_dates() -> None:
    pending = _invoice_input(**{"invoice.substantiation_requested_on": "2026-11-10"})
    assert (pending["substantiation_requested_on"], pending["substantiation_provided_on"]) == ("2026-11-10", None)
    answered = _invoice_input(**{"invoice.substantiation_requested_on": "2026-11-10",
                                 "invoice.substantiation_provided_on": "2026-11-10"})
    assert answered["substantiation_provided_on"] == "2026-11-10"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"invoice.substantiation_requested_on": "10.11.2026"}, "invoice.substantiation_requested_on", "date"),
    ({"invoice.substantiation_requested_on": 20261110}, "invoice.substantiation_requested_on", "date"),
    ({"invoice.substantiation_provided_on": "2026-11-20"}, "invoice.substantiation_provided_on",
     "Needs substantiation_requested_on"),
    ({"invoice.substantiation_requested_on": "2026-11-10", "invoice.substantiation_provided_on": "2026-11-09"},
     "invoice.substantiation_provided_on", "Must not lie before substantiation_requested_on"),
])
def test_a_bad_date_or_a_provision_without_its_request_is_refused(changes: dict[str, Any], field: str,
                                                                  message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SCHEMA.load(request_with(**changes))
    errors = flatten_messages(caught.value.messages)
    assert list(errors) == [field] and message.lower() in errors[field][0].lower(), errors

