"""API keys and roles. Every /v1 route declares the roles it accepts where it is
registered (``@requires``); nothing deeper checks permissions ad hoc.

A key reads ``fd_<prefix>_<secret>``; the prefix finds the row, the secret is
compared by its SHA-256 (keys are 256-bit random, so a fast hash is enough —
there is nothing to brute-force as with a password).

A key's life: created (its secret shown once), listed with its last use, rotated (a new
key of the same name and role; the old one stays valid for an optional grace period),
revoked. Revoked keys stay listed: the ``api_keys`` table is their audit trail.

- ``revoked_at`` in the past: refused. In the future: the end of a rotation's grace period
  (the key is ``expiring``), valid until then.
- ``last_used_at`` is the minute of the last successful authentication, written at most
  once a minute per key, so the hot path stays one read (a second, conditional write only
  when the minute changed). Recording it is best effort: if that write fails the request
  goes on and the value is a lower bound.
- The last active admin key is not revoked unless forced (409 ``last_admin_key``): without
  one, only someone with the CLI on the server can manage keys again.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, g, make_response, request
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from decisions.errors import Conflict, InvalidInput, NotFound, StorageUnavailable, storage_guard
from ledger import Database
from ledger.timestamps import as_utc, rfc3339

from . import ratelimit
from .errors import ApiError, error_response
from .tables import ApiKeyRow

__all__ = ["Role", "ApiKey", "ApiKeyInfo", "IssuedKey", "Rotation", "UnknownApiKey", "AuthRefused",
           "create_api_key", "issue_api_key", "list_api_keys", "get_api_key", "revoke_api_key",
           "rotate_api_key", "authenticate", "requires", "init_app", "ROLES_ATTRIBUTE", "MAX_GRACE", "MAX_NAME"]

log = logging.getLogger(__name__)

ROLES_ATTRIBUTE = "_fairdun_roles"
F = TypeVar("F", bound=Callable[..., Any])

MAX_GRACE = timedelta(days=7)                  # a rotation's old key is valid at most this long
MAX_NAME = 100                                 # api_keys.name is String(100)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# RFC 6750 §3: the challenge of a protected resource; ``error="invalid_token"`` when a token was
# sent but is not valid (unknown, revoked, malformed), none when no bearer token was sent at all.
_REALM = 'Bearer realm="fairdun"'
_SEND_A_KEY = "send 'Authorization: Bearer <api key>'"


class Role(enum.StrEnum):
    AR_SYSTEM = "ar_system"
    REVIEWER = "reviewer"
    COMPLIANCE_OFFICER = "compliance_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


class ApiKey:
    """The key a request authenticated with (``g.api_key``)."""

    def __init__(self, key_id: str, name: str, role: Role) -> None:
        self.key_id = key_id
        self.name = name
        self.role = role


@dataclass(frozen=True)
class ApiKeyInfo:
    """A stored key as listed: never its secret (which is not stored), only its hash's prefix."""

    key_id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is None:
            return "active"
        return "expiring" if self.revoked_at > now else "revoked"

    def as_dict(self, *, now: datetime) -> dict[str, Any]:
        return {"key_id": self.key_id, "name": self.name, "role": self.role.value, "prefix": self.prefix,
                "status": self.status(now), "created_at": rfc3339(self.created_at),
                "revoked_at": _iso(self.revoked_at), "last_used_at": _iso(self.last_used_at)}


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKeyInfo
    secret: str     # shown once; only its SHA-256 is stored


@dataclass(frozen=True)
class Rotation:
    issued: IssuedKey        # the new key
    replaced: ApiKeyInfo     # the old key, revoked at ``revoked_at`` (now, or the end of the grace period)


class UnknownApiKey(NotFound):
    code = "unknown_api_key"


class AuthRefused(ApiError):
    """A 401 or 403 of ``@requires``, with the ``WWW-Authenticate`` challenge it answers with."""

    def __init__(self, status: int, code: str, message: str, *, challenge: str) -> None:
        super().__init__(status, code, message)
        self.challenge = challenge


def _unauthenticated(message: str, *, token_sent: bool) -> AuthRefused:
    return AuthRefused(401, "unauthenticated", message,
                       challenge=f'{_REALM}, error="invalid_token"' if token_sent else _REALM)


def _iso(moment: datetime | None) -> str | None:
    return rfc3339(moment) if moment is not None else None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(key_id=row.key_id, name=row.name, role=Role(row.role), prefix=row.prefix,
                      created_at=as_utc(row.created_at),
                      revoked_at=as_utc(row.revoked_at) if row.revoked_at is not None else None,
                      last_used_at=as_utc(row.last_used_at) if row.last_used_at is not None else None)


