"""Data-subject rights and human review over HTTP (``/v1``). Staff call these on a debtor's
behalf (the portal calls the same domain functions with the signed-in subject). The debtor's
reference travels in the path, as DESIGN.md specifies; it is turned into the subject pseudonym
here and never logged (the server keeps no access log) nor ledgered.

Roles: compliance officers handle subject requests, legal holds and exports; reviewers and
compliance officers handle reviews and document compelling grounds; auditors, compliance
officers and admins read the ledger status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from marshmallow import Schema

from decisions import rights
from decisions.errors import InvalidInput
from decisions.paging import Position, keyset_page

from .api import json_body
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.rights import (
    AccessExportSchema,
    AccessQuerySchema,
    ErasureSchema,
    ExtensionSchema,
    GroundsResultSchema,
    GroundsSchema,
    LedgerStatusSchema,
    LegalHoldListSchema,
    LegalHoldQuerySchema,
    LegalHoldResultSchema,
    LegalHoldSchema,
    ObjectionSchema,
    OutcomeSchema,
    RectificationSchema,
    RequestListSchema,
    RequestQuerySchema,
    RequestViewSchema,
    ResolutionSchema,
    ResumeSchema,
    ReviewCaseSchema,
    ReviewCaseViewSchema,
    ReviewListSchema,
    ReviewQuerySchema,
    ReviewRequestSchema,
    SubjectRequestSchema,
)

__all__ = ["bp"]

bp = Blueprint("rights", __name__, url_prefix="/v1")
OFFICERS = (Role.COMPLIANCE_OFFICER,)
REVIEWERS = (Role.REVIEWER, Role.COMPLIANCE_OFFICER)
_REF = "<path:ref>"
_MAX_REF = 100


def _ctx() -> rights.RightsContext:
    return current_app.extensions["fairdun"].rights


def _actor() -> str:
    return f"api-key:{g.api_key.key_id}"


def _subject(ref: str) -> str:
    if not 1 <= len(ref) <= _MAX_REF or any(ord(c) < 0x20 or ord(c) == 0x7f for c in ref):
        raise InvalidInput("a debtor reference of 1 to 100 characters without control characters", field="ref")
    return _ctx().pseudonyms.subject(ref)


def _body(schema: type[Schema]) -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "send a JSON object")
    return schema().load(body)


def _page(name: str, documents: list[dict[str, Any]], query: dict[str, Any], schema: Schema, *,
          moment: str, ident: str) -> Response:
    """One cursor page of a list ordered by ``(moment, ident)``: ``{name: [...], "next_cursor"}``."""
    key: Callable[[dict[str, Any]], Position] = lambda d: (datetime.fromisoformat(d[moment]), d[ident])  # noqa: E731
    page, last = keyset_page(documents, key=key, after=query["cursor"], limit=query["limit"])
    cursor = schema.fields["cursor"]
    return jsonify({name: page, "next_cursor": cursor.encode(last) if last is not None else None})  # type: ignore[attr-defined]


def _created(document: dict[str, Any]) -> Response:
    response = jsonify(document)
    response.status_code = 201
    return response


@bp.get(f"/subjects/{_REF}/access")
@requires(*OFFICERS)
@operation(summary="Everything fairdun holds on a debtor (GDPR Art. 15); ?format=pdf for the PDF; "
                   "?purpose=… for a staff look-up (not the debtor's request)",
           responses={200: AccessExportSchema})
def subject_access(ref: str) -> Response:
    query = AccessQuerySchema().load(request.args.to_dict())
    if query["purpose"] is not None:   # a staff look-up, not the debtor's request
        export = rights.staff_lookup(_ctx(), _subject(ref), purpose=query["purpose"], lang=query["lang"],
                                     actor=_actor())
    else:
        export = rights.access_export(_ctx(), _subject(ref), lang=query["lang"], channel="staff", actor=_actor())
    if query["format"] == "json":
        return jsonify(export)
    from reports import render_access_report

    pdf = render_access_report(export, lang=query["lang"])
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="access-export.pdf"'})


@bp.post(f"/subjects/{_REF}/objections")
@requires(*OFFICERS)
@operation(summary="Objection to profiling (GDPR Art. 21): effective at once", request=ObjectionSchema,
           responses={201: SubjectRequestSchema})
def subject_objection(ref: str) -> Response:
    body = _body(ObjectionSchema)
    return _created(rights.object_to_profiling(_ctx(), _subject(ref), scope=body["scope"], statement=body["statement"],
                                               channel="staff", actor=_actor()))


@bp.post(f"/subjects/{_REF}/review-requests")
@requires(*OFFICERS)
@operation(summary="Ask a person to review one of the debtor's decisions (GDPR Art. 22(3))",
           request=ReviewRequestSchema, responses={201: SubjectRequestSchema})
def subject_review_request(ref: str) -> Response:
    body = _body(ReviewRequestSchema)
    return _created(rights.request_review(_ctx(), _subject(ref), decision_id=str(body["decision_id"]),
                                          statement=body["statement"], channel="staff", actor=_actor()))


@bp.post(f"/subjects/{_REF}/rectifications")
@requires(*OFFICERS)
@operation(summary="Rectification (GDPR Art. 16): processing is restricted until it is resolved (Art. 18(1)(a))",
           request=RectificationSchema, responses={201: SubjectRequestSchema})
def subject_rectification(ref: str) -> Response:
    body = _body(RectificationSchema)
    return _created(rights.request_rectification(_ctx(), _subject(ref), concerns=body["concerns"],
                                                 statement=body["statement"], channel="staff", actor=_actor()))


@bp.post(f"/subjects/{_REF}/erasure-requests")
@requires(*OFFICERS)
@operation(summary="Erasure (GDPR Art. 17): what a retention duty keeps is restricted, the rest shredded now",
           request=ErasureSchema, responses={201: SubjectRequestSchema})
def subject_erasure(ref: str) -> Response:
    body = _body(ErasureSchema)
    return _created(rights.request_erasure(_ctx(), _subject(ref), statement=body["statement"], channel="staff",
                                           actor=_actor()))


@bp.post(f"/subjects/{_REF}/compelling-grounds")
@requires(*REVIEWERS)
@operation(summary="Document compelling grounds or a legal claim after an objection (GDPR Art. 21(1))",
           request=GroundsSchema, responses={201: GroundsResultSchema})
def subject_grounds(ref: str) -> Response:
    body = _body(GroundsSchema)
    return _created(rights.document_grounds(_ctx(), _subject(ref), basis=body["basis"], rationale=body["rationale"],
                                            actor=_actor()))


@bp.get("/requests")
@requires(*OFFICERS)
@operation(summary="Data-subject requests by deadline (status=open|overdue|fulfilled|all, type=…), page by page",
           responses={200: RequestListSchema}, query=RequestQuerySchema)
def list_requests() -> Response:
    """Soonest effective deadline first; follow `next_cursor` until it is null. An extension moves
    a request later in the list."""
    schema = RequestQuerySchema()
    query = schema.load(request.args.to_dict())
    return _page("requests", rights.request_queue(_ctx(), status=query["status"], type_=query["type"]), query,
                 schema, moment="effective_due_at", ident="request_id")


@bp.get("/requests/<uuid:request_id>")
@requires(*OFFICERS)
@operation(summary="One data-subject request with its statement", responses={200: RequestViewSchema})
def get_request(request_id: Any) -> Response:
    return jsonify(rights.get_request(_ctx(), str(request_id)))


@bp.post("/requests/<uuid:request_id>/extension")
@requires(*OFFICERS)
@operation(summary="Extend a request once by up to two months, with a reasoned notice (GDPR Art. 12(3))",
           request=ExtensionSchema, responses={200: SubjectRequestSchema})
def extend_request(request_id: Any) -> Response:
    body = _body(ExtensionSchema)
    return jsonify(rights.extend_request(_ctx(), str(request_id), reason=body["reason"], notice=body["notice"],
                                         until=body["until"], actor=_actor()))


@bp.post("/requests/<uuid:request_id>/resolution")
@requires(*OFFICERS)
@operation(summary="Resolve a rectification (rectified | rejected); lifts its restriction",
           request=ResolutionSchema, responses={200: SubjectRequestSchema})
def resolve_request(request_id: Any) -> Response:
    body = _body(ResolutionSchema)
    return jsonify(rights.resolve_rectification(_ctx(), str(request_id), resolution=body["resolution"],
                                                rationale=body["rationale"], actor=_actor()))


@bp.get("/reviews")
@requires(*REVIEWERS)
@operation(summary="Review cases by due date with their SLA state (status=open|closed|all), page by page",
           responses={200: ReviewListSchema}, query=ReviewQuerySchema)
def list_reviews() -> Response:
    """Soonest due first; follow `next_cursor` until it is null."""
    schema = ReviewQuerySchema()
    query = schema.load(request.args.to_dict())
    return _page("reviews", rights.review_queue(_ctx(), status=query["status"]), query, schema,
                 moment="due_at", ident="case_id")


@bp.get("/reviews/<uuid:case_id>")
@requires(*REVIEWERS)
@operation(summary="A review case: decision, contributions, uncertainty, policy trace, statement",
           responses={200: ReviewCaseViewSchema})
def get_review(case_id: Any) -> Response:
    return jsonify(rights.review_case(_ctx(), str(case_id)))


@bp.post("/reviews/<uuid:case_id>/outcome")
@requires(*REVIEWERS)
@operation(summary="Record the outcome of a review: uphold | modify (with an action) | overturn",
           request=OutcomeSchema, responses={200: ReviewCaseSchema})
def review_outcome(case_id: Any) -> Response:
    body = _body(OutcomeSchema)
    return jsonify(rights.record_outcome(_ctx(), str(case_id), outcome=body["outcome"], rationale=body["rationale"],
                                         explanation_opened=body["explanation_opened"], action=body["action"],
                                         actor=_actor(), policy=_ctx().policy))


@bp.post("/reviews/<uuid:case_id>/resume")
@requires(*REVIEWERS)
@operation(summary="Resume automated escalation of a claim after an overturn", request=ResumeSchema,
           responses={200: ReviewCaseSchema})
def resume_review(case_id: Any) -> Response:
    body = _body(ResumeSchema)
    return jsonify(rights.resume_escalation(_ctx(), str(case_id), rationale=body["rationale"], actor=_actor()))


@bp.get("/legal-holds")
@requires(*OFFICERS)
@operation(summary="Active legal holds, page by page", responses={200: LegalHoldListSchema},
           query=LegalHoldQuerySchema)
def list_holds() -> Response:
    """Oldest first; follow `next_cursor` until it is null."""
    schema = LegalHoldQuerySchema()
    query = schema.load(request.args.to_dict())
    return _page("holds", rights.legal_holds(_ctx()), query, schema, moment="placed_at", ident="hold_id")


@bp.post("/legal-holds")
@requires(*OFFICERS)
@operation(summary="Place a legal hold on a debtor or one of its invoices: nothing of it is shredded",
           request=LegalHoldSchema, responses={201: LegalHoldResultSchema})
def place_hold() -> Response:
    body = _body(LegalHoldSchema)
    return _created(rights.place_legal_hold(_ctx(), debtor_ref=body["debtor_ref"], invoice_ref=body["invoice_ref"],
                                            reason=body["reason"], note=body["note"], actor=_actor()))


@bp.post("/legal-holds/<uuid:hold_id>/release")
@requires(*OFFICERS)
@operation(summary="Release a legal hold", responses={200: LegalHoldResultSchema})
def release_hold(hold_id: Any) -> Response:
    return jsonify(rights.release_legal_hold(_ctx(), str(hold_id), actor=_actor()))


@bp.get("/ledger/status")
@requires(Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.ADMIN)
@operation(summary="The latest signed checkpoint and the last verification result", responses={200: LedgerStatusSchema})
def ledger_status() -> Response:
    return jsonify(rights.ledger_status(_ctx().db))
