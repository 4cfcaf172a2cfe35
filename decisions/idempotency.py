"""Idempotency keys: the same key and body give the same answer; the same key
with another body is a conflict."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ledger import Database, LedgerError
from ledger.canonical import canonical_json, sha256_hex

from .errors import IdempotencyConflict, StorageUnavailable
from .tables import IdempotencyRow

__all__ = ["IdempotencyKey", "Outcome", "request_digest", "idempotent", "remember_response"]

log = logging.getLogger(__name__)


def request_digest(request_json: dict[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON: the identity of a request body."""
    return sha256_hex(canonical_json(request_json))


@dataclass(frozen=True, slots=True)
class Outcome:
    document: dict[str, Any]
    replayed: bool


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    client_id: str
    key: str
    scope: str            # decisions | events | runs
    request_sha256: str


def idempotent(db: Database, key: IdempotencyKey | None,
               produce: Callable[[], dict[str, Any]]) -> Outcome:
    """Replay the answer stored under ``key``, or ``produce`` a new one (which must
    store it with ``remember_response`` in its own transaction). Storage failures
    become ``StorageUnavailable``: nothing was written."""
    try:
        with db.reading() as session:
            prior = replay(session, key)
        if prior is not None:
            return Outcome(prior, replayed=True)
        return Outcome(produce(), replayed=False)
    except IntegrityError:
        # Another worker recorded the same key between our check and our commit.
        with db.reading() as session:
            prior = replay(session, key)
        if prior is None:
            raise StorageUnavailable("the request could not be recorded") from None
        return Outcome(prior, replayed=True)
    except (SQLAlchemyError, LedgerError) as exc:
        log.error("request not recorded: %s", type(exc).__name__)
        raise StorageUnavailable("the request could not be recorded; nothing was written") from exc


def replay(session: Session, key: IdempotencyKey | None) -> dict[str, Any] | None:
    """The stored response for ``key``, None if it is new; raises on a different body."""
    if key is None:
        return None
    row = session.get(IdempotencyRow, (key.client_id, key.key, key.scope))
    if row is None:
        return None
    if row.request_sha256 != key.request_sha256:
        raise IdempotencyConflict("this Idempotency-Key was used with a different request body")
    return json.loads(row.response)


def remember_response(session: Session, key: IdempotencyKey | None, *, resource_id: str,
                      response: dict[str, Any], now: datetime) -> None:
    if key is None:
        return
    session.add(IdempotencyRow(client_id=key.client_id, key=key.key, scope=key.scope,
                               request_sha256=key.request_sha256, resource_id=resource_id,
                               response=json.dumps(response, separators=(",", ":")), created_at=now))
