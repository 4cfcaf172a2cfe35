"""SVG charts of a global explanation (matplotlib's SVG backend), byte-reproducible.

The audit report embeds these charts in a PDF that must come out byte-identical, so the SVG
must too: the figure is drawn without pyplot's global state, element ids are derived from a
fixed ``svg.hashsalt`` instead of random values, no date is written, and glyphs are embedded as
paths (``svg.fonttype = path``) from matplotlib's bundled DejaVu Sans, so no system font decides
the output. The same global explanation, matplotlib version and these settings give the same
bytes (the version is written into the file by matplotlib).
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["importance_svg", "shape_svg", "chart_files", "RC"]

# Settings that make the SVG deterministic and self-contained (see the module docstring).
RC: dict[Any, Any] = {  # matplotlib types its keys as a Literal of every rc name
    "svg.hashsalt": "fairdun-explain-charts",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 72.0,
    "path.simplify": False,
}
_RAISES = "#b2412f"
_LOWERS = "#2f6fb2"
_NEUTRAL = "#555555"


def _render(draw: Any, size: tuple[float, float]) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=size, layout="constrained")
        FigureCanvasSVG(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def importance_svg(explanation: dict) -> bytes:
    """Horizontal bars: each term's mean absolute contribution, largest on top."""
    rows = explanation["importances"]

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        names = [r["term"] for r in rows][::-1]
        values = [r["importance"] for r in rows][::-1]
        ax.barh(range(len(rows)), values, color=_NEUTRAL)
        ax.set_yticks(range(len(rows)), names)
        ax.set_xlabel("mean |contribution| (log odds)")
        ax.set_title(f"Term importances: {explanation['model_id']}", loc="left")

    return _render(draw, (6.0, 0.45 * len(rows) + 1.2))


def shape_svg(shape: dict, model_id: str) -> bytes:
    """A feature's contribution per bin (steps for numbers, bars for categories), with the
    spread across bags and the missing bin noted."""

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        bins = shape["bins"]
        if shape["type"] == "nominal" or shape["kind"] == "binary":
            labels = [b["category"] if "category" in b else _binary_label(b, len(bins)) for b in bins]
            scores = [b["score"] for b in bins]
            colours = [_RAISES if s > 0 else _LOWERS for s in scores]
            ax.bar(range(len(bins)), scores, color=colours,
                   yerr=[b["spread"] for b in bins], ecolor=_NEUTRAL, capsize=3)
            ax.set_xticks(range(len(bins)), labels)
        else:
            xs = [b["lower"] for b in bins] + [bins[-1]["upper"]]
            ys = [b["score"] for b in bins] + [bins[-1]["score"]]
            lows = [b["score"] - b["spread"] for b in bins] + [bins[-1]["score"] - bins[-1]["spread"]]
            highs = [b["score"] + b["spread"] for b in bins] + [bins[-1]["score"] + bins[-1]["spread"]]
            ax.fill_between(xs, lows, highs, step="post", color=_NEUTRAL, alpha=0.2, linewidth=0)
            ax.step(xs, ys, where="post", color=_RAISES, linewidth=1.5)
            unit = f" ({shape['unit']})" if shape.get("unit") else ""
            ax.set_xlabel(f"{shape['feature']}{unit}")
        ax.axhline(0.0, color=_NEUTRAL, linewidth=0.6)
        ax.set_ylabel("contribution (log odds)")
        direction = {1: "monotone increasing", -1: "monotone decreasing", 0: "unconstrained"}[shape["monotone"]]
        missing = shape["missing"]
        note = (f"missing: {missing['score']:+.3f}" if missing["weight"] > 0 else "no missing values in training")
        ax.set_title(f"{shape['feature']} ({direction}); {note}", loc="left")
        figure.suptitle(model_id, x=0.99, ha="right", fontsize=7, color=_NEUTRAL)

    return _render(draw, (6.0, 3.2))


def _binary_label(b: dict, n_bins: int) -> str:
    # a 0/1 feature has one cut at 0.5: its bins are the values 0 and 1
    if n_bins == 2:
        return "0 (no)" if b["upper"] <= 0.5 else "1 (yes)"
    return f"{b['lower']:g} to {b['upper']:g}"


def chart_files(explanation: dict) -> dict[str, bytes]:
    """Every chart of ``explanation``: ``importances.svg`` and ``shape-<feature>.svg``."""
    files = {"importances.svg": importance_svg(explanation)}
    for shape in explanation["shapes"]:
        files[f"shape-{_slug(shape['feature'])}.svg"] = shape_svg(shape, explanation["model_id"])
    return files


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
