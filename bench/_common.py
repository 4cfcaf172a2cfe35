"""What every benchmark shares: a throwaway installation and the machine's description."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return {"n": len(ordered), "p50_ms": pick(0.50) * 1e3, "p95_ms": pick(0.95) * 1e3, "p99_ms": pick(0.99) * 1e3,
            "mean_ms": statistics.fmean(ordered) * 1e3, "max_ms": ordered[-1] * 1e3}


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    url = os.environ.get("FAIRDUN_TEST_DATABASE_URL", DEFAULT_PG_URL)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # Named after the schema, so pg_stat_activity tells this database's backends apart.
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def as_row(values: dict[str, Any]) -> str:
    return " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in values.values())
