"""The audit report's charts as SVG (matplotlib), byte-reproducible with ``explain.charts``'s
settings: fixed hash salt, no date, glyphs as paths. The model's shape functions are
``explain.charts.shape_svg`` itself."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from explain.charts import RC, importance_svg, shape_svg

__all__ = ["decisions_per_day_svg", "shape_svg", "importance_svg"]

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
