"""The officer console (``/console``): server-rendered pages for staff, in English only.

Staff sign in with a name and password (``fairdun user create``; Argon2id, the domain's throttle,
plus a per-address rate limit). A browser that signed in to an account gets a device cookie
(signed, ``WEB_DEVICE_COOKIE_DAYS``): with it, that browser is exempt from the wait strangers can
impose on the account's name by guessing (``decisions.rights.staff``). Sessions live on the
server (``service.web``) and are checked against the staff account on every request: a disabled
account is signed out at its next request, a password change ends every other session of the
account and re-issues this browser's. Every page declares the staff roles it admits where it is
registered (``@staff_requires``), as ``/v1`` does with ``@requires``:

=====================================================  ==========================================
review queue, case, explanation and their forms         reviewer, compliance_officer
subject-request queue and request, reports, experiments  compliance_officer
request extension and resolution, staff look-up         compliance_officer (``console_requests``)
ledger status, "Verify now"                             compliance_officer, admin
risk model, dashboard (``console_dashboard``)           compliance_officer, admin
API keys, staff accounts                                admin (``console_admin``)
home, password change                                   any signed-in staff member
=====================================================  ==========================================

Auditors have no staff account: they use the read-only ``/v1`` API with an auditor key and verify
exports offline. Whether a reviewer opened the explanation is not a checkbox: the explanation is
a page of its own, and the server notes in the reviewer's session that it was served; the outcome
records exactly that.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, TypeVar

from babel.numbers import format_currency
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from decisions import rights
from decisions.errors import Conflict, InvalidInput
from decisions.explanation import for_debtor
from decisions.rights.review_desk import REASON_LABELS
from decisions.rights.reviews import MODIFIABLE_KINDS
from decisions.rights.staff import StaffDevice, StaffUser, change_staff_password, staff_member

from . import web
from .api_reports import audit_report, pdf_response, unavailable_as_503, verified_monitoring
from .auth import ROLES_ATTRIBUTE, Role
from .errors import ApiError
from .schemas.web import (
    AssignFormSchema,
    OutcomeFormSchema,
    ReportFormSchema,
    ResumeFormSchema,
    ReviewQueueQuerySchema,
    StaffSignInSchema,
)

__all__ = ["bp", "SESSION_KEY", "staff_requires", "STAFF"]

bp = Blueprint("console", __name__, url_prefix="/console")
SESSION_KEY = "staff"
F = TypeVar("F", bound=Callable[..., Any])
STAFF = (Role.REVIEWER, Role.COMPLIANCE_OFFICER, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.COMPLIANCE_OFFICER)
OFFICERS = (Role.COMPLIANCE_OFFICER,)
LEDGER_READERS = (Role.COMPLIANCE_OFFICER, Role.ADMIN)
_OPENED_KEEP = 50        # case ids whose explanation this session has opened (the newest)
_DEVICE_COOKIE = "fairdun-device"


def _ctx() -> rights.RightsContext:
    return current_app.extensions["fairdun"].rights


def staff_requires(*roles: Role) -> Callable[[F], F]:
    """Only for a signed-in staff member of one of ``roles``: anonymous GETs go to the sign-in
    page (other methods get 401); another role gets 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            staff = _signed_in()
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


def _identify(session: Session, user_id: str) -> dict[str, Any] | None:
    user = staff_member(session, user_id)
    return None if user is None else {"id": user.user_id, "name": user.name, "role": user.role}


def _signed_in() -> dict[str, Any] | None:
    """The signed-in staff member, from the server's session and the account as it is now."""
    return web.signed_in(SESSION_KEY, identify=_identify)


def _actor() -> str:
    return f"staff:{g.staff['id']}"


# -- the device cookie -----------------------------------------------------------------------

def _device_serializer() -> URLSafeTimedSerializer:
    key = current_app.secret_key
    assert key is not None      # service.web.init_app sets it
    return URLSafeTimedSerializer(key, salt="fairdun.console-device")


