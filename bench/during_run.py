"""Single decisions while a batch run executes: the same open-loop probe of POST
/v1/decisions (a low, fixed rate; latency from the scheduled send) first on an idle
``fairdun serve``, then while ``fairdun run FILE`` runs in another process on the same
database (for SQLite the same file), until that run ends."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import aiohttp

from decisions.portfolio import generate_portfolio, write_jsonl

from ._common import database
from ._server import FAIRDUN, Server, serving
from .http_load import AS_OF, Client, bodies, open_loop

SEED = 606


async def _probe(server: Server, portfolio: Path, invoices: int, rate: float, idle_seconds: float) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        # The run's own portfolio beyond its last invoice: no request repeats one of the run's invoices.
        client = Client(session, server, bodies(seed=SEED, skip=invoices))
        await open_loop(client, rate, seconds=3)          # warm-up: the workers' first requests
        idle = await open_loop(client, rate, seconds=idle_seconds)
        run = subprocess.Popen([*FAIRDUN, "run", str(portfolio), "--no-progress"], env=server.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = asyncio.get_running_loop().time()
        during = await open_loop(client, rate, running=lambda: run.poll() is None)
        run_seconds = asyncio.get_running_loop().time() - started
        if run.returncode != 0:
            raise RuntimeError(f"the batch run failed: {run.stderr.read().decode()[-3000:] if run.stderr else ''}")
    return {"idle": idle, "during": during, "run_seconds": run_seconds,
            "p95_ratio": during["p95_ms"] / idle["p95_ms"]}


def measure(backend: str = "sqlite", invoices: int = 10_000, rate: float = 10.0,
            idle_seconds: float = 20.0) -> dict[str, Any]:
    with database(backend) as url, serving(url) as server:
        portfolio = Path(server.folder) / "run.jsonl"
        write_jsonl(generate_portfolio(invoices, seed=SEED, as_of=AS_OF), portfolio)
        result = asyncio.run(_probe(server, portfolio, invoices, rate, idle_seconds))
    return {"backend": backend, "invoices": invoices, "rate_per_s": rate, **result}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.backend, args.invoices, args.rate, args.idle_seconds), indent=2))
