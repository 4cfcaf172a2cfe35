"""Server-side sessions of the portal and the console (``web_sessions``); ``service.web`` keeps
the cookie side.

The browser holds only a random token (``secrets.token_urlsafe(32)``: 256 bits) inside Flask's
signed cookie. The server keeps the token's SHA-256 (a database dump holds no usable token)
with the surface, the principal (a subject pseudonym, or a staff user id), and when the session
was created, last seen and ended. A session lives while its row is not ended, was seen within
``idle`` and created within ``max_age`` (the injected clock); so sign-out, a password change, a
disabled account end it on the server and a copied cookie dies with it.

Ended and expired rows are deleted at the next sign-in once ``keep`` has passed after their
maximum age (a day by default: long enough to answer "was this session ended, and why?"). They
hold pseudonyms and times only: no name, address or token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from decisions.errors import storage_guard
from decisions.rights.staff import StaffUser, disable_staff_user, reset_staff_password
from ledger import Database
from ledger.timestamps import as_utc

from .tables import WebSessionRow

__all__ = ["SURFACES", "END_REASONS", "SessionLimits", "token_sha256", "open_session", "find", "why_ended", "touch",
           "end_session", "end_sessions_of", "forget_old", "disable_staff", "reset_staff"]

SURFACES = ("portal", "console")
# Why a session ended (``web_sessions.end_reason``).
END_REASONS = ("signed_out", "replaced", "idle", "expired", "password_changed", "password_reset", "disabled")
_SKEW = timedelta(minutes=5)     # a session seen "later than now" beyond this is not trusted


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(minutes=480)
    keep: timedelta = timedelta(hours=24)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def open_session(session: Session, *, surface: str, principal: str, now: datetime) -> str:
    """A new session of ``principal`` on ``surface``; returns its token (for the cookie only)."""
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")
    token = secrets.token_urlsafe(32)
    session.add(WebSessionRow(token_sha256=token_sha256(token), surface=surface, principal=principal,
                              created_at=now, seen_at=now))
    return token


def find(session: Session, digest: str) -> WebSessionRow | None:
    return session.get(WebSessionRow, digest)


def why_ended(row: WebSessionRow | None, *, surface: str, now: datetime, limits: SessionLimits) -> str | None:
    """None while ``row`` is a live session of ``surface``; else why it is not."""
    if row is None or row.surface != surface:
        return "unknown"
    if row.ended_at is not None:
        return row.end_reason or "ended"
    created, seen = as_utc(row.created_at), as_utc(row.seen_at)
    if now - created > limits.max_age:
        return "expired"
    if now - seen > limits.idle or seen > now + _SKEW:
        return "idle"
    return None


def touch(session: Session, digest: str, *, now: datetime) -> None:
    session.execute(update(WebSessionRow).where(WebSessionRow.token_sha256 == digest,
                                                WebSessionRow.ended_at.is_(None)).values(seen_at=now))


def end_session(session: Session, digest: str, *, reason: str, now: datetime) -> None:
    """End one session (if it still runs)."""
    session.execute(update(WebSessionRow).where(WebSessionRow.token_sha256 == digest,
                                                WebSessionRow.ended_at.is_(None))
                    .values(ended_at=now, end_reason=reason))


def end_sessions_of(session: Session, *, surface: str, principal: str, reason: str, now: datetime) -> int:
    """End every running session of ``principal`` on ``surface``; how many there were."""
    result = session.execute(update(WebSessionRow).where(WebSessionRow.surface == surface,
                                                         WebSessionRow.principal == principal,
                                                         WebSessionRow.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def forget_old(session: Session, *, now: datetime, limits: SessionLimits) -> None:
    """Delete the rows of sessions that cannot live any more and were kept long enough."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.created_at < now - limits.max_age - limits.keep))


# -- account changes from the command line, with their sessions ended in the same transaction --

def disable_staff(db: Database, *, name: str, now: datetime, actor: str) -> StaffUser:
    """Disable the staff account ``name``; every console session of it ends at once."""
    with storage_guard("the staff account"), db.unit_of_work() as uow:
        user = disable_staff_user(uow.session, name=name, now=now, actor=actor)
        end_sessions_of(uow.session, surface="console", principal=user.user_id, reason="disabled", now=now)
        uow.commit()
    return user


def reset_staff(db: Database, *, name: str, password: str, now: datetime, actor: str) -> StaffUser:
    """Set a new password for the staff account ``name``; every console session of it ends (and
    every device proof of it is void: the next sign-in is from an unknown browser)."""
    with storage_guard("the staff account"), db.unit_of_work() as uow:
        user = reset_staff_password(uow.session, name=name, new_password=password, now=now, actor=actor)
        end_sessions_of(uow.session, surface="console", principal=user.user_id, reason="password_reset", now=now)
        uow.commit()
    return user
