"""A reviewer at work in headless Chromium (SQLite and PostgreSQL): filters and sorts the review
queue, takes a case and gives another to a colleague, reads the claim's facts and timeline, and
modifies a decision with the date-time picker in the debtor's time zone. Every page is checked
with axe-core and for reflow at 390 and 320 px (``Visitor``)."""

from __future__ import annotations

from typing import Any

import pytest
from rights_support import HANDOVER, entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from web_support import ar_auth, decide, make_staff

from .visitor import Visitor, row_of, sign_out, staff_signs_in

pytestmark = pytest.mark.browser

AT = {"debtor.jurisdiction": "AT", "debtor.timezone": "Europe/Vienna", "invoice.ref": "INV-AT",
      "invoice.amount": "300.00", "invoice.open_amount": "300.00"}
US = {"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "invoice.ref": "INV-US",
      "invoice.currency": "USD", "invoice.amount": "150.00", "invoice.open_amount": "150.00",
      "invoice.due_on": "2026-08-20"}


def _select(visitor: Visitor, field: str, label: str) -> None:
    Select(visitor.driver.find_element(By.ID, field)).select_by_visible_text(label)


def _invoices(visitor: Visitor) -> list[str]:
    return [a.text for a in visitor.driver.find_elements(By.CSS_SELECTOR, "tbody td[data-label=Invoice] a")]


def test_a_reviewer_filters_sorts_assigns_and_modifies_with_the_picker(app: Any, runtime: Any,
                                                                       visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth, **HANDOVER)
    decide(client, auth, **HANDOVER, **AT)
    decide(client, auth, **{**HANDOVER, **US})
    make_staff(runtime, "olaf", "compliance_officer")
    staff_signs_in(visitor, make_staff(runtime, "rita", "reviewer"))

    # (1) the queue names each claim; filter by jurisdiction, then by reason, then sort by amount
    visitor.click("Review queue")
    assert sorted(_invoices(visitor)) == ["Invoice INV-42", "Invoice INV-AT", "Invoice INV-US"]
    assert "$150.00" in row_of(visitor, "INV-US") and "US-NY" in row_of(visitor, "INV-US")
    _select(visitor, "jurisdiction", "AT")
    visitor.send("Show")
    assert _invoices(visitor) == ["Invoice INV-AT"]
    assert "significant effect; unreviewed jurisdiction" in row_of(visitor, "INV-AT")
    _select(visitor, "jurisdiction", "any jurisdiction")
    _select(visitor, "reason", "significant effect")
    _select(visitor, "sort", "open amount, largest first")
    visitor.send("Show")
    assert _invoices(visitor) == ["Invoice INV-AT", "Invoice INV-US", "Invoice INV-42"]
    _select(visitor, "sort", "invoice due date, oldest first")
    visitor.send("Show")
    assert _invoices(visitor)[0] == "Invoice INV-US"

    # (2) give INV-AT to a colleague by name; take INV-42
    visitor.click("Invoice INV-AT")
    _select(visitor, "assignee", "olaf")
    visitor.send("Assign")
    assert "Assignment recorded." in visitor.main and "Assigned to\nolaf" in visitor.main
    visitor.click("Review queue")
    assert "olaf" in row_of(visitor, "INV-AT")
    visitor.click("Invoice INV-42")
    assert visitor.heading == "Review of invoice INV-42"
    for fact in ("Open amount\n€120.00", "Due\n1 September 2026", "Debtor's time zone\nEurope/Berlin"):
        assert fact in visitor.main, fact
    assert "Reminder sent (reported by the AR system): final notice, level 3, by letter" in visitor.main
    visitor.send("Assign")                                   # "me" is the default choice
    assert "Assigned to\nrita" in visitor.main
    _select(visitor, "assignee", "no one (unassign)")
    visitor.send("Assign")
    assert "The case is unassigned." in visitor.main and "Assigned to\nno one" in visitor.main
    visitor.send("Assign")
    assigned = [e["body"] for e in entries(runtime, "review_case_assigned")]
    assert [a["assignee"] is None for a in assigned] == [False, False, True, False]

    # (3) modify: a letter at 09:00 on 23 November, debtor's time (Berlin), picked, not typed as RFC 3339
    visitor.choose("outcome-modify")
    _select(visitor, "kind", "reminder")
    _select(visitor, "channel", "letter")
    _select(visitor, "tone", "gentle")
    visitor.fill(level="2", rationale="A gentle letter first.")
    picker = visitor.driver.find_element(By.ID, "send_at")
    assert picker.get_attribute("type") == "datetime-local"
    assert Select(visitor.driver.find_element(By.ID, "send_zone")).first_selected_option.text == \
        "Europe/Berlin (the debtor's time zone)"
    # the browser's picker widget is driven by setting its value (a time already past: refused)
    visitor.driver.execute_script("document.getElementById('send_at').value = '2026-11-20T09:00'")
    visitor.send("Record the outcome")
    assert "There is a problem" in visitor.main and "This time has passed" in visitor.main
    assert not entries(runtime, "review_outcome")
    visitor.driver.execute_script("document.getElementById('send_at').value = '2026-11-23T09:00'")
    visitor.send("Record the outcome")
    assert "Outcome recorded: modify." in visitor.main
    assert "by rita" in visitor.main and "at 23 November 2026, 09:00 (CET)" in visitor.main
    outcome = entries(runtime, "review_outcome")[-1]["body"]
    assert outcome["action"]["send_at"] == "2026-11-23T08:00:00Z" and outcome["action"]["channel"] == "letter"
    sign_out(visitor)
