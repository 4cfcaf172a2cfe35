"""Validation of the decision request: every rule names the field it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fakes import request_with
from marshmallow import ValidationError

from service.errors import flatten_messages
from service.schemas import DecisionRequestSchema

SCHEMA = DecisionRequestSchema()


def errors_of(request: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        SCHEMA.load(request)
    return flatten_messages(caught.value.messages)


def test_the_example_request_becomes_a_case() -> None:
    case = SCHEMA.load(request_with())
    assert case.as_of == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert (case.debtor.country, case.debtor.subdivision, case.creditor_role) == ("DE", None, "first_party")
    assert case.invoice.amount == Decimal("120.00") and case.invoice.due_on == date(2026, 10, 31)
    assert case.history.dunning[0].level == 1 and case.history.contacts[0].connected is False
    assert case.debtor.contact.email == "erika@example.invalid"


def test_optional_parts_take_documented_defaults() -> None:
    request = request_with()
    for key in ("creditor", "history"):
        del request[key]
    for key in ("contact", "consents", "flags", "language"):
        del request["debtor"][key]
    case = SCHEMA.load(request)
    assert case.creditor_role == "first_party"
    assert case.debtor.language == "en"
    assert not any((case.debtor.consents.email, case.debtor.consents.letter))  # no consent unless given
    assert case.history.invoices_total == 0 and case.history.dunning == ()


@pytest.mark.parametrize("changes, field", [
    ({"invoice.surprise": 1}, "invoice.surprise"),
    ({"debtor.timezone": "Mars/Olympus"}, "debtor.timezone"),
    ({"debtor.jurisdiction": "XX"}, "debtor.jurisdiction"),
    ({"debtor.jurisdiction": "US-ZZ"}, "debtor.jurisdiction"),
    ({"debtor.jurisdiction": "de"}, "debtor.jurisdiction"),
    ({"debtor.kind": "alien"}, "debtor.kind"),
    ({"debtor.language": "klingon"}, "debtor.language"),
    ({"invoice.amount": "120.0"}, "invoice.amount"),
    ({"invoice.amount": 120}, "invoice.amount"),
    ({"invoice.amount": "-1.00"}, "invoice.amount"),
    ({"invoice.amount": "1e3"}, "invoice.amount"),
    ({"invoice.currency": "JPY"}, "invoice.amount"),           # yen have no minor unit
    ({"invoice.currency": "XAU"}, "invoice.currency"),         # gold is not money here
    ({"invoice.open_amount": "130.00"}, "invoice.open_amount"),
    ({"invoice.due_on": "2026-09-30"}, "invoice.due_on"),
    ({"invoice.issued_on": "2026-11-23", "invoice.due_on": "2026-12-01"}, "invoice.issued_on"),
    ({"invoice.due_on": "31.10.2026"}, "invoice.due_on"),
    ({"as_of": "2026-11-22T09:00:00"}, "as_of"),                # no offset
    ({"as_of": "2026-11-22"}, "as_of"),
    ({"as_of": "1999-12-31T23:00:00Z"}, "as_of"),
    ({"history.invoices_total": "12"}, "history.invoices_total"),
    ({"history.invoices_total": 1.5}, "history.invoices_total"),
    ({"history.invoices_paid_late": 13}, "history.invoices_paid_late"),
    ({"history.avg_days_late": -1}, "history.avg_days_late"),
    ({"invoice.disputed": 1}, "invoice.disputed"),
    ({"invoice.disputed": "false"}, "invoice.disputed"),
    ({"debtor.ref": ""}, "debtor.ref"),
    ({"debtor.ref": "x" * 101}, "debtor.ref"),
    ({"debtor.contact.name": "bad\x00name"}, "debtor.contact.name"),
    ({"debtor.contact.email": "not an address"}, "debtor.contact.email"),
    ({"creditor.role": "bailiff"}, "creditor.role"),
    ({"history.dunning": [{"at": "2026-11-23T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"}]},
     "history.dunning.0.at"),
    ({"history.dunning": [{"at": "2026-11-08T09:00:00Z", "kind": "reminder", "level": 9, "channel": "email"}]},
     "history.dunning.0.level"),
    ({"history.contacts": [{"at": "2026-11-08T09:00:00Z", "channel": "pigeon", "connected": True}]},
     "history.contacts.0.channel"),
])
def test_bad_values_are_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    assert field in errors_of(request_with(**changes))


def test_sizes_are_bounded() -> None:
    step = {"at": "2026-11-08T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"}
    assert "history.dunning" in errors_of(request_with(**{"history.dunning": [step] * 51}))
    assert SCHEMA.load(request_with(**{"history.dunning": [step] * 50})).history.dunning


@pytest.mark.parametrize("body", [None, [], "text", 42, {"as_of": None}])
def test_bodies_that_are_not_requests_are_refused(body: Any) -> None:
    assert errors_of(body)


def test_subdivisions_and_zero_exponent_currencies_are_accepted() -> None:
    case = SCHEMA.load(request_with(**{"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York",
                                       "invoice.currency": "JPY", "invoice.amount": "12000",
                                       "invoice.open_amount": "12000"}))
    assert (case.debtor.country, case.debtor.subdivision, case.invoice.amount) == ("US", "US-NY", Decimal(12000))