@contextmanager
def _reading_guard() -> Iterator[None]:
    """A database failure while reading keys is ``StorageUnavailable`` (503), as everywhere else."""
    try:
        yield
    except SQLAlchemyError as exc:
        message = "the API keys could not be read: the database is unavailable"
        log.warning("%s (%s)", message, type(exc).__name__)
        raise StorageUnavailable(message) from exc


def _check_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_NAME or _CONTROL.search(name):
        raise InvalidInput(f"a name of 1 to {MAX_NAME} characters without control characters", field="name")
    return name


def _new_row(*, name: str, role: Role, now: datetime, new_id: Callable[[], str]) -> tuple[ApiKeyRow, str]:
    prefix = secrets.token_hex(6)
    secret = f"fd_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKeyRow(key_id=new_id(), name=name, role=role.value, prefix=prefix, secret_sha256=_digest(secret),
                    created_at=_utc(now))
    return row, secret


def issue_api_key(db: Database, *, name: str, role: Role, now: datetime, new_id: Callable[[], str],
                  actor: str) -> IssuedKey:
    """Store a new key (hashed) and return it with its secret, which is shown only once."""
    row, secret = _new_row(name=_check_name(name), role=Role(role), now=now, new_id=new_id)
    with storage_guard("the API key"), db.unit_of_work() as uow:
        uow.session.add(row)
        uow.commit()
    log.info("API key %s (%s) created by %s", row.key_id, row.role, actor)
    return IssuedKey(key=_info(row), secret=secret)


def create_api_key(db: Database, *, name: str, role: Role, now: datetime,
                   new_id: Callable[[], str], actor: str = "cli") -> str:
    """Store a new key (hashed) and return its secret, which is shown only once."""
    return issue_api_key(db, name=name, role=role, now=now, new_id=new_id, actor=actor).secret


def list_api_keys(db: Database) -> list[ApiKeyInfo]:
    """Every key ever created, revoked ones included, oldest first."""
    with _reading_guard(), db.reading() as session:
        rows = session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.key_id)).all()
        return [_info(row) for row in rows]


def get_api_key(db: Database, key_id: str) -> ApiKeyInfo:
    with _reading_guard(), db.reading() as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise UnknownApiKey("no API key has this id")
        return _info(row)


def _row_for_update(session: Any, key_id: str) -> ApiKeyRow:
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_id == key_id).with_for_update())
    if row is None:
        raise UnknownApiKey("no API key has this id")
    return row


def revoke_api_key(db: Database, key_id: str, *, now: datetime, actor: str, force: bool = False) -> ApiKeyInfo:
    """Refuse the key from ``now`` on. A revoked key stays revoked as it was (the call is
    idempotent); a key in a rotation's grace period ends now. Revoking the last active admin
    key is a ``Conflict`` (``last_admin_key``) unless ``force``."""
    now = _utc(now)
    with storage_guard("the API key revocation"), db.unit_of_work() as uow:
        session = uow.session
        row = _row_for_update(session, key_id)
        if row.revoked_at is not None and as_utc(row.revoked_at) <= now:
            return _info(row)
        if row.role == Role.ADMIN and row.revoked_at is None and not force:
            # (the rows are locked: two admins revoking each other's keys cannot both pass)
            admins = session.scalars(select(ApiKeyRow.key_id).where(
                ApiKeyRow.role == Role.ADMIN.value, ApiKeyRow.revoked_at.is_(None)).with_for_update()).all()
            if set(admins) <= {key_id}:
                raise Conflict("this is the last active admin key: create or keep another admin key first, "
                               "or force the revocation", code="last_admin_key")
        row.revoked_at = now
        uow.commit()
    log.info("API key %s revoked by %s%s", key_id, actor, " (forced)" if force else "")
    return _info(row)