def _device() -> StaffDevice | None:
    """This browser's device proof, if its cookie is ours, unexpired and well-formed."""
    raw = request.cookies.get(web.cookie_name(_DEVICE_COOKIE))
    if not raw:
        return None
    max_age = int(timedelta(days=int(current_app.config["WEB_DEVICE_COOKIE_DAYS"])).total_seconds())
    try:
        user_id, tag, nonce = _device_serializer().loads(raw, max_age=max_age)
    except (BadSignature, TypeError, ValueError):
        return None
    if not all(isinstance(part, str) for part in (user_id, tag, nonce)):
        return None
    return StaffDevice(user_id=user_id, tag=tag, nonce=nonce)


def _remember_device(response: BaseResponse, user: StaffUser) -> BaseResponse:
    """Give this browser a (new) device proof for ``user``'s account as it is now."""
    days = int(current_app.config["WEB_DEVICE_COOKIE_DAYS"])
    value = _device_serializer().dumps([user.user_id, user.device_tag, secrets.token_urlsafe(16)])
    response.set_cookie(web.cookie_name(_DEVICE_COOKIE), value, max_age=int(timedelta(days=days).total_seconds()),
                        path="/", secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), httponly=True,
                        samesite="Strict")
    return response


class PasswordFormSchema(Schema):
    """The password change form (here rather than in ``schemas/web.py`` for now)."""

    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    confirm = fields.String(required=True, validate=validate.Length(min=1, max=1024))

    @validates_schema
    def _same(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("password") != data.get("confirm"):
            raise ValidationError("the two new passwords differ", field_name="confirm")


# -- sign-in ---------------------------------------------------------------------------------

def _locked(template: str, until: Any, **context: Any) -> Any:
    failure = f"Too many failed attempts: please try again after {web.moment(until)}."
    return render_template(template, failure=failure, **context), 429, web.retry_after(until)


@bp.get("/")
def sign_in_form() -> Any:
    if _signed_in() is not None:
        return redirect(url_for("console.home"), 303)
    return render_template("console/sign_in.html")


@bp.post("/sign-in")
def sign_in() -> Any:
    """Rate-limited per client address (``service.web``) on top of the domain's throttle."""
    try:
        body = web.form_data(StaffSignInSchema())
        user = rights.verify_staff_sign_in(_ctx().db, name=body["name"], password=body["password"],
                                           client=web.client_address(), device=_device(), throttle=web.throttle(),
                                           now=_ctx().clock())
    except ValidationError as exc:
        return render_template("console/sign_in.html", errors=web.field_errors(exc)), 422
    except rights.SignInLocked as exc:
        return _locked("console/sign_in.html", exc.until)
    except rights.SignInRefused:
        return render_template("console/sign_in.html", failure="The name or the password is not right."), 401
    web.start_session(SESSION_KEY, user.user_id)
    return _remember_device(redirect(url_for("console.home"), 303), user)


@bp.post("/sign-out")
def sign_out() -> Any:
    """Ends the session on the server: a copy of the cookie is refused from now on."""
    web.end_session(SESSION_KEY)
    flash("You are signed out.", "console")
    return redirect(url_for("console.sign_in_form"), 303)


@bp.get("/home")
@staff_requires(*STAFF)
def home() -> Any:
    return render_template("console/home.html", warnings=current_app.extensions["fairdun"].policy_warnings())


@bp.get("/password")
@staff_requires(*STAFF)
def password_form() -> Any:
    return render_template("console/password.html")


@bp.post("/password")
@staff_requires(*STAFF)
def change_password() -> Any:
    """A new password: every other session of the account ends (a copy of this browser's cookie
    too) and this browser gets a new session and device cookie; other browsers' device cookies
    are void. Wrong current passwords are throttled per account (``change_staff_password``)."""
    try:
        body = web.form_data(PasswordFormSchema())
        user = web.renew_session(SESSION_KEY, "password_changed", lambda session, now: change_staff_password(
            session, user_id=g.staff["id"], current_password=body["current_password"],
            new_password=body["password"], throttle=web.throttle(), now=now, actor=_actor()))
    except ValidationError as exc:
        return render_template("console/password.html", errors=web.field_errors(exc)), 422
    except InvalidInput as exc:
        return render_template("console/password.html", errors={exc.field or "password": [str(exc)]}), 422
    except rights.SignInLocked as exc:
        return _locked("console/password.html", exc.until)
    except rights.SignInRefused:
        return render_template("console/password.html",
                               errors={"current_password": ["This is not your current password."]}), 422
    flash("Your password is changed. Every other session of your account has ended.", "console")
    return _remember_device(redirect(url_for("console.home"), 303), user)


# -- human review ----------------------------------------------------------------------------

@bp.get("/reviews")
@staff_requires(*REVIEWERS)
def reviews() -> Any:
    """The review queue: each case with its invoice, amount, jurisdiction, reasons and assignee;
    filtered by reason, jurisdiction and assignee, sorted by review due date (default), invoice
    due date, amount, jurisdiction or assignee."""
    query = ReviewQueueQuerySchema().load({k: v for k, v in request.args.items() if v})   # blank: any
    queue = rights.review_desk_queue(_ctx(), status=query["status"], reason=query["reason"],
                                     jurisdiction=query["jurisdiction"], assignee=query["assignee"],
                                     sort=query["sort"], me=_actor())
    choices = queue["choices"]
    options = {
        "reason": [("", "any reason")] + [(code, REASON_LABELS[code]) for code in choices["reasons"]],
        "jurisdiction": [("", "any jurisdiction")] + [(j, j) for j in sorted(
            set(choices["jurisdictions"]) | ({query["jurisdiction"]} if query["jurisdiction"] else set()))],
        "assignee": [("", "anyone or no one"), ("me", "assigned to me"), ("none", "not assigned")]
                    + [(s["id"], s["name"]) for s in rights.assignable_staff(_ctx()) if s["id"] != _actor()],
        "sort": list(_SORTS.items())}
    return render_template("console/reviews.html", queue=queue, query=query, options=options, sorts=_SORTS)


_SORTS = {"due": "review due date, soonest first", "invoice_due": "invoice due date, oldest first",
          "amount_desc": "open amount, largest first", "amount_asc": "open amount, smallest first",
          "jurisdiction": "jurisdiction", "assignee": "assignee"}


@bp.app_template_filter("console_money")
def console_money(amount: Any, currency: Any) -> str:
    """An amount (the contract's decimal string) as the console shows it: Babel, English (€120.00)."""
    if amount is None or amount == "":
        return "—"
    try:
        return str(format_currency(Decimal(str(amount)), str(currency or ""), locale="en"))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency or ''}".strip()


