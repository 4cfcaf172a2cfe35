"""Dates, times, money and numbers as people read them, by locale, with Babel (CLDR data).

One place for what the portal, the console, the letters and the reports show: never an ISO date,
a time always with its zone, amounts with the currency's symbol where the locale puts it
("2,50 €" in German, "€2.50" in English), numbers with the locale's separators. Nothing reads
the host's locale or the clock: the language (``en``/``de``, or a Babel locale such as
``de_AT``) and the zone are arguments.

The formats are CLDR's: a date is the locale's long date ("22 November 2026", "22. November
2026"), a moment that date with ``HH:mm`` and the zone's abbreviation in brackets
("22 November 2026, 10:31 (CET)", "22. November 2026, 10:31 (CET)"): the zone's own abbreviation
in every language (CET, GMT, JST, PST; as the portal writes it), else its offset.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["locale_of", "format_money", "format_number", "format_percent", "format_day", "format_moment",
           "format_time_of_day", "zone_abbreviation", "format_last_day", "to_date", "to_moment", "readable_dates", "DASH"]

DASH = "–"
# The language's locale when no country is known: British English (day before month, 24-hour
# clock, as the portal has always written dates) and German as written in Germany.
_DEFAULT_LOCALES = {"en": "en_GB", "de": "de_DE"}


@cache
def locale_of(lang: str | None) -> Any:
    """Babel's locale for ``lang``: ``en``/``de`` (any other language: English) or a full locale
    identifier such as ``de_AT`` or ``en-US``."""
    from babel import Locale, UnknownLocaleError

    text = (lang or "en").replace("-", "_")
    if "_" in text:
        try:
            return Locale.parse(text)
        except (UnknownLocaleError, ValueError):
            text = text.split("_", 1)[0]
    return Locale.parse(_DEFAULT_LOCALES.get(text.lower()[:2], "en_GB"))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def format_money(amount: Any, currency: Any, lang: str | None = "en") -> str:
    """``2.50 EUR`` as ``2,50 €`` (de) or ``€2.50`` (en), with the currency's minor digits;
    None or an empty amount: ``""``; an amount that is not a number is returned as given."""
    from babel.numbers import format_currency

    decimal = _decimal(amount)
    if decimal is None:
        return "" if amount is None or amount == "" else f"{amount} {currency or ''}".strip()
    if not currency:
        return format_number(decimal, lang)
    try:
        return str(format_currency(decimal, str(currency), locale=locale_of(lang)))
    except (ValueError, KeyError):    # a code CLDR does not know: the number, then the code
        return f"{format_number(decimal, lang)} {currency}"


def format_number(value: Any, lang: str | None = "en", digits: int | None = None) -> str:
    """A number with the locale's separators: integers as they are, decimals keeping their
    digits (``1234.50`` -> ``1,234.50`` / ``1.234,50``) unless ``digits`` fixes them; None: ``–``."""
    from babel.numbers import format_decimal

    if value is None:
        return DASH
    if isinstance(value, int) and not isinstance(value, bool) and digits is None:
        return str(format_decimal(value, locale=locale_of(lang)))
    decimal = _decimal(value)
    if decimal is None:
        return str(value)
    if digits is None:
        exponent = decimal.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(decimal, format=pattern, locale=locale_of(lang), decimal_quantization=True))


def format_percent(ratio: Any, lang: str | None = "en", digits: int = 1) -> str:
    """A ratio (0.123) as a percentage (``12.3 %`` / ``12,3 %``); None: ``–``."""
    from babel.numbers import format_percent as babel_percent

    decimal = _decimal(ratio)
    if decimal is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%"
    return str(babel_percent(decimal, format=pattern, locale=locale_of(lang), decimal_quantization=True))


def to_date(value: Any) -> date | None:
    """A date from a ``date``, a ``YYYY-MM-DD`` string or the date of a moment given in UTC."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def to_moment(value: Any) -> datetime | None:
    """An aware datetime from a datetime (naive: UTC) or an RFC 3339 / ISO 8601 string."""
    from datetime import UTC

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _zone(zone: str | ZoneInfo | None) -> ZoneInfo:
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_day(value: Any, lang: str | None = "en", zone: str | ZoneInfo | None = None) -> str:
    """A date in words (``22 November 2026`` / ``22. November 2026``); a moment is first taken to
    ``zone`` (its local date there). None or empty: ``""``; what is no date is returned as given."""
    from babel.dates import format_date

    if value is None or value == "":
        return ""
    moment = to_moment(value)
    day = moment.astimezone(_zone(zone)).date() if moment is not None and zone is not None else to_date(value)
    if day is None:
        return str(value)
    return str(format_date(day, format="long", locale=locale_of(lang)))


def zone_abbreviation(local: datetime, lang: str | None = "en") -> str:
    """The zone of the aware ``local`` as the portal, the console and the documents write it in every
    language: the zone's own abbreviation (CET, CEST, GMT, JST, PST: the one the IANA database
    gives, as ``decisions.rights.matters`` writes it too), else CLDR's short name in the language,
    else its offset (+0530)."""
    from babel.dates import format_time

    own = local.tzname() or ""
    if own.isalpha():
        return own
    return str(format_time(local, "zzz", tzinfo=local.tzinfo, locale=locale_of(lang)))


def format_time_of_day(value: Any, lang: str | None = "en", zone: str | ZoneInfo | None = None) -> str:
    """``10:31 (CET)``: the time in ``zone`` (default UTC) with the zone."""
    moment = to_moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    local = moment.astimezone(_zone(zone))
    return f"{local:%H:%M} ({zone_abbreviation(local, lang)})"


def format_moment(value: Any, lang: str | None = "en", zone: str | ZoneInfo | None = None) -> str:
    """A moment as its local date and time in ``zone`` (default UTC), always with the zone:
    ``22 November 2026, 10:31 (CET)`` / ``22. November 2026, 10:31 (CET)``. A plain date is
    shown as a date; None or empty: ``""``; what is neither is returned as given."""
    from babel.dates import format_date

    if value is None or value == "":
        return ""
    moment = to_moment(value)
    if moment is None:
        return format_day(value, lang) if to_date(value) is not None and not isinstance(value, datetime) \
            else str(value)
    local = moment.astimezone(_zone(zone))
    day = format_date(local.date(), format="long", locale=locale_of(lang))
    return f"{day}, {local:%H:%M} ({zone_abbreviation(local, lang)})"


def format_last_day(end: Any, lang: str | None = "en", zone: str | ZoneInfo | None = None) -> str:
    """A period that ends at the instant ``end`` (local midnight after its last day) as that last
    day in ``zone``: the day of the moment just before ``end``."""
    moment = to_moment(end)
    if moment is None:
        return format_day(end, lang)
    return format_day(moment - timedelta(microseconds=1), lang, zone or "UTC")


_ISO_IN_TEXT = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(?::\d{2})?)?\b")


def readable_dates(text: str, lang: str | None, zone: str | ZoneInfo | None) -> str:
    """A recorded text (a decision's summary: "planned for 2026-11-23 09:00", a time local to the
    debtor's ``zone``) with its ISO dates in words and each time with its zone: "planned for
    23 November 2026, 09:00 (CET)". Without a zone a time cannot be named: only the date is kept."""
    def words(match: re.Match[str]) -> str:
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            return match.group(0)
        if match.group(2) and zone is not None:
            hour, minute = (int(part) for part in match.group(2).split(":"))
            local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_zone(zone))
            return format_moment(local, lang, zone)
        return format_day(day, lang)

    return _ISO_IN_TEXT.sub(words, text)
