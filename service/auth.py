"""API keys and roles. Every /v1 route declares the roles it accepts where it is
registered (``@requires``); nothing deeper checks permissions ad hoc.

A key reads ``fd_<prefix>_<secret>``; the prefix finds the row, the secret is
compared by its SHA-256 (keys are 256-bit random, so a fast hash is enough —
there is nothing to brute-force as with a password).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy import select

from ledger import Database

from .errors import ApiError
from .tables import ApiKeyRow

__all__ = ["Role", "ApiKey", "create_api_key", "requires", "ROLES_ATTRIBUTE"]

ROLES_ATTRIBUTE = "_fairdun_roles"
F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.StrEnum):
    AR_SYSTEM = "ar_system"
    REVIEWER = "reviewer"
    COMPLIANCE_OFFICER = "compliance_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


class ApiKey:
    def __init__(self, key_id: str, name: str, role: Role) -> None:
        self.key_id = key_id
        self.name = name
        self.role = role


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(db: Database, *, name: str, role: Role, now: datetime,
                   new_id: Callable[[], str]) -> str:
    """Store a new key (hashed) and return its secret, which is shown only once."""
    prefix = secrets.token_hex(6)
    secret = f"fd_{prefix}_{secrets.token_urlsafe(32)}"
    with db.unit_of_work() as uow:
        uow.session.add(ApiKeyRow(key_id=new_id(), name=name, role=role.value, prefix=prefix,
                                  secret_sha256=_digest(secret), created_at=now))
        uow.commit()
    return secret


def authenticate(db: Database, header: str | None) -> ApiKey:
    if not header or not header.startswith("Bearer "):
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <api key>'")
    secret = header[len("Bearer "):].strip()
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != "fd" or not parts[1]:
        raise ApiError(401, "unauthenticated", "the API key is not valid")
    with db.reading() as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == parts[1]))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
        raise ApiError(401, "unauthenticated", "the API key is not valid")
    return ApiKey(row.key_id, row.name, Role(row.role))


def requires(*roles: Role) -> Callable[[F], F]:
    """Accept the request only with an API key of one of ``roles``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            key = authenticate(current_app.extensions["fairdun"].db, request.headers.get("Authorization"))
            if key.role not in roles:
                raise ApiError(403, "forbidden", f"this operation needs one of the roles: {', '.join(roles)}")
            g.api_key = key
            return view(*args, **kwargs)

        setattr(guarded, ROLES_ATTRIBUTE, tuple(roles))
        return guarded  # type: ignore[return-value]

    return decorate
