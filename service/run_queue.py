"""Runs across hosts: a run's chunks as procrastinate jobs on the service's PostgreSQL.

``fairdun run FILE --queue`` and, with ``FAIRDUN_RUN_QUEUE=procrastinate``, ``POST /v1/runs`` store
the run (its items sealed in the database: ``Runs.create_stored``) and defer its chunks here;
``fairdun worker`` on any host that shares the database executes them (``service.worker``).

- A chunk job's arguments are the run's id and an item range, nothing personal: the worker reads
  the items from the database.
- A chunk decides through ``Runs.execute`` (one transaction per batch, resumable), so a chunk cut
  off mid-way leaves whole batches only. procrastinate's stalled-job recovery (workers' heartbeats,
  ``retry_stalled_chunks``) hands the chunk of a worker that stopped beating to another worker,
  which decides what is left of it.
- The run is finished by whichever chunk completes it (``Runs.finish``: exactly once).
- Ledger appends and checkpoints from every host serialise on the database (``ledger.chain``).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import procrastinate
import psycopg
from procrastinate import JobContext
from procrastinate.exceptions import AlreadyEnqueued, ProcrastinateException
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from decisions.errors import StorageUnavailable
from decisions.runs import Runs

__all__ = ["QUEUE", "CHUNK_TASK", "QueueSettings", "RunQueue", "QueueNeedsPostgres", "conninfo", "ensure_schema",
           "queue_app", "retry_stalled_chunks", "run_queue_of"]

QUEUE = "fairdun_runs"
CHUNK_TASK = "fairdun.run_chunk"
RETRY_TASK = "fairdun.retry_stalled_chunks"
# A chunk that raised (the database unreachable for a while) is tried again, later each time:
# procrastinate waits 2**(attempts + 1) seconds, so about a minute in all.
CHUNK_RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)
# Any fixed signed 64-bit number: names "applying procrastinate's schema" among advisory locks.
_SCHEMA_LOCK = int.from_bytes(b"fdqueue", "big")
_QUEUED = """SELECT count(*) AS queued FROM procrastinate_jobs
              WHERE task_name = %(task)s AND status IN ('todo', 'doing') AND args->>'run_id' = %(run_id)s"""


class QueueNeedsPostgres(ValueError):
    """The run queue lives in PostgreSQL; this installation's database is not one."""

    def __init__(self) -> None:
        super().__init__("the run queue needs PostgreSQL (FAIRDUN_DATABASE_URL=postgresql+psycopg://…); "
                         "this installation uses SQLite: run `fairdun run FILE` on one host instead")


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """``FAIRDUN_RUN_CHUNK_SIZE`` items per chunk; workers beat every ``FAIRDUN_WORKER_HEARTBEAT_SECONDS``,
    and one silent for ``FAIRDUN_WORKER_STALLED_SECONDS`` has its chunk handed on."""

    chunk_size: int
    heartbeat_seconds: float
    stalled_seconds: float

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> QueueSettings:
        settings = cls(chunk_size=int(config["RUN_CHUNK_SIZE"]),
                       heartbeat_seconds=float(config["WORKER_HEARTBEAT_SECONDS"]),
                       stalled_seconds=float(config["WORKER_STALLED_SECONDS"]))
        if settings.chunk_size < 1 or settings.heartbeat_seconds <= 0 or \
                settings.stalled_seconds <= settings.heartbeat_seconds:
            raise ValueError("the run queue needs FAIRDUN_RUN_CHUNK_SIZE >= 1 and "
                             "0 < FAIRDUN_WORKER_HEARTBEAT_SECONDS < FAIRDUN_WORKER_STALLED_SECONDS")
        return settings


