"""Per-API-key rate limits on /v1 (issue 14, item 6): beyond FAIRDUN_API_RATE_LIMIT a key is
answered 429 rate_limited with Retry-After (the request not carried out), another key is
unaffected, the count lives in the database so two app instances (two gunicorn workers) share
it, and the next window starts afresh. Time is the app's clock: no sleeps."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import request_with
from sqlalchemy import func, select

from service.tables import ApiRateCountRow


def test_beyond_the_limit_a_429_with_retry_after_and_nothing_done(make_app: Any, api_keys: Any, auth: Any,
                                                                    clock: Any) -> None:
    client = make_app(API_RATE_LIMIT="3/minute").test_client()
    for _ in range(3):
        assert client.get("/v1/reviews", headers=auth("reviewer")).status_code == 200
    refused = client.post("/v1/decisions", json=request_with(), headers=auth("reviewer"))
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and error["request_id"] == refused.headers["Request-Id"]
    seconds_left = 60 - clock().second   # the window is the clock's minute
    assert refused.headers["Retry-After"] == str(seconds_left)
    assert client.get("/v1/reviews", headers=auth("compliance_officer")).status_code == 200   # another key
    assert client.get("/v1/reviews").status_code == 401          # no key: refused, not counted
    clock.advance(seconds=seconds_left)
    assert client.get("/v1/reviews", headers=auth("reviewer")).status_code == 200   # a new window


def test_two_instances_on_one_database_share_the_count(make_app: Any, api_keys: Any, auth: Any) -> None:
    first, second = (make_app(API_RATE_LIMIT="4/hour").test_client() for _ in range(2))
    for client in (first, second, first, second):
        assert client.get("/v1/legal-holds", headers=auth("compliance_officer")).status_code == 200
    assert second.get("/v1/legal-holds", headers=auth("compliance_officer")).status_code == 429
    assert first.get("/v1/legal-holds", headers=auth("compliance_officer")).status_code == 429
    decided = first.post("/v1/decisions", json=request_with(), headers=auth("ar_system"))
    assert decided.status_code == 201


def test_older_windows_are_removed(make_app: Any, api_keys: Any, auth: Any, clock: Any) -> None:
    app = make_app(API_RATE_LIMIT="100/second")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/v1/reviews", headers=auth("reviewer")).status_code == 200
        clock.advance(seconds=1)
    with app.extensions["fairdun"].db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ApiRateCountRow)) == 1


@pytest.mark.parametrize("setting", ["lots", "10/fortnight"])
def test_a_limit_that_cannot_be_read_stops_the_start(make_app: Any, setting: str) -> None:
    with pytest.raises(ValueError, match="FAIRDUN_API_RATE_LIMIT"):
        make_app(API_RATE_LIMIT=setting)


def test_off_disables_the_limit(make_app: Any, api_keys: Any, auth: Any) -> None:
    client = make_app(API_RATE_LIMIT="off").test_client()
    assert all(client.get("/v1/reviews", headers=auth("reviewer")).status_code == 200 for _ in range(5))
