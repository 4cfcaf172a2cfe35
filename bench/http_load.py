"""Open-loop HTTP load on ``fairdun serve``: POST /v1/decisions sent on a fixed schedule
of R requests per second whatever the answers, each latency measured from the request's
scheduled send time, so a slow server cannot slow the client into hiding its queue
(coordinated omission). One asyncio loop with aiohttp sends; the send lag (actual minus
scheduled start) and the client's own CPU tell whether the client kept up.

Saturation point: after the fixed rates, a ramp of short steps from the highest passing
rate upward, x1.15 each, up to the lowest failing one (or 4x the highest fixed rate); a
rate passes when the successful answers per second reach 95 % of the offered rate and
p99 is under 1 s. The saturation point is the highest passing rate measured."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import aiohttp

from decisions.portfolio import generate_portfolio

from ._common import database, percentiles
from ._measure import TreeCpu, rusage_cpu_s
from ._server import Server, serving

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
RATES = (25, 50, 100, 200)
PASS_SHARE = 0.95
PASS_P99_S = 1.0
RAMP_FACTOR = 1.15
TIMEOUT_S = 10.0
IDLE_CORES = 0.1    # the server counts as idle (between steps) below this CPU use


@dataclass
class Client:
    session: aiohttp.ClientSession
    server: Server
    bodies: Iterator[bytes]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.key}", "Content-Type": "application/json"}


def bodies(seed: int, skip: int = 0) -> Iterator[bytes]:
    """Decision requests, each a new invoice (invoice refs are unique within one seed, so
    ``skip`` leaves out those another client sends), encoded when taken."""
    requests = islice(generate_portfolio(10**9, seed=seed, as_of=AS_OF), skip, None)
    return (json.dumps(body).encode() for body in requests)


async def settle(server: Server, limit_s: float = 120.0) -> None:
    """Wait until the server is nearly idle: after a saturated step it still computes the
    answers the client gave up on, which would load the next step."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        tree = TreeCpu(server.pid)
        await asyncio.sleep(1.0)
        if tree.seconds() < IDLE_CORES:
            return


async def open_loop(client: Client, rate: float, seconds: float | None = None,
                    running: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Send at ``rate`` for ``seconds`` or while ``running()``; wait for every answer."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    lags: list[float] = []
    counts = {"ok": 0, "errors": 0, "timeouts": 0}
    refused: dict[str, int] = {}   # answers other than 201 by status, and client errors by name
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)

    async def send(scheduled: float, body: bytes) -> None:
        lags.append(loop.time() - scheduled)
        try:
            async with client.session.post(client.server.decisions_url, data=body, headers=client.headers,
                                           timeout=timeout) as response:
                await response.read()
                if response.status == 201:
                    counts["ok"] += 1
                else:
                    counts["errors"] += 1
                    refused[str(response.status)] = refused.get(str(response.status), 0) + 1
        except TimeoutError:
            counts["timeouts"] += 1
        except aiohttp.ClientError as error:   # e.g. the server closed a kept-alive connection: named
            counts["errors"] += 1
            refused[type(error).__name__] = refused.get(type(error).__name__, 0) + 1
        latencies.append(loop.time() - scheduled)

    # Bodies are encoded ahead (for a minute when the end is not known), outside the schedule.
    pending = [next(client.bodies) for _ in range(int(rate * (seconds or 60)) + 1)][::-1]
    tree = TreeCpu(client.server.pid)
    client_before = rusage_cpu_s(resource.getrusage(resource.RUSAGE_SELF))
    start = loop.time() + 0.05
    tasks: list[asyncio.Task[None]] = []
    while (len(tasks) / rate < seconds) if seconds is not None else running and running():
        scheduled = start + len(tasks) / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(scheduled, pending.pop() if pending else next(client.bodies))))
    await asyncio.gather(*tasks)
    wall = loop.time() - start
    server_cpu = tree.seconds()
    client_cpu = rusage_cpu_s(resource.getrusage(resource.RUSAGE_SELF)) - client_before
    sent = len(tasks)
    return {"offered_per_s": rate, "sent": sent, **counts, "error_statuses": refused, "seconds": wall, "achieved_per_s": counts["ok"] / wall,
            **(percentiles(latencies) if latencies else {}),
            "server_cpu_ms_per_decision": server_cpu / max(1, counts["ok"]) * 1e3,
            "server_cores_busy": server_cpu / wall,
            "client_cpu_ms_per_request": client_cpu / max(1, sent) * 1e3, "client_cores_busy": client_cpu / wall,
            "max_send_lag_ms": max(lags, default=0.0) * 1e3, "over_1s": sum(t >= 1.0 for t in latencies)}


