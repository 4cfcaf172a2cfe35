"""Timestamps in requests are RFC 3339 §5.6 ``date-time``, exactly (issue 13): no ISO 8601
basic format or week dates, no dropped nanoseconds. Each row goes through ``POST /v1/events``
(``at`` is echoed back in UTC, so an accepted row shows the instant it was read as); one
decision shows the same rule on ``as_of``. Dates (``YYYY-MM-DD``) are RFC 3339 ``full-date``."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import ledger_kinds, request_with

from ledger.timestamps import parse_rfc3339, rfc3339

EVENT = {"type": "contact_attempt", "debtor_ref": "C-10023", "invoice_ref": "INV-42", "channel": "phone",
         "connected": False}

ACCEPTED = [   # (sent, read as, in UTC)
    ("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z"),
    ("2026-11-21t10:00:00z", "2026-11-21T10:00:00Z"),                 # §5.6 NOTE: T and Z in lower case
    ("2026-11-21T11:30:00+01:30", "2026-11-21T10:00:00Z"),
    ("2026-11-21T05:00:00-05:00", "2026-11-21T10:00:00Z"),
    ("2026-11-21T10:00:00-00:00", "2026-11-21T10:00:00Z"),            # §4.3: UTC, local offset unknown
    ("2026-11-21T10:00:00+00:00", "2026-11-21T10:00:00Z"),
    ("2026-11-21T10:00:00.5Z", "2026-11-21T10:00:00.500000Z"),
    ("2026-11-21T10:00:00.123456Z", "2026-11-21T10:00:00.123456Z"),
    ("2026-11-21T10:00:00.123456000Z", "2026-11-21T10:00:00.123456Z"),  # zeros past microseconds lose nothing
    ("2026-11-21T10:00:00.000000000000Z", "2026-11-21T10:00:00Z"),
    ("2026-11-21T23:59:59.999999+23:59", "2026-11-21T00:00:59.999999Z"),
    ("2024-02-29T10:00:00Z", "2024-02-29T10:00:00Z"),                 # a leap day
]

REJECTED = [   # (sent, words of the reason)
    ("20261121T100000Z", "not an RFC 3339"),                           # ISO 8601 basic format
    ("2026-W47-6T10:00:00Z", "not an RFC 3339"),                       # ISO 8601 week date
    ("2026-325T10:00:00Z", "not an RFC 3339"),                         # ISO 8601 ordinal date
    ("2026-11-21 10:00:00Z", "not an RFC 3339"),                       # space for T
    ("2026-11-21T10:00:00", "not an RFC 3339"),                        # no offset
    ("2026-11-21T10:00Z", "not an RFC 3339"),                          # no seconds
    ("2026-11-21T10:00:00+0100", "not an RFC 3339"),                   # offset without colon
    ("2026-11-21T10:00:00+01", "not an RFC 3339"),
    ("2026-11-21T10:00:00UTC", "not an RFC 3339"),
    ("2026-11-21T10:00:00.Z", "not an RFC 3339"),                      # a point without digits
    ("2026-11-21T10:00:00,5Z", "not an RFC 3339"),                     # ISO 8601 decimal comma
    ("+2026-11-21T10:00:00Z", "not an RFC 3339"),                      # expanded year
    ("\uff12\uff10\uff12\uff16-11-21T10:00:00Z", "not an RFC 3339"),   # fullwidth digits
    ("2026-11-21T10:00:00Z\n", "not an RFC 3339"),
    (" 2026-11-21T10:00:00Z", "not an RFC 3339"),
    ("2026-11-21", "not an RFC 3339"),
    ("2026-11-21T10:00:00.123456789Z", "6 fractional digits"),         # nanoseconds would be cut off
    ("2026-11-21T10:00:00.1234561Z", "6 fractional digits"),
    ("2026-11-21T23:59:60Z", "leap second"),
    ("2026-02-29T10:00:00Z", "day is out of range"),
    ("2026-11-31T10:00:00Z", "day is out of range"),
    ("2026-13-01T10:00:00Z", "month must be in 1..12"),
    ("2026-11-21T24:00:00Z", "hour must be in 0..23"),
    ("2026-11-21T10:60:00Z", "minute must be in 0..59"),
    ("2026-11-21T10:00:00+24:00", "offset"),
    ("2026-11-21T10:00:00+01:60", "offset"),
]


def _report(client: Any, auth: Any, at: Any) -> Any:
    return client.post("/v1/events", json={**EVENT, "at": at}, headers=auth("ar_system"))


def test_rfc3339_date_times_are_read_as_the_instant_they_name(client: Any, auth: Any) -> None:
    for sent, utc in ACCEPTED:
        response = _report(client, auth, sent)
        assert response.status_code == 201, (sent, response.json)
        assert response.json["at"] == utc, sent


def test_anything_else_is_refused_naming_the_field_and_why(client: Any, auth: Any, app: Any) -> None:
    for sent, reason in [*REJECTED, (1795082400, "RFC 3339"), (None, "null")]:
        response = _report(client, auth, sent)
        assert response.status_code == 422, (sent, response.json)
        messages = response.json["error"]["fields"]["at"]
        assert any(reason in message for message in messages), (sent, messages)
    assert ledger_kinds(app) == []


def test_the_rule_holds_for_every_timestamp_field(client: Any, auth: Any, app: Any) -> None:
    week_date = "2026-W47-7T09:00:00Z"
    for field, body in (("as_of", request_with(as_of=week_date)),
                        ("history.dunning.0.at", request_with(**{"history.dunning": [
                            {"at": week_date, "kind": "reminder", "level": 1, "channel": "email"}]})),
                        ("history.contacts.0.at", request_with(**{"history.contacts": [
                            {"at": week_date, "channel": "phone", "connected": False}]}))):
        response = client.post("/v1/decisions", json=body, headers=auth("ar_system"))
        assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]
    assert ledger_kinds(app) == []


@pytest.mark.parametrize("day", ["2026-W47-6", "2026-325", "20261121", "2026-11-21T00:00:00Z",
                                 "\uff12\uff10\uff12\uff16-11-21", "2026-02-29"])
def test_dates_are_rfc3339_full_dates(client: Any, auth: Any, day: str) -> None:
    response = client.post("/v1/events", headers=auth("ar_system"), json={
        "type": "promise_to_pay", "at": "2026-11-21T10:00:00Z", "debtor_ref": "C-10023", "invoice_ref": "INV-42",
        "on_date": day})
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["on_date"], response.json


def test_the_parser_is_the_one_the_rest_of_fairdun_reads_with() -> None:
    """The CLI's --as-of/--now and the web surfaces parse with ``ledger.timestamps.parse_rfc3339``
    too: the same table holds there."""
    for sent, utc in ACCEPTED:
        assert rfc3339(parse_rfc3339(sent)) == utc, sent
    for sent, reason in REJECTED:
        with pytest.raises(ValueError, match=reason.replace(".", r"\.")):
            parse_rfc3339(sent)
