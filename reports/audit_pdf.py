"""The audit report as a tagged PDF/A-3a (in English, figures by Babel's en_GB; times in UTC): the figures of ``reports.audit`` rendered by
``templates/audit.html``, with the figures (``figures.json``) and the covering checkpoint
(``checkpoint.txt``) embedded, so every number can be re-checked by machine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from decisions import l10n

from ._pdf import Evidence, evidence_json, render_pdf
from .charts import decisions_per_day_svg, shape_svg

__all__ = ["render_audit_report", "EVIDENCE_FIGURES", "EVIDENCE_CHECKPOINT"]

EVIDENCE_FIGURES = "figures.json"
EVIDENCE_CHECKPOINT = "checkpoint.txt"

_SECTIONS = (("summary", "Summary"), ("integrity", "Integrity of the record"), ("decisions", "Decisions"),
             ("policy", "Policy"), ("review", "Human review"), ("requests", "Data-subject requests"),
             ("model", "Risk model"), ("kpis", "Collection KPIs"), ("experiments", "Experiments"),
             ("appendix-formulas", "Appendix A: KPI formulas"),
             ("appendix-recheck", "Appendix B: How to re-check this report"))


def render_audit_report(figures: dict[str, Any]) -> bytes:
    """``figures`` (from ``audit_figures``) as tagged PDF/A-3a bytes; same figures, same bytes."""
    period = figures["report"]["period"]
    first_day = date.fromisoformat(period["from"])
    # the chart ends with the last day the (possibly cut) period touches
    end = datetime.fromisoformat(period["end"].replace("Z", "+00:00"))
    last_day = min(date.fromisoformat(period["to"]), (end - timedelta(microseconds=1)).date())
    generated = datetime.fromisoformat(figures["report"]["generated_at"].replace("Z", "+00:00"))
    charts = {
        "per_day": decisions_per_day_svg(figures["decisions"]["per_day"], first_day=first_day, last_day=last_day)
        if figures["decisions"]["total"] else None,
        "shapes": {card["model_id"]: [(shape["feature"], shape_svg(shape, card["model_id"]))
                                      for shape in card.get("top_features", [])]
                   for card in figures["model"]["cards"] if card.get("available")},
    }
    span = f"{l10n.format_day(period['from'], 'en')} to {l10n.format_day(period['to'], 'en')}"
    title = f"fairdun audit report {span}"
    evidence = [Evidence(EVIDENCE_FIGURES, evidence_json(figures),
                         "every figure of this report (JSON, sorted keys), for re-checking by machine")]
    checkpoint = figures["integrity"]["checkpoint"]
    if checkpoint is not None:
        evidence.append(Evidence(EVIDENCE_CHECKPOINT, checkpoint["note"].encode("utf-8"),
                                 "the signed checkpoint covering the period (C2SP tlog-checkpoint signed note)",
                                 relationship="Source"))
    context = {"f": figures, "charts": charts, "sections": _SECTIONS, "page_label": "Page",
               "header_title": "fairdun audit report", "footer_text": f"Period {span}",
               "per_day_alt": _per_day_alt(figures["decisions"], span)}
    return render_pdf("audit.html", context, title=title, created=generated, lang="en", evidence=tuple(evidence))


def _per_day_alt(decisions: dict[str, Any], span: str) -> str:
    """The chart of decisions per day in words, for a screen reader (the figure's ``/Alt``): what it
    shows and the totals it stacks; the table of section 3.1 has every count."""
    counts = {row["value"]: row["count"] for row in decisions.get("by_status", [])}
    parts = [f"{l10n.format_number(counts[status], 'en')} {words}" for status, words in
             (("decided", "decided"), ("needs_review", "needing review"), ("held", "held")) if counts.get(status)]
    days: list[dict[str, Any]] = decisions.get("per_day") or [{}]
    peak = max(days, key=lambda row: sum(v for k, v in row.items() if k != "day"))
    busiest = (f"; the busiest day was {l10n.format_day(peak['day'], 'en')}" if peak.get("day") else "")
    return (f"Bar chart of the decisions recorded per day from {span}, stacked by status: "
            f"{l10n.format_number(decisions.get('total', 0), 'en')} in all ({', '.join(parts) or 'none'}){busiest}.")
