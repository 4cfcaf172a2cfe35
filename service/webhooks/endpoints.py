"""Webhook endpoints as an admin manages them: register (the secret shown once), list, delete,
rotate the secret (the old one keeps signing for a grace period), enable again after the
dispatcher disabled a failing endpoint, read the delivery log and redeliver.

An endpoint receives the events recorded after it was registered (``from_position``: the
outbox's last position then, read under the ledger's append lock, so an event committing at the
same moment is either before it or delivered to it, never lost between the two).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from decisions.errors import Conflict, InvalidInput, NotFound, StorageUnavailable, storage_guard
from decisions.outbox_tables import EVENT_TYPES, OutboxEventRow
from ledger import Database
from ledger.chain import lock_head
from ledger.timestamps import as_utc, rfc3339

from .signing import SecretBox, new_secret, whsec
from .tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow
from .urls import AllowList, UrlRefused, check_url

__all__ = ["MAX_GRACE", "DEFAULT_GRACE", "Issued", "UnknownEndpoint", "UnknownDelivery", "create_endpoint",
           "list_endpoints", "get_endpoint", "delete_endpoint", "rotate_secret", "enable_endpoint", "deliveries",
           "redeliver", "endpoint_document"]

log = logging.getLogger(__name__)

MAX_GRACE = timedelta(days=7)            # the old secret signs at most this long after a rotation
DEFAULT_GRACE = timedelta(hours=24)      # ... and this long unless the admin says otherwise
MAX_ENDPOINTS = 100                      # per installation: each one multiplies every delivery


class UnknownEndpoint(NotFound):
    code = "unknown_webhook_endpoint"


class UnknownDelivery(NotFound):
    code = "unknown_delivery"


@dataclass(frozen=True)
class Issued:
    endpoint: dict[str, Any]
    secret: str        # whsec_…, shown once


def _iso(moment: datetime | None) -> str | None:
    return rfc3339(as_utc(moment)) if moment is not None else None


def endpoint_document(row: WebhookEndpointRow, *, now: datetime) -> dict[str, Any]:
    until = as_utc(row.previous_secret_until) if row.previous_secret_until is not None else None
    return {"endpoint_id": row.endpoint_id, "url": row.url, "events": json.loads(row.events), "status": row.status,
            "created_at": _iso(row.created_at), "disabled_at": _iso(row.disabled_at),
            "disabled_reason": row.disabled_reason, "failing_since": _iso(row.failing_since),
            "secret_rotated_at": _iso(row.secret_rotated_at),
            "previous_secret_expires_at": _iso(until) if until is not None and until > now else None}


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """A database failure while reading is ``StorageUnavailable`` (503), as everywhere else."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StorageUnavailable(f"{what} could not be read: the database is unavailable") from exc


