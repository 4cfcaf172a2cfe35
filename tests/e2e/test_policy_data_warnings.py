"""A German base-rate period missing from the deciding bundle (DE-BGB-288 then claims no
interest) is listed by /health under "warnings" without changing its status or status code, and
shown on the console's home page to every staff role; neither appears while the table covers
today."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from web_support import make_staff, staff_sign_in

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
# The shipped table ends on 30 June 2026 (no later rate could be verified).
COVERED, UNCOVERED = datetime(2026, 6, 30, 21, 0, tzinfo=UTC), datetime(2026, 7, 1, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(("now", "warned"), [(COVERED, False), (UNCOVERED, True)])
def test_health_lists_the_missing_base_rate_and_stays_ok(make_app: Any, clock: Any, now: datetime,
                                                         warned: bool) -> None:
    clock.now = now
    health = make_app().test_client().get("/health")

    assert health.status_code == 200 and health.json["status"] == "ok"
    codes = [(w["code"], w["rule"], w["missing_from"]) for w in health.json["warnings"]]
    assert codes == ([("base_rate_period_missing", "DE-BGB-288", "2026-07-01")] if warned else [])


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
        assert ("no German base rate (BGB § 247) from 2026-07-01" in page) is warned, role