def passes(step: dict[str, Any]) -> bool:
    return step["achieved_per_s"] >= PASS_SHARE * step["offered_per_s"] and step["p99_ms"] < PASS_P99_S * 1e3


async def _steps(server: Server, rates: tuple[float, ...], seconds: float, ramp_seconds: float) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = Client(session, server, bodies(seed=404))
        await open_loop(client, 10, seconds=3)       # warm-up: the workers' first requests
        steps = []
        for rate in rates:
            await settle(server)
            steps.append(await open_loop(client, rate, seconds=seconds))
        passing = [s["offered_per_s"] for s in steps if passes(s)]
        failing = [s["offered_per_s"] for s in steps if not passes(s)]
        ceiling = min(failing, default=4 * max(rates))
        ramp = []
        rate = max(passing, default=rates[0] / RAMP_FACTOR ** 4) * RAMP_FACTOR
        while passing and rate < ceiling:
            await settle(server)
            step = await open_loop(client, round(rate, 1), seconds=ramp_seconds)
            ramp.append({**step, "ramp": True})
            if not passes(step):
                break
            passing.append(step["offered_per_s"])
            rate *= RAMP_FACTOR
    return {"steps": steps, "ramp": ramp, "saturation_per_s": max(passing, default=None)}


def measure(backend: str = "sqlite", rates: tuple[float, ...] = RATES, seconds: float = 20.0,
            ramp_seconds: float = 10.0, workers: int = 2, threads: int = 4) -> dict[str, Any]:
    with database(backend) as url, serving(url, workers=workers, threads=threads) as server:
        started = time.perf_counter()
        result = asyncio.run(_steps(server, rates, seconds, ramp_seconds))
    return {"backend": backend, "workers": workers, "threads": threads, "step_seconds": seconds,
            "ramp_seconds": ramp_seconds, "total_seconds": time.perf_counter() - started, **result}


def results_lines(r: dict[str, Any]) -> list[str]:
    lines = ["| offered req/s | sent | achieved req/s | p50 ms | p99 ms | max ms | errors | timeouts | "
             "server CPU ms/decision | server cores busy | client CPU ms/request | max send lag ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for step in r["steps"] + r["ramp"]:
        ramp = " (ramp)" if step.get("ramp") else ""
        lines.append(f"| {step['offered_per_s']:g}{ramp} | {step['sent']} | {step['achieved_per_s']:.1f} | "
                     f"{step['p50_ms']:.1f} | {step['p99_ms']:.1f} | {step['max_ms']:.0f} | {step['errors']} | "
                     f"{step['timeouts']} | {step['server_cpu_ms_per_decision']:.2f} | "
                     f"{step['server_cores_busy']:.2f} | {step['client_cpu_ms_per_request']:.2f} | "
                     f"{step['max_send_lag_ms']:.1f} |")
    saturation = r["saturation_per_s"]
    lines += ["", f"Saturation point: {'below the lowest rate' if saturation is None else f'{saturation:g} req/s'}"
                  f" (highest rate with >= {PASS_SHARE:.0%} of the offered rate answered 201 and p99 < "
                  f"{PASS_P99_S:g} s; ramp steps of {r['ramp_seconds']:g} s, x{RAMP_FACTOR} each)."]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--rates", default=",".join(map(str, RATES)))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ramp-seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = measure(args.backend, tuple(float(r) for r in args.rates.split(",")), args.seconds, args.ramp_seconds)
    print(json.dumps(result, indent=2))
    print("\n".join(results_lines(result)))
