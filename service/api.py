"""The /v1 JSON API blueprint. Views parse, call one domain function, return."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from decisions.idempotency import ClaimConflict

from .api_messages import served_document
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas import (
    DecisionRequestSchema,
    DecisionResponseSchema,
    EventRequestSchema,
    EventResponseSchema,
    RunRequestSchema,
    RunStatusSchema,
)
from .schemas.examples import DECISION_REQUEST_EXAMPLE
from .schemas.paging import Cursor
from .schemas.run import RunItemsPageSchema, RunItemsQuerySchema

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/v1")

_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_decision_request = DecisionRequestSchema()
_event_request = EventRequestSchema()
_run_request = RunRequestSchema()
_run_items_query = RunItemsQuerySchema()

READERS = (Role.AR_SYSTEM, Role.REVIEWER, Role.COMPLIANCE_OFFICER, Role.AUDITOR)
# who sees what the AR system sent (references, metadata): the AR system, and the officer who
# answers the debtor's requests; reviewers and auditors decide and check without it
SENDER_VIEW = (Role.AR_SYSTEM, Role.COMPLIANCE_OFFICER)


def _runtime() -> Any:
    return current_app.extensions["fairdun"]


def json_body() -> Any:
    """The request's JSON document, read by the app's one strict loader (``service.edge``):
    415 without a JSON content type, 400 if malformed or a name repeats, 422 for a lone
    surrogate."""
    return request.get_json()


def run_items_within_limit(body: Any) -> None:
    """Refuse a run of more than ``RUNS_MAX_ITEMS`` items by counting them, before any of
    them is validated (413: the run is too large to take, however valid its items)."""
    limit = int(current_app.config["RUNS_MAX_ITEMS"])
    items = body.get("items") if isinstance(body, dict) else None
    if isinstance(items, list) and len(items) > limit:
        raise ApiError(413, "too_many_items", f"a run takes at most {limit} items; split the portfolio into "
                                              "several runs", {"items": [f"At most {limit} items (got {len(items)})."]})


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiError(400, "bad_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters")
    return key


def _created(document: dict[str, Any], replayed: bool, location: str) -> Response:
    response = jsonify(document)
    response.status_code = 200 if replayed else 201
    response.headers["Location"] = location
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/decisions")
@requires(Role.AR_SYSTEM)
@operation(summary="Decide the next dunning step for one invoice", request=DecisionRequestSchema,
           responses={201: DecisionResponseSchema, 200: DecisionResponseSchema}, idempotent=True,
           example=DECISION_REQUEST_EXAMPLE)
def create_decision() -> Response:
    """Without an `Idempotency-Key`, a request for a claim (`debtor.ref` + `invoice.ref`) and `as_of`
    already decided answers with that decision (200, the same body) if the request is the same, and
    is refused (409 `duplicate_decision`, naming it) if not; an `as_of` before the claim's latest
    decision is refused (409 `as_of_before_latest`). A held decision neither repeats nor blocks."""
    body = json_body()
    case = _decision_request.load(body)
    try:
        outcome = _runtime().decider.decide(case, body, client_id=g.api_key.key_id,
                                            idempotency_key=idempotency_key())
    except ClaimConflict as exc:
        raise ApiError(409, exc.code, str(exc), exc.fields) from exc
    return _created(served_document(outcome.document), outcome.replayed,
                    url_for("api.get_decision", decision_id=outcome.document["decision_id"]))


@bp.get("/decisions/<uuid:decision_id>")
@requires(*READERS)
@operation(summary="A recorded decision", responses={200: DecisionResponseSchema})
def get_decision(decision_id: Any) -> Response:
    """The decision as recorded, its latest human `review` and its `effective` status and action:
    what to do now (an overturned decision is `set_aside`)."""
    return jsonify(served_document(_runtime().decider.get(str(decision_id),
                                                          with_metadata=g.api_key.role in SENDER_VIEW)))


@bp.post("/events")
@requires(Role.AR_SYSTEM)
@operation(summary="Report a payment, dispute, promise, contact attempt or delivery result",
           request=EventRequestSchema, responses={201: EventResponseSchema, 200: EventResponseSchema},
           idempotent=True)
def create_event() -> Response:
    body = json_body()
    event = _event_request.load(body)
    outcome = _runtime().events.record(event, body, client_id=g.api_key.key_id, idempotency_key=idempotency_key())
    return _created(outcome.document, outcome.replayed, url_for("api.create_event"))


@bp.post("/runs")
@requires(Role.AR_SYSTEM)
@operation(summary="Start a batch dunning run (asynchronous)", request=RunRequestSchema,
           responses={202: RunStatusSchema, 200: RunStatusSchema}, idempotent=True)
def create_run() -> Response:
    request.max_content_length = current_app.config["RUNS_MAX_CONTENT_LENGTH"]
    body = json_body()
    run_items_within_limit(body)
    envelope = _run_request.load(body)
    outcome = _runtime().runner.start(envelope["items"], as_of=envelope["as_of"], body=body,
                                      client_id=g.api_key.key_id, idempotency_key=idempotency_key(),
                                      on_invalid=envelope["on_invalid"])
    response = jsonify(outcome.document)
    response.status_code = 200 if outcome.replayed else 202
    response.headers["Location"] = url_for("api.get_run", run_id=outcome.document["run_id"])
    return response


@bp.get("/runs/<uuid:run_id>")
@requires(Role.AR_SYSTEM, Role.COMPLIANCE_OFFICER, Role.AUDITOR)
@operation(summary="Progress and summary of a batch run", responses={200: RunStatusSchema})
def get_run(run_id: Any) -> Response:
    return jsonify(_runtime().runs.status(str(run_id)))


@bp.get("/runs/<uuid:run_id>/items")
@requires(*SENDER_VIEW)
@operation(summary="The items of a batch run, page by page", query=RunItemsQuerySchema,
           responses={200: RunItemsPageSchema})
def list_run_items(run_id: Any) -> Response:
    """Each item in index order: its references and metadata as sent, and its decision with its
    `effective` status and action (or the decision recorded before that it repeats), or its error.
    Follow `next_cursor` until it is null; list a run once it is `finished` to see every result."""
    query = _run_items_query.load(request.args)
    items, last = _runtime().runs.items(str(run_id), limit=query["limit"], after=query["cursor"])
    cursor = _run_items_query.fields["cursor"]
    assert isinstance(cursor, Cursor)
    return jsonify({"items": items, "next_cursor": cursor.encode(last) if last is not None else None})


@bp.post("/runs/<uuid:run_id>/resume")
@requires(Role.AR_SYSTEM)
@operation(summary="Resume an interrupted batch run", responses={202: RunStatusSchema})
def resume_run(run_id: Any) -> Response:
    response = jsonify(_runtime().runner.resume(str(run_id)))
    response.status_code = 202
    return response
