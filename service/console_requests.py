"""The console's data-subject requests and staff look-ups (compliance officers), on the
``console`` blueprint.

A request is worked here with the domain functions ``/v1`` calls (``service.api_rights``):
extended once with a reasoned notice (GDPR Art. 12(3): ``rights.extend_request``), a
rectification resolved (``rights.resolve_rectification``); a review request is answered by its
review case's outcome. Bad input is a 422 page with the field marked, and nothing is written.

A look-up of a subject's data for the officer's own work is not the subject's Art. 15 request:
it is ledgered as ``staff_lookup_recorded`` with its purpose (``rights.staff_lookup``, as
``GET /v1/subjects/{ref}/access?purpose=…``) and counts in no request statistic. The debtor's
reference is posted in the form, never put in a URL.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from decisions import rights
from decisions.errors import Conflict, InvalidInput

from . import web
from .api_reports import pdf_response
from .console import OFFICERS, _actor, _ctx, bp, staff_requires
from .schemas.fields import Day, Ref
from .schemas.rights import RequestQuerySchema
from .schemas.web import FormText

__all__ = ["ExtensionFormSchema", "ResolutionFormSchema", "LookupFormSchema"]


class ExtensionFormSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(rights.EXTENSION_REASONS))
    notice = FormText(required=True, min_length=20)
    until = Day(load_default=None)


class ResolutionFormSchema(Schema):
    resolution = fields.String(required=True, validate=validate.OneOf(rights.RESOLUTIONS))
    rationale = FormText(required=True, min_length=1)


class LookupFormSchema(Schema):
    debtor_ref = Ref(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(rights.LOOKUP_PURPOSES))
    lang = fields.String(load_default="en", validate=validate.OneOf(("en", "de")))


def _words(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ")) for value in values]


@bp.get("/requests")
@staff_requires(*OFFICERS)
def requests() -> Any:
    """Data-subject requests by deadline (Art. 12(3)), overdue flagged."""
    query = RequestQuerySchema().load(request.args.to_dict())
    return render_template("console/requests.html", requests=rights.request_queue(
        _ctx(), status=query["status"], type_=query["type"]), status=query["status"], type=query["type"])


def _request_page(request_id: str, *, errors: dict[str, list[str]] | None = None, failure: str | None = None,
                  form: str | None = None) -> str:
    return render_template("console/request.html", item=rights.get_request(_ctx(), request_id), errors=errors or {},
                           failure=failure, form=request.form if form else {}, posted=form,
                           reasons=_words(rights.EXTENSION_REASONS), resolutions=_words(rights.RESOLUTIONS))


@bp.get("/requests/<uuid:request_id>")
@staff_requires(*OFFICERS)
def request_detail(request_id: Any) -> Any:
    return _request_page(str(request_id))


@bp.post("/requests/<uuid:request_id>/extension")
@staff_requires(*OFFICERS)
def extend_request(request_id: Any) -> Any:
    """Extend once, with the reasoned notice (``POST /v1/requests/{id}/extension``)."""
    try:
        body = web.form_data(ExtensionFormSchema())
        done = rights.extend_request(_ctx(), str(request_id), reason=body["reason"], notice=body["notice"],
                                     until=body["until"], actor=_actor())
    except ValidationError as exc:
        return _request_page(str(request_id), errors=web.field_errors(exc), form="extension"), 422
    except InvalidInput as exc:
        return _request_page(str(request_id), errors={exc.field or "until": [str(exc)]}, form="extension"), 422
    except Conflict as exc:
        return _request_page(str(request_id), failure=str(exc)), 409
    flash(f"Request extended: the deadline is now {web.due_day(done['effective_due_at'])}.", "console")
    return redirect(url_for("console.request_detail", request_id=request_id), 303)


@bp.post("/requests/<uuid:request_id>/resolution")
@staff_requires(*OFFICERS)
def resolve_request(request_id: Any) -> Any:
    """Resolve a rectification (``POST /v1/requests/{id}/resolution``); its restriction lifts."""
    try:
        body = web.form_data(ResolutionFormSchema())
        rights.resolve_rectification(_ctx(), str(request_id), resolution=body["resolution"],
                                     rationale=body["rationale"], actor=_actor())
    except ValidationError as exc:
        return _request_page(str(request_id), errors=web.field_errors(exc), form="resolution"), 422
    except InvalidInput as exc:
        return _request_page(str(request_id), errors={exc.field or "resolution": [str(exc)]},
                             form="resolution"), 422
    except Conflict as exc:
        return _request_page(str(request_id), failure=str(exc)), 409
    flash(f"Request resolved: {body['resolution']}. The restriction of processing is lifted.", "console")
    return redirect(url_for("console.request_detail", request_id=request_id), 303)


def _lookup_page(*, errors: dict[str, list[str]] | None = None, form: Any = None) -> str:
    return render_template("console/lookup.html", errors=errors or {}, form=form or {},
                           purposes=_words(rights.LOOKUP_PURPOSES))


@bp.get("/lookup")
@staff_requires(*OFFICERS)
def lookup_form() -> Any:
    return _lookup_page()


@bp.post("/lookup")
@staff_requires(*OFFICERS)
def lookup() -> Any:
    """Everything held on a debtor as the access report's PDF, for the officer's own work:
    ledgered with its purpose, not counted as the debtor's request."""
    from reports import render_access_report

    try:
        body = web.form_data(LookupFormSchema())
        subject = _ctx().pseudonyms.subject(body["debtor_ref"])
        export = rights.staff_lookup(_ctx(), subject, purpose=body["purpose"], lang=body["lang"], actor=_actor())
    except ValidationError as exc:
        return _lookup_page(errors=web.field_errors(exc), form=request.form), 422
    except InvalidInput as exc:
        return _lookup_page(errors={exc.field or "purpose": [str(exc)]}, form=request.form), 422
    return pdf_response(render_access_report(export, lang=body["lang"]), "subject-lookup.pdf")