def _check_events(events: Sequence[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        raise InvalidInput(f"one or more of: {', '.join(EVENT_TYPES)}", field="events")
    if len(set(events)) != len(events):
        raise InvalidInput("each event type once", field="events")
    return sorted(events)


def _endpoint(session: Session, endpoint_id: str, *, lock: bool = False) -> WebhookEndpointRow:
    query = select(WebhookEndpointRow).where(WebhookEndpointRow.endpoint_id == endpoint_id,
                                             WebhookEndpointRow.status != "deleted")
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise UnknownEndpoint("no webhook endpoint with this id")
    return row


def create_endpoint(db: Database, box: SecretBox, *, url: str, events: Sequence[str], allow: AllowList,
                    now: datetime, new_id: Callable[[], str], actor: str,
                    random_bytes: Callable[[int], bytes] | None = None) -> Issued:
    try:
        check_url(url, allow)
    except UrlRefused as exc:
        raise InvalidInput(exc.message, field="url") from exc
    types = _check_events(events)
    secret = new_secret() if random_bytes is None else new_secret(random_bytes)
    endpoint_id = new_id()
    with storage_guard("the webhook endpoint"), db.unit_of_work() as uow:
        session = uow.session
        lock_head(session)   # from_position: every event committed before is before it, every later one for it
        count = session.scalar(select(func.count()).where(WebhookEndpointRow.status != "deleted")) or 0
        if count >= MAX_ENDPOINTS:
            raise Conflict(f"at most {MAX_ENDPOINTS} webhook endpoints: delete one first", code="too_many_endpoints")
        last = session.scalar(select(func.max(OutboxEventRow.position))) or 0
        row = WebhookEndpointRow(endpoint_id=endpoint_id, url=url, events=json.dumps(types), status="enabled",
                                 secret=box.seal(secret, endpoint_id=endpoint_id), from_position=last,
                                 created_at=now, created_by=actor[:80])
        session.add(row)
        uow.commit()
    log.info("webhook endpoint %s registered by %s for %s", endpoint_id, actor, ", ".join(types))
    return Issued(endpoint=endpoint_document(row, now=now), secret=whsec(secret))


def list_endpoints(db: Database, *, now: datetime) -> list[dict[str, Any]]:
    """Every endpoint (at most ``MAX_ENDPOINTS``), oldest first; deleted ones are gone."""
    with _reading("the webhook endpoints"), db.reading() as session:
        rows = session.scalars(select(WebhookEndpointRow).where(WebhookEndpointRow.status != "deleted")
                               .order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.endpoint_id)).all()
        return [endpoint_document(row, now=now) for row in rows]


def get_endpoint(db: Database, endpoint_id: str, *, now: datetime) -> dict[str, Any]:
    with _reading("the webhook endpoint"), db.reading() as session:
        return endpoint_document(_endpoint(session, endpoint_id), now=now)


def delete_endpoint(db: Database, endpoint_id: str, *, now: datetime, actor: str) -> dict[str, Any]:
    """The endpoint gets nothing from now on: its pending deliveries are cancelled and its secrets
    destroyed. The row stays (its deliveries name it), out of every listing."""
    with storage_guard("the webhook endpoint"), db.unit_of_work() as uow:
        session = uow.session
        row = _endpoint(session, endpoint_id, lock=True)
        row.status, row.deleted_at = "deleted", now
        row.secret = row.previous_secret = row.previous_secret_until = None
        session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id,
                                                         WebhookDeliveryRow.status == "pending")
                        .values(status="cancelled", next_attempt_at=None, claimed_until=None))
        uow.commit()
    log.info("webhook endpoint %s deleted by %s", endpoint_id, actor)
    return endpoint_document(row, now=now)


def rotate_secret(db: Database, box: SecretBox, endpoint_id: str, *, grace: timedelta, now: datetime, actor: str,
                  random_bytes: Callable[[int], bytes] | None = None) -> Issued:
    """A new secret signs from now on; the current one signs too until ``now + grace`` (every
    delivery then carries both signatures), so the receiver can switch without a refused
    delivery. A secret still in an earlier rotation's grace period stops signing now."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise InvalidInput(f"a grace period of 0 to {int(MAX_GRACE.total_seconds() // 60)} minutes",
                           field="grace_minutes")
    secret = new_secret() if random_bytes is None else new_secret(random_bytes)
    with storage_guard("the secret rotation"), db.unit_of_work() as uow:
        row = _endpoint(uow.session, endpoint_id, lock=True)
        if grace > timedelta(0):
            row.previous_secret, row.previous_secret_until = row.secret, now + grace
        else:
            row.previous_secret = row.previous_secret_until = None
        row.secret, row.secret_rotated_at = box.seal(secret, endpoint_id=endpoint_id), now
        uow.commit()
    log.info("webhook endpoint %s: secret rotated by %s (the old one signs until %s)", endpoint_id, actor,
             rfc3339(now + grace))
    return Issued(endpoint=endpoint_document(row, now=now), secret=whsec(secret))


def enable_endpoint(db: Database, endpoint_id: str, *, now: datetime, actor: str,
                    redeliver_failed: bool = False) -> dict[str, Any]:
    """Enable an endpoint the dispatcher disabled: its pending deliveries are due now, each with
    its retries from the start; with ``redeliver_failed`` the deliveries whose retries ran out
    are pending again too. Enabling an enabled endpoint changes nothing but that option's effect."""
    with storage_guard("the webhook endpoint"), db.unit_of_work() as uow:
        session = uow.session
        row = _endpoint(session, endpoint_id, lock=True)
        was = row.status
        statuses = (("pending",) if was == "disabled" else ()) + (("failed",) if redeliver_failed else ())
        row.status, row.disabled_at, row.disabled_reason = "enabled", None, None
        if was == "disabled":
            row.failing_since = None   # a new streak: five more days before it is disabled again
        if statuses:
            session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id,
                                                             WebhookDeliveryRow.status.in_(statuses))
                            .values(status="pending", retries=0, next_attempt_at=now, claimed_until=None))
        uow.commit()
    log.info("webhook endpoint %s enabled by %s (was %s)", endpoint_id, actor, was)
    return endpoint_document(row, now=now)


