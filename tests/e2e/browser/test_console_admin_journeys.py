"""The console's request work and administration as officers and admins do it, in headless
Chromium (SQLite and PostgreSQL): extending, resolving and answering subject requests, creating
and revoking an API key, creating and disabling a staff account, starting a ledger
verification. Every page is checked with axe-core and for reflow at 390 and 320 px (``Visitor``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rights_support import HANDOVER, entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from web_support import OTHER, ar_auth, decide, make_staff

from decisions import rights
from service.auth import list_api_keys

from .visitor import Visitor, row_of, sign_out, staff_signs_in

pytestmark = pytest.mark.browser

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _pick(visitor: Visitor, element_id: str, value: str) -> None:
    Select(visitor.driver.find_element(By.ID, element_id)).select_by_value(value)


def _deadline(visitor: Visitor) -> tuple[str, str]:
    shown = visitor.driver.find_element(By.CSS_SELECTOR, "dd span[data-due-on]")
    return str(shown.get_attribute("data-due-on")), shown.text


def _names(text: str, day: date) -> bool:
    return str(day.day) in text.split(",")[0] and MONTHS[day.month - 1] in text and str(day.year) in text


def test_an_officer_extends_resolves_and_answers_subject_requests(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    theirs = decide(client, auth, **{**OTHER, **HANDOVER})
    subject = runtime.pseudonyms.subject("C-10023")
    rectification = rights.request_rectification(runtime.rights, subject, concerns="address",
                                                 statement="I moved to Hamburg", channel="portal", actor="portal")
    review = rights.request_review(runtime.rights, runtime.pseudonyms.subject("C-20000"),
                                   decision_id=theirs["decision_id"], statement="Please look again",
                                   channel="portal", actor="portal")
    staff_signs_in(visitor, make_staff(runtime, "officer", "compliance_officer"))

    # (1) The deadline reads as the API's due_on; an extension with too short a notice is refused.
    visitor.click("Subject requests")
    visitor.click(f"Request {rectification['request_id'][:8]}")
    due_on, words = _deadline(visitor)
    assert due_on == rectification["due_on"] and _names(words, date.fromisoformat(due_on)) and "(CET)" in words
    _pick(visitor, "reason", "complexity")
    visitor.send("Extend the deadline", notice="later")
    assert "There is a problem" in visitor.main
    assert visitor.driver.find_element(By.ID, "notice").get_attribute("aria-invalid") == "true"
    assert rights.get_request(runtime.rights, rectification["request_id"])["extended_to"] is None

    # (2) Extended with a reasoned notice: the new last day is the API's extended_to.
    _pick(visitor, "reason", "complexity")
    visitor.send("Extend the deadline", notice="We need to check the new address with the creditor.")
    assert "Request extended: the deadline is now" in visitor.main
    extended = rights.get_request(runtime.rights, rectification["request_id"])["extended_to"]
    due_on, words = _deadline(visitor)
    assert due_on == extended and _names(words, date.fromisoformat(extended))
    assert "Extend the deadline" not in visitor.main

    # (3) Resolved: the restriction lifts and the request is fulfilled.
    _pick(visitor, "resolution", "rectified")
    visitor.send("Resolve the request", rationale="The AR system holds the new address now.")
    assert "Request resolved: rectified" in visitor.main and "fulfilled: rectified" in visitor.main
    assert entries(runtime, "rectification_resolved")[-1]["body"]["actor"].startswith("staff:")

    # (4) A review request is answered through its case.
    visitor.click("Subject requests")
    visitor.click(f"Request {review['request_id'][:8]}")
    assert "Respond" in visitor.main
    visitor.click(f"open case {review['case_id'][:8]}")
    assert "Please look again" in visitor.main

    # (5) A look-up of a person's data for one's own work needs its purpose.
    visitor.click("Subject look-up")
    visitor.send("Look up and download the PDF", debtor_ref="C-10023")
    assert "There is a problem" in visitor.main and "Purpose" in visitor.main
    assert entries(runtime, "staff_lookup_recorded") == []


def test_an_admin_creates_and_revokes_an_api_key_and_manages_staff(app: Any, runtime: Any, visitor: Visitor) -> None:
    staff_signs_in(visitor, make_staff(runtime, "boss", "admin"))

    # (1) An API key: its secret is shown once, then it is revoked.
    visitor.click("API keys")
    assert "No API key yet." in visitor.main
    visitor.send("Create the key", name="ERP production")            # no role chosen
    assert "There is a problem" in visitor.main and list_api_keys(runtime.db) == []
    assert visitor.driver.find_element(By.ID, "role").get_attribute("aria-invalid") == "true"
    _pick(visitor, "role", "ar_system")
    visitor.send("Create the key", name="ERP production")
    secret = visitor.driver.find_element(By.ID, "secret").text
    assert secret.startswith("fd_") and "not shown again" in visitor.main
    assert "active" in row_of(visitor, "ERP production")
    visitor.send("Revoke")
    assert "API key “ERP production” is revoked." in visitor.main and secret not in visitor.main
    assert "revoked" in row_of(visitor, "ERP production")
    assert app.test_client().get("/v1/requests", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    # (2) A staff account: created, it signs in; disabled, it is signed out.
    visitor.click("Staff accounts")
    _pick(visitor, "role", "reviewer")
    visitor.send("Create the account", name="new-reviewer", password="a long first password",
                 confirm="another password")
    assert "There is a problem" in visitor.main and "the two passwords differ" in visitor.main
    _pick(visitor, "role", "reviewer")
    visitor.send("Create the account", name="new-reviewer", password="a long first password",
                 confirm="a long first password")
    assert "Staff account “new-reviewer” (reviewer) is created." in visitor.main
    assert "active" in row_of(visitor, "new-reviewer") and "never" in row_of(visitor, "new-reviewer")
    visitor.send("Disable")
    assert "Staff account “new-reviewer” is disabled; its sessions have ended." in visitor.main
    assert "disabled" in row_of(visitor, "new-reviewer")
    assert [e["body"]["actor"] for e in entries(runtime, "staff_user_disabled")] == [
        f"staff:{next(a['user_id'] for a in rights.staff_accounts(runtime.db) if a['name'] == 'boss')}"]
    sign_out(visitor)


def test_verification_is_started_from_the_ledger_page(app: Any, runtime: Any, visitor: Visitor) -> None:
    decide(app.test_client(), ar_auth(app))
    staff_signs_in(visitor, make_staff(runtime, "auditing-officer", "compliance_officer"))
    visitor.click("Ledger status")
    assert "has not been verified yet" in visitor.main
    visitor.send("Verify now")
    last = rights.ledger_status(runtime.db)["last_verification"]
    assert last is not None and last["ok"]
    assert f"Verification passed: {last['entries']} entries" in visitor.main and "Passed on" in visitor.main
