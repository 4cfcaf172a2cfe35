from datetime import UTC, datetime

import pytest

from decisions.sendtime import NoSendTime, Window, earliest_send_time

BUSINESS = Window.parse("09:00", "18:00", [1, 2, 3, 4, 5, 6])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_inside_the_window_sends_at_once() -> None:
    start = at("2026-11-23T10:15:00+01:00")  # Monday, Berlin
    assert earliest_send_time(start, "Europe/Berlin", [BUSINESS]) == start


def test_before_opening_waits_for_opening_local_time() -> None:
    start = at("2026-11-23T06:00:00+01:00")
    assert earliest_send_time(start, "Europe/Berlin", [BUSINESS]) == at("2026-11-23T09:00:00+01:00")


def test_after_closing_moves_to_next_allowed_day_skipping_sunday() -> None:
    start = at("2026-11-21T19:00:00+01:00")  # Saturday evening
    assert earliest_send_time(start, "Europe/Berlin", [BUSINESS]) == at("2026-11-23T09:00:00+01:00")


def test_windows_intersect() -> None:
    legal = Window.parse("08:00", "21:00")
    late_open = Window.parse("10:30", "20:00")
    start = at("2026-11-23T09:00:00-05:00")  # New York, Monday
    assert earliest_send_time(start, "America/New_York", [BUSINESS, legal, late_open]) == at(
        "2026-11-23T10:30:00-05:00")


def test_local_time_follows_daylight_saving() -> None:
    # 2026-03-29 is the EU switch to summer time: 09:00 Berlin is 07:00 UTC that day.
    start = at("2026-03-29T05:00:00+00:00")
    assert earliest_send_time(start, "Europe/Berlin", [Window.parse("09:00", "18:00")]) == at(
        "2026-03-29T07:00:00+00:00")


def test_disjoint_windows_are_refused() -> None:
    with pytest.raises(NoSendTime):
        earliest_send_time(at("2026-11-23T09:00:00Z"), "UTC",
                           [Window.parse("08:00", "10:00"), Window.parse("11:00", "12:00")])


def test_the_end_of_a_window_is_already_outside_it() -> None:
    # "before 9 p.m.": at 21:00 sharp the next morning is the earliest time.
    start = at("2026-11-23T21:00:00-05:00")
    legal = Window.parse("08:00", "21:00")
    assert earliest_send_time(start, "America/New_York", [legal]) == at("2026-11-24T08:00:00-05:00")