def _delivery_document(row: WebhookDeliveryRow, event_type: str,
                       attempts: list[WebhookAttemptRow]) -> dict[str, Any]:
    return {"delivery_id": row.delivery_id, "event_id": row.event_id, "event_type": event_type,
            "status": row.status, "created_at": _iso(row.created_at), "next_attempt_at": _iso(row.next_attempt_at),
            "delivered_at": _iso(row.delivered_at),
            "attempts": [{"at": _iso(a.attempted_at), "status_code": a.status_code, "error": a.error,
                          "duration_ms": a.duration_ms} for a in attempts]}


def deliveries(db: Database, endpoint_id: str, *, before: int | None, limit: int,
               status: str | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """The endpoint's deliveries, newest event first, each with its attempts; and the position
    to continue before (None: no more)."""
    with _reading("the delivery log"), db.reading() as session:
        _endpoint(session, endpoint_id)
        query = (select(WebhookDeliveryRow, OutboxEventRow.type)
                 .join(OutboxEventRow, OutboxEventRow.event_id == WebhookDeliveryRow.event_id)
                 .where(WebhookDeliveryRow.endpoint_id == endpoint_id))
        if before is not None:
            query = query.where(WebhookDeliveryRow.position < before)
        if status is not None:
            query = query.where(WebhookDeliveryRow.status == status)
        rows = session.execute(query.order_by(WebhookDeliveryRow.position.desc()).limit(limit + 1)).all()
        page = rows[:limit]
        attempts: dict[str, list[WebhookAttemptRow]] = {}
        ids = [row.delivery_id for row, _ in page]
        if ids:
            for attempt in session.scalars(select(WebhookAttemptRow).where(WebhookAttemptRow.delivery_id.in_(ids))
                                           .order_by(WebhookAttemptRow.id)):
                attempts.setdefault(attempt.delivery_id, []).append(attempt)
        documents = [_delivery_document(row, type_, attempts.get(row.delivery_id, [])) for row, type_ in page]
        more = page[-1][0].position if len(rows) > limit and page else None
        return documents, more


def redeliver(db: Database, endpoint_id: str, delivery_id: str, *, now: datetime, actor: str) -> dict[str, Any]:
    """The delivery is due now with its retries from the start, whatever its status (a delivered
    event is sent again: receivers deduplicate by ``webhook-id``)."""
    with storage_guard("the redelivery"), db.unit_of_work() as uow:
        session = uow.session
        endpoint = _endpoint(session, endpoint_id, lock=True)
        if endpoint.status != "enabled":
            raise Conflict("the endpoint is disabled: enable it first", code="endpoint_disabled")
        row = session.scalar(select(WebhookDeliveryRow).where(WebhookDeliveryRow.delivery_id == delivery_id,
                                                              WebhookDeliveryRow.endpoint_id == endpoint_id)
                             .with_for_update())
        if row is None:
            raise UnknownDelivery("no delivery with this id to this endpoint")
        row.status, row.retries, row.next_attempt_at, row.claimed_until = "pending", 0, now, None
        event_type = session.scalar(select(OutboxEventRow.type).where(OutboxEventRow.event_id == row.event_id))
        attempts = list(session.scalars(select(WebhookAttemptRow).where(WebhookAttemptRow.delivery_id == delivery_id)
                                        .order_by(WebhookAttemptRow.id)))
        uow.commit()
    log.info("webhook delivery %s to endpoint %s queued again by %s", delivery_id, endpoint_id, actor)
    return _delivery_document(row, str(event_type), attempts)

