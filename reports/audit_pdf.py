"""The audit report as a PDF/A-3b: the figures of ``reports.audit`` rendered by
``templates/audit.html``, with the figures (``figures.json``) and the covering checkpoint
(``checkpoint.txt``) embedded, so every number can be re-checked by machine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

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
    """``figures`` (from ``audit_figures``) as PDF/A-3b bytes; same figures, same bytes."""
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
    title = f"fairdun audit report {period['from']} to {period['to']}"
    evidence = [Evidence(EVIDENCE_FIGURES, evidence_json(figures),
                         "every figure of this report (JSON, sorted keys), for re-checking by machine")]
    checkpoint = figures["integrity"]["checkpoint"]
    if checkpoint is not None:
        evidence.append(Evidence(EVIDENCE_CHECKPOINT, checkpoint["note"].encode("utf-8"),
                                 "the signed checkpoint covering the period (C2SP tlog-checkpoint signed note)",
                                 relationship="Source"))
    context = {"f": figures, "charts": charts, "sections": _SECTIONS, "page_label": "Page",
               "header_title": "fairdun audit report", "footer_text": f"Period {period['from']} to {period['to']}"}
    return render_pdf("audit.html", context, title=title, created=generated, lang="en", evidence=tuple(evidence))
