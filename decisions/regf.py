"""Regulation F calendar: when a consumer is assumed to have received a validation notice.

12 CFR 1006.34(b)(5): the validation period ends 30 days after the consumer receives or is
assumed to receive the validation information; a debt collector may assume receipt on any date
at least five days after it provided the information, "excluding legal public holidays identified
in 5 U.S.C. 6103(a), Saturdays, and Sundays". fairdun takes the earliest such date; the 30 days
are the policy's (``policies_rego/data.json`` → ``us_regf_validation``).

The days of 5 U.S.C. 6103(a) are counted, and so is the weekday on which a holiday falling on a
Saturday or Sunday is observed (6103(b)): skipping one day more only moves the assumed receipt,
and with it the end of the validation period, later, in the consumer's favour.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["RECEIPT_BUSINESS_DAYS", "VALIDATION_PERIOD_DAYS", "assumed_receipt", "legal_public_holidays",
           "validation_period_end"]

# 12 CFR 1006.34(b)(5): "at least five days (excluding legal public holidays ..., Saturdays, and Sundays)"
RECEIPT_BUSINESS_DAYS = 5
# 12 CFR 1006.34(b)(5): the period ends "30 days after the consumer receives" the information (the
# policy reads the same number from data.json, us_regf_validation.period_days)
VALIDATION_PERIOD_DAYS = 30
_MONDAY, _THURSDAY, _FRIDAY, _SATURDAY, _SUNDAY = 0, 3, 4, 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def legal_public_holidays(year: int) -> frozenset[date]:
    """The legal public holidays of 5 U.S.C. 6103(a) in ``year``, with their observed weekdays."""
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    moving = [
        _nth_weekday(year, 1, _MONDAY, 3),     # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, _MONDAY, 3),     # Washington's Birthday
        _last_weekday(year, 5, _MONDAY),       # Memorial Day
        _nth_weekday(year, 9, _MONDAY, 1),     # Labor Day
        _nth_weekday(year, 10, _MONDAY, 2),    # Columbus Day
        _nth_weekday(year, 11, _THURSDAY, 4),  # Thanksgiving Day
    ]
    observed = set()
    for day in fixed:
        if day.weekday() == _SATURDAY:
            observed.add(day - timedelta(days=1))
        elif day.weekday() == _SUNDAY:
            observed.add(day + timedelta(days=1))
    return frozenset(fixed) | frozenset(moving) | frozenset(observed)


def _business_day(day: date) -> bool:
    return day.weekday() < _SATURDAY and day not in legal_public_holidays(day.year) \
        and day not in legal_public_holidays(day.year + 1)


def assumed_receipt(sent_on: date) -> date:
    """The earliest day the consumer may be assumed to have received a notice sent on ``sent_on``."""
    day, counted = sent_on, 0
    while counted < RECEIPT_BUSINESS_DAYS:
        day += timedelta(days=1)
        if _business_day(day):
            counted += 1
    return day


def validation_period_end(sent_on: date) -> date:
    """The last day of the validation period of a notice sent on ``sent_on``, as the notice states it
    (12 CFR 1006.34(c)(3)): 30 days after the assumed receipt."""
    return assumed_receipt(sent_on) + timedelta(days=VALIDATION_PERIOD_DAYS)
