"""A compliance officer runs an experiment from the console in headless Chromium (SQLite and
PostgreSQL): a refused registration with its fields marked, a registration, start, the results
page with its intervals, stop. Every page is checked with axe-core and for reflow (``Visitor``)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from web_support import ar_auth, decide, make_staff

from .visitor import Visitor, staff_signs_in

pytestmark = pytest.mark.browser


def test_an_officer_registers_starts_reads_and_stops_an_experiment(app: Any, runtime: Any,
                                                                  visitor: Visitor) -> None:
    staff_signs_in(visitor, make_staff(runtime, "olga", "compliance_officer"))
    visitor.click("Experiments")
    assert visitor.heading == "Experiments" and "No experiment is registered." in visitor.main
    fields = {"name": "letter-vs-email", "hypothesis": "A letter gets consumers to pay sooner.",
              "arms": "email = email\nletter = letter", "jurisdictions": "DE", "guardrail_max": "0.05",
              "seed": "7"}
    visitor.send("Pre-register", **{**fields, "seed": "seven"})
    assert "There is a problem" in visitor.main
    assert visitor.driver.find_element(By.ID, "seed").get_attribute("aria-invalid") == "true"
    # the consumer box stays ticked and the first guardrail metric chosen, as sent
    assert visitor.driver.find_element(By.CSS_SELECTOR, "input[name=debtor_kinds][value=consumer]").is_selected()
    Select(visitor.driver.find_element(By.ID, "guardrail_metric")).select_by_visible_text("dispute rate")
    visitor.send("Pre-register", **fields)
    assert visitor.heading == "Experiment letter-vs-email" and "registered" in visitor.main
    visitor.send("Start allocating decisions")
    assert "Experiment started" in visitor.main
    decision = decide(app.test_client(), ar_auth(app))
    visitor.click("All experiments")
    visitor.click("letter-vs-email")
    arm = decision["experiment"]["arm"]
    assert f"{arm} ({arm})" in visitor.main and "no claim counted yet" in visitor.main
    for band, chosen in (("band_low", "email"), ("band_medium", "email"), ("band_high", "letter")):
        Select(visitor.driver.find_element(By.ID, band)).select_by_value(chosen)
    visitor.send("Estimate")                                             # no window has closed yet
    assert "0 claims" in visitor.main and "no claim supports it yet" in visitor.main
    visitor.send("Stop the experiment", note="enough claims for now")
    assert "Experiment stopped" in visitor.main
    assert {endpoint for endpoint, _ in visitor.seen} >= {"console.experiments", "console.experiment"}
