"""Deadlines on the pages: the instant a period expires (``Calendar.end_of``, local midnight after
its last day, Reg. 1182/71 Art. 3(2)(c)) is shown as that last day, never the day after, in the
controller's zone on either side of a daylight-saving change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from decisions.rights._common import iso
from decisions.rights.deadlines import Calendar
from service.web import due_day, due_moment

CASES = [
    # last day, the portal (en, de), the console
    (date(2027, 1, 6), "6 January 2027", "6. Januar 2027", "6 January 2027, end of day (CET)"),
    (date(2027, 3, 27), "27 March 2027", "27. März 2027", "27 March 2027, end of day (CET)"),
    (date(2027, 3, 28), "28 March 2027", "28. März 2027", "28 March 2027, end of day (CEST)"),   # clocks go forward
    (date(2027, 7, 12), "12 July 2027", "12. Juli 2027", "12 July 2027, end of day (CEST)"),
    (date(2027, 10, 31), "31 October 2027", "31. Oktober 2027", "31 October 2027, end of day (CET)"),  # and back
]


def _app(zone: str = "Europe/Berlin") -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", RIGHTS_TIMEZONE=zone)
    return app


@pytest.mark.parametrize(("last", "english", "german", "console"), CASES)
def test_a_deadline_is_shown_as_its_last_day(last: date, english: str, german: str, console: str) -> None:
    ends = Calendar(timezone="Europe/Berlin").end_of(last)
    assert ends.date() in (last, last + timedelta(days=1))      # stored as an instant around midnight UTC
    app = _app()
    for text in (ends, iso(ends)):                       # a datetime, or the API's RFC 3339 string
        with app.test_request_context("/portal/requests", headers={"Accept-Language": "en"}):
            assert due_day(text) == english
        with app.test_request_context("/portal/requests", headers={"Accept-Language": "de"}):
            assert due_day(text) == german
        with app.test_request_context("/console/requests"):
            assert due_moment(text) == console


def test_the_day_is_the_controllers_not_utcs() -> None:
    """The same instant is the end of 6 January in Berlin and in Lisbon an hour before it."""
    ends = Calendar(timezone="Europe/Berlin").end_of(date(2027, 1, 6))      # 2027-01-06T23:00Z
    with _app("Europe/Lisbon").test_request_context("/console/requests"):
        assert due_moment(ends) == "6 January 2027, end of day (WET)"
    with _app("Asia/Tokyo").test_request_context("/console/requests"):
        assert due_moment(ends) == "7 January 2027, end of day (JST)"


def test_nothing_and_nonsense() -> None:
    with _app().test_request_context("/console/requests"):
        assert due_day(None) == "" and due_moment("") == ""
        assert due_day("not a date") == "not a date" and due_moment("not a date") == "not a date"
