"""PDF reports (weasyprint, PDF/A-3b): the audit report, the data-subject access report and the
explanation letter. Data first, pictures second: figures are plain dicts computed from the
ledger and the read models; templates render them; the evidence is embedded in the PDF."""

from .access import render_access_report

__all__ = ["render_access_report"]
