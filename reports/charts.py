"""The audit report's charts as SVG (matplotlib), byte-reproducible with ``explain.charts``'s
settings: fixed hash salt, no date, glyphs as paths. The model's shape functions are
``explain.charts.shape_svg`` itself.

``bar_chart_svg`` draws the console dashboard's charts: plain SVG markup to inline in an HTML
page under a strict Content-Security-Policy (no script, no ``style`` element or attribute:
colours are presentation attributes), with a title and a description for assistive technology
(the page puts the same figures in a table beside it)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from explain.charts import RC, importance_svg, shape_svg

__all__ = ["decisions_per_day_svg", "shape_svg", "importance_svg", "Bar", "bar_chart_svg"]

_COLOURS = {"decided": "#2f6fb2", "needs_review": "#d9a21b", "held": "#b2412f"}
_LABELS = {"decided": "decided", "needs_review": "needs review", "held": "held"}


def decisions_per_day_svg(per_day: list[dict[str, Any]], *, first_day: date, last_day: date) -> bytes:
    """Stacked bars: decisions recorded per day of the period, by status."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    days = (last_day - first_day).days + 1
    counts = {row["day"]: row for row in per_day}
    index = [first_day.fromordinal(first_day.toordinal() + k) for k in range(days)]
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(6.6, 2.6), layout="constrained")
        FigureCanvasSVG(figure)
        ax = figure.add_subplot()
        bottom = [0] * days
        for status in ("decided", "needs_review", "held"):
            values = [counts.get(d.isoformat(), {}).get(status, 0) for d in index]
            ax.bar(range(days), values, bottom=bottom, color=_COLOURS[status], label=_LABELS[status], width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=False)]
        step = max(1, days // 10)
        ticks = list(range(0, days, step))
        ax.set_xticks(ticks, [index[k].strftime("%d %b") for k in ticks])
        ax.set_ylabel("decisions")
        ax.legend(loc="upper left", frameon=False, ncols=3, fontsize=7.5)
        ax.set_xlim(-0.6, days - 0.4)
        ax.set_ylim(0, max(bottom + [1]) * 1.25)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# ---------------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: no figure), the text written beside it, and whether
    its figure rests on too few cases to read (drawn pale and said so in the text)."""

    label: str
    value: float | None
    text: str
    thin: bool = False


_WIDTH, _LABEL, _ROW, _TOP = 420, 86, 22, 6
_BAR_AREA = 190                 # the longest bar; its text follows it
_FILL, _THIN_FILL, _INK, _AXIS = "#2f6fb2", "#b9cde4", "#1a1a1a", "#8a8a8a"


def bar_chart_svg(bars: list[Bar], *, chart_id: str, title: str, description: str,
                  scale_max: float | None = None) -> str:
    """Horizontal bars, one row each, as SVG markup (escaped; safe to inline). Bars scale to
    ``scale_max`` (else the largest value); negative values draw no bar, only their text."""
    largest = max([b.value for b in bars if b.value is not None and b.value > 0] + [scale_max or 0.0])
    height = _TOP * 2 + _ROW * max(len(bars), 1)
    cid = escape(chart_id, quote=True)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" role="img" '
           f'aria-labelledby="{cid}-title {cid}-desc" class="chart" focusable="false">',
           f'<title id="{cid}-title">{escape(title)}</title>', f'<desc id="{cid}-desc">{escape(description)}</desc>',
           f'<line x1="{_LABEL}" y1="{_TOP - 2}" x2="{_LABEL}" y2="{height - _TOP + 2}" stroke="{_AXIS}" '
           'stroke-width="1"/>']
    for i, bar in enumerate(bars):
        y = _TOP + i * _ROW
        label = bar.label if len(bar.label) <= 13 else bar.label[:12] + "…"
        out.append(f'<text x="{_LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="{_INK}" '
                   f'font-family="sans-serif">{escape(label)}</text>')
        length = 0.0
        if bar.value is not None and bar.value > 0 and largest > 0:
            length = round(min(bar.value / largest, 1.0) * _BAR_AREA, 1)
            out.append(f'<rect x="{_LABEL}" y="{y + 3}" width="{length}" height="{_ROW - 6}" '
                       f'fill="{_THIN_FILL if bar.thin else _FILL}"/>')
        out.append(f'<text x="{_LABEL + length + 5}" y="{y + 15}" font-size="12" fill="{_INK}" '
                   f'font-family="sans-serif">{escape(bar.text)}</text>')
    out.append("</svg>")
    return "".join(out)
