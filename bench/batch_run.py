"""Batch run throughput, CPU, memory and storage, each size in a fresh process so the
resident-set peak and the CPU are the run's own (and its evaluation workers'). Generating
the portfolio file is neither timed nor counted.

CPU per decision is the run process plus its workers (spawned children, reaped when the
pool shuts down, so ``RUSAGE_CHILDREN`` holds them; a child still alive at the end, such as
multiprocessing's resource tracker, is read from /proc and added). On PostgreSQL the
backends serving the run's connections are reported apart. The marginal figures compare a
run of N with one of N/2 (same seed, each in its own process): (N - N/2) / (N/2 decisions),
which leaves out start-up, migration and the empty tables."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._measure import PgBackendCpu, descendants_cpu, rusage_cpu_s, stored_bytes

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
SEED = 303


def child(backend: str, n: int, workers: int) -> dict[str, Any]:
    from decisions.portfolio import generate_portfolio, write_jsonl
    from service.cli import open_app
    from service.commands import run_file

    from ._common import database

    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder, database(backend) as url:
        path = Path(folder) / "portfolio.jsonl"
        write_jsonl(generate_portfolio(n, seed=SEED, as_of=AS_OF), path)
        app = open_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        live_before = descendants_cpu(os.getpid(), include_root=False)
        with PgBackendCpu(url) if backend == "postgresql" else nullcontext() as server:
            self_before = rusage_cpu_s(resource.getrusage(resource.RUSAGE_SELF))
            children_before = rusage_cpu_s(resource.getrusage(resource.RUSAGE_CHILDREN))
            started = time.perf_counter()
            summary = run_file(app, path, progress=False, workers=workers)
            elapsed = time.perf_counter() - started
            self_cpu = rusage_cpu_s(resource.getrusage(resource.RUSAGE_SELF)) - self_before
            reaped_cpu = rusage_cpu_s(resource.getrusage(resource.RUSAGE_CHILDREN)) - children_before
            live_after = descendants_cpu(os.getpid(), include_root=False)
        app.extensions["fairdun"].db.dispose()
        storage = stored_bytes(url)
    live_cpu = sum(cpu - live_before.get(pid, 0.0) for pid, cpu in live_after.items())
    run_cpu = self_cpu - (server.own_cpu_s if server else 0.0)
    decisions = summary["decisions"]
    # Linux reports ru_maxrss in KiB; the workers are the run's terminated children.
    return {"backend": backend, "invoices": n, "decisions": decisions, "workers": workers, "seconds": elapsed,
            "decisions_per_s": decisions / elapsed,
            "cpu_s": run_cpu + reaped_cpu + live_cpu, "run_process_cpu_s": run_cpu,
            "worker_cpu_s": reaped_cpu, "unreaped_children": len(live_after), "unreaped_cpu_s": live_cpu,
            "cpu_ms_per_decision": (run_cpu + reaped_cpu + live_cpu) / decisions * 1e3,
            "db_server_cpu_s": server.seconds if server else None,
            "stored_bytes": storage["total"], "stored_bytes_by_table": storage["tables"],
            "bytes_per_decision": storage["total"] / decisions,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure(backend: str, n: int, workers: int | None = None) -> dict[str, Any]:
    workers = workers or os.cpu_count() or 1
    done = subprocess.run([sys.executable, "-m", "bench.batch_run", "--child", backend, str(n), str(workers)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"batch run {backend} {n} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def marginal(backend: str, n: int, workers: int | None = None) -> dict[str, Any]:
    """The run of ``n`` with the marginal figures against a run of ``n // 2``."""
    half, full = measure(backend, n // 2, workers), measure(backend, n, workers)
    extra = full["decisions"] - half["decisions"]

    def per_decision(key: str) -> float | None:
        if full[key] is None or half[key] is None:
            return None
        return float(full[key] - half[key]) / extra

    cpu, server = per_decision("cpu_s"), per_decision("db_server_cpu_s")
    return {**full, "half": half, "marginal_cpu_ms_per_decision": None if cpu is None else cpu * 1e3,
            "marginal_db_server_cpu_ms_per_decision": None if server is None else server * 1e3,
            "marginal_bytes_per_decision": per_decision("stored_bytes")}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "N", "WORKERS"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), int(args.child[2]))))
    else:
        for backend in args.backends.split(","):
            for size in args.sizes.split(","):
                print(json.dumps(marginal(backend, int(size))))
