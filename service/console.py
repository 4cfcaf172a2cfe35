"""The officer console (``/console``): server-rendered pages for staff, in English only.

Staff sign in with a name and password (``fairdun user create``; Argon2id, the domain's lockout,
plus a per-address rate limit). Every page declares the staff roles it admits where it is
registered (``@staff_requires``), as ``/v1`` does with ``@requires``:

=====================================================  ==========================================
review queue, case, explanation, outcome, resume        reviewer, compliance_officer
subject-request queue and request, reports page         compliance_officer
ledger status                                           compliance_officer, admin
home, sign-out                                          any signed-in staff member
=====================================================  ==========================================

Auditors have no staff account: they use the read-only ``/v1`` API with an auditor key and verify
exports offline. Whether a reviewer opened the explanation is not a checkbox: the explanation is
a page of its own, and the server notes in the reviewer's session that it was served; the outcome
records exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from decisions import rights
from decisions.errors import Conflict, InvalidInput
from decisions.rights.reviews import MODIFIABLE_KINDS

from . import web
from .api_reports import audit_report, pdf_response, unavailable_as_503
from .auth import ROLES_ATTRIBUTE, Role
from .errors import ApiError
from .schemas.rights import RequestQuerySchema, ReviewQuerySchema
from .schemas.web import OutcomeFormSchema, ReportFormSchema, ResumeFormSchema, StaffSignInSchema

__all__ = ["bp", "SESSION_KEY", "staff_requires", "STAFF"]

bp = Blueprint("console", __name__, url_prefix="/console")
SESSION_KEY = "staff"
F = TypeVar("F", bound=Callable[..., Any])
STAFF = (Role.REVIEWER, Role.COMPLIANCE_OFFICER, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.COMPLIANCE_OFFICER)
OFFICERS = (Role.COMPLIANCE_OFFICER,)
LEDGER_READERS = (Role.COMPLIANCE_OFFICER, Role.ADMIN)
_OPENED_KEEP = 50        # case ids whose explanation this session has opened (the newest)


def _ctx() -> rights.RightsContext:
    return current_app.extensions["fairdun"].rights


def staff_requires(*roles: Role) -> Callable[[F], F]:
    """Only for a signed-in staff member of one of ``roles``: anonymous GETs go to the sign-in
    page (other methods get 401); another role gets 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            staff = web.signed_in(SESSION_KEY)
            if staff is None:
                if request.method == "GET":
                    return redirect(url_for("console.sign_in_form"), 303)
                raise ApiError(401, "unauthenticated", "sign in first")
            if staff["role"] not in roles:
                raise ApiError(403, "forbidden", f"this page needs one of the roles: {', '.join(roles)}")
            g.staff = staff
            return view(*args, **kwargs)

        setattr(guarded, ROLES_ATTRIBUTE, tuple(roles))
        return guarded  # type: ignore[return-value]

    return decorate


def _actor() -> str:
    return f"staff:{g.staff['id']}"


# -- sign-in ---------------------------------------------------------------------------------

@bp.get("/")
def sign_in_form() -> Any:
    if web.signed_in(SESSION_KEY) is not None:
        return redirect(url_for("console.home"), 303)
    return render_template("console/sign_in.html")


@bp.post("/sign-in")
def sign_in() -> Any:
    """Rate-limited per client address (``service.web``) on top of the domain's lockout."""
    try:
        body = web.form_data(StaffSignInSchema())
        user = rights.verify_staff_sign_in(_ctx().db, name=body["name"], password=body["password"],
                                           now=_ctx().clock())
    except ValidationError as exc:
        return render_template("console/sign_in.html", errors=web.field_errors(exc)), 422
    except rights.SignInLocked:
        return render_template("console/sign_in.html",
                               failure="Too many failed attempts: this account is locked for a while."), 429
    except rights.SignInRefused:
        return render_template("console/sign_in.html", failure="The name or the password is not right."), 401
    web.start_session(SESSION_KEY, {"id": user.user_id, "name": user.name, "role": user.role, "opened": []})
    return redirect(url_for("console.home"), 303)


@bp.post("/sign-out")
def sign_out() -> Any:
    web.end_session(SESSION_KEY)
    flash("You are signed out.", "console")
    return redirect(url_for("console.sign_in_form"), 303)


@bp.get("/home")
@staff_requires(*STAFF)
def home() -> Any:
    return render_template("console/home.html")


# -- human review ----------------------------------------------------------------------------

@bp.get("/reviews")
@staff_requires(*REVIEWERS)
def reviews() -> Any:
    """The review queue, soonest due first, with SLA state."""
    query = ReviewQuerySchema().load(request.args.to_dict())
    return render_template("console/reviews.html", cases=rights.review_queue(_ctx(), status=query["status"]),
                           status=query["status"])


