"""Schemas of the webhook endpoints' API, of the feed, and of every event's payload (one schema per
event type: the OpenAPI document's top-level ``webhooks`` and the feed's ``oneOf``)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from decisions.outbox_tables import EVENT_TYPES

from ..schemas.decision import EffectiveSchema
from ..schemas.fields import StrictBool, StrictInt
from ..schemas.paging import Cursor
from .endpoints import DEFAULT_GRACE, MAX_GRACE
from .urls import MAX_URL

__all__ = ["EndpointCreateSchema", "EndpointSchema", "EndpointListSchema", "EndpointIssuedSchema", "RotateSchema",
           "EnableSchema", "DeliveryQuerySchema", "DeliveryPageSchema", "DeliverySchema", "FeedQuerySchema",
           "FeedPageSchema", "EVENT_SCHEMAS", "FEED_EVENT_SCHEMAS", "EVENT_EXAMPLES", "FEED_EVENT", "feed_example",
           "schema_name", "DELIVERY_STATUSES", "MAX_FEED_PAGE"]

DELIVERY_STATUSES = ("pending", "delivered", "failed", "cancelled")
MAX_FEED_PAGE = 1000
_TIME = {"format": "date-time"}


class EndpointCreateSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=MAX_URL), metadata={
        "description": "https:// (plain http, and loopback or private addresses, only for the hosts of "
                       "FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS); no credentials, no fragment; redirects are not followed",
        "example": "https://erp.example.com/hooks/fairdun"})
    events = fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)), required=True,
                         validate=validate.Length(min=1, max=len(EVENT_TYPES)),
                         metadata={"description": "the event types to receive", "example": ["decision.reviewed"]})


class EndpointSchema(Schema):
    endpoint_id = fields.String(metadata={"format": "uuid"})
    url = fields.String()
    events = fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)))
    status = fields.String(validate=validate.OneOf(("enabled", "disabled", "deleted")), metadata={
        "description": "disabled: every attempt failed for FAIRDUN_WEBHOOK_DISABLE_AFTER_DAYS days; deliveries "
                       "wait until an admin enables it"})
    created_at = fields.String(metadata=_TIME)
    disabled_at = fields.String(allow_none=True, metadata=_TIME)
    disabled_reason = fields.String(allow_none=True, validate=validate.OneOf(("failing",)))
    failing_since = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "the first failed attempt since the last success"})
    secret_rotated_at = fields.String(allow_none=True, metadata=_TIME)
    previous_secret_expires_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "until then the previous secret signs too (a second signature)"})


class EndpointListSchema(Schema):
    endpoints = fields.List(fields.Nested(EndpointSchema), metadata={
        "description": "oldest first; at most 100 endpoints exist, all listed here"})


class EndpointIssuedSchema(EndpointSchema):
    secret = fields.String(metadata={
        "description": "the signing secret (Standard Webhooks' whsec_ form), shown in this answer only",
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


class RotateSchema(Schema):
    grace_minutes = StrictInt(load_default=int(DEFAULT_GRACE.total_seconds() // 60),
                              validate=validate.Range(min=0, max=int(MAX_GRACE.total_seconds() // 60)),
                              metadata={"description": "how long the old secret signs too (default 1440: a day)"})


class EnableSchema(Schema):
    redeliver_failed = StrictBool(load_default=False, metadata={
        "description": "queue again the deliveries whose retries ran out, too"})


class AttemptSchema(Schema):
    at = fields.String(metadata=_TIME)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True, metadata={
        "description": "http_status, redirect_refused, timeout, connection_failed, tls_error, bad_response, "
                       "dns_failed, address_refused, scheme_refused; null for a 2xx"})
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    delivery_id = fields.String(metadata={"format": "uuid"})
    event_id = fields.String(metadata={"format": "uuid", "description": "the webhook-id header"})
    event_type = fields.String(validate=validate.OneOf(EVENT_TYPES))
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    created_at = fields.String(metadata=_TIME)
    next_attempt_at = fields.String(allow_none=True, metadata=_TIME)
    delivered_at = fields.String(allow_none=True, metadata=_TIME)
    attempts = fields.List(fields.Nested(AttemptSchema), metadata={"description": "oldest first"})


class DeliveryQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = Cursor(kind="deliveries", load_default=None,
                    metadata={"description": "next_cursor of the previous page; the first page without it"})
    status = fields.String(load_default=None, validate=validate.OneOf(DELIVERY_STATUSES))


class DeliveryPageSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema), metadata={"description": "newest event first"})
    next_cursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})


class FeedQuerySchema(Schema):
    after = Cursor(kind="feed", load_default=None, metadata={
        "description": "next_cursor of the previous page; without it, the feed from its start"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_FEED_PAGE))


# ------------------------------------------------------------------------------------- events


class HoldCodeSchema(Schema):
    code = fields.String(metadata={"description": "why the decision is held (policy_error, model_unavailable, ...)"})


class RunItemRefSchema(Schema):
    run_id = fields.String(metadata={"format": "uuid"})
    item = fields.Integer()


class DecisionHeldDataSchema(Schema):
    decision_id = fields.String(metadata={"format": "uuid"})
    as_of = fields.String(metadata=_TIME)
    hold = fields.Nested(HoldCodeSchema)
    run = fields.Nested(RunItemRefSchema, allow_none=True, metadata={"description": "the run item it decided"})
    effective = fields.Nested(EffectiveSchema)


class DecisionReviewedDataSchema(Schema):
    decision_id = fields.String(metadata={"format": "uuid"})
    case_id = fields.String(metadata={"format": "uuid"})
    outcome = fields.String(validate=validate.OneOf(("uphold", "modify", "overturn")))
    effective = fields.Nested(EffectiveSchema, metadata={"description": "what to do now"})


class ReviewRequestedDataSchema(Schema):
    decision_id = fields.String(metadata={"format": "uuid"})
    request_id = fields.String(metadata={"format": "uuid"})
    case_id = fields.String(metadata={"format": "uuid", "description": "the review case it opened or joined"})
    channel = fields.String(validate=validate.OneOf(("portal", "staff")))
    received_at = fields.String(metadata=_TIME)
    due_at = fields.String(metadata={"format": "date-time", "description": "the GDPR Art. 12(3) deadline"})


class RunCompletedDataSchema(Schema):
    run_id = fields.String()
    total = fields.Integer(allow_none=True)
    decided = fields.Integer(metadata={"description": "decisions recorded by the run"})
    invalid = fields.Integer(metadata={"description": "items with an error"})
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_action = fields.Dict(keys=fields.String(), values=fields.Integer())
    held_reasons = fields.Dict(keys=fields.String(), values=fields.Integer())


class DeadlineNearDataSchema(Schema):
    request_id = fields.String(metadata={"format": "uuid"})
    type = fields.String(validate=validate.OneOf(("access", "objection", "review", "rectification", "erasure")))
    received_at = fields.String(metadata=_TIME)
    due_at = fields.String(metadata={"format": "date-time", "description": "the deadline in force (as extended)"})
    decision_id = fields.String(allow_none=True)
    case_id = fields.String(allow_none=True)


_DATA = {"decision.held": (DecisionHeldDataSchema, "A decision was recorded held: nothing is to be sent."),
         "decision.reviewed": (DecisionReviewedDataSchema, "A person reviewed a decision: `effective` says what "
                                                           "to do now (overturn: nothing; withdraw it if sent)."),
         "review.requested": (ReviewRequestedDataSchema, "A debtor asked for a person to review a decision "
                                                         "(GDPR Art. 22(3)); its escalation pauses."),
         "run.completed": (RunCompletedDataSchema, "A batch run finished: list its items."),
         "request.deadline_near": (DeadlineNearDataSchema, "A data-subject request is still open and its "
                                                           "deadline is near.")}

_DECISION, _CASE, _REQUEST = ("3f1c2a9e-7b4d-4e21-9a55-0c6d8e2f4b17", "8d2e4f60-1a3b-4c5d-8e9f-a0b1c2d3e4f5",
                              "c4a7e2b1-5d3f-4a8e-b6c9-1e2d3f4a5b6c")
_RUN = "5b9d7f31-2c4e-4f6a-8b1d-3e5f7a9c1b2d"
# One example per event type (the document's examples; a test checks each against its schema)
EVENT_EXAMPLES: dict[str, dict[str, Any]] = {
    "decision.held": {"type": "decision.held", "timestamp": "2026-11-22T09:30:00Z", "data": {
        "decision_id": _DECISION, "as_of": "2026-11-22T09:00:00Z", "hold": {"code": "policy_error"},
        "run": {"run_id": _RUN, "item": 17},
        "effective": {"status": "held", "action": None, "because": None}}},
    "decision.reviewed": {"type": "decision.reviewed", "timestamp": "2026-11-24T14:05:00Z", "data": {
        "decision_id": _DECISION, "case_id": _CASE, "outcome": "modify",
        "effective": {"status": "decided", "action": {
            "kind": "reminder", "level": 1, "channel": "email", "tone": "gentle", "send_at": "2026-11-25T08:00:00Z",
            "fees": [], "template": "reminder.l1.gentle.de", "notices": ["gdpr_art21_objection_right"]},
            "because": {"case_id": _CASE, "outcome": "modify", "outcome_seq": 412,
                        "closed_at": "2026-11-24T14:05:00Z"}}}},
    "review.requested": {"type": "review.requested", "timestamp": "2026-11-23T10:12:00Z", "data": {
        "decision_id": _DECISION, "request_id": _REQUEST, "case_id": _CASE, "channel": "portal",
        "received_at": "2026-11-23T10:12:00Z", "due_at": "2026-12-23T22:59:59Z"}},
    "run.completed": {"type": "run.completed", "timestamp": "2026-11-22T09:34:10Z", "data": {
        "run_id": _RUN, "total": 500, "decided": 497, "invalid": 3,
        "by_status": {"decided": 481, "held": 2, "needs_review": 14},
        "by_action": {"final_notice": 40, "none": 120, "reminder": 337}, "held_reasons": {"policy_error": 2}}},
    "request.deadline_near": {"type": "request.deadline_near", "timestamp": "2026-12-16T06:00:00Z", "data": {
        "request_id": _REQUEST, "type": "review", "received_at": "2026-11-23T10:12:00Z",
        "due_at": "2026-12-23T22:59:59Z", "decision_id": _DECISION, "case_id": _CASE}},
}


def feed_example(type_: str) -> dict[str, Any]:
    """The event as the feed shows it: the webhook payload with its id (the webhook-id) first."""
    return {"id": "7e1d2c3b-4a5f-5b6c-9d8e-0f1a2b3c4d5e", **EVENT_EXAMPLES[type_]}


def _event_schema(type_: str, data: type[Schema], description: str, *, feed: bool) -> type[Schema]:
    name = "".join(part.capitalize() for part in type_.replace(".", "_").split("_"))
    attributes: dict[str, Any] = {
        "type": fields.String(required=True, validate=validate.OneOf((type_,))),
        "timestamp": fields.String(required=True, metadata={"format": "date-time", "description": "when it happened"}),
        "data": fields.Nested(data, required=True),
        "Meta": type("Meta", (), {"ordered": True}),
        "__doc__": description,
    }
    if feed:
        attributes["id"] = fields.String(required=True, metadata={"format": "uuid",
                                                                  "description": "the event's id (webhook-id)"})
    return type(f"{'Feed' if feed else ''}{name}EventSchema", (Schema,), attributes)


EVENT_SCHEMAS: dict[str, type[Schema]] = {t: _event_schema(t, d, text, feed=False) for t, (d, text) in _DATA.items()}
FEED_EVENT_SCHEMAS: dict[str, type[Schema]] = {t: _event_schema(t, d, text, feed=True)
                                               for t, (d, text) in _DATA.items()}


def schema_name(schema: type[Schema]) -> str:
    """An event schema's name in the document's components."""
    return schema.__name__.removesuffix("Schema")


def _ref(schema: type[Schema]) -> str:
    return f"#/components/schemas/{schema_name(schema)}"


# The feed's event: one schema per type, told apart by ``type`` (a component of its own, as apispec
# keeps no discriminator on a field; registered by ``describe_webhooks``).
FEED_EVENT = {
    "description": "An event of the feed: its type says which schema (the webhook payload of that type, with its id).",
    "oneOf": [{"$ref": _ref(s)} for s in FEED_EVENT_SCHEMAS.values()],
    "discriminator": {"propertyName": "type", "mapping": {t: _ref(s) for t, s in FEED_EVENT_SCHEMAS.items()}},
}


class FeedPageSchema(Schema):
    events = fields.List(fields.Raw(metadata={"allOf": [{"$ref": "#/components/schemas/FeedEvent"}]}),
                         metadata={"description": "oldest first; each shaped like the webhook payload, with its id"})
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "poll again with it as after (an empty page: nothing new yet); null while the feed is empty"})
