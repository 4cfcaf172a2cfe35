"""A real headless Chromium (Debian's /usr/bin/chromium driven through
/usr/bin/chromedriver) against the app served on loopback, and axe-core checking
the pages it shows. Mandatory with CI=true; skipped with the reason elsewhere
when the browser or axe-core (``npm ci --prefix tests/e2e/browser``) is missing."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import CI
from werkzeug.serving import make_server

from .axe import AXE, report, violations
from .visitor import Visitor

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        reason = f"browser suite needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})"
        if CI:
            pytest.fail(f"{reason}; CI=true makes it mandatory")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="fairdun-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """The app as the browser suite serves it: plain HTTP on loopback, so the session cookie is
    not ``Secure`` (``WEB_COOKIE_SECURE=False``; the browser would not send it back otherwise)."""
    return make_app(WEB_COOKIE_SECURE=False)


@pytest.fixture
def live_url(app: Any) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"accessibility checks need axe-core at {AXE} (npm ci --prefix tests/e2e/browser)"
        if CI:
            pytest.fail(f"{reason}; CI=true makes it mandatory")
        pytest.skip(reason)
    return AXE.read_text("utf-8")


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], None]:
    """``axe(driver)``: fail listing every serious or critical WCAG 2.0/2.1 A/AA violation on the
    page ``driver`` shows."""

    def check(driver: Any) -> None:
        found = violations(driver, axe_source)
        assert not found, report(driver.current_url, found)

    return check


@pytest.fixture
def visitor(browser: Any, live_url: str, app: Any, axe: Any) -> Visitor:
    return Visitor(browser, live_url, app, axe)


@pytest.fixture
def runtime(app: Any) -> Any:
    return app.extensions["fairdun"]
