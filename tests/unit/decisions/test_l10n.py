"""Dates, times, money and numbers by locale (Babel), for the PDFs and the web filters: never an
ISO date, a time always with its zone, amounts with the currency where the locale puts it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from decisions import l10n


@pytest.mark.parametrize(("lang", "money", "number", "percent"), [
    ("en", "€2.50", "1,234,567.50", "12.3\u00a0%"),
    ("de", "2,50\u00a0€", "1.234.567,50", "12,3\u00a0%"),
])
def test_money_numbers_and_percentages_by_locale(lang: str, money: str, number: str, percent: str) -> None:
    assert l10n.format_money("2.50", "EUR", lang) == money
    assert l10n.format_money(Decimal("2.5"), "EUR", lang) == money        # the currency's minor digits
    assert l10n.format_number("1234567.50", lang) == number               # a decimal keeps its digits
    assert l10n.format_percent(0.123, lang) == percent
    assert l10n.format_money(None, "EUR", lang) == "" and l10n.format_number(None, lang) == "–"


def test_dates_and_moments_in_words_with_the_zone() -> None:
    moment = datetime(2026, 11, 22, 9, 31, tzinfo=UTC)
    assert l10n.format_day(date(2026, 11, 22), "en") == "22 November 2026"
    assert l10n.format_day("2026-11-22", "de") == "22. November 2026"
    assert l10n.format_moment(moment, "en", "Europe/Berlin") == "22 November 2026, 10:31 (CET)"
    assert l10n.format_moment("2026-11-22T09:31:00Z", "de", "Europe/Berlin") == "22. November 2026, 10:31 (CET)"
    assert l10n.format_moment("2026-07-01T09:31:00Z", "de", "Europe/Berlin") == "1. Juli 2026, 11:31 (CEST)"
    assert l10n.format_moment(moment, "en", "UTC") == "22 November 2026, 09:31 (UTC)"
    # no short name in the language: the zone's own abbreviation, never a long name or an empty one
    assert l10n.format_moment(moment, "en", "Asia/Tokyo").endswith("18:31 (JST)")
    assert l10n.format_moment(moment, "en", "America/Los_Angeles").endswith("01:31 (PST)")
    assert l10n.format_moment(moment, "de", "Europe/London").endswith("09:31 (GMT)")
    # a local date: the day in the zone, not in UTC
    assert l10n.format_day("2026-11-22T23:30:00Z", "en", "Europe/Berlin") == "23 November 2026"
    # a period ending at local midnight is shown as its last day
    assert l10n.format_last_day("2034-12-31T23:00:00Z", "de", "Europe/Berlin") == "31. Dezember 2034"
    assert l10n.format_moment("not a moment", "en") == "not a moment" and l10n.format_moment(None, "en") == ""


def test_iso_dates_in_a_recorded_text_become_words_and_a_time_gets_its_zone() -> None:
    summary = "Reminder 2 by letter, planned for 2026-11-23 09:00: the invoice is 22 days past its due date."
    assert l10n.readable_dates(summary, "en", "Europe/Berlin") == (
        "Reminder 2 by letter, planned for 23 November 2026, 09:00 (CET): the invoice is 22 days past its due date.")
    # without a zone a wall-clock time cannot be named: the date only
    assert l10n.readable_dates("Nächster Schritt am 2026-12-01.", "de", None) == "Nächster Schritt am 1. Dezember 2026."
    assert l10n.readable_dates("no date here, version 2026.12-1", "en", "UTC") == "no date here, version 2026.12-1"


@pytest.mark.parametrize(("accept", "money", "moment"), [
    ("en", "€2.50", "22 November 2026, 10:31 (CET)"),
    ("de", "2,50\u00a0€", "22. November 2026, 10:31 (CET)"),
])
def test_the_web_filters_format_by_the_pages_language(accept: str, money: str, moment: str) -> None:
    from service import web

    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", RIGHTS_TIMEZONE="Europe/Berlin")
    with app.test_request_context("/portal/matters", headers={"Accept-Language": accept}):
        assert web._money("2.50", "EUR") == money
        assert web.moment("2026-11-22T09:31:00Z") == moment
        assert web._time("2026-11-22T09:31:00Z") == moment.split(", ")[-1]
        assert web._day("2026-11-22T23:30:00Z") == ("23 November 2026" if accept == "en" else "23. November 2026")
        assert web._day("2026-10-31") == ("31 October 2026" if accept == "en" else "31. Oktober 2026")
        assert web._number(1234) == ("1,234" if accept == "en" else "1.234")
        assert web._readable("planned for 2026-11-23 09:00") == (
            "planned for 23 November 2026, 09:00 (CET)" if accept == "en" else "planned for 23. November 2026, 09:00 (CET)")
    with app.test_request_context("/console/requests", headers={"Accept-Language": "de"}):
        assert web._money("2.50", "EUR") == "€2.50"            # the console is English
