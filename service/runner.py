"""Runs batch runs in the background of the web process (one at a time), so
POST /v1/runs can answer 202 at once. Progress lives in the database, so any
worker process can report it, and an interrupted run can be resumed by any
process (POST /v1/runs/{id}/resume). With a run queue (``FAIRDUN_RUN_QUEUE``),
the run's chunks are queued for ``fairdun worker`` instead (``service.run_queue``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from marshmallow import ValidationError

from decisions.decider import AS_OF_TOO_FAR_AHEAD, too_far_ahead
from decisions.idempotency import IdempotencyKey, Outcome, idempotent, request_digest
from decisions.runs import RunItem, Runs
from ledger import Database
from ledger.timestamps import rfc3339

from .errors import flatten_messages
from .run_queue import RunQueue
from .schemas import DecisionRequestSchema

__all__ = ["RunWorker", "parse_item", "parse_items"]

log = logging.getLogger(__name__)
_schema = DecisionRequestSchema()


def parse_item(index: int, request_json: Any, *, as_of: datetime | None) -> RunItem:
    """Validate one request (``as_of`` replacing its own); an invalid one carries its errors
    (and itself, if it is an object: its references are reported with the errors)."""
    if as_of is not None and isinstance(request_json, dict):
        request_json = {**request_json, "as_of": rfc3339(as_of)}
    try:
        return RunItem(index=index, request_json=request_json, case=_schema.load(request_json))
    except ValidationError as exc:
        return RunItem(index=index, request_json=request_json if isinstance(request_json, dict) else None,
                       error=flatten_messages(exc.messages))


def parse_items(requests: list[tuple[int, Any]], *, as_of: datetime | None) -> list[RunItem]:
    return [parse_item(index, request_json, as_of=as_of) for index, request_json in requests]


class RunWorker:
    def __init__(self, runs: Runs, *, db: Database, clock: Callable[[], datetime],
                 queue: RunQueue | None = None) -> None:
        self._runs = runs
        self._queue = queue
        self._db = db
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fairdun-run")
        self._futures: dict[str, Future[Any]] = {}

    def start(self, requests: list[Any], *, as_of: datetime | None, body: dict[str, Any],
              client_id: str, idempotency_key: str | None, on_invalid: str = "reject") -> Outcome:
        """Validate every item, store the run, and start it: the invalid items are kept with
        their errors (``on_invalid="report"``), or refuse the whole run (``"reject"``: 422 naming
        ``items.<n>.<field>``, nothing stored). A replayed ``Idempotency-Key`` answers with the
        run's state now, not the one it started with."""
        now = self._clock()
        items = [RunItem(index=item.index, request_json=item.request_json, error={"as_of": [AS_OF_TOO_FAR_AHEAD]})
                 if item.case is not None and too_far_ahead(item.case.as_of, now) else item
                 for item in parse_items(list(enumerate(requests)), as_of=as_of)]
        errors = {f"items.{item.index}.{field}": messages
                  for item in items if item.error for field, messages in item.error.items()}
        if errors and on_invalid == "reject":
            raise ValidationError(errors)
        digest = request_digest(body)
        key = IdempotencyKey(client_id, idempotency_key, "runs", digest) if idempotency_key else None

        def create() -> dict[str, Any]:
            document = self._runs.create_stored(items, as_of=as_of, source_sha256=digest, idempotency=key)
            self.submit(document["run_id"])
            return document

        outcome = idempotent(self._db, key, create)
        if outcome.replayed:
            return Outcome(self._runs.status(outcome.document["run_id"]), replayed=True)
        return outcome

    def resume(self, run_id: str) -> dict[str, Any]:
        status = self._runs.status(run_id)   # 404 for an unknown run
        if status["status"] != "finished":
            self.submit(run_id)
        return status

    def submit(self, run_id: str) -> None:
        if self._queue is not None:
            self._queue.defer(run_id)
            return
        self._futures[run_id] = self._pool.submit(self._execute, run_id)

    def _execute(self, run_id: str) -> dict[str, Any]:
        try:
            items = parse_items(list(self._runs.stored_requests(run_id)), as_of=None)
            return self._runs.execute(run_id, items)
        except Exception:
            log.exception("run %s stopped", run_id)
            raise

    def join(self, run_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait for a run started by this worker (tests, CLI)."""
        return self._futures[run_id].result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
