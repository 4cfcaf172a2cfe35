"""Deadlines of data-subject requests (GDPR Art. 12(3)), counted as Regulation (EEC, Euratom)
No 1182/71 counts periods, which applies to the GDPR's periods:

(1) Art. 3(1): the day on which the request is received is not counted; the period runs from
    the day of receipt, in the controller's time zone (``Calendar.timezone``).
(2) Art. 3(2)(c): a period in months ends with the expiry of the last hour of the day in the
    last month that falls on the same date as the day of receipt; when that date does not
    occur in that month (31 January + 1 month), with the expiry of the month's last day.
(3) Art. 3(4): when the last day is a Saturday, a Sunday or a public holiday (of the
    controller's country and, optionally, region: ``holidays``), the period ends with the
    expiry of the last hour of the following working day.

One month for every request; one extension by up to two further months (Art. 12(3) sentence 2),
only with a reasoned notice recorded before the first month ends. The extended deadline is
counted as three months from receipt by the same rules: the two further months attach to the
month that the request already had, and the data subject is never given a date later than
three months after receipt.

Everything takes the moment it needs as an argument: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

__all__ = ["Calendar", "Deadline", "deadline", "sla_state", "MONTHS", "EXTENSION_MONTHS", "DEFAULT_CALENDAR"]

MONTHS = 1              # GDPR Art. 12(3) sentence 1
EXTENSION_MONTHS = 2    # GDPR Art. 12(3) sentence 2: "by two further months"


@dataclass(frozen=True)
class Calendar:
    """The controller's calendar: time zone and public holidays (ISO 3166 country, optional
    subdivision, e.g. ``DE`` and ``BY``). ``country=None`` counts only weekends."""

    timezone: str = "Europe/Berlin"
    country: str | None = "DE"
    subdivision: str | None = None
    _cache: dict[int, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if self.country is None:
            return True
        if day.year not in self._cache:
            self._cache[day.year] = holidays.country_holidays(self.country, subdiv=self.subdivision, years=day.year)
        return day not in self._cache[day.year]

    def working_day_from(self, day: date) -> date:
        """``day`` itself, or the next working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def end_of(self, day: date) -> datetime:
        """The instant the last hour of ``day`` expires (local midnight after it), in UTC."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)

    @classmethod
    def parse(cls, timezone: str, holidays_code: str | None) -> Calendar:
        """From configuration: ``holidays_code`` ``DE``, ``DE-BY`` or ``none``."""
        if holidays_code is None or holidays_code.strip().lower() in ("", "none"):
            return cls(timezone=timezone, country=None)
        country, _, subdivision = holidays_code.strip().partition("-")
        try:
            holidays.country_holidays(country, subdiv=subdivision or None)
        except NotImplementedError as exc:   # the library's answer to a code it does not know
            raise ValueError(f"unknown public-holiday calendar {holidays_code!r} (e.g. DE, DE-BY or none)") from exc
        ZoneInfo(timezone)
        return cls(timezone=timezone, country=country, subdivision=subdivision or None)


DEFAULT_CALENDAR = Calendar()


@dataclass(frozen=True, slots=True)
class Deadline:
    last_day: date        # the day whose last hour ends the period (after Art. 3(4))
    ends_at: datetime     # the instant it ends (UTC)


def deadline(received_at: datetime, *, months: int = MONTHS, calendar: Calendar = DEFAULT_CALENDAR) -> Deadline:
    """The end of a period of ``months`` months for a request received at ``received_at``."""
    # (1) the period runs from the day of receipt, which itself is not counted
    received_on = calendar.local_date(received_at)
    # (2) the same date ``months`` later, or the last day of that month when it has no such date
    nominal = received_on + relativedelta(months=months)
    # (3) a Saturday, Sunday or public holiday moves the end to the next working day
    last_day = calendar.working_day_from(nominal)
    return Deadline(last_day=last_day, ends_at=calendar.end_of(last_day))


def sla_state(opened_at: datetime, due_at: datetime, now: datetime) -> str:
    """``overdue`` once the deadline has passed; ``due_soon`` in the last quarter of the time
    allowed (at least the last day); ``on_time`` before."""
    if now >= due_at:
        return "overdue"
    remaining = due_at - now
    if remaining <= max((due_at - opened_at) / 4, timedelta(days=1)):
        return "due_soon"
    return "on_time"
