"""Send times: the earliest moment at or after a given instant that lies inside
every applicable local-time window (the strategy's business hours and any send
window a policy obliges, e.g. 12 CFR 1006.6(b)(1))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["Window", "earliest_send_time", "NoSendTime"]

_SEARCH_DAYS = 14


class NoSendTime(ValueError):
    """The windows do not intersect on any allowed day."""


@dataclass(frozen=True, slots=True)
class Window:
    not_before: time
    not_after: time
    weekdays: frozenset[int] = frozenset(range(1, 8))  # ISO weekdays, Monday = 1

    @classmethod
    def parse(cls, not_before: str, not_after: str, weekdays: list[int] | None = None) -> Window:
        return cls(time.fromisoformat(not_before), time.fromisoformat(not_after),
                   frozenset(weekdays) if weekdays else frozenset(range(1, 8)))


def earliest_send_time(start: datetime, timezone: str, windows: list[Window]) -> datetime:
    """The earliest instant >= ``start`` inside all ``windows`` in ``timezone`` (UTC result).

    A window includes its start and excludes its end: "before 9 p.m." (12 CFR 1006.6(b)(1))
    means 21:00 itself is too late."""
    zone = ZoneInfo(timezone)
    opens = max((w.not_before for w in windows), default=time(0, 0))
    closes = min((w.not_after for w in windows), default=time(23, 59, 59))
    days = frozenset(range(1, 8))
    for window in windows:
        days &= window.weekdays
    if opens >= closes or not days:
        raise NoSendTime("send windows do not intersect")
    local = start.astimezone(zone)
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if day.isoweekday() not in days:
            continue
        begin = datetime.combine(day, opens, zone)
        end = datetime.combine(day, closes, zone)
        candidate = max(begin, local) if offset == 0 else begin
        if candidate < end:
            return candidate.astimezone(UTC)
    raise NoSendTime("no allowed day within two weeks")
