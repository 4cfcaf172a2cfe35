"""The webhook payloads in the OpenAPI document: one top-level ``webhooks`` entry per event type
(OpenAPI 3.1 §4.8.1), each with its payload's schema and an example, and the feed's events as their
``oneOf`` told apart by ``type`` (``FeedEvent``)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec

from .schemas import EVENT_EXAMPLES, EVENT_SCHEMAS, FEED_EVENT, FEED_EVENT_SCHEMAS, feed_example, schema_name

__all__ = ["describe_webhooks"]

_HEADERS = (
    ("webhook-id", "the event's id: the same on every retry (deduplicate by it)"),
    ("webhook-timestamp", "the attempt's time, seconds since 1970-01-01T00:00:00Z (refuse one far from now)"),
    ("webhook-signature", "v1,<base64 HMAC-SHA256 of '<webhook-id>.<webhook-timestamp>.<body>' under the secret>; "
                          "space-separated, one per secret, while a rotated secret's grace period lasts"),
)


def describe_webhooks(spec: APISpec) -> dict[str, Any]:
    """Register every event's schemas on ``spec``; the ``webhooks`` object."""
    for type_, schema in EVENT_SCHEMAS.items():
        spec.components.schema(schema_name(schema), {"examples": [EVENT_EXAMPLES[type_]]}, schema=schema)
    for type_, schema in FEED_EVENT_SCHEMAS.items():
        spec.components.schema(schema_name(schema), {"examples": [feed_example(type_)]}, schema=schema)
    spec.components.schema("FeedEvent", FEED_EVENT)
    parameters = [{"name": name, "in": "header", "required": True, "schema": {"type": "string"},
                   "description": description} for name, description in _HEADERS]
    return {type_: {"post": {
        "summary": (schema.__doc__ or type_).strip(),
        "description": "Signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/); "
                       "verify with its libraries and the endpoint's whsec_ secret. Retried with backoff for "
                       "over 24 hours until a 2xx answer; redirects are not followed.",
        "operationId": f"webhook_{type_.replace('.', '_')}",
        "parameters": parameters,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{schema_name(schema)}"},
            "example": EVENT_EXAMPLES[type_]}}},
        "responses": {"2XX": {"description": "received (any other answer is retried)"}},
    }} for type_, schema in EVENT_SCHEMAS.items()}
