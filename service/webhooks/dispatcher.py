"""The dispatcher: delivers the outbox's events to the webhook endpoints, at least once.

One pass (``run_once``), repeated by ``run_forever`` (``fairdun serve`` runs one per worker
process in a thread; ``fairdun webhooks dispatch`` runs it on its own):

1. **Fan out**: each outbox event not fanned out yet gets one delivery per endpoint subscribed
   to its type (registered before it, not deleted), pending and due now.
2. **Deadlines**: ``request.deadline_near`` for each open data-subject request whose deadline
   lies within ``FAIRDUN_WEBHOOK_DEADLINE_NEAR_DAYS`` (7) days (``decisions.outbox``).
3. **Deliver** the due deliveries of enabled endpoints: claimed first (a lease,
   ``claimed_until``, of ``LEASE``; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock
   serialises the claim), then posted outside any transaction, then recorded. Many processes can
   dispatch at once; a process that dies mid-delivery leaves a lease that runs out, and another
   process delivers again (receivers deduplicate by ``webhook-id``).

An attempt succeeds on a 2xx answer. Anything else (another status, a redirect, no answer within
the timeout, an address the URL policy refuses now) is retried after ``RETRY_DELAYS``: 5 s, 30 s,
2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h, 12 attempts over 31 h 42 min, after
which the delivery is ``failed`` (an admin can redeliver it). An endpoint whose every attempt
has failed for ``FAIRDUN_WEBHOOK_DISABLE_AFTER_DAYS`` (5) days — counted from its first failure
after its last success, checked at each failure — is disabled: its deliveries wait, pending,
until an admin enables it again. Time is the app's clock; ids the app's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError

from decisions import outbox
from decisions.errors import StorageUnavailable
from decisions.outbox_tables import OutboxEventRow
from ledger import Database, LedgerError
from ledger.timestamps import as_utc

from .signing import SecretBox, SecretUnreadable, signature_headers
from .tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow
from .transport import DeliveryFailed, Transport
from .urls import AllowList, Resolver, UrlRefused, resolve, system_resolver

__all__ = ["Dispatcher", "DispatchReport", "RETRY_DELAYS", "LEASE"]

log = logging.getLogger(__name__)

# After the n-th failed attempt of a series, the next comes RETRY_DELAYS[n - 1] later; after the
# last one the delivery has failed. Exponential at first (the first two retries inside a minute,
# for a receiver that restarts), then every 8 hours; over 24 hours in all, so a receiver down for
# a day misses nothing.
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
                timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2), timedelta(hours=4),
                timedelta(hours=8), timedelta(hours=8), timedelta(hours=8))
LEASE = timedelta(minutes=1)     # a claimed delivery is another dispatcher's again after this long
_FAN_OUT_BATCH = 500


@dataclass
class DispatchReport:
    fanned_out: int = 0              # events given their deliveries
    announced: int = 0               # request.deadline_near events written
    delivered: int = 0
    failed: int = 0                  # failed attempts (retried later, or the delivery failed)
    disabled: list[str] = field(default_factory=list)   # endpoints disabled in this pass

    @property
    def busy(self) -> bool:
        return bool(self.fanned_out or self.announced or self.delivered or self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {"fanned_out": self.fanned_out, "announced": self.announced, "delivered": self.delivered,
                "failed": self.failed, "disabled": self.disabled}


@dataclass(frozen=True)
class _Work:
    delivery_id: str
    endpoint_id: str
    event_id: str
    url: str
    payload: bytes
    secrets: tuple[bytes, ...]


class Dispatcher:
    def __init__(self, *, db: Database, clock: Callable[[], datetime], new_id: Callable[[], str], box: SecretBox,
                 allow: AllowList, transport: Transport, resolver: Resolver = system_resolver,
                 deadline_within: timedelta = timedelta(days=7), disable_after: timedelta = timedelta(days=5),
                 batch: int = 50, concurrency: int = 4, timer: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._new_id = new_id
        self._box = box
        self._allow = allow
        self._transport = transport
        self._resolver = resolver
        self._deadline_within = deadline_within
        self._disable_after = disable_after
        self._batch = batch
        self._concurrency = concurrency
        self._timer = timer

    # -- one pass --------------------------------------------------------------------------

    def run_once(self) -> DispatchReport:
        report = DispatchReport()
        report.fanned_out = self.fan_out()
        report.announced = self.announce_deadlines()
        work = self._claim()
        if work:
            with ThreadPoolExecutor(max_workers=min(self._concurrency, len(work)),
                                    thread_name_prefix="fairdun-webhook") as pool:
                for ok, disabled in pool.map(self._deliver, work):
                    report.delivered += ok
                    report.failed += not ok
                    if disabled:
                        report.disabled.append(disabled)
        return report

    def run_forever(self, stop: threading.Event, *, interval: float = 1.0) -> None:
        """Passes until ``stop`` is set, waiting ``interval`` seconds after a pass with nothing
        to do; a pass that fails (the database unavailable) is logged and tried again later."""
        while not stop.is_set():
            try:
                busy = self.run_once().busy
            except (SQLAlchemyError, LedgerError, StorageUnavailable) as exc:
                log.warning("webhook dispatch pass failed, trying again in %ss: %s", interval, type(exc).__name__)
                busy = False
            except Exception:   # a bug must not end deliveries for the process's life: logged, tried again
                log.exception("webhook dispatch pass failed")
                busy = False
            if not busy:
                stop.wait(interval)

    # -- (1) fan out -----------------------------------------------------------------------

    def fan_out(self) -> int:
        now = self._clock()
        with self._db.unit_of_work() as uow:
            session = uow.session
            query = (select(OutboxEventRow).where(OutboxEventRow.fanned_out.is_(False))
                     .order_by(OutboxEventRow.position).limit(_FAN_OUT_BATCH))
            if not self._db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            events = session.scalars(query).all()
            if not events:
                return 0
            endpoints = [(e.endpoint_id, e.from_position, set(json.loads(e.events))) for e in session.scalars(
                select(WebhookEndpointRow).where(WebhookEndpointRow.status != "deleted"))]
            for event in events:
                for endpoint_id, from_position, types in endpoints:
                    if event.type in types and event.position > from_position:
                        session.add(WebhookDeliveryRow(
                            delivery_id=self._new_id(), endpoint_id=endpoint_id, event_id=event.event_id,
                            position=event.position, status="pending", retries=0, next_attempt_at=now,
                            created_at=now))
                event.fanned_out = True
            uow.commit()
            return len(events)

    # -- (2) deadlines ---------------------------------------------------------------------

    def announce_deadlines(self) -> int:
        now = self._clock()
        with self._db.unit_of_work() as uow:
            written = outbox.announce_deadlines(uow.session, now=now, within=self._deadline_within)
            if written:
                uow.commit()
            return written

    # -- (3) deliver -----------------------------------------------------------------------

    def _claim(self) -> list[_Work]:
        now = self._clock()
        with self._db.unit_of_work() as uow:
            session = uow.session
            query = (select(WebhookDeliveryRow)
                     .join(WebhookEndpointRow, WebhookEndpointRow.endpoint_id == WebhookDeliveryRow.endpoint_id)
                     .where(WebhookDeliveryRow.status == "pending", WebhookDeliveryRow.next_attempt_at <= now,
                            or_(WebhookDeliveryRow.claimed_until.is_(None), WebhookDeliveryRow.claimed_until <= now),
                            WebhookEndpointRow.status == "enabled")
                     .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.position)
                     .limit(self._batch))
            if not self._db.is_sqlite:
                query = query.with_for_update(skip_locked=True, of=WebhookDeliveryRow)
            rows = session.scalars(query).all()
            if not rows:
                return []
            endpoints = {e.endpoint_id: e for e in session.scalars(select(WebhookEndpointRow).where(
                WebhookEndpointRow.endpoint_id.in_({r.endpoint_id for r in rows})))}
            payloads: dict[str, str] = dict(session.execute(
                select(OutboxEventRow.event_id, OutboxEventRow.payload)
                .where(OutboxEventRow.event_id.in_({r.event_id for r in rows}))).all())
            work = []
            for row in rows:
                endpoint = endpoints[row.endpoint_id]
                row.claimed_until = now + LEASE
                try:
                    secrets = self._secrets(endpoint, now)
                except SecretUnreadable as exc:   # nothing is sent unsigned: it waits a lease, the others go on
                    log.error("%s: its deliveries wait", exc)
                    continue
                work.append(_Work(delivery_id=row.delivery_id, endpoint_id=row.endpoint_id, event_id=row.event_id,
                                  url=endpoint.url, payload=payloads[row.event_id].encode("utf-8"), secrets=secrets))
            uow.commit()
            return work

    def _secrets(self, endpoint: WebhookEndpointRow, now: datetime) -> tuple[bytes, ...]:
        assert endpoint.secret is not None   # an enabled endpoint has its secret
        current = self._box.open(endpoint.secret, endpoint_id=endpoint.endpoint_id)
        until = endpoint.previous_secret_until
        if endpoint.previous_secret is not None and until is not None and as_utc(until) > now:
            return current, self._box.open(endpoint.previous_secret, endpoint_id=endpoint.endpoint_id)
        return (current,)

    def _deliver(self, work: _Work) -> tuple[bool, str | None]:
        at = self._clock()
        started = self._timer()
        status: int | None = None
        error: str | None = None
        try:
            target = resolve(work.url, self._allow, self._resolver)
            headers = signature_headers(message_id=work.event_id, at=at, body=work.payload,
                                        signing_secrets=work.secrets)
            status = self._transport.post(target, work.payload, headers)
            if not 200 <= status < 300:
                error = "redirect_refused" if 300 <= status < 400 else "http_status"
        except UrlRefused as exc:
            error = exc.code
        except DeliveryFailed as exc:
            error = exc.code
        duration = max(0, round((self._timer() - started) * 1000))
        return self._record(work, at=at, status=status, error=error, duration_ms=duration)

    def _record(self, work: _Work, *, at: datetime, status: int | None, error: str | None,
                duration_ms: int) -> tuple[bool, str | None]:
        """The attempt, and what follows from it: delivered, retried later or failed; the
        endpoint's failing streak, and its disabling once the streak is long enough."""
        with self._db.unit_of_work() as uow:
            session = uow.session
            # the endpoint's row first, then the delivery's: the order every writer of both locks them in
            endpoint = session.scalar(select(WebhookEndpointRow).where(
                WebhookEndpointRow.endpoint_id == work.endpoint_id).with_for_update())
            row = session.scalar(select(WebhookDeliveryRow).where(
                WebhookDeliveryRow.delivery_id == work.delivery_id).with_for_update())
            assert row is not None and endpoint is not None
            session.add(WebhookAttemptRow(delivery_id=row.delivery_id, attempted_at=at, status_code=status,
                                          error=error, duration_ms=duration_ms))
            disabled = None
            row.claimed_until = None
            if row.status == "pending" and error is None:
                row.status, row.delivered_at, row.next_attempt_at = "delivered", at, None
            elif row.status == "pending":   # (not cancelled or queued again meanwhile: then only the attempt counts)
                row.retries += 1
                if row.retries > len(RETRY_DELAYS):
                    row.status, row.next_attempt_at = "failed", None
                else:
                    row.next_attempt_at = at + RETRY_DELAYS[row.retries - 1]
            if error is None:
                endpoint.failing_since = None
            elif endpoint.failing_since is None:
                endpoint.failing_since = at
            elif endpoint.status == "enabled" and at - as_utc(endpoint.failing_since) >= self._disable_after:
                endpoint.status, endpoint.disabled_at, endpoint.disabled_reason = "disabled", at, "failing"
                disabled = endpoint.endpoint_id
            uow.commit()
        if error is None:
            log.info("webhook %s delivered to endpoint %s (%s)", work.event_id, work.endpoint_id, status)
        else:
            log.info("webhook %s to endpoint %s failed: %s%s", work.event_id, work.endpoint_id, error,
                     f" {status}" if status is not None else "")
        if disabled:
            log.warning("webhook endpoint %s disabled: every attempt failed for %s", disabled, self._disable_after)
        return error is None, disabled
