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
from functools import cache

import holidays

__all__ = ["RECEIPT_BUSINESS_DAYS", "VALIDATION_PERIOD_DAYS", "assumed_receipt", "legal_public_holidays",
           "validation_period_end"]

# 12 CFR 1006.34(b)(5): "at least five days (excluding legal public holidays ..., Saturdays, and Sundays)"
RECEIPT_BUSINESS_DAYS = 5
# 12 CFR 1006.34(b)(5): the period ends "30 days after the consumer receives" the information (the
# policy reads the same number from data.json, us_regf_validation.period_days)
VALIDATION_PERIOD_DAYS = 30


@cache
def legal_public_holidays(year: int) -> frozenset[date]:
    """The legal public holidays of 5 U.S.C. 6103(a) in ``year`` (Juneteenth from 2021), and the
    weekdays on which those falling on a weekend are observed (6103(b)), from the ``holidays``
    package's US federal calendar."""
    return frozenset(holidays.US(years=year, observed=True))


def _business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in legal_public_holidays(day.year)


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
