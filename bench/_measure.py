"""CPU and storage figures the throughput benchmarks share: the CPU of process trees
and of PostgreSQL backends (read from /proc), and the bytes a database holds per table."""

from __future__ import annotations

import os
import resource
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import create_engine, make_url, text

from service.worker import WORKER_NAME_PREFIX

from ._common import DEFAULT_PG_URL

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rusage_cpu_s(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def proc_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` so far, or None when /proc does not show it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # After "(comm)" the fields start at the state (field 3): utime and stime are fields 14 and 15.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def descendants_cpu(pid: int, *, include_root: bool = True) -> dict[int, float]:
    """CPU seconds so far of ``pid`` and every live descendant, per pid."""
    root = psutil.Process(pid)
    seen: dict[int, float] = {}
    for process in ([root] if include_root else []) + root.children(recursive=True):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seen[process.pid] = times.user + times.system
    return seen


class TreeCpu:
    """CPU a process tree spends from construction to ``seconds()``, per pid, so a process
    that lives through the interval counts only its share. A process that ends in between
    loses its CPU (a gunicorn worker is not restarted under the loads measured here)."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._start = descendants_cpu(pid)

    def seconds(self) -> float:
        return sum(now - self._start.get(pid, 0.0) for pid, now in descendants_cpu(self._pid).items())


class PgBackendCpu:
    """CPU of the PostgreSQL backends serving the connections named ``application_name``,
    polled from /proc (the server runs on this machine) while the measured work runs.

    A backend present at the start counts from there; one that appears later counts from
    its fork. One that ends between two polls loses its last interval (at most ``interval``).
    ``own_cpu_s`` is the poller thread's own CPU, for a caller whose process CPU includes it."""

    def __init__(self, url: str, *, interval: float = 0.25, workers: bool = False) -> None:
        self._application = make_url(url).query.get("application_name")
        # `fairdun worker` names its connections after itself (service.worker.worker_name)
        self._also = f"{WORKER_NAME_PREFIX}%" if workers else None
        self._interval = interval
        self._baseline: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._readable = True
        self.own_cpu_s = 0.0

    def __enter__(self) -> PgBackendCpu:
        self._engine = create_engine(os.environ.get("FAIRDUN_TEST_DATABASE_URL", DEFAULT_PG_URL))
        self._connection = self._engine.connect()
        self._poll(first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._poll(first=False)
        self._connection.close()
        self._engine.dispose()

    @property
    def seconds(self) -> float | None:
        if not self._readable or not self._last:
            return None
        return sum(last - self._baseline.get(pid, 0.0) for pid, last in self._last.items())

    def _run(self) -> None:
        started = time.thread_time()
        while not self._stop.wait(self._interval):
            self._poll(first=False)
        self.own_cpu_s = time.thread_time() - started

    def _poll(self, *, first: bool) -> None:
        pids = self._connection.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"
                                             " OR application_name LIKE :also"),
                                        {"name": self._application, "also": self._also}).scalars().all()
        self._connection.commit()   # a fresh snapshot of pg_stat_activity at the next poll
        for pid in pids:
            cpu = proc_cpu_s(pid)
            if cpu is None:
                self._readable = False
                continue
            if first:
                self._baseline[pid] = cpu
            self._last[pid] = cpu


def stored_bytes(url: str) -> dict[str, Any]:
    """Bytes the database holds: ``total`` and ``tables`` (each table with its indexes, TOAST
    included on PostgreSQL). SQLite: the file plus its WAL after a truncating checkpoint."""
    if url.startswith("sqlite"):
        return _sqlite_bytes(Path(make_url(url).database or ""))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')")).all()
    finally:
        engine.dispose()
    tables = {name: int(size) for name, size in rows}
    return {"total": sum(tables.values()), "tables": tables}


def _sqlite_bytes(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = connection.execute(
            "SELECT COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat d "
            "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1").fetchall()
    connection.close()
    wal = path.with_name(path.name + "-wal")
    total = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return {"total": total, "tables": {name: int(size) for name, size in rows}}


def top_tables(tables: dict[str, int], decisions: int, k: int = 6) -> str:
    """The largest tables as "name 1.2 KB, ..." per decision, for one table cell."""
    largest = sorted(tables.items(), key=lambda item: -item[1])[:k]
    return ", ".join(f"{name} {size / decisions / 1000:.2f}" for name, size in largest)
