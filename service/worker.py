"""``fairdun worker``: a procrastinate worker that executes queued run chunks (``service.run_queue``).

The worker decides in its own process: the policy engine it loaded (and whose Rego suite passed,
or the command refused to start) evaluates here, in procrastinate's threads; nothing is forked
after OPA's Go runtime started.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import procrastinate
from flask import Flask
from sqlalchemy import text

from decisions.runs import Runs
from ledger import Database

from .run_queue import CHUNK_TASK, QUEUE, QueueSettings, ensure_schema, queue_app, retry_stalled_chunks
from .runner import parse_items

__all__ = ["ChunkExecutor", "run_worker", "worker_name", "WORKER_NAME_PREFIX"]

_LEFT = """SELECT count(*) AS left FROM procrastinate_jobs
            WHERE queue_name = %(queue)s AND task_name = %(task)s AND status IN ('todo', 'doing')"""


WORKER_NAME_PREFIX = "fairdun-worker/"


def worker_name() -> str:
    """Names the worker in its logs and, as ``application_name``, on its database connections
    (no spaces: libpq reads a ``+`` in the URL's query literally)."""
    return f"{WORKER_NAME_PREFIX}{socket.gethostname()}/{os.getpid()}"


class ChunkExecutor:
    """Decides one chunk of a stored run, then finishes the run if the chunk completed it."""

    def __init__(self, runs: Runs, db: Database) -> None:
        self._runs = runs
        self._db = db

    def __call__(self, run_id: str, first: int, last: int) -> None:
        with self._exclusive(run_id, first):
            items = parse_items(list(self._runs.stored_requests(run_id, first=first, last=last)), as_of=None)
            self._runs.execute(run_id, items, finish=False)
        self._runs.finish(run_id)

    @contextmanager
    def _exclusive(self, run_id: str, first: int) -> Iterator[None]:
        """Hold the chunk's advisory lock (run, first item) while it runs: a chunk handed on while
        its first worker is merely slow, not gone, waits here instead of deciding alongside it.
        A killed worker's connection closes, and PostgreSQL releases its lock."""
        key = {"run": int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:4], "big", signed=True),
               "first": first}
        with self._db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:run, :first)"), key)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:run, :first)"), key)
                connection.commit()


def run_worker(app: Flask, *, concurrency: int = 1, burst: bool = False) -> None:
    """Execute chunks until stopped (SIGTERM/SIGINT: the running chunks end first); with ``burst``,
    until no chunk is left queued or running, stalled ones included (they are handed on first)."""
    runtime = app.extensions["fairdun"]
    settings = QueueSettings.of(app.config)
    database_url = app.config["DATABASE_URL"]
    ensure_schema(database_url)
    queue = queue_app(database_url, stalled_seconds=None if burst else settings.stalled_seconds,
                      connections=concurrency + 3)   # + fetching, heartbeats, abort polling
    options: dict[str, Any] = {
        "queues": [QUEUE], "concurrency": concurrency, "name": worker_name(), "delete_jobs": "successful",
        "update_heartbeat_interval": settings.heartbeat_seconds, "stalled_worker_timeout": settings.stalled_seconds,
        "additional_context": {"chunks": ChunkExecutor(runtime.runs, runtime.db),
                               "stalled_seconds": settings.stalled_seconds}}
    asyncio.run(_work(queue, options, burst=burst, settings=settings))


async def _work(queue: procrastinate.App, options: dict[str, Any], *, burst: bool, settings: QueueSettings) -> None:
    async with queue.open_async():
        if not burst:
            await queue.run_worker_async(wait=True, **options)
            return
        while True:
            await queue.run_worker_async(wait=False, **options)
            await retry_stalled_chunks(queue, settings.stalled_seconds)
            row = await queue.connector.execute_query_one_async(_LEFT, queue=QUEUE, task=CHUNK_TASK)
            if not row["left"]:
                return
            # chunks running elsewhere, stalled or waiting for a retry: look again a heartbeat later
            await asyncio.sleep(settings.heartbeat_seconds)