def conninfo(database_url: str) -> str:
    """libpq's form of the service's SQLAlchemy URL (``postgresql+psycopg://…`` → ``postgresql://…``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise QueueNeedsPostgres()
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(database_url: str) -> None:
    """Apply procrastinate's schema unless the database has it already. Hosts that start at once
    serialise on an advisory lock, so the second finds the schema the first applied."""
    with psycopg.connect(conninfo(database_url)) as connection:   # commits (and unlocks) on leaving
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is None or row[0] is None:
            connection.execute(SchemaManager.get_schema())


def queue_app(database_url: str, *, stalled_seconds: float | None = None, connections: int = 2) -> procrastinate.App:
    """A procrastinate app on the database with the chunk task; with ``stalled_seconds``, also the
    periodic task that hands on the chunks of stalled workers (for workers that keep running)."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url), min_size=1, max_size=connections))
    app.task(name=CHUNK_TASK, queue=QUEUE, pass_context=True, retry=CHUNK_RETRY)(_run_chunk)
    if stalled_seconds is not None:
        every = min(59, max(1, round(stalled_seconds / 2)))   # the cron's sixth column is seconds
        retry = app.task(name=RETRY_TASK, queue=QUEUE, queueing_lock=RETRY_TASK, pass_context=True)(_retry_stalled)
        app.periodic(cron=f"* * * * * */{every}")(retry)
    return app


def _run_chunk(context: JobContext, *, run_id: str, first: int, last: int) -> None:
    context.additional_context["chunks"](run_id, first, last)   # service.worker.ChunkExecutor


async def _retry_stalled(context: JobContext, timestamp: int) -> None:
    await retry_stalled_chunks(context.app, context.additional_context["stalled_seconds"])


async def retry_stalled_chunks(app: procrastinate.App, stalled_seconds: float) -> int:
    """procrastinate's recovery of stalled jobs: the chunks held by workers that sent no heartbeat
    for ``stalled_seconds`` (killed, or cut off from the database) go back to the queue."""
    stalled = list(await app.job_manager.get_stalled_jobs(queue=QUEUE, task_name=CHUNK_TASK,
                                                          seconds_since_heartbeat=stalled_seconds))
    retried = 0
    for job in stalled:
        # another worker may have retried (or the job finished) since it was listed: the job is no
        # longer 'doing' and the retry is refused; that is the outcome wanted, not a failure
        with suppress(ProcrastinateException):
            await app.job_manager.retry_job(job)
            retried += 1
    return retried


class RunQueue:
    """Defers stored runs' chunks for ``fairdun worker`` (any host sharing the database)."""

    def __init__(self, *, database_url: str, runs: Runs, chunk_size: int) -> None:
        conninfo(database_url)   # refuses SQLite here, at start
        self._database_url = database_url
        self._runs = runs
        self._chunk_size = chunk_size
        self._schema_ready = False

    def defer(self, run_id: str, *, chunk_size: int | None = None) -> int:
        """Defer the chunks of the run's items still to decide, and return how many. Nothing is
        deferred while the run has chunks queued or running (they are its chunks: a resume then
        has nothing to add); a run with nothing left to decide is finished here."""
        size = chunk_size or self._chunk_size
        try:
            if not self._schema_ready:
                ensure_schema(self._database_url)
                self._schema_ready = True
            with queue_app(self._database_url).open() as app:
                if self._queued(app, run_id):
                    return 0
                pending = self._runs.pending_items(run_id)
                chunks = [pending[start:start + size] for start in range(0, len(pending), size)]
                for chunk in chunks:
                    # two resumes at once plan the same chunks: the second's are refused as queued
                    with suppress(AlreadyEnqueued):
                        app.configure_task(CHUNK_TASK, queueing_lock=f"{run_id}/{chunk[0]}").defer(
                            run_id=run_id, first=chunk[0], last=chunk[-1])
        except (ProcrastinateException, psycopg.Error) as exc:
            raise StorageUnavailable("the run is stored, but its chunks could not be queued; resume it") from exc
        if not chunks:
            self._runs.finish(run_id)
        return len(chunks)

    @staticmethod
    def _queued(app: procrastinate.App, run_id: str) -> int:
        row = app.connector.get_sync_connector().execute_query_one(_QUEUED, task=CHUNK_TASK, run_id=run_id)
        return int(row["queued"])


def run_queue_of(config: Mapping[str, Any], runs: Runs) -> RunQueue | None:
    """The queue that ``POST /v1/runs`` defers to (``FAIRDUN_RUN_QUEUE=procrastinate``), or None
    (unset: runs execute in the web process)."""
    kind = config.get("RUN_QUEUE") or None
    if kind is None:
        return None
    if kind != "procrastinate":
        raise ValueError(f"FAIRDUN_RUN_QUEUE: unknown run queue {kind!r} (procrastinate, or unset)")
    return RunQueue(database_url=config["DATABASE_URL"], runs=runs, chunk_size=QueueSettings.of(config).chunk_size)