def _opened(case_id: str) -> bool:
    return case_id in g.staff.get("opened", [])


def _zones(case: dict[str, Any]) -> list[tuple[str, str]]:
    """The zones a send time may be given in: the debtor's, the officer's (the controller's, which
    the console shows times in), UTC."""
    officer = current_app.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin"
    debtor = (case.get("facts") or {}).get("timezone")
    zones = [(debtor, f"{debtor} (the debtor's time zone)")] if debtor else []
    if officer != debtor:
        zones.append((officer, f"{officer} (the console's time zone)"))
    zones.append(("UTC", "UTC"))
    return zones


def _case_page(case_id: str, *, errors: dict[str, list[str]] | None = None, failure: str | None = None) -> str:
    case = rights.review_desk_case(_ctx(), case_id)
    zones = _zones(case)
    return render_template("console/case.html", case=case, opened=_opened(case_id),
                           errors=errors or {}, failure=failure, form=request.form, zones=zones,
                           zone=request.form.get("send_zone") or zones[0][0],
                           staff_options=[(s["id"], s["name"]) for s in rights.assignable_staff(_ctx())
                                          if s["id"] != _actor()],
                           kinds=[(kind, kind.replace("_", " ")) for kind in MODIFIABLE_KINDS])


@bp.get("/reviews/<uuid:case_id>")
@staff_requires(*REVIEWERS)
def case(case_id: Any) -> Any:
    """The claim's facts and timeline, why it is in review, the decision, its contributions,
    uncertainty and policy trace, the debtor's statement, assignment and the outcome form."""
    return _case_page(str(case_id))


