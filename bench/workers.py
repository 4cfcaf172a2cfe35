"""A run across worker processes on PostgreSQL: ``fairdun run FILE --queue`` stores the
run and queues its chunks, then 1 or 2 ``fairdun worker --burst`` processes start together
and execute chunks until none is left. Decisions/s is over the workers' wall time (first
start to last exit, their start-up included); CPU per decision sums the worker processes
(and anything they spawn), each read with wait4 when it exits. The queueing command and the
PostgreSQL backends serving the installation's connections are reported apart."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from decisions.portfolio import generate_portfolio, write_jsonl

from ._common import database
from ._measure import PgBackendCpu, rusage_cpu_s
from ._server import FAIRDUN
from .batch_run import AS_OF, SEED


def available() -> str | None:
    """None when this checkout has ``fairdun worker`` and ``fairdun run --queue``, else why not."""
    from service.cli import main

    commands = getattr(main, "commands", {})
    if "worker" not in commands:
        return "this checkout has no `fairdun worker` command"
    if not any("--queue" in getattr(param, "opts", ()) for param in commands["run"].params):
        return "this checkout's `fairdun run` has no --queue option"
    return None


def measure(workers: int, n: int = 10_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder, database("postgresql") as url:
        env = {**os.environ, "FAIRDUN_INSTANCE_PATH": folder, "FAIRDUN_DATABASE_URL": url,
               "FAIRDUN_LOG_LEVEL": "WARNING"}
        path = Path(folder) / "portfolio.jsonl"
        write_jsonl(generate_portfolio(n, seed=SEED, as_of=AS_OF), path)
        started = time.perf_counter()
        queue_usage, queued = _run([[*FAIRDUN, "run", str(path), "--queue", "--no-progress"]], env, folder)
        queue_seconds = time.perf_counter() - started
        run_id = _status_json(queued[0])["run_id"]
        with PgBackendCpu(url, workers=True) as server:
            started = time.perf_counter()
            usages, _ = _run([[*FAIRDUN, "worker", "--burst"]] * workers, env, folder)
            elapsed = time.perf_counter() - started
        decisions = _decisions(folder, url, run_id)
    cpu = sum(rusage_cpu_s(usage) for usage in usages)
    return {"workers": workers, "invoices": n, "decisions": decisions, "seconds": elapsed,
            "decisions_per_s": decisions / elapsed, "cpu_ms_per_decision": cpu / decisions * 1e3,
            "worker_cpu_s": [rusage_cpu_s(usage) for usage in usages],
            "worker_peak_rss_mib": max(usage.ru_maxrss for usage in usages) / 1024,
            "queue_seconds": queue_seconds, "queue_cpu_s": rusage_cpu_s(queue_usage[0]),
            "db_server_cpu_ms_per_decision": None if server.seconds is None else server.seconds / decisions * 1e3}


def _run(commands: list[list[str]], env: dict[str, str], folder: str) -> tuple[list[resource.struct_rusage],
                                                                              list[str]]:
    """Start every command at once, wait for all; each one's rusage (its reaped descendants
    included) and stdout. A command that fails raises with its stderr's tail."""
    with ExitStack() as files:
        started = []
        for index, command in enumerate(commands):
            out, err = (files.enter_context(open(Path(folder) / f"{index}.{kind}", "w+")) for kind in ("out", "err"))
            started.append((command, subprocess.Popen(command, env=env, stdout=out, stderr=err), out, err))
        usages, outputs = [], []
        for command, process, out, err in started:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                err.seek(0)
                raise RuntimeError(f"{' '.join(command[3:])} exited {process.returncode}:\n{err.read()[-3000:]}")
            out.seek(0)
            outputs.append(out.read())
            usages.append(usage)
    return usages, outputs


def _status_json(stdout: str) -> dict[str, Any]:
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:   # something printed before the status: its last line
        return json.loads(stdout.strip().splitlines()[-1])


def _decisions(folder: str, url: str, run_id: str) -> int:
    """The run's decisions as the service reports them; the run must have finished."""
    from service.cli import open_app

    app = open_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    try:
        status = app.extensions["fairdun"].runs.status(run_id)
    finally:
        app.extensions["fairdun"].db.dispose()
    if status["status"] != "finished":
        raise RuntimeError(f"the workers exited with the run {status['status']}, {status['done']} items done")
    return int(status["decided"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10_000)
    args = parser.parse_args()
    reason = available()
    print(json.dumps({"not available": reason} if reason else [measure(k, args.invoices) for k in (1, 2)],
                     indent=2))
