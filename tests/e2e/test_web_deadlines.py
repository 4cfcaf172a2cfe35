"""The deadline of a data-subject request as the portal and the console show it, compared with
the rights API's ``due_on`` / ``extended_to`` (GDPR Art. 12(3), counted by Reg. 1182/71): the
period ends with the expiry of the last hour of its last day, which the service stores as the
local midnight after that day; the pages must name the last day, never the day after."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from rights_support import HANDOVER
from web_support import access_code, ar_auth, csrf_token, decide, make_staff, portal_sign_in, staff_sign_in

from service.auth import Role, create_api_key

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _officer(app: Any) -> dict[str, str]:
    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="officer", role=Role.COMPLIANCE_OFFICER, now=runtime.clock(),
                         new_id=runtime.new_id)
    return {"Authorization": f"Bearer {key}"}


def _cell_text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.parametrize(("received", "due_on", "extended_to", "zone"), [
    # the example: the portal said 7 January, the console "7 January 2027, 00:00 (CET)"
    ("2026-12-06T10:00:00+00:00", "2027-01-06", "2027-03-08", "CET"),
    # 00:30 in Berlin on 6 December is already the 6th there: the same deadline
    ("2026-12-05T23:30:00+00:00", "2027-01-06", "2027-03-08", "CET"),
    # 22 December 2026 is a Tuesday; three months end on Monday 22 February 2027
    ("2026-11-22T09:30:00+00:00", "2026-12-22", "2027-02-22", "CET"),
])
def test_portal_and_console_show_the_apis_deadline(make_app: Any, clock: Any, received: str, due_on: str,
                                                    extended_to: str, zone: str) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    runtime = app.extensions["fairdun"]
    portal, api = app.test_client(), app.test_client()
    decision = decide(api, ar_auth(app), **HANDOVER)
    clock.now = datetime.fromisoformat(received).astimezone(UTC)
    assert portal_sign_in(portal, access_code(runtime)).status_code == 303
    asked = portal.post(f"/portal/decisions/{decision['decision_id']}/review",
                        data={"csrf_token": csrf_token(portal, "/portal/matters")})
    assert asked.status_code == 303
    officer = _officer(app)
    [item] = api.get("/v1/requests?status=open", headers=officer).json["requests"]
    assert item["due_on"] == due_on                       # the API's last day, counted as the regulation says
    console = app.test_client()
    assert staff_sign_in(console, make_staff(runtime, "officer-1", "compliance_officer")).status_code == 303

    def check(last: str) -> None:
        day = date.fromisoformat(last)
        late = _words(day + timedelta(days=1))
        portal_page = _cell_text(portal.get("/portal/requests").get_data(as_text=True))
        assert f"{_words(day)} " in portal_page + " " and late not in portal_page
        for path in ("/console/requests", f"/console/requests/{item['request_id']}"):
            page = _cell_text(console.get(path).get_data(as_text=True))
            assert f"{_words(day)}, end of day ({zone})" in page, path
            assert late not in page and "00:00" not in page, path

    check(item["due_on"])
    # the review the request opened is due no later than the request (Art. 12(3)); never shown a day late
    case = console.get(f"/console/reviews/{item['case_id']}").get_data(as_text=True)
    review = api.get(f"/v1/reviews/{item['case_id']}", headers=officer).json
    assert review["due_at"] <= item["due_at"]
    console_due = re.search(r"Review due (\d+ \w+ \d{4}), end of day \((\w+)\)", _cell_text(case))
    portal_due = re.search(r"the review is due by (\d+ \w+ \d{4})\.",
                           _cell_text(portal.get(f"/portal/decisions/{decision['decision_id']}").get_data(as_text=True)))
    assert console_due and portal_due and console_due.group(1) == portal_due.group(1)
    assert datetime.strptime(console_due.group(1), "%d %B %Y").date() <= date.fromisoformat(item["due_on"])

    extended = api.post(f"/v1/requests/{item['request_id']}/extension", headers=officer,
                        json={"reason": "complexity", "notice": "we check with the registry office"})
    assert extended.status_code == 200 and extended.json["extended_to"] == extended_to
    check(extended.json["extended_to"])
