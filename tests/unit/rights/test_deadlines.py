"""Art. 12(3) deadlines counted as Regulation 1182/71 counts them, with injected moments: month
ends (31 January), leap years (29 February), year ends, weekends, public holidays, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from decisions.rights.deadlines import Calendar, deadline, sla_state

BERLIN = Calendar()                       # Europe/Berlin, German public holidays
NO_HOLIDAYS = Calendar(country=None)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("received", "months", "last_day"), [
    # Art. 3(2)(c): the same date a month later
    ("2026-03-10T10:00+01:00", 1, date(2026, 4, 10)),                 # a Friday
    # 31 January: February has no 31st -> its last day; 28 Feb 2026 is a Saturday -> Monday (Art. 3(4))
    ("2026-01-31T10:00+01:00", 1, date(2026, 3, 2)),
    # leap year: 31 January 2028 -> 29 February 2028 (a Tuesday)
    ("2028-01-31T10:00+01:00", 1, date(2028, 2, 29)),
    # received on 29 February 2028 -> 29 March 2028
    ("2028-02-29T10:00+01:00", 1, date(2028, 3, 29)),
    # year end: 15 December -> 15 January of the next year
    ("2026-12-15T10:00+01:00", 1, date(2027, 1, 15)),
    # 1 December -> 1 January 2027 is New Year's Day (a Friday) -> Monday 4 January
    ("2026-12-01T10:00+01:00", 1, date(2027, 1, 4)),
    # 30 November + 3 months -> 28 February 2027, a Sunday -> Monday 1 March
    ("2026-11-30T10:00+01:00", 3, date(2027, 3, 1)),
    # 31 January + 3 months -> 30 April 2026 (a Thursday; 1 May is a holiday, not reached)
    ("2026-01-31T10:00+01:00", 3, date(2026, 4, 30)),
    # Good Friday 2027 is 26 March: received 26 February -> Easter Monday 29 March -> Tuesday 30 March
    ("2027-02-26T10:00+01:00", 1, date(2027, 3, 30)),
])
def test_a_period_in_months_ends_on_the_same_date_or_the_next_working_day(received: str, months: int,
                                                                          last_day: date) -> None:
    assert deadline(at(received), months=months, calendar=BERLIN).last_day == last_day


def test_the_day_of_receipt_is_the_controllers_local_day() -> None:
    # 23:30 UTC on 31 January is already 1 February in Berlin: the period runs from 1 February
    late = deadline(at("2026-01-31T23:30+00:00"), calendar=BERLIN)
    assert late.last_day == date(2026, 3, 2)        # 1 March 2026 is a Sunday
    early = deadline(at("2026-01-30T22:59+00:00"), calendar=BERLIN)   # 23:59 on 30 January in Berlin
    assert early.last_day == date(2026, 3, 2)       # 30 February does not exist -> 28th (Sat) -> Monday


def test_the_period_ends_at_local_midnight_after_its_last_day() -> None:
    summer = deadline(at("2026-06-10T12:00+02:00"), calendar=BERLIN)
    assert summer.last_day == date(2026, 7, 10)
    assert summer.ends_at == datetime(2026, 7, 10, 22, 0, tzinfo=UTC)   # CEST
    winter = deadline(at("2026-11-10T12:00+01:00"), calendar=BERLIN)
    assert winter.ends_at == datetime(2026, 12, 10, 23, 0, tzinfo=UTC)  # CET


def test_holidays_are_those_configured() -> None:
    # 3 October 2026 (German Unity Day) is a Saturday; 3 October 2027 a Sunday: Monday either way.
    # Corpus Christi (Fronleichnam) 2027 is 27 May: a holiday in Bavaria, not nationwide.
    received = at("2027-04-27T10:00+02:00")
    assert deadline(received, calendar=BERLIN).last_day == date(2027, 5, 27)
    assert deadline(received, calendar=Calendar.parse("Europe/Berlin", "DE-BY")).last_day == date(2027, 5, 28)
    assert deadline(at("2026-12-25T10:00+01:00"), calendar=NO_HOLIDAYS).last_day == date(2027, 1, 25)


def test_an_unknown_holiday_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown public-holiday calendar 'XX'"):
        Calendar.parse("Europe/Berlin", "XX")
    assert Calendar.parse("Europe/Berlin", "none").country is None


def test_sla_state_by_the_share_of_time_left() -> None:
    opened = at("2026-11-01T00:00+00:00")
    due = opened + timedelta(days=28)
    assert sla_state(opened, due, opened + timedelta(days=10)) == "on_time"
    assert sla_state(opened, due, due - timedelta(days=7)) == "due_soon"   # the last quarter
    assert sla_state(opened, due, due) == "overdue"
    short = opened + timedelta(days=2)
    assert sla_state(opened, short, opened + timedelta(hours=23)) == "on_time"
    assert sla_state(opened, short, opened + timedelta(hours=25)) == "due_soon"  # at least the last day
