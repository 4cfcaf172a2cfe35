"""The dashboard's bar charts: SVG markup safe to inline under a strict CSP, scaled to the given
maximum, with missing, negative and thin figures drawn as such."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reports.charts import Bar, bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_scale_to_the_maximum_and_texts_are_escaped() -> None:
    markup = bar_chart_svg([Bar("Oct 2026", 0.5, "50.0%"), Bar("<b>AT</b>", 1.0, "100.0% (too few)", thin=True),
                            Bar("Dec 2026", None, "–"), Bar("Jan 2027", -0.2, "−20.0%")],
                           chart_id="chart-x", title="Rate & more", description="by month", scale_max=1.0)
    root = ET.fromstring(markup)                    # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find(f"{SVG}title").text == "Rate & more"
    widths = [(float(r.get("width")), r.get("fill")) for r in root.iter(f"{SVG}rect")]
    assert widths == [(95.0, "#2f6fb2"), (190.0, "#b9cde4")]     # half and full length; no bar for None or < 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>AT</b>" in texts and "−20.0%" in texts and "–" in texts
    assert "style" not in markup and "<script" not in markup and "<b>" not in markup
    assert not re.search(r"\son\w+=", markup)


def test_without_a_maximum_the_largest_value_fills_the_width() -> None:
    root = ET.fromstring(bar_chart_svg([Bar("a", 30.0, "30 days"), Bar("b", 60.0, "60 days")], chart_id="c",
                                       title="t", description="d"))
    assert [float(r.get("width")) for r in root.iter(f"{SVG}rect")] == [95.0, 190.0]
