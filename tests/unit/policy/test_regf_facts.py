"""Regulation F's request facts (US debt collectors, issue 17 point 3): attorney representation,
inconvenient times and places, a work e-mail address, the day the validation notice was sent
(also as the event ``validation_notice_sent``); how they are validated and how they reach the
policy input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fakes import case_from, request_with
from marshmallow import ValidationError

from decisions.events import EVENT_TYPES
from decisions.policy_input import policy_input
from decisions.regf import assumed_receipt, legal_public_holidays, validation_period_end
from decisions.situation import Activity, situate
from decisions.strategy import load_ladder, propose
from service.errors import flatten_messages
from service.schemas import DecisionRequestSchema
from service.schemas.event import EventRequestSchema

SCHEMA = DecisionRequestSchema()
COLLECTOR = {"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "invoice.currency": "USD",
             "creditor": {"role": "debt_collector"}}


def _case_input(remembered: tuple[Activity, ...] = (), **changes: Any) -> dict[str, Any]:
    situation = situate(case_from(request_with(**COLLECTOR, **changes)), remembered)
    candidates = propose(situation, band="medium", ladder=load_ladder()).candidates
    risk = {"profiling": True, "p_late": 0.1, "band": "medium", "uncertainty": 0.02}
    return policy_input(situation, candidates, risk=risk)["case"]


def _refused(changes: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        SCHEMA.load(request_with(**COLLECTOR, **changes))
    return flatten_messages(caught.value.messages)


def test_left_out_the_facts_reach_the_policy_as_their_defaults() -> None:
    case = _case_input()
    debtor = case["debtor"]
    assert (debtor["represented_by_attorney"], debtor["inconvenient_times"], debtor["email_is_work"],
            debtor["work_email_permitted"], debtor["flags"]["no_work_contact"]) == (False, [], False, False, False)
    assert case["invoice"]["validation_notice_sent_on"] is None
    assert case["invoice"]["validation_notice_receipt_age_days"] is None


def test_the_facts_reach_the_policy() -> None:
    case = _case_input(**{"debtor.represented_by_attorney": True, "debtor.email_is_work": True,
                          "debtor.work_email_permitted": True,
                          "debtor.inconvenient_times": [{"from": "18:00", "to": "20:00"},
                                                        {"from": "22:00", "to": "07:30"}]})
    debtor = case["debtor"]
    assert debtor["represented_by_attorney"] is True and debtor["email_is_work"] is True
    assert debtor["work_email_permitted"] is True
    assert debtor["inconvenient_times"] == [{"from": "18:00", "to": "20:00"}, {"from": "22:00", "to": "07:30"}]


def test_the_workplace_named_inconvenient_reads_as_no_work_contact() -> None:
    assert _case_input(**{"debtor.inconvenient_places": ["work"]})["debtor"]["flags"]["no_work_contact"] is True
    assert "inconvenient_places" not in _case_input()["debtor"]


def test_the_validation_notice_day_and_its_assumed_receipt_reach_the_policy() -> None:
    # as_of 2026-11-22 (a Sunday); sent Friday 2026-11-13: five business days on are Mon 16 to
    # Fri 20 (no holiday), so receipt is assumed on 2026-11-20, two days before today.
    invoice = _case_input(**{"invoice.validation_notice_sent_on": "2026-11-13"})["invoice"]
    assert invoice["validation_notice_sent_on"] == "2026-11-13"
    assert invoice["validation_notice_receipt_age_days"] == 2


def test_a_validation_notice_event_or_a_message_that_carried_it_counts_the_latest_day() -> None:
    event = Activity(at=datetime(2026, 11, 10, 15, tzinfo=UTC), activity="validation_notice_sent", channel="letter")
    later = Activity(at=datetime(2026, 11, 30, 15, tzinfo=UTC), activity="validation_notice_sent")  # after as_of
    invoice = _case_input((event, later), **{"invoice.validation_notice_sent_on": "2026-11-02"})["invoice"]
    assert invoice["validation_notice_sent_on"] == "2026-11-10"
    dunning = [{"at": "2026-11-12T15:00:00Z", "kind": "reminder", "level": 1, "channel": "letter",
                "notices": ["validation_notice"]}]
    assert _case_input(**{"history.dunning": dunning})["invoice"]["validation_notice_sent_on"] == "2026-11-12"


def test_an_undelivered_validation_notice_does_not_count() -> None:
    sent = Activity(at=datetime(2026, 11, 10, 15, tzinfo=UTC), activity="dunning", kind="reminder", level=2,
                    channel="letter", decision_id="d1", notices=("validation_notice",))
    assert _case_input((sent,))["invoice"]["validation_notice_sent_on"] == "2026-11-10"
    bounced = Activity(at=datetime(2026, 11, 11, 9, tzinfo=UTC), activity="delivery_result", status="returned",
                       decision_id="d1")
    assert _case_input((sent, bounced))["invoice"]["validation_notice_sent_on"] is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"debtor.represented_by_attorney": "yes"}, "debtor.represented_by_attorney", "Not a valid boolean"),
    ({"debtor.email_is_work": 1}, "debtor.email_is_work", "Not a valid boolean"),
    ({"debtor.work_email_permitted": None}, "debtor.work_email_permitted", "null"),
    ({"debtor.inconvenient_times": [{"from": "6pm", "to": "20:00"}]}, "debtor.inconvenient_times.0.from", "HH:MM"),
    ({"debtor.inconvenient_times": [{"from": "18:00", "to": "24:00"}]}, "debtor.inconvenient_times.0.to", "HH:MM"),
    ({"debtor.inconvenient_times": [{"from": "18:00"}]}, "debtor.inconvenient_times.0.to", "Missing"),
    ({"debtor.inconvenient_times": [{"from": "18:00", "to": "18:00"}]}, "debtor.inconvenient_times.0.to", "differ"),
    ({"debtor.inconvenient_times": [{"from": "08:00", "to": "09:00"}] * 11}, "debtor.inconvenient_times", "Length"),
    ({"debtor.inconvenient_places": ["home"]}, "debtor.inconvenient_places.0", "Must be one of"),
    ({"invoice.validation_notice_sent_on": "2026-13-01"}, "invoice.validation_notice_sent_on", "date"),
])
def test_a_bad_value_is_refused_naming_its_field(changes: dict[str, Any], field: str, message: str) -> None:
    errors = _refused(changes)
    assert list(errors) == [field], errors
    assert message.lower() in errors[field][0].lower(), errors[field]


def test_the_event_validation_notice_sent_is_accepted_with_an_optional_channel() -> None:
    assert "validation_notice_sent" in EVENT_TYPES
    body = {"type": "validation_notice_sent", "at": "2026-11-10T15:00:00Z", "debtor_ref": "C-1",
            "invoice_ref": "INV-1"}
    event = EventRequestSchema().load({**body, "channel": "letter"})
    assert (event.type, event.channel) == ("validation_notice_sent", "letter")
    activity = EventRequestSchema().load(body).activity()
    assert (activity.activity, activity.at) == ("validation_notice_sent", datetime(2026, 11, 10, 15, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        EventRequestSchema().load({**body, "amount": "1.00", "currency": "USD"})
    assert "amount" in caught.value.messages


@pytest.mark.parametrize(("sent_on", "received_on"), [
    (date(2026, 11, 13), date(2026, 11, 20)),   # Fri: Mon–Fri of the next week
    (date(2026, 11, 23), date(2026, 12, 1)),    # Mon: Thanksgiving (Thu 26) skipped
    (date(2026, 12, 21), date(2026, 12, 29)),   # Christmas (Fri 25) skipped
    (date(2027, 6, 28), date(2027, 7, 6)),      # Independence Day on a Sunday, observed Mon 5 July
    (date(2026, 12, 28), date(2027, 1, 5)),     # New Year's Day (Fri 1 January) skipped
])
def test_receipt_is_assumed_five_days_later_without_weekends_and_legal_public_holidays(
        sent_on: date, received_on: date) -> None:
    assert assumed_receipt(sent_on) == received_on
    assert (validation_period_end(sent_on) - received_on).days == 30


def test_the_legal_public_holidays_of_5_usc_6103a() -> None:
    holidays = legal_public_holidays(2026)
    expected = {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25), date(2026, 6, 19),
                date(2026, 7, 4), date(2026, 7, 3), date(2026, 9, 7), date(2026, 10, 12), date(2026, 11, 11),
                date(2026, 11, 26), date(2026, 12, 25)}
    assert holidays == expected
    assert date(2020, 6, 19) not in legal_public_holidays(2020)     # Juneteenth became one in 2021
    assert date(2021, 12, 31) in legal_public_holidays(2021)        # New Year's Day 2022 (a Saturday), observed
