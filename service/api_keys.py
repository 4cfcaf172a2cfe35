"""API keys over HTTP (admin only): list them with their last use, create one, rotate one
(a new key of the same name and role; the old one valid for an optional grace period) and
revoke one. A secret is in the answer of create and rotate only, never stored in clear and
never shown again. Revoked keys stay listed.

Views parse, call one function of ``service.auth`` and answer; its errors map as everywhere:
unknown key 404, a refused change 409 (``last_admin_key``, ``key_revoked``), invalid input
422, database unavailable 503.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from marshmallow import Schema, fields, validate

from .api import json_body
from .auth import (
    MAX_GRACE,
    MAX_NAME,
    ApiKeyInfo,
    IssuedKey,
    Role,
    get_api_key,
    issue_api_key,
    list_api_keys,
    requires,
    revoke_api_key,
    rotate_api_key,
)
from .openapi import operation
from .schemas.fields import StrictBool, StrictInt, Text

__all__ = ["bp"]

bp = Blueprint("api_keys", __name__, url_prefix="/v1")
_KEY_ID = "<uuid:key_id>"
_MAX_GRACE_MINUTES = int(MAX_GRACE.total_seconds() // 60)


class ApiKeySchema(Schema):
    key_id = fields.String(metadata={"format": "uuid"})
    name = fields.String()
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    prefix = fields.String(metadata={"description": "the key reads fd_<prefix>_…; tells keys apart, grants nothing"})
    status = fields.String(validate=validate.OneOf(("active", "expiring", "revoked")),
                           metadata={"description": "expiring: replaced by a rotation, valid until revoked_at"})
    created_at = fields.String(metadata={"format": "date-time"})
    revoked_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    last_used_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "the minute of the last accepted request (recorded once a minute)"})


class ApiKeyListSchema(Schema):
    keys = fields.List(fields.Nested(ApiKeySchema), metadata={"description": "oldest first, revoked ones included"})


class ApiKeyCreatedSchema(ApiKeySchema):
    secret = fields.String(metadata={"description": "the key to send as 'Authorization: Bearer …'; shown once"})


class ApiKeyRotatedSchema(ApiKeyCreatedSchema):
    replaces = fields.Nested(ApiKeySchema, metadata={"description": "the old key, revoked at its revoked_at"})


class ApiKeyCreateSchema(Schema):
    name = Text(required=True, min_length=1, max_length=MAX_NAME,
                metadata={"description": "what uses the key (a system, not a person)", "example": "ERP production"})
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))


class ApiKeyRevokeSchema(Schema):
    force = StrictBool(load_default=False, metadata={"description": "revoke even the last active admin key"})


class ApiKeyRotateSchema(Schema):
    grace_minutes = StrictInt(load_default=0, validate=validate.Range(min=0, max=_MAX_GRACE_MINUTES),
                              metadata={"description": "how long the old key stays valid (default 0: not at all)"})


_create = ApiKeyCreateSchema()
_revoke = ApiKeyRevokeSchema()
_rotate = ApiKeyRotateSchema()


def _runtime() -> Any:
    return current_app.extensions["fairdun"]


def _actor() -> str:
    return f"api key {g.api_key.key_id}"


def _optional_body() -> Any:
    """The JSON body, or ``{}`` when none was sent (revoke and rotate have only defaults)."""
    return json_body() if request.content_length or request.data else {}


def _key(info: ApiKeyInfo) -> dict[str, Any]:
    return info.as_dict(now=_runtime().clock())


def _with_secret(issued: IssuedKey, status: int, **extra: Any) -> Response:
    response = jsonify({**_key(issued.key), "secret": issued.secret, **extra})
    response.status_code = status
    response.headers["Location"] = url_for("api_keys.get_key", key_id=issued.key.key_id)
    response.headers["Cache-Control"] = "no-store"   # the secret is in no cache either
    return response


@bp.get("/api-keys")
@requires(Role.ADMIN)
@operation(summary="Every API key with its status and last use (revoked keys included)",
           responses={200: ApiKeyListSchema})
def list_keys() -> Response:
    return jsonify({"keys": [_key(info) for info in list_api_keys(_runtime().db)]})


@bp.get(f"/api-keys/{_KEY_ID}")
@requires(Role.ADMIN)
@operation(summary="One API key", responses={200: ApiKeySchema})
def get_key(key_id: Any) -> Response:
    return jsonify(_key(get_api_key(_runtime().db, str(key_id))))


@bp.post("/api-keys")
@requires(Role.ADMIN)
@operation(summary="Create an API key; its secret is in this answer only", request=ApiKeyCreateSchema,
           responses={201: ApiKeyCreatedSchema})
def create_key() -> Response:
    body = _create.load(json_body())
    runtime = _runtime()
    issued = issue_api_key(runtime.db, name=body["name"], role=Role(body["role"]), now=runtime.clock(),
                           new_id=runtime.new_id, actor=_actor())
    return _with_secret(issued, 201)


@bp.post(f"/api-keys/{_KEY_ID}/revoke")
@requires(Role.ADMIN)
@operation(summary="Revoke an API key from now on (it stays listed)", request=ApiKeyRevokeSchema,
           responses={200: ApiKeySchema})
def revoke_key(key_id: Any) -> Response:
    """Revoking a revoked key changes nothing; a key in a rotation's grace period ends now.
    The last active admin key is refused with 409 ``last_admin_key`` unless ``force`` is true."""
    body = _revoke.load(_optional_body())
    runtime = _runtime()
    info = revoke_api_key(runtime.db, str(key_id), now=runtime.clock(), actor=_actor(), force=body["force"])
    return jsonify(_key(info))


@bp.post(f"/api-keys/{_KEY_ID}/rotate")
@requires(Role.ADMIN)
@operation(summary="Replace an API key by a new one of the same name and role; its secret is in this answer only",
           request=ApiKeyRotateSchema, responses={201: ApiKeyRotatedSchema})
def rotate_key(key_id: Any) -> Response:
    """The old key is refused from now on, or after ``grace_minutes`` (at most 7 days) so that
    its client can switch to the new secret without a gap. A revoked or already rotated key
    is refused with 409 ``key_revoked``."""
    body = _rotate.load(_optional_body())
    runtime = _runtime()
    rotation = rotate_api_key(runtime.db, str(key_id), now=runtime.clock(), new_id=runtime.new_id, actor=_actor(),
                              grace=timedelta(minutes=body["grace_minutes"]))
    return _with_secret(rotation.issued, 201, replaces=_key(rotation.replaced))
