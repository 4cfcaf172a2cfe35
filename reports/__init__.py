"""PDF reports (weasyprint, tagged PDF/A-3a): the audit report, the data-subject access report and the
explanation letter. Data first, pictures second: figures are plain dicts computed from the
ledger and the read models; templates render them; the evidence is embedded in the PDF."""

from .access import render_access_report
from .audit import Period, audit_figures
from .audit_pdf import EVIDENCE_CHECKPOINT, EVIDENCE_FIGURES, render_audit_report
from .letter import SubjectErased, letter_data, render_letter

__all__ = ["render_access_report", "Period", "audit_figures", "render_audit_report", "EVIDENCE_FIGURES",
           "EVIDENCE_CHECKPOINT", "SubjectErased", "letter_data", "render_letter"]
