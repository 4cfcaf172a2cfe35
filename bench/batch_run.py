"""Batch run throughput and peak memory, each size in a fresh process so the
resident-set peak is the run's own (and each evaluation worker's). Generating the
portfolio file is not timed."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)


def child(backend: str, n: int) -> dict[str, Any]:
    from decisions.portfolio import generate_portfolio, write_jsonl
    from service.cli import open_app
    from service.commands import run_file

    from ._common import database

    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder, database(backend) as url:
        path = Path(folder) / "portfolio.jsonl"
        write_jsonl(generate_portfolio(n, seed=303, as_of=AS_OF), path)
        app = open_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        started = time.perf_counter()
        summary = run_file(app, path, progress=False, workers=os.cpu_count() or 1)
        elapsed = time.perf_counter() - started
        app.extensions["fairdun"].db.dispose()
    # Linux reports ru_maxrss in KiB; the workers are the run's terminated children.
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"backend": backend, "invoices": n, "decisions": summary["decisions"], "seconds": elapsed,
            "decisions_per_s": summary["decisions"] / elapsed, "peak_rss_mib": peak_kib / 1024,
            "worker_peak_rss_mib": worker_kib / 1024, "workers": os.cpu_count() or 1}


def measure(backend: str, n: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.batch_run", "--child", backend, str(n)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "N"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
    else:
        for backend in ("sqlite", "postgresql"):
            for n in (10_000, 100_000):
                print(json.dumps(measure(backend, n)))
