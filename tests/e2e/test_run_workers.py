"""Runs across hosts: ``fairdun run FILE --queue`` stores a run and queues its chunks, and several
``fairdun worker`` processes on one PostgreSQL execute them; one is killed (SIGKILL) while it holds
a chunk it has half decided. Every item is decided exactly once, the run finishes once, and the
ledger the workers appended to is one chain under valid checkpoints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from decisions.portfolio import generate_portfolio, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "service.cli"]
AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
ITEMS, CHUNK, WORKERS = 300, 20, 3

# The chunks held by our workers right now: the chunk's advisory lock (service.worker), the worker
# that holds it (its connections' application_name), and the chunk's range (its job's arguments).
HELD = text("""
    SELECT a.application_name AS worker, (j.args->>'first')::int AS first, (j.args->>'last')::int AS last
      FROM pg_locks l
      JOIN pg_stat_activity a ON a.pid = l.pid
      JOIN procrastinate_jobs j ON j.status = 'doing' AND j.args->>'run_id' = :run
                               AND (j.args->>'first')::int = l.objid::text::int
     WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted""")
DECIDED_IN = text("SELECT count(*) FROM decisions WHERE run_id = :run AND run_item BETWEEN :first AND :last")


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "portfolio.jsonl"
    write_jsonl(generate_portfolio(ITEMS, seed=23, as_of=AS_OF), path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"debtor": {"ref": "C-BROKEN"}}) + "\n")   # line ITEMS + 1: invalid
    return path


def _env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"),
           # small batches: a chunk commits several times, so a worker can die half-way through one
           "FAIRDUN_RUNS_BATCH_SIZE": "5", "FAIRDUN_LEDGER_CHECKPOINT_ENTRIES": "40",
           "FAIRDUN_WORKER_HEARTBEAT_SECONDS": "0.5", "FAIRDUN_WORKER_STALLED_SECONDS": "3"}
    env.pop("FAIRDUN_DATABASE_URL", None)
    if database_url is not None:
        env["FAIRDUN_DATABASE_URL"] = database_url
    return env


def _kill_one_holding_a_half_decided_chunk(engine: Any, run_id: str, workers: dict[str, subprocess.Popen[bytes]],
                                           timeout: float) -> tuple[subprocess.Popen[bytes], int, int, int]:
    """Poll the database until one of ``workers`` holds a chunk of which some, not all, items are
    decided; SIGKILL it there. Returns it, the chunk's range and what it had decided of it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            for worker, first, last in connection.execute(HELD, {"run": run_id}).all():
                process = next((p for name, p in workers.items() if worker.endswith(f"/{name}")), None)
                if process is None:
                    continue
                decided = connection.execute(DECIDED_IN, {"run": run_id, "first": first, "last": last}).scalar_one()
                if 0 < decided < last - first + 1:
                    os.kill(process.pid, signal.SIGKILL)
                    return process, first, last, decided
        assert all(p.poll() is None for p in workers.values()), "a worker ended before one could be killed"
        time.sleep(0.01)
    raise AssertionError("no worker was seen holding a half-decided chunk")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_workers_decide_every_item_once_when_one_is_killed_mid_chunk(tmp_path: Path, database_url: str) -> None:
    env = _env(tmp_path, database_url)
    queued = subprocess.run([*CLI, "run", str(_file(tmp_path)), "--queue", "--chunk-size", str(CHUNK)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert queued.returncode == 0, queued.stderr[-2000:]
    status = json.loads(queued.stdout)
    run_id = status["run_id"]
    assert (status["status"], status["total"], status["invalid"], status["decided"], status["chunks"]) == \
        ("pending", ITEMS + 1, 1, 0, ITEMS // CHUNK)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        jobs = connection.execute(text("SELECT args FROM procrastinate_jobs")).scalars().all()
    assert len(jobs) == ITEMS // CHUNK
    assert {frozenset(args) for args in jobs} == {frozenset({"run_id", "first", "last"})}   # nothing personal
    paths = [tmp_path / f"worker-{n}.log" for n in range(WORKERS)]
    logs = [path.open("wb") for path in paths]
    processes = [subprocess.Popen([*CLI, "worker", "--burst"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=log, start_new_session=True) for log in logs]
    try:
        victim, first, last, decided_before = _kill_one_holding_a_half_decided_chunk(
            engine, run_id, {str(p.pid): p for p in processes}, timeout=120)
        for process, path in zip(processes, paths, strict=True):
            if process is not victim:
                assert process.wait(timeout=120) == 0, path.read_text()[-3000:]
        assert victim.wait(timeout=10) == -signal.SIGKILL
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in logs:
            log.close()

    with engine.connect() as connection:
        per_item = dict(connection.execute(text(
            "SELECT run_item, count(*) FROM decisions WHERE run_id = :run GROUP BY run_item"), {"run": run_id}).all())
        replayed = connection.execute(text("SELECT count(*) FROM run_items WHERE run_id = :run "
                                           "AND decision_id IS NOT NULL"), {"run": run_id}).scalar_one()
        errors = connection.execute(text("SELECT item FROM run_items WHERE run_id = :run AND error IS NOT NULL"),
                                    {"run": run_id}).scalars().all()
        run = connection.execute(text("SELECT status, summary FROM runs WHERE run_id = :run"),
                                 {"run": run_id}).one()
        completed = connection.execute(text("SELECT count(*) FROM outbox_events WHERE type = 'run.completed' "
                                            "AND about = :run"), {"run": run_id}).scalar_one()
        left = connection.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                                       "AND task_name = 'fairdun.run_chunk'")).scalar_one()
        entries, last_seq = connection.execute(text("SELECT count(*), max(seq) FROM ledger_entries")).one()
        sizes = connection.execute(text("SELECT tree_size FROM ledger_checkpoints ORDER BY id")).scalars().all()
    engine.dispose()
    # every valid item decided exactly once, none lost (the killed worker's chunk finished by another)
    assert (per_item, replayed) == (dict.fromkeys(range(1, ITEMS + 1), 1), 0)
    assert decided_before < last - first + 1 and all(per_item[item] == 1 for item in range(first, last + 1))
    assert errors == [ITEMS + 1]
    # finished once, by whichever chunk completed the run
    summary = json.loads(run.summary)
    assert (run.status, summary["decisions"], summary["invalid"], completed, left) == ("finished", ITEMS, 1, 1, 0)
    # one contiguous chain, checkpoints signed one after another over a growing tree, all valid
    assert entries == last_seq + 1 >= ITEMS
    assert len(sizes) >= 2 and sizes == sorted(set(sizes))
    verified = subprocess.run([*CLI, "ledger", "verify"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr[-2000:]
    assert verified.stdout.startswith(f"ok: {entries} entries") and f"{len(sizes)} checkpoints verified" in \
        verified.stdout


def test_run_queue_refuses_sqlite_before_opening_anything(tmp_path: Path) -> None:
    refused = subprocess.run([*CLI, "run", str(_file(tmp_path)), "--queue"], cwd=ROOT, env=_env(tmp_path, None),
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert "the run queue needs PostgreSQL" in refused.stderr and refused.stdout == ""
    assert not (tmp_path / "instance" / "fairdun.sqlite3").exists()