def rotate_api_key(db: Database, key_id: str, *, now: datetime, new_id: Callable[[], str], actor: str,
                   grace: timedelta = timedelta(0)) -> Rotation:
    """A new key with the old one's name and role; the old key is revoked at ``now + grace``
    (at most ``MAX_GRACE``), so a client can switch secrets without a gap. Only an active key
    (not revoked, not already rotated) is rotated."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise InvalidInput(f"a grace period of 0 to {int(MAX_GRACE.total_seconds() // 60)} minutes",
                           field="grace_minutes")
    now = _utc(now)
    with storage_guard("the API key rotation"), db.unit_of_work() as uow:
        session = uow.session
        old = _row_for_update(session, key_id)
        if old.revoked_at is not None:
            raise Conflict("this key is revoked or already rotated: rotate its replacement, or create a new key",
                           code="key_revoked")
        new, secret = _new_row(name=old.name, role=Role(old.role), now=now, new_id=new_id)
        old.revoked_at = now + grace
        session.add(new)
        uow.commit()
    log.info("API key %s rotated by %s into %s (old key valid until %s)", key_id, actor, new.key_id,
             rfc3339(now + grace))
    return Rotation(issued=IssuedKey(key=_info(new), secret=secret), replaced=_info(old))


def _bearer_token(header: str | None) -> str:
    """The token of ``Authorization: Bearer <token>``. RFC 7235 §2.1: the scheme is
    case-insensitive; any run of white space may separate it from the token."""
    parts = (header or "").split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise _unauthenticated(_SEND_A_KEY, token_sent=False)
    token = parts[1].strip()
    if any(c.isspace() for c in token):
        raise _unauthenticated("the API key is not valid", token_sent=True)
    return token


# Built once: every authenticated request runs them, on a Core connection.
_KEY_OF_PREFIX = select(ApiKeyRow.key_id, ApiKeyRow.name, ApiKeyRow.role, ApiKeyRow.secret_sha256,
                        ApiKeyRow.revoked_at, ApiKeyRow.last_used_at).where(ApiKeyRow.prefix == bindparam("prefix"))
_RECORD_USE = update(ApiKeyRow).where(
    ApiKeyRow.key_id == bindparam("key"),
    or_(ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at < bindparam("minute")),
).values(last_used_at=bindparam("minute"))


def _record_use(db: Database, key_id: str, minute: datetime) -> None:
    """Write the minute of use, unless another request already did (the condition makes
    concurrent workers write it once). Best effort: the request does not depend on it."""
    try:
        with db.transaction() as connection:
            connection.execute(_RECORD_USE, {"key": key_id, "minute": minute})
    except SQLAlchemyError as exc:
        log.warning("the last use of API key %s could not be recorded (%s)", key_id, type(exc).__name__)


def authenticate(db: Database, header: str | None, *, now: datetime) -> ApiKey:
    """The key of an ``Authorization`` header, or ``AuthRefused`` (401); ``StorageUnavailable``
    (503) when the database cannot tell."""
    # (1) the scheme and the token
    token = _bearer_token(header)
    fields = token.split("_", 2)
    if len(fields) != 3 or fields[0] != "fd" or not 1 <= len(fields[1]) <= 16:
        raise _unauthenticated("the API key is not valid", token_sent=True)
    # (2) one read: the row of the prefix
    with _reading_guard(), db.read_connection() as connection:
        row = connection.execute(_KEY_OF_PREFIX, {"prefix": fields[1]}).first()
    # (3) the secret's hash, in constant time, and the revocation at this moment
    now = _utc(now)
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(token)):
        raise _unauthenticated("the API key is not valid", token_sent=True)
    if row.revoked_at is not None and as_utc(row.revoked_at) <= now:
        raise _unauthenticated("the API key is not valid", token_sent=True)
    # (4) the last use, once a minute
    minute = now.replace(second=0, microsecond=0)
    if row.last_used_at is None or as_utc(row.last_used_at) < minute:
        _record_use(db, row.key_id, minute)
    return ApiKey(row.key_id, row.name, Role(row.role))


def requires(*roles: Role) -> Callable[[F], F]:
    """Accept the request only with an API key of one of ``roles``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            runtime = current_app.extensions["fairdun"]
            key = authenticate(runtime.db, request.headers.get("Authorization"), now=runtime.clock())
            g.api_key = key
            ratelimit.check(key.key_id, runtime.clock())   # 429 beyond the key's limit (all workers count)
            if key.role not in roles:
                raise AuthRefused(403, "forbidden", f"this operation needs one of the roles: {', '.join(roles)}",
                                  challenge=f'{_REALM}, error="insufficient_scope"')
            g.api_key = key
            return view(*args, **kwargs)

        setattr(guarded, ROLES_ATTRIBUTE, tuple(roles))
        return guarded  # type: ignore[return-value]

    return decorate


def init_app(app: Flask) -> None:
    """Answer ``AuthRefused`` as every ``ApiError``, with its ``WWW-Authenticate`` challenge
    (RFC 6750 §3; RFC 9110 §11.6.1: a 401 carries one)."""

    @app.errorhandler(AuthRefused)
    def _refused(exc: AuthRefused) -> Any:
        response = make_response(error_response(exc.status, exc.code, exc.message, exc.fields))
        response.headers["WWW-Authenticate"] = exc.challenge
        return response
