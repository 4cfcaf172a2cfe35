"""Reflow (WCAG 2.1 SC 1.4.10): the page the browser shows, laid out again in a viewport 390 CSS
px wide (a phone) and 320 px wide (the criterion's width), must not scroll sideways.

The narrow viewport is Chromium's device emulation (DevTools ``Emulation.setDeviceMetricsOverride``,
``mobile`` so the pages' ``<meta name="viewport">`` applies as on a phone); it is lifted again
after the measurement, so the rest of a journey runs at the usual window size."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.support.wait import WebDriverWait

__all__ = ["WIDTHS", "overflow", "report"]

WIDTHS = (390, 320)

# The page's width against the viewport's; when it is wider, the first few innermost elements
# whose box or content reaches past the right edge, to name in the report.
_MEASURE = """
const view = window.innerWidth, wide = document.documentElement.scrollWidth;
const culprits = wide <= view ? [] : Array.from(document.querySelectorAll('body *'))
  .map(e => [e, Math.max(e.getBoundingClientRect().right, e.getBoundingClientRect().left + e.scrollWidth)])
  .filter(([e, right]) => right > view + 0.5 && e.children.length === 0)
  .slice(0, 6)
  .map(([e, right]) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
       (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '') +
       ' (to ' + Math.round(right) + ' px)');
return {view: view, wide: wide, culprits: culprits};
"""


def overflow(driver: Any, width: int) -> dict[str, Any] | None:
    """``None`` when the current page fits a ``width`` px viewport, else what sticks out."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    try:
        measured: dict[str, Any] = driver.execute_script(_MEASURE)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        # the window takes its own size again at its next layout, not within the command: wait for
        # it, so what runs next sees the usual viewport
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.innerWidth") != width)
    assert measured["view"] == width, f"the emulated viewport is {measured['view']} px, not {width} px"
    return measured if measured["wide"] > measured["view"] else None


def report(url: str, width: int, found: dict[str, Any]) -> str:
    return (f"{url} scrolls sideways at {width} px: the page is {found['wide']} px wide; "
            f"reaching past the edge: {', '.join(found['culprits']) or '(none found)'}")
