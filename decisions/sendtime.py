"""Send times: the earliest moment at or after a given instant that lies inside
every applicable local-time window (the strategy's business hours and any send
window a policy obliges, e.g. 12 CFR 1006.6(b)(1)(i)) in every time zone the
window must hold in.

Local time is read at the send instant itself, zone by zone: a daylight-saving
change between the decision and the send (in the debtor's own zone or in another
zone the debtor may be in) moves the window with it. Reg F comment 6(b)(1)(i)-2:
when the consumer may be in several zones, the hours must hold in every one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["Window", "earliest_send_time", "plan_send_time", "NoSendTime"]

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

    def holds_at(self, local: datetime) -> bool:
        """The local wall-clock moment lies inside the window (start inclusive, end exclusive)."""
        return local.isoweekday() in self.weekdays and self.not_before <= local.time() < self.not_after


def earliest_send_time(start: datetime, timezone: str, windows: list[Window]) -> datetime:
    """The earliest instant >= ``start`` inside all ``windows`` in ``timezone`` (UTC result).

    A window includes its start and excludes its end: "before 9 p.m." (12 CFR 1006.6(b)(1))
    means 21:00 itself is too late."""
    return _earliest(start, [(ZoneInfo(timezone), w) for w in windows])


def plan_send_time(start: datetime, zones: Sequence[str], *, courtesy: Sequence[Window],
                   binding: Sequence[Window] = ()) -> datetime:
    """The send instant for a debtor who may be in any of ``zones`` (the own zone first).

    ``binding`` windows (the law's contact hours) must hold in every zone. ``courtesy`` windows
    (the ladder's business hours) hold in every zone too where the zones share such a moment
    within the search horizon, else in the debtor's own zone only: the policy gate then refuses
    a message planned outside the statutory hours of any zone."""
    zones = tuple(dict.fromkeys(zones))
    infos = [ZoneInfo(z) for z in zones]
    binding_everywhere = [(zone, w) for zone in infos for w in binding]
    try:
        return _earliest(start, [(zone, w) for zone in infos for w in courtesy] + binding_everywhere)
    except NoSendTime:
        if len(infos) == 1:
            raise
    return _earliest(start, [(infos[0], w) for w in courtesy] + binding_everywhere)


def _earliest(start: datetime, constraints: Iterable[tuple[ZoneInfo, Window]]) -> datetime:
    # (1) the windows of one zone intersect into one window (else no moment can satisfy them)
    per_zone: dict[ZoneInfo, Window] = {}
    for zone, window in constraints:
        seen = per_zone.get(zone)
        per_zone[zone] = window if seen is None else Window(
            max(seen.not_before, window.not_before), min(seen.not_after, window.not_after),
            seen.weekdays & window.weekdays)
    if not per_zone:
        return start.astimezone(UTC)
    if any(w.not_before >= w.not_after or not w.weekdays for w in per_zone.values()):
        raise NoSendTime("send windows do not intersect")
    # (2) from `start`, move to the latest of the next openings of the zones whose window does not
    #     hold yet, until every window holds: no moment skipped can be inside all of them
    horizon = start + timedelta(days=_SEARCH_DAYS)
    moment = start.astimezone(UTC)
    while moment < horizon:
        late = [_next_opening(moment, zone, window) for zone, window in per_zone.items()
                if not window.holds_at(moment.astimezone(zone))]
        if not late:
            return moment
        moment = max(late)
    raise NoSendTime("no allowed day within two weeks")


def _next_opening(after: datetime, zone: ZoneInfo, window: Window) -> datetime:
    """The first opening of ``window`` in ``zone`` at or after ``after`` at which it holds, read on
    the zone's clock. A repeated hour opens in both folds; an opening inside a skipped hour
    resolves to a later instant: never too early, at worst a little late."""
    first = after.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS + 1):
        day = first + timedelta(days=offset)
        if day.isoweekday() not in window.weekdays:
            continue
        for fold in (0, 1):
            opening = datetime.combine(day, window.not_before.replace(fold=fold), zone).astimezone(UTC)
            if opening >= after and window.holds_at(opening.astimezone(zone)):
                return opening
    return after + timedelta(days=_SEARCH_DAYS + 1)     # none within the search: past the horizon
