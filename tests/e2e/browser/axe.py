"""axe-core (pinned in package.json, installed by ``make test``) run on the page the browser
shows: WCAG 2.0/2.1 A and AA rules; a ``serious`` or ``critical`` violation fails the test.

The script goes in through WebDriver (``execute_script``: the DevTools protocol evaluates it,
so the pages' strict CSP, ``default-src 'none'``, still stands for the page's own content)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["AXE", "TAGS", "BLOCKING", "violations", "report"]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")

# The callback is WebDriver's last argument; only what a report needs comes back.
_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done({ok: true, violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' '))}))}))
  .catch(e => done({ok: false, error: String(e)}));
"""


def violations(driver: Any, source: str) -> list[dict[str, Any]]:
    """Every serious or critical WCAG A/AA violation on the current page."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(source)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(_RUN, list(TAGS))
    assert result["ok"], f"axe.run failed on {driver.current_url}: {result.get('error')}"
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def report(url: str, found: list[dict[str, Any]]) -> str:
    lines = [f"{len(found)} serious/critical accessibility violation(s) on {url}:"]
    for v in found:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      at {target}" for target in v["targets"])
    return "\n".join(lines)
