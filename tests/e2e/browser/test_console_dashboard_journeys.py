"""The console dashboard as a compliance officer uses it, in headless Chromium (SQLite and
PostgreSQL): opening it from the console's navigation, reading a chart and its table, choosing
another period with the month pickers, and a period that ends before it begins. Every page is
checked with axe-core and for reflow at 390 and 320 px (``Visitor``)."""

from __future__ import annotations

from typing import Any

import pytest
from rights_support import HANDOVER
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from web_support import ar_auth, decide, make_staff

from .visitor import Visitor, row_of, staff_signs_in

pytestmark = pytest.mark.browser


def _pick_month(visitor: Visitor, field: str, month: str) -> None:
    """Type ``YYYY-MM`` into the month picker ``field`` as a person does: the month, the right arrow
    key to its year part, the year (Chromium, en-US: the month part comes first)."""
    element = visitor.driver.find_element(By.ID, field)
    year, number = month.split("-")
    element.send_keys(number)
    element.send_keys(Keys.RIGHT)
    element.send_keys(year)
    assert element.get_attribute("value") == month, element.get_attribute("value")


def test_officer_opens_the_dashboard_and_changes_the_period(app: Any, runtime: Any, visitor: Visitor,
                                                            clock: Any) -> None:
    client, auth = app.test_client(), ar_auth(app)
    decide(client, auth)                                   # 22 November 2026, DE, EUR 120.00 open
    decide(client, auth, **HANDOVER, **{"invoice.ref": "INV-43"})      # needs review
    clock.advance(minutes=5)                                # the decisions lie before the dashboard's time
    name = make_staff(runtime, "officer", "compliance_officer")
    staff_signs_in(visitor, name)

    visitor.click("Dashboard")
    assert visitor.heading == "Dashboard"
    dates = {field: visitor.driver.find_element(By.ID, field).get_attribute("value") for field in ("from", "to")}
    assert dates == {"from": "2025-12", "to": "2026-11"}                  # the last twelve months
    charts = visitor.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg[role=img]")
    assert len(charts) == 14 and all(c.get_attribute("aria-labelledby") for c in charts)
    held = visitor.driver.find_element(By.XPATH, "//section[h2[@id='held']]//tr[td[contains(., 'Nov 2026')]]").text
    assert "0.0% (too few)" in held and "0 of 2 decisions held" in held
    assert "€0.00" in row_of(visitor, "Amount recovered, EUR")          # the whole period's table

    _pick_month(visitor, "from", "2026-11")
    _pick_month(visitor, "to", "2026-11")
    visitor.send("Show")
    assert visitor.heading == "Dashboard"
    assert "Dec 2025" not in visitor.main and "Nov 2026" in visitor.main
    assert visitor.driver.current_url.endswith("/console/dashboard?from=2026-11&to=2026-11")

    _pick_month(visitor, "from", "2026-11")
    _pick_month(visitor, "to", "2026-10")
    visitor.send("Show")
    assert "There is a problem" in visitor.main and "the last month comes before the first" in visitor.main
    assert visitor.driver.find_element(By.ID, "to").get_attribute("aria-invalid") == "true"
    assert not visitor.driver.find_elements(By.CSS_SELECTOR, "figure.chart")
    assert ("console.dashboard", "en") in visitor.seen
