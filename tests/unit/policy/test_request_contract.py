"""The request fields the legal rules added: optional, safe defaults, clear errors."""

from __future__ import annotations

import pytest
from fakes import request_with
from marshmallow import ValidationError

from service.schemas import DecisionRequestSchema


def test_the_new_fields_are_optional_with_safe_defaults() -> None:
    case = DecisionRequestSchema().load(request_with())
    assert case.debtor.other_timezones == () and case.debtor.opted_out_channels == ()
    assert case.debtor.flags.mental_health_crisis_moratorium is False and case.debtor.flags.financial_difficulty is False
    assert case.invoice.due_date_agreed is False and case.invoice.default_notice_in_invoice is False
    assert case.history.dunning[0].notices == ()


def test_the_new_fields_are_read() -> None:
    request = request_with(**{"invoice.due_date_agreed": True, "debtor.flags.financial_difficulty": True})
    request["debtor"]["opted_out_channels"] = ["sms", "email", "sms"]
    request["debtor"]["other_timezones"] = ["Europe/London"]
    request["history"]["dunning"][0]["notices"] = ["credit_bureau_warning"]
    case = DecisionRequestSchema().load(request)
    assert case.debtor.opted_out_channels == ("email", "sms")
    assert case.debtor.other_timezones == ("Europe/London",)
    assert case.history.dunning[0].notices == ("credit_bureau_warning",)
    assert case.invoice.due_date_agreed is True and case.debtor.flags.financial_difficulty is True


@pytest.mark.parametrize(("path", "value", "field"), [
    (("debtor", "opted_out_channels"), ["fax"], "opted_out_channels"),
    (("debtor", "other_timezones"), ["Mars/Olympus"], "other_timezones"),
    (("invoice", "due_date_agreed"), "yes", "due_date_agreed"),
    (("debtor", "flags", "mental_health_crisis_moratorium"), 1, "mental_health_crisis_moratorium"),
])
def test_a_bad_value_names_its_field(path: tuple[str, ...], value: object, field: str) -> None:
    request = request_with()
    node = request
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as caught:
        DecisionRequestSchema().load(request)
    assert field in str(caught.value.messages)


def test_a_notice_id_is_a_plain_identifier() -> None:
    request = request_with()
    request["history"]["dunning"][0]["notices"] = ["<script>"]
    with pytest.raises(ValidationError) as caught:
        DecisionRequestSchema().load(request)
    assert "notices" in str(caught.value.messages)
