"""Report endpoints (``GET /v1/reports/audit``) and the plain functions the CLI shares with them.

Views parse the query, call one function, return the PDF. The figures are computed in
``reports`` (no Flask there); time comes from the runtime's clock (the CLI's ``--now``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from decisions.errors import Conflict
from decisions.rights import verify_and_record
from ledger import BlobMismatch, ChainBroken, LedgerError
from ledger.journal import JournalDamaged
from ledger.timestamps import as_utc
from reports import Period, audit_figures, letter_data, render_audit_report, render_letter
from reports.monitoring import model_monitoring

from .api import READERS
from .api_ledger import notary
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.report import AuditQuerySchema

__all__ = ["bp", "audit_report", "verified_audit_figures", "verified_ledger", "explanation_letter", "REPORT_ROLES"]

bp = Blueprint("reports", __name__, url_prefix="/v1")
REPORT_ROLES = (Role.COMPLIANCE_OFFICER, Role.AUDITOR)
_audit_query = AuditQuerySchema()


@contextmanager
def unavailable_as_503() -> Iterator[None]:
    try:
        yield
    except (SQLAlchemyError, LedgerError) as exc:
        current_app.logger.error("report not produced: %s", type(exc).__name__)
        raise ApiError(503, "ledger_unavailable", "the ledger could not be read or checkpointed; "
                                                  "no report was produced") from exc


def audit_report(app: Flask, *, first_day: date, last_day: date, now: datetime) -> tuple[bytes, dict[str, Any]]:
    """The audit report of ``first_day`` .. ``last_day`` as of ``now``: (PDF bytes, figures)."""
    figures = verified_audit_figures(app, first_day=first_day, last_day=last_day, now=now)
    return render_audit_report(figures), figures


def verified_audit_figures(app: Flask, *, first_day: date, last_day: date, now: datetime) -> dict[str, Any]:
    """The audit report's figures. The whole ledger and every read model are verified first
    (the result kept for the console); a ledger that does not verify gets no report
    (``Conflict`` ``ledger_unverified``)."""
    runtime = app.extensions["fairdun"]
    period = Period(first_day, last_day)
    period.bounds(as_utc(now))      # a period that makes no sense is refused before the long part
    ledger_notary = notary(app)
    verified = verified_ledger(app, ledger_notary, "no audit report is produced from it")
    return audit_figures(runtime.db, period=period, now=now, notary=ledger_notary, models=runtime.models,
                         verified=verified)


def verified_ledger(app: Flask, ledger_notary: Any, refusal: str) -> Any:
    """The whole ledger and every read model verified (the result kept for the console), or
    ``Conflict`` ``ledger_unverified``."""
    runtime = app.extensions["fairdun"]
    try:
        return verify_and_record(runtime.db, ledger_notary, now=runtime.clock())
    except (ChainBroken, BlobMismatch, JournalDamaged) as exc:
        where = f" at seq {exc.seq}" if isinstance(exc, ChainBroken | BlobMismatch) else ""
        reason = exc.reason if isinstance(exc, ChainBroken | BlobMismatch) else str(exc)
        detail = f" ({exc.detail})" if isinstance(exc, ChainBroken) and exc.detail else ""
        raise Conflict(f"the ledger does not verify{where}: {reason}{detail}; {refusal}",
                       code="ledger_unverified") from exc


MONITORING_DAYS = 365


def verified_monitoring(app: Flask, *, now: datetime, days: int = MONITORING_DAYS) -> dict[str, Any]:
    """Live monitoring of the model over the ``days`` before ``now`` (``reports.monitoring``),
    after the whole ledger and every read model verified; the registry's versions beside it."""
    runtime = app.extensions["fairdun"]
    now = as_utc(now)
    verified = verified_ledger(app, notary(app), "no monitoring is shown from it")
    models = runtime.models

    def artifact(model_id: str) -> dict | None:
        try:
            return models.artifact(model_id)[0]
        except Exception:   # unknown to the registry or its file fails its checks: shown as unavailable
            return None

    with runtime.db.reading() as session:
        monitoring = model_monitoring(session, size=verified.entries, start=now - timedelta(days=days), end=now,
                                      artifact=artifact)
    return {"monitoring": monitoring, "versions": [v.as_dict() for v in models.versions()], "days": days,
            "verified_entries": verified.entries}


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/audit")
@requires(*REPORT_ROLES)
@operation(summary="The audit report of a period (tagged PDF/A-3a with its figures and checkpoint embedded)",
           responses={200: None}, media_type="application/pdf")
def get_audit_report() -> Response:
    """Query ``from`` and ``to`` (YYYY-MM-DD, UTC days, inclusive); the report's time is now."""
    query = _audit_query.load(request.args)
    with unavailable_as_503():
        pdf, _ = audit_report(_app(), first_day=query["first_day"],
                              last_day=query["last_day"], now=current_app.extensions["fairdun"].clock())
    return pdf_response(pdf, f"audit-report-{query['first_day']}-{query['last_day']}.pdf")


def explanation_letter(app: Flask, decision_id: str) -> bytes:
    """The explanation letter of one decision (the debtor's name and address unsealed for it),
    with the subject's portal access code."""
    from .config import message_settings

    runtime = app.extensions["fairdun"]
    portal = runtime.rights.portal
    return render_letter(letter_data(runtime.db, runtime.vault, decision_id,
                                     access_code=portal.access_code if portal is not None else None,
                                     controller=runtime.rights.controller, settings=message_settings(runtime.config)))


@bp.get("/decisions/<uuid:decision_id>/letter.pdf")
@requires(*READERS)
@operation(summary="The debtor-facing explanation letter of a decision (tagged PDF/A-3a, English or German)",
           responses={200: None}, media_type="application/pdf")
def get_letter(decision_id: Any) -> Response:
    """What was decided and why, fees with their legal basis, the debtor's rights and the portal
    access code; 410 when the debtor's data was erased."""
    with unavailable_as_503():
        pdf = explanation_letter(_app(), str(decision_id))
    return pdf_response(pdf, f"letter-{decision_id}.pdf")


def _app() -> Flask:
    """The app behind the ``current_app`` proxy, for work that outlives the request context."""
    return current_app._get_current_object()  # type: ignore[attr-defined]
