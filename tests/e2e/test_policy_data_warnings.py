"""A German base-rate period missing from the deciding bundle (DE-BGB-288 then claims no
interest) is listed by /health under "warnings" without changing its status or status code, and
shown on the console's home page to every staff role; neither appears while the table covers
today."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from web_support import make_staff, staff_sign_in

from decisions.policy import load_bundle

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
# The last day of the shipped base-rate table (30 June 2026 when written: no later rate could be
# verified); late on that day nothing is missing yet, five minutes into the next UTC day it is.
KNOWN_UNTIL = date.fromisoformat(json.loads(load_bundle().data_text)["parameters"]["de_interest"]["known_until"])
COVERED = datetime.combine(KNOWN_UNTIL, time(21, 0), tzinfo=UTC)
UNCOVERED = datetime.combine(KNOWN_UNTIL + timedelta(days=1), time(0, 5), tzinfo=UTC)
MISSING_FROM = (KNOWN_UNTIL + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("now", "warned"), [(COVERED, False), (UNCOVERED, True)])
def test_health_lists_the_missing_base_rate_and_stays_ok(make_app: Any, clock: Any, now: datetime,
                                                         warned: bool) -> None:
    clock.now = now
    health = make_app().test_client().get("/health")

    assert health.status_code == 200 and health.json["status"] == "ok"
    codes = [(w["code"], w["rule"], w["missing_from"]) for w in health.json["warnings"]]
    assert codes == ([("base_rate_period_missing", "DE-BGB-288", MISSING_FROM)] if warned else [])


def test_a_degraded_engine_stays_503_whatever_its_data(make_app: Any, clock: Any) -> None:
    clock.now = UNCOVERED
    health = make_app(POLICY_ENGINE="no-such-engine").test_client().get("/health")

    assert health.status_code == 503 and health.json["status"] == "degraded"
    assert health.json["warnings"] == []     # no bundle decides: the engine's reason says it all


@pytest.mark.parametrize(("now", "warned"), [(COVERED, False), (UNCOVERED, True)])
def test_the_console_home_shows_the_missing_base_rate_to_every_role(make_app: Any, clock: Any, now: datetime,
                                                                    warned: bool) -> None:
    clock.now = now
    app = make_app(WEB_COOKIE_SECURE=False)
    for role in STAFF_ROLES:
        make_staff(app.extensions["fairdun"], role.replace("_", "-"), role)
        client = app.test_client()
        assert staff_sign_in(client, role.replace("_", "-")).status_code == 303
        page = client.get("/console/home").get_data(as_text=True)

        assert ("Policy data needs updating" in page) is warned, role
        assert (f"no German base rate (BGB § 247) from {MISSING_FROM}" in page) is warned, role
