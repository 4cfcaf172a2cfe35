"""Debtor rights and human review as people do it, in headless Chromium: typing and clicking on
the real pages (SQLite and PostgreSQL). Every page a journey lands on is checked with axe-core
(WCAG 2.0/2.1 A and AA, serious and critical fail) and laid out again 390 and 320 CSS px wide, where
it must not scroll sideways (WCAG 2.1 SC 1.4.10 Reflow); the two tours visit the remaining pages, the
portal's in English and German."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from rights_support import HANDOVER, entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from web_support import OTHER, PASSWORD, access_code, ar_auth, decide, make_staff

from decisions import rights
from service.api_ledger import notary
from service.web import texts

from . import reflow
from .axe import violations
from .visitor import WAIT, Visitor, debtor_signs_in, row_of, sign_out, staff_signs_in

pytestmark = pytest.mark.browser


# -- the journeys ----------------------------------------------------------------------------

def test_debtor_asks_for_review_and_sees_the_reviewers_outcome(app: Any, runtime: Any, visitor: Visitor) -> None:
    decision = decide(app.test_client(), ar_auth(app))
    assert decision["status"] == "decided"

    # (1) The debtor reads why, and asks a person to look at it.
    debtor_signs_in(visitor, runtime)
    assert "Invoice INV-42" in visitor.main and "decided" in row_of(visitor, "22 November 2026")
    visitor.click("Why? (invoice INV-42, decision of 22 November 2026)")
    assert visitor.heading == "Why? The decision of 22 November 2026"
    why = visitor.driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=why] p[lang=en]").text
    assert "Reminder no. 2 by e-mail, planned for 23 November 2026, 09:00 (CET)" in why   # the German decision, in English
    reasons = visitor.driver.find_elements(By.CSS_SELECTOR, "ul[aria-labelledby=reasons][lang=en] li")
    labels = {"raises": "Counts towards a higher risk", "lowers": "Counts towards a lower risk"}
    assert [r.text.split(":")[0] for r in reasons] == [labels[r["direction"]] for r in decision["explanation"]["reasons"]]
    assert "What the risk assessment changed in this decision" in visitor.main
    visitor.send("Ask for a human review", statement="I paid on 1 November.\nPlease check.")
    assert visitor.heading == "My requests" and "Your request for a human review was received" in visitor.main
    assert "Human review" in row_of(visitor, "I paid on 1 November.") and "open" in row_of(visitor, "Human review")
    case_id = rights.review_queue(runtime.rights)[0]["case_id"]
    sign_out(visitor)

    # (2) A reviewer finds the case, reads the explanation, and sets the decision aside.
    staff_signs_in(visitor, make_staff(runtime, "reviewer", "reviewer"))
    visitor.click("Review queue")
    assert "debtor asked" in row_of(visitor, "Invoice INV-42")
    visitor.click("Invoice INV-42")
    assert "I paid on 1 November.\nPlease check." in visitor.main and "opened by you: no" in visitor.main
    visitor.click("Open the explanation the debtor received")
    assert decision["explanation"]["summary"] in visitor.main
    visitor.click("Back to the case and its outcome form")
    assert "opened by you: yes" in visitor.main
    visitor.choose("outcome-overturn")
    visitor.send("Record the outcome", rationale="The payment of 1 November was booked to the wrong invoice.")
    assert "Outcome recorded: overturn." in visitor.main and "Resume automated escalation" in visitor.main
    outcome = entries(runtime, "review_outcome")[-1]["body"]
    assert outcome["case_id"] == case_id and outcome["outcome"] == "overturn" and outcome["explanation_opened"] is True
    sign_out(visitor)

    # (3) The debtor, signed in again, sees the outcome.
    debtor_signs_in(visitor, runtime)
    assert "reviewed by a person: set aside" in row_of(visitor, "22 November 2026")
    visitor.click("My requests")
    assert "decision set aside" in row_of(visitor, "Human review") and "done" in row_of(visitor, "Human review")
    visitor.click("the decision")
    assert "A person reviewed this decision on 22 November 2026 and set it aside" in visitor.main


def test_an_objection_to_profiling_takes_effect_on_the_next_decision(app: Any, runtime: Any, visitor: Visitor,
                                                                    clock: Any) -> None:
    client, auth = app.test_client(), ar_auth(app)
    assert decide(client, auth)["risk"]["profiling"] is True
    debtor_signs_in(visitor, runtime)
    visitor.click("Object to profiling")
    visitor.send("Object to profiling", statement="I do not want to be scored.")
    assert visitor.heading == "My requests" and "Your objection is recorded and in force" in visitor.main
    assert "in force" in row_of(visitor, "Objection to profiling")
    visitor.click("Object to profiling")
    assert "You objected on 22 November 2026; your objection is in force." in visitor.main
    assert not visitor.driver.find_elements(By.ID, "statement")      # no second objection form
    objection = next(r for r in rights.requests_of(runtime.rights, runtime.pseudonyms.subject("C-10023"))
                     if r["type"] == "objection")
    assert (objection["channel"], objection["outcome"]) == ("portal", "in_force")

    clock.advance(days=3)                         # the portal session has ended by then
    after = decide(client, auth, as_of="2026-11-25T09:00:00Z")
    assert after["risk"]["profiling"] is False and after["risk"]["p_late"] is None
    debtor_signs_in(visitor, runtime)
    visitor.click("Why? (invoice INV-42, decision of 25 November 2026)")
    assert "This decision was made without profiling" in visitor.main
    assert "No risk score was used" in visitor.main          # the German decision's words, in the page's English
    assert "Spricht für" not in visitor.main and "What the risk assessment changed" not in visitor.main
    visitor.click("Back to my matters")
    visitor.click("Why? (invoice INV-42, decision of 22 November 2026)")      # the earlier decision was made with the model
    assert "A statistical model estimated how likely a late payment is" in visitor.main


def test_debtor_downloads_the_access_export_as_json_and_pdf(app: Any, runtime: Any, visitor: Visitor,
                                                            tmp_path: Path) -> None:
    mine = decide(app.test_client(), ar_auth(app))
    decide(app.test_client(), ar_auth(app), **OTHER)             # another debtor's, never in my export
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    visitor.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                   {"behavior": "allow", "downloadPath": str(downloads)})
    debtor_signs_in(visitor, runtime)
    visitor.click("Download my data")
    for radio, name in (("format-json", "fairdun-my-data.json"), ("format-pdf", "fairdun-my-data.pdf")):
        visitor.choose(radio)
        visitor.button("Download").click()                       # an attachment: the page stays
        file = downloaded(downloads / name)
        if name.endswith(".json"):
            export = json.loads(file.read_text("utf-8"))
            assert [d["decision_id"] for d in export["decisions"]] == [mine["decision_id"]]
            assert "Max Beispiel" not in file.read_text("utf-8")
        else:
            assert file.read_bytes().startswith(b"%PDF")
            text = subprocess.run(["pdftotext", str(file), "-"], capture_output=True, text=True, check=True).stdout
            assert "INV-42" in text and "INV-77" not in text
    visitor.click("My requests")
    copies = visitor.driver.find_elements(By.XPATH, "//tr[td[contains(., 'Copy of my data')]]")
    assert len(copies) == 2 and all("copy provided" in row.text for row in copies)


def downloaded(path: Path) -> Path:
    """``path`` once Chromium has finished writing it (it writes ``*.crdownload`` first, then renames)."""
    WebDriverWait(None, WAIT, poll_frequency=0.1).until(
        lambda _: path.is_file() and not list(path.parent.glob("*.crdownload")),
        f"{path.name} was not downloaded within {WAIT} s")
    return path


# -- the rest of the pages -------------------------------------------------------------------

PORTAL_PAGES = {"portal.sign_in_form", "portal.sign_in", "portal.matters", "portal.decision", "portal.objection_form",
                "portal.data", "portal.requests"}
CONSOLE_PAGES = {"console.sign_in_form", "console.sign_in", "console.home", "console.reviews", "console.case",
                 "console.outcome", "console.explanation", "console.requests", "console.request_detail",
                 "console.ledger", "console.models", "console.reports", "console.password_form"}


def test_every_portal_page_in_english_and_german(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)
    decide(client, auth, **HANDOVER, **{"invoice.ref": "INV-43"})     # under review, with the rules it met
    for lang, switch in (("en", "English"), ("de", "Deutsch")):
        t = texts(lang)
        visitor.open("/portal/")
        visitor.click(switch)
        assert visitor.lang == lang and visitor.heading == t["sign_in.title"]
        visitor.send(t["sign_in.submit"], code="ZZZZ-ZZZZ-ZZZZ", invoice_ref="INV-42")
        assert t["sign_in.refused"] in visitor.main
        visitor.send(t["sign_in.submit"], code=access_code(runtime), invoice_ref="X" * 101)
        assert t["form.problem"] in visitor.main
        assert visitor.driver.find_element(By.ID, "invoice_ref").get_attribute("aria-invalid") == "true"
        visitor.send(t["sign_in.submit"], code=access_code(runtime), invoice_ref="INV-43")
        assert visitor.heading == t["matters.title"]
        day = "22. November 2026" if lang == "de" else "22 November 2026"
        pages = []
        for ref in ("INV-42", "INV-43"):                             # each link names its invoice
            visitor.click(t["matters.why_link"].format(ref=ref, date=day))
            pages.append(visitor.main)
            visitor.click(t["decision.back"])
        assert sum(t["review.submit"] in page for page in pages) == 1        # the form where no review is open
        assert sum(t["state.under_review"] in page for page in pages) == 1
        for nav, title in (("nav.objection", "objection.title"), ("nav.data", "data.title"),
                           ("nav.requests", "requests.title")):
            visitor.click(t[nav])
            assert visitor.heading == t[title]
        visitor.open(f"/portal/decisions/{uuid.uuid4()}")               # nobody's decision: the error page
        assert visitor.heading == t["error.title.404"]
        visitor.click(t["error.back"])
        sign_out(visitor, t)
    for lang in ("en", "de"):
        assert {endpoint for endpoint, seen in visitor.seen if seen == lang} >= PORTAL_PAGES, lang


def test_every_console_page(app: Any, runtime: Any, visitor: Visitor) -> None:
    client, auth = app.test_client(), ar_auth(app)
    automatic = decide(client, auth, **HANDOVER)                         # a review case of its own
    theirs = decide(client, auth, **OTHER)
    rights.request_review(runtime.rights, runtime.pseudonyms.subject("C-20000"), decision_id=theirs["decision_id"],
                          statement="Please look again", channel="portal", actor="portal")
    rights.verify_and_record(runtime.db, notary(app), now=runtime.clock())
    name = make_staff(runtime, "officer", "compliance_officer")
    visitor.open("/console/")
    visitor.send("Sign in", name=name, password="not the password")
    assert "The name or the password is not right." in visitor.main
    staff_signs_in(visitor, name)

    visitor.click("Review queue")
    assert "significant effect" in row_of(visitor, "Invoice INV-42")
    visitor.click("Invoice INV-42")
    visitor.choose("outcome-modify")                                     # modify, but no action named
    visitor.send("Record the outcome", rationale="a different step")
    assert "There is a problem" in visitor.main
    visitor.click("Open the explanation the debtor received")
    assert automatic["explanation"]["summary"] in visitor.main

    visitor.click("Subject requests")
    request_id = rights.request_queue(runtime.rights)[0]["request_id"]
    visitor.click(f"Request {request_id[:8]}")
    assert "Please look again" in visitor.main
    visitor.click("Ledger status")
    assert "Passed" in visitor.main
    visitor.click("Risk model")
    assert visitor.heading == "Risk model"
    visitor.click("Reports")
    assert visitor.heading == "Audit report"
    visitor.click("Password")
    assert visitor.heading == "Change your password"
    visitor.send("Change the password", current_password="not the password", password="a brand new password",
                 confirm="a brand new password")
    assert "This is not your current password." in visitor.main
    visitor.send("Change the password", current_password=PASSWORD, password="a brand new password",
                 confirm="a brand new password")
    assert "Every other session of your account has ended." in visitor.main      # still signed in, re-issued
    visitor.open(f"/console/reviews/{uuid.uuid4()}")
    assert visitor.heading == "Not found"
    visitor.click("Back to the console")
    assert visitor.heading == "Console"
    assert {endpoint for endpoint, _ in visitor.seen} >= CONSOLE_PAGES


def test_the_accessibility_check_finds_a_planted_violation(visitor: Visitor, axe_source: str) -> None:
    """axe runs on the real pages, under their strict CSP, and reports what it finds."""
    visitor.open("/portal/")
    visitor.driver.execute_script("document.querySelector('label[for=code]').remove()")
    assert [(v["id"], v["targets"]) for v in violations(visitor.driver, axe_source)] == [("label", ["#code"])]


def test_the_reflow_check_finds_a_page_wider_than_the_screen(visitor: Visitor) -> None:
    """The measurement sees sideways scrolling: one unbreakable word wider than a phone."""
    visitor.open("/portal/")
    assert all(reflow.overflow(visitor.driver, width) is None for width in reflow.WIDTHS)
    visitor.driver.execute_script("document.querySelector('h1').style.overflowWrap = 'normal';"
                                  "document.querySelector('h1').textContent = 'W'.repeat(40)")
    for width in reflow.WIDTHS:
        found = reflow.overflow(visitor.driver, width)
        assert found is not None and found["wide"] > width and any(c.startswith("h1") for c in found["culprits"])
    assert visitor.driver.execute_script("return window.innerWidth") > 390     # the emulation is lifted again


def test_narrow_tables_are_stacked_rows_labelled_by_their_column(app: Any, runtime: Any, visitor: Visitor,
                                                                 axe_source: str) -> None:
    """Below 40em each row of a table is a block of its cells, each cell shown with its column's
    header, and axe finds nothing there either; wider, it is a table again."""
    decide(app.test_client(), ar_auth(app))
    debtor_signs_in(visitor, runtime)
    layout = """return Array.from(document.querySelectorAll('tbody td')).map(td => [
        getComputedStyle(td).display, getComputedStyle(td, '::before').content,
        td.closest('table').querySelectorAll('thead th')[td.cellIndex].textContent])"""
    headers = [th.text for th in visitor.driver.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers and all(display == "table-cell" for display, _, _ in visitor.driver.execute_script(layout))
    visitor.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    try:
        cells = visitor.driver.execute_script(layout)
        found = violations(visitor.driver, axe_source)
    finally:
        visitor.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert len(cells) == len(headers)
    assert all(display == "block" and label == f'"{header}"' for display, label, header in cells), cells
    assert not found, found
