from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from decisions.sendtime import NoSendTime, Window, earliest_send_time, plan_send_time

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


# ---- every zone the debtor may be in, read at the send instant --------------------------------
# Reg F 12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2: the hours hold in every possible zone. The
# cases decide on a Saturday evening after the ladder's hours, so the send falls on the Monday,
# after the Sunday's DST change in one of the zones.

LEGAL = Window.parse("08:00", "21:00")


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %H:%M")


def inside_everywhere(moment: datetime, zones: tuple[str, ...], window: Window) -> bool:
    return all(window.holds_at(moment.astimezone(ZoneInfo(z))) for z in zones)


@pytest.mark.parametrize(("start", "zones", "expected"), [
    # US spring forward (Sun 8 Mar 2026): Phoenix keeps MST, so it falls 3 hours behind New York.
    ("2026-03-08T01:00:00Z", ("America/New_York", "America/Phoenix"), "2026-03-09T16:00:00Z"),
    # US fall back (Sun 1 Nov 2026), New York with Los Angeles.
    ("2026-11-01T01:00:00Z", ("America/New_York", "America/Los_Angeles"), "2026-11-02T17:00:00Z"),
    # Between the US (8 Mar) and the EU change (29 Mar 2026) New York is 5 hours behind Berlin,
    # after it 6 hours again; Berlin and London change together.
    ("2026-03-28T19:00:00Z", ("Europe/Berlin", "Europe/London", "America/New_York"), "2026-03-30T13:00:00Z"),
    # EU autumn (25 Oct 2026) before the US one (1 Nov): a week with New York 5 hours behind.
    ("2026-10-24T18:00:00Z", ("Europe/London", "America/New_York"), "2026-10-26T13:00:00Z"),
    # Southern hemisphere: Chile moves to summer time on Sun 6 Sep 2026, Los Angeles does not.
    ("2026-09-05T23:00:00Z", ("America/Santiago", "America/Los_Angeles"), "2026-09-07T16:00:00Z"),
    # Sydney leaves summer time on Sun 5 Apr 2026, Auckland the same morning; Perth never has it.
    ("2026-04-04T09:00:00Z", ("Australia/Sydney", "Australia/Perth"), "2026-04-06T01:00:00Z"),
    # Across the year end: New Year's Eve is a Thursday; Honolulu is 5 hours behind New York.
    ("2026-12-31T23:30:00Z", ("America/New_York", "Pacific/Honolulu"), "2027-01-01T19:00:00Z"),
])
def test_the_ladders_hours_hold_in_every_zone_at_the_send_instant(start: str, zones: tuple[str, ...],
                                                                  expected: str) -> None:
    planned = plan_send_time(at(start), zones, courtesy=[BUSINESS], binding=[LEGAL])
    assert planned == at(expected), [local(planned, z) for z in zones]
    assert inside_everywhere(planned, zones, BUSINESS) and inside_everywhere(planned, zones, LEGAL)
    # one minute earlier the hours fail in at least one zone (or the ladder's day is not open)
    earlier = planned - timedelta(minutes=1)
    assert earlier < at(start) or not (inside_everywhere(earlier, zones, BUSINESS)
                                       and inside_everywhere(earlier, zones, LEGAL))


def test_offsets_of_the_decision_day_would_have_planned_seven_in_phoenix() -> None:
    """The bug this replaces: New York 10:00 on the Monday (New York's 08:00 to 21:00 shifted
    by the Saturday's two-hour offset to Phoenix) is 07:00 in Phoenix."""
    start = at("2026-03-08T01:00:00Z")     # Saturday 20:00 in New York, 18:00 in Phoenix
    old = earliest_send_time(start, "America/New_York", [BUSINESS, Window.parse("10:00", "23:00"), LEGAL])
    assert local(old, "America/Phoenix") == "Mon 07:00"
    new = plan_send_time(start, ("America/New_York", "America/Phoenix"), courtesy=[BUSINESS], binding=[LEGAL])
    assert local(new, "America/Phoenix") == "Mon 09:00" and local(new, "America/New_York") == "Mon 12:00"


