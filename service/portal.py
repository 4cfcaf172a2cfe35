"""The debtor portal (``/portal``): server-rendered pages in English and German.

A debtor signs in with the access code printed on every letter and one of their invoice
numbers (POSTed, never in a URL; the domain's throttle in the database — waits per client
address, and per subject only for holders of its code, so no stranger can lock a debtor out —
plus a per-address rate limit). The server-side session (``service.web``) then names only the
subject pseudonym the sign-in returned; every page asks the domain for *that* subject's data (``matters_of``, ``decision_of``, ``requests_of``,
``access_export``) and ids in URLs are decision ids, checked to belong to the subject (another
subject's id is simply not found: 404). Views parse, call one domain function, render.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from decisions import rights
from decisions.errors import storage_guard
from decisions.messages.payment import group_iban, normalise_iban

from . import web
from .config import message_settings, payment_settings
from .errors import ApiError
from .schemas.web import AccessFormSchema, PortalSignInSchema, StatementFormSchema

__all__ = ["bp", "SESSION_KEY", "GUARD_ATTRIBUTE", "portal_sign_in"]

bp = Blueprint("portal", __name__, url_prefix="/portal")
SESSION_KEY = "portal"
ACTOR = "portal"
GUARD_ATTRIBUTE = "_fairdun_portal_guard"
F = TypeVar("F", bound=Callable[..., Any])


def _ctx() -> rights.RightsContext:
    return current_app.extensions["fairdun"].rights


def _installation() -> dict[str, Any]:
    """The installation's creditor and payment details (``FAIRDUN_CREDITOR_*``,
    ``FAIRDUN_PAYMENT_*``; checked at start), read once per app."""
    settings = current_app.extensions.get("fairdun.portal")
    if settings is None:
        creditor = message_settings(current_app.config).creditor
        settings = {"creditor": {key: getattr(creditor, key) for key in ("name", "address", "email", "phone",
                                                                          "website")},
                    "payment": payment_settings(current_app.config)}
        current_app.extensions["fairdun.portal"] = settings
    return settings


def _shown(matter: dict[str, Any]) -> dict[str, Any]:
    """A matter with who writes and how to pay: the decision's (its request's) where it named
    them, else the installation's; the payment reference is the request's, else the invoice number."""
    installation = _installation()
    creditor = matter.get("creditor") or installation["creditor"]
    matter["creditor"] = creditor if creditor.get("name") or any(creditor.values()) else None
    payment = matter.get("payment") or installation["payment"]
    shown = None
    if payment:
        transfer = payment.get("bank_transfer") or {}
        shown = {"url": payment.get("url"), "iban": None}
        if transfer.get("iban"):
            shown.update(iban=group_iban(normalise_iban(str(transfer["iban"]))), bic=transfer.get("bic"),
                         payee=transfer.get("account_holder") or (creditor or {}).get("name"),
                         reference=transfer.get("reference") or matter.get("invoice_ref"))
    matter["payment"] = shown
    return matter


def debtor_required(view: F) -> F:
    """Only for a signed-in debtor: anonymous GETs go to the sign-in page, anything else is 401."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        identity = web.signed_in(SESSION_KEY)
        if identity is None:
            if request.method == "GET":
                return redirect(url_for("portal.sign_in_form"), 303)
            raise ApiError(401, "unauthenticated", "sign in first")
        g.subject = identity["principal"]
        # the subject's law (GB: UK GDPR and the ICO) names the rights on every page; the controller's
        # Art. 13/14 information is on the data page
        g.privacy = rights.privacy_of(_ctx(), g.subject, lang=web.language())
        return view(*args, **kwargs)

    setattr(guarded, GUARD_ATTRIBUTE, True)
    return guarded  # type: ignore[return-value]


def portal_sign_in(ctx: rights.RightsContext, *, code: str, invoice_ref: str, client: str) -> str:
    """``PortalAccess.sign_in`` in its own unit of work; counted failures are committed."""
    if ctx.portal is None:
        raise ApiError(503, "portal_unavailable", "the portal has no key: sign-in is not possible")
    with storage_guard("the sign-in"), ctx.db.unit_of_work() as uow:
        try:
            subject = ctx.portal.sign_in(uow.session, code=code, invoice_ref=invoice_ref, client=client,
                                         throttle=web.throttle(), now=ctx.clock())
        except (rights.SignInRefused, rights.SignInLocked):
            uow.commit()
            raise
        uow.commit()
        return subject


# -- sign-in ---------------------------------------------------------------------------------

@bp.get("/")
def sign_in_form() -> Any:
    if web.signed_in(SESSION_KEY) is not None:
        return redirect(url_for("portal.matters"), 303)
    return render_template("portal/sign_in.html")


