"""One person at the browser (``Visitor``) and the steps every journey shares: signing in and out,
reading a table row. Every page a visitor lands on is checked with axe-core and for reflow."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from web_support import PASSWORD, access_code
from werkzeug.exceptions import HTTPException

from service.web import texts

from . import reflow

__all__ = ["Visitor", "WAIT", "debtor_signs_in", "staff_signs_in", "sign_out", "row_of"]

WAIT = 15        # seconds: the bound of every wait for a page or a download


class Visitor:
    """One person at the browser. Follows links and sends forms as a user does; every page they
    land on is checked with axe and for reflow at 390 and 320 px, and noted as (endpoint,
    language) in ``seen``."""

    def __init__(self, driver: Any, base: str, app: Any, axe: Any) -> None:
        self.driver, self.base, self.axe = driver, base, axe
        self.urls = app.url_map.bind("127.0.0.1")
        self.seen: set[tuple[str, str]] = set()

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self._landed()

    def click(self, link_text: str) -> None:
        self._navigate(self.driver.find_element(By.LINK_TEXT, link_text).click)

    def fill(self, **fields: str) -> None:
        for name, text in fields.items():
            element = self.driver.find_element(By.ID, name)
            element.clear()
            element.send_keys(text)

    def choose(self, element_id: str) -> None:
        self.driver.find_element(By.ID, element_id).click()

    def send(self, button: str, **fields: str) -> None:
        """Fill ``fields`` (by id) and press the button labelled ``button``."""
        self.fill(**fields)
        self._navigate(self.button(button).click)

    def button(self, label: str) -> Any:
        return self.driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']")

    @property
    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    @property
    def main(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text

    @property
    def lang(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")

    def _navigate(self, action: Any) -> None:
        """Do ``action`` and wait until it has replaced the page: a mark set on the old page's
        ``window`` is gone once a new document has loaded (element staleness is unreliable here:
        ChromeDriver may answer an inspector error while the old document goes away)."""
        self.driver.execute_script("window.fairdunOldPage = true")
        try:
            action()
        except WebDriverException as exc:
            # The same race on the click itself; the wait below proves the click happened.
            if "does not belong to the document" not in str(exc.msg):
                raise
        self._landed()

    def _landed(self) -> None:
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return !window.fairdunOldPage && document.readyState === 'complete'"),
            "the page did not load")
        self.axe(self.driver)
        for width in reflow.WIDTHS:
            found = reflow.overflow(self.driver, width)
            assert found is None, reflow.report(self.driver.current_url, width, found)
        self.seen.add((self._endpoint(urlsplit(self.driver.current_url).path), self.lang))

    def _endpoint(self, path: str) -> str:
        for method in ("GET", "POST"):
            try:
                return str(self.urls.match(path, method=method)[0])
            except HTTPException:
                continue
        return path


def debtor_signs_in(visitor: Visitor, runtime: Any) -> None:
    """Erika Mustermann (C-10023) with the access code of her letter and invoice INV-42."""
    visitor.open("/portal/")
    visitor.send("Sign in", code=access_code(runtime), invoice_ref="INV-42")
    assert visitor.heading == "My matters"


def staff_signs_in(visitor: Visitor, name: str) -> None:
    visitor.open("/console/")
    visitor.send("Sign in", name=name, password=PASSWORD)
    assert visitor.heading == "Console"
    assert f"Signed in as {name}" in visitor.driver.find_element(By.TAG_NAME, "header").text


def sign_out(visitor: Visitor, t: dict[str, Any] | None = None) -> None:
    t = t or texts("en")
    visitor.send(t["nav.sign_out"])
    assert t["flash.signed_out"] in visitor.main


def row_of(visitor: Visitor, text: str) -> str:
    """The text of the table row that holds ``text``."""
    return visitor.driver.find_element(By.XPATH, f"//tr[td[contains(., '{text}')]]").text
