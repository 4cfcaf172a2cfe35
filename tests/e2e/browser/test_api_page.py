"""The human-readable API page, in a real browser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def test_the_api_page_lists_every_operation_with_its_roles_and_schemas(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/v1/docs")
    assert browser.title.startswith("fairdun API")
    operations = browser.find_elements(By.CSS_SELECTOR, "section.op")
    headings = [o.find_element(By.TAG_NAME, "h3").text for o in operations]
    assert "POST /v1/decisions" in headings and "GET /v1/decisions/{decision_id}" in headings
    assert "POST /v1/events" in headings and "POST /v1/runs" in headings
    decisions = next(o for o in operations if o.find_element(By.TAG_NAME, "h3").text == "POST /v1/decisions")
    assert "Roles: ar_system" in decisions.text
    assert "Idempotency-Key" in decisions.text

    # Following the request body's link lands on the schema and its fields.
    decisions.find_element(By.LINK_TEXT, "DecisionRequest").click()
    assert browser.current_url.endswith("#schema-DecisionRequest")
    schema = browser.find_element(By.ID, "schema-DecisionRequest")
    fields = [row.find_element(By.TAG_NAME, "td").text for row in schema.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert {"as_of", "creditor", "debtor", "invoice", "history"} <= set(fields)
    # Every in-page link points at an element that exists.
    for link in browser.find_elements(By.CSS_SELECTOR, "a[href^='#']"):
        target = link.get_attribute("href").split("#", 1)[1]
        assert browser.find_elements(By.ID, target), f"dangling link #{target}"


def test_the_page_links_the_machine_readable_document(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/v1/docs")
    browser.find_element(By.LINK_TEXT, "OpenAPI 3.1 document").click()
    document = json.loads(browser.find_element(By.TAG_NAME, "body").text)
    assert document["openapi"] == "3.1.0" and "/v1/decisions" in document["paths"]
