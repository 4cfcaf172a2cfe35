"""Strict field types shared by the request schemas: no coercion of strings to
numbers or numbers to booleans, aware timestamps only, bounded strings."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import pycountry
from marshmallow import ValidationError, fields, validate

from decisions.money import currency_exponent
from ledger.timestamps import parse_rfc3339

from .document import LoneSurrogate, has_lone_surrogate

__all__ = ["StrictBool", "StrictInt", "Text", "Ref", "Timestamp", "Day", "TimeZone", "Jurisdiction",
           "Language", "DecimalString", "CurrencyCode"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEARS = (2000, 2100)


class StrictBool(fields.Boolean):
    """Only JSON ``true``/``false``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise ValidationError("Not a valid boolean (true or false).")
        return value


def StrictInt(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


class Text(fields.String):
    """A string of bounded length without control characters."""

    forbidden = _CONTROL

    def __init__(self, *, max_length: int = 200, min_length: int = 0, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.forbidden.search(text):
            raise ValidationError("Must not contain control characters.")
        if has_lone_surrogate(text):   # the API's loader refuses them first; this holds for CLI input too
            raise ValidationError(LoneSurrogate.problem)
        return text


def Ref(**kwargs: Any) -> Text:
    """An identifier the AR system chose (customer number, invoice number)."""
    return Text(min_length=1, max_length=100, **kwargs)


class Timestamp(fields.AwareDateTime):
    """An RFC 3339 ``date-time`` (§5.6, exactly: ``ledger.timestamps.parse_rfc3339``) between
    2000 and 2100; returned in UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Not a valid RFC 3339 timestamp (e.g. 2026-11-22T09:00:00Z).")
        try:
            moment = parse_rfc3339(value)
        except ValueError as exc:
            raise ValidationError(f"Not a valid RFC 3339 timestamp (e.g. 2026-11-22T09:00:00Z): {exc}.") from None
        if not _YEARS[0] <= moment.year < _YEARS[1]:
            raise ValidationError(f"Must lie between {_YEARS[0]} and {_YEARS[1]}.")
        return moment


class Day(fields.Date):
    """An RFC 3339 ``full-date`` (YYYY-MM-DD, ASCII digits; no week or ordinal dates)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
            raise ValidationError("Not a valid date (YYYY-MM-DD).")
        day = super()._deserialize(value, attr, data, **kwargs)
        if not _YEARS[0] <= day.year < _YEARS[1]:
            raise ValidationError(f"Must lie between {_YEARS[0]} and {_YEARS[1]}.")
        return day


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class TimeZone(fields.String):
    """An IANA time zone name (tz database), e.g. Europe/Berlin."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in _zones():
            raise ValidationError("Not an IANA time zone (e.g. Europe/Berlin).")
        return name


class Jurisdiction(fields.String):
    """ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (US-NY)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", code):
            raise ValidationError("Not an ISO 3166 code (e.g. DE, US-NY).")
        country = code[:2]
        if pycountry.countries.get(alpha_2=country) is None:
            raise ValidationError("Not an ISO 3166-1 country.")
        if "-" in code and pycountry.subdivisions.get(code=code) is None:
            raise ValidationError("Not an ISO 3166-2 subdivision.")
        return code


class Language(fields.String):
    """A BCP 47 primary language tag (ISO 639-1), e.g. de or en."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        tag = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", tag) or pycountry.languages.get(alpha_2=tag[:2]) is None:
            raise ValidationError("Not a language tag (e.g. de, en, en-GB).")
        return tag[:2]


class CurrencyCode(fields.String):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(r"[A-Z]{3}", code) or currency_exponent(code) is None:
            raise ValidationError("Not an ISO 4217 currency with minor units (e.g. EUR).")
        return code


class DecimalString(fields.String):
    """Money as a decimal string ("120.00"); the digits after the point are checked
    against the currency's exponent by the enclosing schema."""

    PATTERN = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not self.PATTERN.fullmatch(text):
            raise ValidationError("Not a decimal string of a non-negative amount (e.g. \"120.00\").")
        return text
