"""The API page under its Content-Security-Policy (issue 13): the browser applies the page's
own stylesheet and reports no violation of the policy."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def test_the_api_page_is_styled_under_its_policy(browser: Any, live_url: str) -> None:
    browser.get(f"{live_url}/v1/docs")
    operation = browser.find_element(By.CSS_SELECTOR, "section.op")
    assert operation.value_of_css_property("border-top-style") == "solid"      # from /static/api_docs.css
    assert browser.find_element(By.TAG_NAME, "body").value_of_css_property("max-width") == "960px"
    refused = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert refused == []
