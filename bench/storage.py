"""Bytes stored per decision, by table (indexes and, on PostgreSQL, TOAST included): a batch
run over a generated portfolio, the database measured before and after it. SQLite counts the
pages each table and index occupies (``dbstat``); PostgreSQL ``pg_total_relation_size``."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)


def _sizes(engine: Engine) -> Counter[str]:
    """Bytes per table, its indexes counted with it."""
    sizes: Counter[str] = Counter()
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            owner = dict(connection.execute(text("SELECT name, tbl_name FROM sqlite_master")).all())
            for name, size in connection.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")):
                sizes[owner.get(name, name)] += int(size)
        else:
            query = text("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE c.relkind = 'r' AND n.nspname = current_schema()")
            for name, size in connection.execute(query):
                sizes[name] += int(size)
    return sizes


def measure(backend: str, n: int = 2_000) -> dict[str, Any]:
    from decisions.portfolio import generate_portfolio, write_jsonl
    from service.cli import open_app
    from service.commands import run_file

    from ._common import database

    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder, database(backend) as url:
        path = Path(folder) / "portfolio.jsonl"
        write_jsonl(generate_portfolio(n, seed=303, as_of=AS_OF), path)
        app = open_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        engine = app.extensions["fairdun"].db.engine
        before = _sizes(engine)
        decisions = run_file(app, path, progress=False, workers=1)["decisions"]
        after = _sizes(engine)
        app.extensions["fairdun"].db.dispose()
    per_table = {name: (after[name] - before[name]) / decisions for name in after if after[name] != before[name]}
    return {"backend": backend, "invoices": n, "decisions": decisions,
            "bytes_per_decision": sum(per_table.values()),
            "by_table": dict(sorted(per_table.items(), key=lambda kv: -kv[1]))}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2_000)
    for backend in ("sqlite", "postgresql"):
        print(json.dumps(measure(backend, parser.parse_args().n), indent=1))
