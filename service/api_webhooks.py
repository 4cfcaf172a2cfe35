"""Webhook endpoints (admin) and the event feed (AR systems) over HTTP.

Views parse, call one function of ``service.webhooks.endpoints`` (or ``decisions.outbox`` for the
feed) and answer; errors map as everywhere: unknown endpoint or delivery 404, a refused change
409 (``endpoint_disabled``, ``too_many_endpoints``), invalid input 422 naming the field (a URL the
policy refuses: ``url``), database unavailable 503. A signing secret is in the answers of
registration and rotation only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, url_for
from marshmallow import Schema

from decisions import outbox

from .api import json_body
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .webhooks import endpoints, webhooks_of
from .webhooks.schemas import (
    DeliveryPageSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    EnableSchema,
    EndpointCreateSchema,
    EndpointIssuedSchema,
    EndpointListSchema,
    EndpointSchema,
    FeedPageSchema,
    FeedQuerySchema,
    RotateSchema,
)

__all__ = ["bp", "init_app"]

bp = Blueprint("webhooks", __name__, url_prefix="/v1")
_ENDPOINT = "/webhook-endpoints/<uuid:endpoint_id>"
_feed_query = FeedQuerySchema()
_delivery_query = DeliveryQuerySchema()


def init_app(app: Flask) -> None:
    webhooks_of(app)   # the settings are read and the sealing key made now, not at the first request
    app.register_blueprint(bp)


def _runtime() -> Any:
    return current_app.extensions["fairdun"]


def _actor() -> str:
    return f"api key {g.api_key.key_id}"


def _body(schema: type[Schema], *, optional: bool = False) -> dict[str, Any]:
    """The JSON object the schema loads; ``{}`` when an optional body was not sent."""
    body = json_body() if not optional or request.content_length or request.data else {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "send a JSON object")
    return schema().load(body)


def _with_secret(issued: endpoints.Issued, status: int) -> Response:
    response = jsonify({**issued.endpoint, "secret": issued.secret})
    response.status_code = status
    response.headers["Location"] = url_for("webhooks.get_endpoint", endpoint_id=issued.endpoint["endpoint_id"])
    response.headers["Cache-Control"] = "no-store"   # the secret is in no cache either
    return response


@bp.post("/webhook-endpoints")
@requires(Role.ADMIN)
@operation(summary="Register a webhook endpoint; its signing secret is in this answer only",
           request=EndpointCreateSchema, responses={201: EndpointIssuedSchema})
def create_endpoint() -> Response:
    """The endpoint receives the events of its types recorded from now on, signed with the secret
    (Standard Webhooks: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)."""
    body = _body(EndpointCreateSchema)
    runtime, wiring = _runtime(), webhooks_of(current_app)
    issued = endpoints.create_endpoint(runtime.db, wiring.box, url=body["url"], events=body["events"],
                                       allow=wiring.settings.allow, now=runtime.clock(), new_id=runtime.new_id,
                                       actor=_actor())
    return _with_secret(issued, 201)


@bp.get("/webhook-endpoints")
@requires(Role.ADMIN)
@operation(summary="The webhook endpoints", responses={200: EndpointListSchema})
def list_endpoints() -> Response:
    return jsonify({"endpoints": endpoints.list_endpoints(_runtime().db, now=_runtime().clock())})


@bp.get(_ENDPOINT)
@requires(Role.ADMIN)
@operation(summary="One webhook endpoint", responses={200: EndpointSchema})
def get_endpoint(endpoint_id: Any) -> Response:
    return jsonify(endpoints.get_endpoint(_runtime().db, str(endpoint_id), now=_runtime().clock()))


@bp.delete(_ENDPOINT)
@requires(Role.ADMIN)
@operation(summary="Delete a webhook endpoint: nothing more is sent to it", responses={200: EndpointSchema})
def delete_endpoint(endpoint_id: Any) -> Response:
    """Its pending deliveries are cancelled and its secrets destroyed; it is gone from the list."""
    runtime = _runtime()
    return jsonify(endpoints.delete_endpoint(runtime.db, str(endpoint_id), now=runtime.clock(), actor=_actor()))


@bp.post(f"{_ENDPOINT}/rotate-secret")
@requires(Role.ADMIN)
@operation(summary="A new signing secret; the old one signs too for a grace period", request=RotateSchema,
           responses={200: EndpointIssuedSchema})
def rotate_secret(endpoint_id: Any) -> Response:
    """During ``grace_minutes`` (default a day, at most 7 days) every delivery carries two
    signatures in ``webhook-signature``, one per secret, so the receiver can switch secrets
    without refusing a delivery. The new secret is in this answer only."""
    body = _body(RotateSchema, optional=True)
    runtime, wiring = _runtime(), webhooks_of(current_app)
    issued = endpoints.rotate_secret(runtime.db, wiring.box, str(endpoint_id),
                                     grace=timedelta(minutes=body["grace_minutes"]), now=runtime.clock(),
                                     actor=_actor())
    return _with_secret(issued, 200)


@bp.post(f"{_ENDPOINT}/enable")
@requires(Role.ADMIN)
@operation(summary="Enable an endpoint disabled after failing; its waiting deliveries go now", request=EnableSchema,
           responses={200: EndpointSchema})
def enable_endpoint(endpoint_id: Any) -> Response:
    body = _body(EnableSchema, optional=True)
    runtime = _runtime()
    return jsonify(endpoints.enable_endpoint(runtime.db, str(endpoint_id), now=runtime.clock(), actor=_actor(),
                                             redeliver_failed=body["redeliver_failed"]))


@bp.get(f"{_ENDPOINT}/deliveries")
@requires(Role.ADMIN)
@operation(summary="The endpoint's delivery log, newest first, with every attempt",
           responses={200: DeliveryPageSchema}, query=DeliveryQuerySchema)
def list_deliveries(endpoint_id: Any) -> Response:
    query = _delivery_query.load(request.args.to_dict())
    documents, more = endpoints.deliveries(_runtime().db, str(endpoint_id), before=query["cursor"],
                                           limit=query["limit"], status=query["status"])
    cursor = _delivery_query.fields["cursor"]
    return jsonify({"deliveries": documents,
                    "next_cursor": cursor.encode(more) if more is not None else None})   # type: ignore[attr-defined]


@bp.post(f"{_ENDPOINT}/deliveries/<uuid:delivery_id>/redeliver")
@requires(Role.ADMIN)
@operation(summary="Deliver an event to the endpoint again, now, with its retries from the start",
           responses={202: DeliverySchema})
def redeliver(endpoint_id: Any, delivery_id: Any) -> Response:
    runtime = _runtime()
    response = jsonify(endpoints.redeliver(runtime.db, str(endpoint_id), str(delivery_id), now=runtime.clock(),
                                           actor=_actor()))
    response.status_code = 202
    return response


@bp.get("/feed")
@requires(Role.AR_SYSTEM, Role.ADMIN)
@operation(summary="The events webhooks deliver, as a feed to pull", responses={200: FeedPageSchema},
           query=FeedQuerySchema)
def feed() -> Response:
    """Oldest first from ``after`` (a ``next_cursor``; the cursor is opaque, only ever grows, and
    stays valid across restarts). Each event is the webhook payload ``{type, timestamp, data}`` with
    its ``id`` (the ``webhook-id`` of its deliveries)."""
    query = _feed_query.load(request.args.to_dict())
    after = query["after"]
    events = outbox.read_feed(_runtime().db, after=after or 0, limit=query["limit"])
    cursor = _feed_query.fields["after"]
    last = events[-1].position if events else after
    return jsonify({"events": [e.document for e in events],
                    "next_cursor": cursor.encode(last) if last is not None else None})   # type: ignore[attr-defined]
