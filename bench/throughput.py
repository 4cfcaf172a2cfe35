"""The RESULTS.md sections of issue 15's throughput figures: batch runs, runs across
worker processes, open-loop HTTP load and single decisions during a run. Each measures
and returns its lines; progress goes to stderr."""

from __future__ import annotations

import os
import sys
from typing import Any

from . import batch_run, during_run, http_load, workers
from ._measure import top_tables


def _log(result: Any) -> None:
    print(result, file=sys.stderr)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def batch_lines(sizes: tuple[int, ...]) -> list[str]:
    cores = os.cpu_count() or 1
    lines = ["## Batch runs (targets, SQLite 100k: >= 1,000 decisions/s and <= 2.0 ms CPU per decision, marginal; "
             "PostgreSQL >= 800 decisions/s; <= 8 KB stored per decision; peak memory of 100k <= 1 GiB)", "",
             f"`fairdun run`'s code path (`run_file`) with {cores} evaluation workers, the machine otherwise as "
             "stated above; each size in a fresh process, and again at N/2 (same seed) for the marginal "
             "columns: (figure at N - figure at N/2) / (N/2 decisions). CPU = the run process and its "
             "worker processes (user + system); DB server CPU = the PostgreSQL backends of the run's "
             "connections, apart; bytes = the database after the run (SQLite: file + WAL after a checkpoint; "
             "PostgreSQL: `pg_total_relation_size` of the schema's tables).", "",
             "| backend | invoices | seconds | decisions/s | CPU ms/decision | marginal CPU ms/decision | "
             "marginal DB server CPU ms/decision | bytes/decision | marginal bytes/decision | "
             "peak RSS MiB, run process | peak RSS MiB, each worker |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    largest: dict[str, dict[str, Any]] = {}
    for backend in ("sqlite", "postgresql"):
        for n in sizes:
            r = batch_run.marginal(backend, n)
            _log({k: v for k, v in r.items() if k not in ("half", "stored_bytes_by_table")})
            largest[backend] = r
            lines.append(f"| {backend} | {n:,} | {r['seconds']:.1f} | {r['decisions_per_s']:.0f} | "
                         f"{r['cpu_ms_per_decision']:.2f} | {r['marginal_cpu_ms_per_decision']:.2f} | "
                         f"{_ms(r['marginal_db_server_cpu_ms_per_decision'])} | {r['bytes_per_decision']:,.0f} | "
                         f"{r['marginal_bytes_per_decision']:,.0f} | {r['peak_rss_mib']:.0f} | "
                         f"{r['worker_peak_rss_mib']:.0f} ({r['workers']} workers) |")
    lines += ["", "Storage by table at the largest size (KB per decision, each table with its indexes; "
              "the largest six):", "", "| backend | invoices | tables |", "|---|---|---|"]
    for backend, r in largest.items():
        lines.append(f"| {backend} | {r['invoices']:,} | {top_tables(r['stored_bytes_by_table'], r['decisions'])} |")
    return lines


def workers_lines(n: int) -> list[str]:
    lines = ["## A run across worker processes, PostgreSQL (targets: >= 800 decisions/s; 2 workers >= 1.7x one; "
             "CPU per decision not growing with workers)", ""]
    reason = workers.available()
    if reason:
        return [*lines, f"Not available: {reason}."]
    lines += [f"{n:,} invoices queued with `fairdun run FILE --queue`, then 1 or 2 `fairdun worker --burst` "
              "processes on this machine started together; seconds from their start to the last one's exit "
              "(their start-up included). CPU = the worker processes and their children; DB server CPU = the "
              "PostgreSQL backends of the installation's connections (application_name), apart.", "",
              "| workers | invoices | seconds | decisions/s | speed-up | CPU ms/decision, workers | "
              "DB server CPU ms/decision | peak RSS MiB, a worker | queueing s (CPU s) |",
              "|---|---|---|---|---|---|---|---|---|"]
    one = None
    for count in (1, 2):
        r = workers.measure(count, n)
        _log(r)
        one = one or r
        lines.append(f"| {count} | {n:,} | {r['seconds']:.1f} | {r['decisions_per_s']:.0f} | "
                     f"{r['decisions_per_s'] / one['decisions_per_s']:.2f}x | {r['cpu_ms_per_decision']:.2f} | "
                     f"{_ms(r['db_server_cpu_ms_per_decision'])} | {r['worker_peak_rss_mib']:.0f} | "
                     f"{r['queue_seconds']:.1f} ({r['queue_cpu_s']:.1f}) |")
    return lines


def http_lines(rates: tuple[float, ...], seconds: float, ramp_seconds: float) -> list[str]:
    r = http_load.measure("sqlite", rates, seconds, ramp_seconds)
    _log(r)
    return ["## HTTP under open-loop load (targets: p99 <= 25 ms at 100 req/s; server CPU <= 5 ms per decision)", "",
            f"POST /v1/decisions (each a new invoice) to `fairdun serve` (gunicorn {r['workers']} workers x "
            f"{r['threads']} threads, SQLite, loopback) sent on a fixed schedule whatever the answers, "
            f"{seconds:g} s per rate; latency from the scheduled send time. Server CPU = gunicorn's "
            "processes over the step / answers 201; the client (one asyncio loop, aiohttp, same machine) "
            "shows its own CPU and how late it sent (send lag).", "",
            *http_load.results_lines(r)]


def during_lines(invoices: int, rate: float, idle_seconds: float) -> list[str]:
    lines = ["## Single decisions during a batch run (targets: p95 <= 3x idle p95; none over 1 s)", "",
             f"POST /v1/decisions at {rate:g} req/s open loop (latency from the scheduled send) to `fairdun serve` "
             f"(gunicorn 2 x 4): {idle_seconds:g} s idle, then while `fairdun run FILE` ({invoices:,} invoices, "
             "its default workers) runs in another process on the same database, until it ends.", "",
             "| backend | phase | requests | p50 ms | p95 ms | p99 ms | max ms | over 1 s | errors + timeouts (status) | "
             "p95 / idle p95 | run seconds |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for backend in ("sqlite", "postgresql"):
        r = during_run.measure(backend, invoices, rate, idle_seconds)
        _log(r)
        for phase, ratio, seconds in (("idle", "", ""), ("during", f"{r['p95_ratio']:.1f}x", f"{r['run_seconds']:.1f}")):
            p = r[phase]
            lines.append(f"| {backend} | {phase} | {p['sent']} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | "
                         f"{p['p99_ms']:.1f} | {p['max_ms']:.0f} | {p['over_1s']} | "
                         f"{p['errors'] + p['timeouts']} {p['error_statuses'] or ''} | {ratio} | {seconds} |")
    return lines