@bp.post("/sign-in")
def sign_in() -> Any:
    """Rate-limited per client address (``service.web``) on top of the domain's throttle; a
    wait says until when (the page and ``Retry-After``)."""
    try:
        body = web.form_data(PortalSignInSchema())
        subject = portal_sign_in(_ctx(), code=body["code"], invoice_ref=body["invoice_ref"],
                                 client=web.client_address())
    except ValidationError as exc:
        return render_template("portal/sign_in.html", errors=web.field_errors(exc)), 422
    except rights.SignInLocked as exc:
        return (render_template("portal/sign_in.html", failure="sign_in.locked", until=exc.until), 429,
                web.retry_after(exc.until))
    except rights.SignInRefused:
        return render_template("portal/sign_in.html", failure="sign_in.refused"), 401
    web.start_session(SESSION_KEY, subject)
    return redirect(url_for("portal.matters"), 303)


@bp.post("/sign-out")
def sign_out() -> Any:
    """Ends the session on the server: a copy of the cookie is refused from now on."""
    web.end_session(SESSION_KEY)
    flash("signed_out", "portal")
    return redirect(url_for("portal.sign_in_form"), 303)


@bp.get("/language/<any(en, de):lang>")
def set_language(lang: str) -> Any:
    """Switch the portal's language (a page setting: no personal data, no state on the server)."""
    session["lang"] = lang
    return redirect(web.safe_next(request.args.get("next"), "/portal") or url_for("portal.sign_in_form"), 303)


# -- pages -----------------------------------------------------------------------------------

@bp.get("/matters")
@debtor_required
def matters() -> Any:
    """My open matters: who writes, what is owed (with each fee and its basis), how to pay, what
    was paid and disputed, what was decided, and my rights."""
    matters = [_shown(matter) for matter in rights.matters_of(_ctx(), g.subject, lang=web.language())]
    return render_template("portal/matters.html", matters=matters)


@bp.get("/decisions/<uuid:decision_id>")
@debtor_required
def decision(decision_id: Any) -> Any:
    """Why? The plain-language explanation, the review state and the review request form."""
    return render_template("portal/decision.html",
                           decision=rights.decision_of(_ctx(), g.subject, str(decision_id), lang=web.language()))


@bp.post("/decisions/<uuid:decision_id>/review")
@debtor_required
def request_review(decision_id: Any) -> Any:
    try:
        body = web.form_data(StatementFormSchema())
    except ValidationError as exc:
        document = rights.decision_of(_ctx(), g.subject, str(decision_id), lang=web.language())
        return render_template("portal/decision.html", decision=document, errors=web.field_errors(exc)), 422
    rights.request_review(_ctx(), g.subject, decision_id=str(decision_id), statement=body["statement"],
                          channel="portal", actor=ACTOR)
    flash("review_requested", "portal")
    return redirect(url_for("portal.requests"), 303)


@bp.get("/objection")
@debtor_required
def objection_form() -> Any:
    return render_template("portal/objection.html", requests=rights.requests_of(_ctx(), g.subject))


@bp.post("/objection")
@debtor_required
def objection() -> Any:
    try:
        body = web.form_data(StatementFormSchema())
    except ValidationError as exc:
        return render_template("portal/objection.html", requests=rights.requests_of(_ctx(), g.subject),
                               errors=web.field_errors(exc)), 422
    rights.object_to_profiling(_ctx(), g.subject, scope="profiling", statement=body["statement"], channel="portal",
                               actor=ACTOR)
    flash("objection_recorded", "portal")
    return redirect(url_for("portal.requests"), 303)


@bp.get("/data")
@debtor_required
def data() -> Any:
    return render_template("portal/data.html")


@bp.post("/data")
@debtor_required
def download() -> Any:
    """The access export (GDPR Art. 15) as JSON or PDF, in the page's language; recorded as an
    access request received and fulfilled."""
    try:
        body = web.form_data(AccessFormSchema())
    except ValidationError as exc:
        return render_template("portal/data.html", errors=web.field_errors(exc)), 422
    lang = web.language()
    export = rights.access_export(_ctx(), g.subject, lang=lang, channel="portal", actor=ACTOR)
    if body["format"] == "json":
        data, mimetype = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8"), "application/json"
    else:
        from reports import render_access_report

        data, mimetype = render_access_report(export, lang=lang), "application/pdf"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="fairdun-my-data.{body["format"]}"'
    return response


@bp.get("/requests")
@debtor_required
def requests() -> Any:
    """The status of my requests, with their deadlines."""
    return render_template("portal/requests.html", requests=rights.requests_of(_ctx(), g.subject))
