"""RFC 3339 timestamps, always in UTC with a ``Z``: the one textual form of time in fairdun."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["rfc3339", "parse_rfc3339", "as_utc"]


def rfc3339(moment: datetime) -> str:
    """``2026-11-22T09:00:00Z``, with microseconds only when there are any."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: fairdun only handles aware times")
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# RFC 3339 §5.6 ``date-time``, exactly: ``T`` and ``Z`` in either case (§5.6 NOTE), an offset
# always, ASCII digits only (no week dates, no basic format, no space for ``T``).
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))")


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 ``date-time`` as an aware UTC datetime; ``ValueError`` saying why not.

    Beyond the grammar: fractional digits past the sixth (Python's microsecond) must be zeros,
    since dropping them would move the instant unnoticed; a leap second (``:60``) is refused,
    since Python's time has none to keep it in; ``-00:00`` (§4.3, offset unknown) is UTC."""
    match = _DATE_TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError("not an RFC 3339 date-time (e.g. 2026-11-22T09:00:00Z)")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, sign, offset_hour, offset_minute = match.groups()[6:]
    if fraction and fraction[6:].strip("0"):
        raise ValueError("more than 6 fractional digits of a second: finer than a microsecond is not kept")
    if second == 60:
        raise ValueError("a leap second (:60) cannot be represented; send :59")
    offset = timedelta(0)
    if sign:
        if int(offset_hour) > 23 or int(offset_minute) > 59:
            raise ValueError("the offset must lie between -23:59 and +23:59")
        offset = timedelta(hours=int(offset_hour), minutes=int(offset_minute)) * (-1 if sign == "-" else 1)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone(offset))   # checks the ranges
    return moment.astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones;
    everything fairdun stores is UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