def _opened(case_id: str) -> bool:
    return case_id in g.staff.get("opened", [])


def _case_page(case_id: str, *, errors: dict[str, list[str]] | None = None, failure: str | None = None) -> str:
    return render_template("console/case.html", case=rights.review_case(_ctx(), case_id), opened=_opened(case_id),
                           errors=errors or {}, failure=failure, form=request.form,
                           kinds=[(kind, kind.replace("_", " ")) for kind in MODIFIABLE_KINDS])


@bp.get("/reviews/<uuid:case_id>")
@staff_requires(*REVIEWERS)
def case(case_id: Any) -> Any:
    """The decision, its contributions, uncertainty and policy trace, the debtor's statement and
    the outcome form."""
    return _case_page(str(case_id))


@bp.get("/reviews/<uuid:case_id>/explanation")
@staff_requires(*REVIEWERS)
def explanation(case_id: Any) -> Any:
    """The explanation the debtor received; serving it is what the outcome records as opened."""
    document = rights.review_case(_ctx(), str(case_id))
    staff = g.staff
    opened = [c for c in staff.get("opened", []) if c != str(case_id)] + [str(case_id)]
    staff["opened"] = opened[-_OPENED_KEEP:]
    session[SESSION_KEY] = staff
    return render_template("console/explanation.html", case=document)


@bp.post("/reviews/<uuid:case_id>/outcome")
@staff_requires(*REVIEWERS)
def outcome(case_id: Any) -> Any:
    try:
        body = web.form_data(OutcomeFormSchema())
        rights.record_outcome(_ctx(), str(case_id), outcome=body["outcome"], rationale=body["rationale"],
                              explanation_opened=_opened(str(case_id)), action=body["action"], actor=_actor(),
                              policy=_ctx().policy)
    except ValidationError as exc:
        return _case_page(str(case_id), errors=web.field_errors(exc)), 422
    except InvalidInput as exc:
        return _case_page(str(case_id), errors={exc.field or "outcome": [str(exc)]}), 422
    except Conflict as exc:
        return _case_page(str(case_id), failure=str(exc)), 409
    flash(f"Outcome recorded: {body['outcome']}.", "console")
    return redirect(url_for("console.case", case_id=case_id), 303)


@bp.post("/reviews/<uuid:case_id>/resume")
@staff_requires(*REVIEWERS)
def resume(case_id: Any) -> Any:
    try:
        body = web.form_data(ResumeFormSchema())
        rights.resume_escalation(_ctx(), str(case_id), rationale=body["rationale"], actor=_actor())
    except ValidationError as exc:
        return _case_page(str(case_id), errors=web.field_errors(exc)), 422
    except Conflict as exc:
        return _case_page(str(case_id), failure=str(exc)), 409
    flash("Automated escalation resumed.", "console")
    return redirect(url_for("console.case", case_id=case_id), 303)


# -- data-subject requests -------------------------------------------------------------------

@bp.get("/requests")
@staff_requires(*OFFICERS)
def requests() -> Any:
    """Data-subject requests by deadline (Art. 12(3)), overdue flagged."""
    query = RequestQuerySchema().load(request.args.to_dict())
    return render_template("console/requests.html", requests=rights.request_queue(
        _ctx(), status=query["status"], type_=query["type"]), status=query["status"], type=query["type"])


@bp.get("/requests/<uuid:request_id>")
@staff_requires(*OFFICERS)
def request_detail(request_id: Any) -> Any:
    return render_template("console/request.html", item=rights.get_request(_ctx(), str(request_id)))


# -- ledger and reports ----------------------------------------------------------------------

@bp.get("/ledger")
@staff_requires(*LEDGER_READERS)
def ledger() -> Any:
    """The latest signed checkpoint and the last verification result."""
    return render_template("console/ledger.html", status=rights.ledger_status(_ctx().db))


@bp.get("/reports")
@staff_requires(*OFFICERS)
def reports() -> Any:
    return render_template("console/reports.html", form={})


@bp.post("/reports")
@staff_requires(*OFFICERS)
def report() -> Any:
    """The audit report of the chosen period as a PDF download (the same function as
    ``GET /v1/reports/audit`` and ``fairdun report audit``), as of now."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        period = web.form_data(ReportFormSchema())
        with unavailable_as_503():
            pdf, _ = audit_report(app, first_day=period["first_day"], last_day=period["last_day"],
                                  now=_ctx().clock())
    except ValidationError as exc:
        return render_template("console/reports.html", errors=web.field_errors(exc), form=request.form), 422
    except InvalidInput as exc:
        return render_template("console/reports.html", errors={exc.field or "from": [str(exc)]},
                               form=request.form), 422
    return pdf_response(pdf, f"audit-report-{period['first_day']}-{period['last_day']}.pdf")