def test_the_send_day_is_a_ladder_day_in_every_zone() -> None:
    # Los Angeles and Auckland (21 hours ahead in November) share the ladder's hours from 12:00 to
    # 18:00 in Los Angeles, which is the next morning in Auckland. Saturday noon in Los Angeles is
    # a Sunday in Auckland (no ladder day), so after Friday evening the next moment is Monday.
    start = at("2026-11-21T03:00:00Z")     # Friday 19:00 in Los Angeles
    zones = ("America/Los_Angeles", "Pacific/Auckland")
    planned = plan_send_time(start, zones, courtesy=[BUSINESS])
    assert local(planned, "America/Los_Angeles") == "Mon 12:00" and local(planned, "Pacific/Auckland") == "Tue 09:00"
    assert inside_everywhere(planned, zones, BUSINESS)


def test_zones_without_common_ladder_hours_keep_them_in_the_own_zone_and_the_law_everywhere() -> None:
    # New York and Sydney are 15 hours apart in March: the ladder's 09:00 to 18:00 never
    # overlaps, the law's 08:00 to 21:00 does (New York 17:00 to 21:00 is Sydney 08:00 to 12:00).
    start = at("2026-03-16T12:00:00Z")     # Monday 08:00 in New York
    zones = ("America/New_York", "Australia/Sydney")
    planned = plan_send_time(start, zones, courtesy=[BUSINESS], binding=[LEGAL])
    assert local(planned, "America/New_York") == "Mon 17:00" and local(planned, "Australia/Sydney") == "Tue 08:00"
    assert inside_everywhere(planned, zones, LEGAL)
    only_courtesy = plan_send_time(start, zones, courtesy=[BUSINESS])
    assert local(only_courtesy, "America/New_York") == "Mon 09:00"


def test_a_binding_window_without_a_common_moment_in_every_zone_finds_no_send_time() -> None:
    # 08:00 to 09:00 in New York and in Tokyo (14 hours apart) never coincide; the law's 08:00 to
    # 21:00 always does somewhere (a 13-hour window overlaps itself shifted by any offset).
    zones = ("America/New_York", "Asia/Tokyo")
    with pytest.raises(NoSendTime):
        plan_send_time(at("2026-11-23T09:00:00Z"), zones, courtesy=[BUSINESS], binding=[Window.parse("08:00", "09:00")])
    planned = plan_send_time(at("2026-11-23T09:00:00Z"), zones, courtesy=[], binding=[LEGAL])
    assert local(planned, "America/New_York") == "Mon 18:00" and local(planned, "Asia/Tokyo") == "Tue 08:00"


def test_a_repeated_hour_is_read_as_the_clock_shows_it() -> None:
    # 1 Nov 2026, New York: 01:00 to 02:00 happens twice. A window opening at 01:30 opens at the
    # first 01:30 (05:30 UTC); the second (06:30 UTC) is inside too.
    window = Window.parse("01:30", "01:45")
    assert earliest_send_time(at("2026-11-01T05:00:00Z"), "America/New_York", [window]) == at("2026-11-01T05:30:00Z")
    assert earliest_send_time(at("2026-11-01T05:50:00Z"), "America/New_York", [window]) == at("2026-11-01T06:30:00Z")


def test_a_skipped_hour_is_never_planned_into() -> None:
    # 8 Mar 2026, New York: 02:00 to 03:00 does not exist; the earliest moment at or after 02:30
    # on the clock is after the change, never before it.
    planned = earliest_send_time(at("2026-03-08T06:00:00Z"), "America/New_York", [Window.parse("02:30", "04:00")])
    assert planned.astimezone(ZoneInfo("America/New_York")).time() >= time(3, 0)
    assert planned < at("2026-03-08T08:00:00Z")