@bp.post("/reviews/<uuid:case_id>/assignment")
@staff_requires(*REVIEWERS)
def assign(case_id: Any) -> Any:
    """Take the case, give it to a named reviewer or compliance officer, or unassign it (a
    ledger event naming staff ids)."""
    try:
        body = web.form_data(AssignFormSchema())
        assignee = {"me": _actor(), "none": None}.get(body["assignee"], body["assignee"])
        rights.assign_case(_ctx(), str(case_id), assignee=assignee, actor=_actor())
    except ValidationError as exc:
        return _case_page(str(case_id), errors=web.field_errors(exc)), 422
    except InvalidInput as exc:
        return _case_page(str(case_id), errors={exc.field or "assignee": [str(exc)]}), 422
    except Conflict as exc:
        return _case_page(str(case_id), failure=str(exc)), 409
    flash("Assignment recorded." if assignee else "The case is unassigned.", "console")
    return redirect(url_for("console.case", case_id=case_id), 303)


@bp.get("/reviews/<uuid:case_id>/explanation")
@staff_requires(*REVIEWERS)
def explanation(case_id: Any) -> Any:
    """The explanation the debtor received; serving it is what the outcome records as opened."""
    document = rights.review_desk_case(_ctx(), str(case_id))
    opened = [c for c in g.staff.get("opened", []) if c != str(case_id)] + [str(case_id)]
    web.keep(SESSION_KEY, opened=opened[-_OPENED_KEEP:])
    return render_template("console/explanation.html", case=document, shown=_as_shown(document["decision"]))


def _as_shown(decision: dict[str, Any]) -> dict[str, Any]:
    """What the debtor's surfaces (portal, letter, access report) show of the decision's
    explanation (``for_debtor``), each reason with the model detail recorded for it (feature,
    value, contribution), and how many recorded reasons the debtor is not shown (a favourable fact
    that raised the risk, a zero contribution)."""
    shown = for_debtor(decision)
    recorded = [r for r in (decision.get("explanation") or {}).get("reasons") or [] if isinstance(r, dict)]
    by_text = {r.get("text"): r for r in recorded}
    reasons = [{**reason, "detail": by_text.get(reason["text"], {})} for reason in shown["reasons"]]
    left_out = len([r for r in recorded if r.get("contribution") is not None]) - len(reasons)
    return {**shown, "reasons": reasons, "left_out": left_out}


@bp.post("/reviews/<uuid:case_id>/outcome")
@staff_requires(*REVIEWERS)
def outcome(case_id: Any) -> Any:
    try:
        body = web.form_data(OutcomeFormSchema(now=_ctx().clock()))
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


# -- ledger and reports ----------------------------------------------------------------------

@bp.get("/ledger")
@staff_requires(*LEDGER_READERS)
def ledger() -> Any:
    """The latest signed checkpoint and the last verification result."""
    return render_template("console/ledger.html", status=rights.ledger_status(_ctx().db))


@bp.get("/models")
@staff_requires(*LEDGER_READERS)
def models() -> Any:
    """The model versions with their sign-offs, and live monitoring of the model (drift of its
    inputs, calibration by month and jurisdiction) over the last year, from the verified ledger."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with unavailable_as_503():
        page = verified_monitoring(app, now=_ctx().clock())
    return render_template("console/models.html", **page)


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


# pages kept in modules of their own join the blueprint once it exists
from . import console_admin, console_dashboard, console_experiments, console_requests  # noqa: E402, F401
