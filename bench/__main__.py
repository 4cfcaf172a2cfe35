"""Run every benchmark and rewrite bench/RESULTS.md with the numbers."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from . import batch_run, decision_latency, model, model_portfolio, stages
from . import ledger as ledger_bench
from . import policy as policy_bench
from . import report as report_bench
from ._common import git_revision, machine


def main() -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} at commit {git_revision()} on {machine()}.",
        "Produced by `make bench` (`python -m bench`); numbers, not tests.",
        "",
        "## Single decision latency (target: p99 <= 25 ms over HTTP)",
        "",
        "| path | n | p50 ms | p99 ms | mean ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, measure in (("in-process (Decider)", decision_latency.in_process),
                          ("HTTP, gunicorn 2 workers x 4 threads, loopback, SQLite", decision_latency.over_http)):
        r = measure()
        print(name, r, file=sys.stderr)
        lines.append(f"| {name} | {r['n']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['mean_ms']:.2f} | "
                     f"{r['max_ms']:.2f} |")
    lines += ["", "## Batch runs (targets: >= 1,000 decisions/s on SQLite; peak memory of 100k <= 1 GiB)", "",
              "| backend | invoices | seconds | decisions/s | peak RSS MiB, run process | peak RSS MiB, each worker |",
              "|---|---|---|---|---|---|"]
    for backend in ("sqlite", "postgresql"):
        for n in (10_000, 100_000):
            r = batch_run.measure(backend, n)
            print(r, file=sys.stderr)
            lines.append(f"| {backend} | {n:,} | {r['seconds']:.1f} | {r['decisions_per_s']:.0f} | "
                         f"{r['peak_rss_mib']:.0f} | {r['worker_peak_rss_mib']:.0f} ({r['workers']} workers) |")
    lines += ["", "## Where one decision's time goes (median per stage, one process)", "",
              "| stage | median ms |", "|---|---|"]
    for stage, ms in stages.stages().items():
        lines.append(f"| {stage} | {ms:.3f} |")
    r = model.measure()
    print(r, file=sys.stderr)
    lines += ["", "## Risk model (targets: one case <= 0.2 ms; 100k cases in batch <= 2 s)", "",
              "| measure | value |", "|---|---|",
              f"| one case: score, contributions, uncertainty (p50 / p99) | "
              f"{r['one_case_score_and_contributions']['p50_ms']:.3f} / "
              f"{r['one_case_score_and_contributions']['p99_ms']:.3f} ms |",
              f"| one case: + reasons (EN/DE) and counterfactual hint (p50 / p99) | "
              f"{r['one_case_score_reasons_counterfactual']['p50_ms']:.3f} / "
              f"{r['one_case_score_reasons_counterfactual']['p99_ms']:.3f} ms |",
              f"| {r['batch_rows']:,} cases, arrays (score_arrays) | {r['batch_score_arrays_s']:.2f} s |",
              f"| {r['batch_rows']:,} cases, Score objects with contributions (score_many) | "
              f"{r['batch_score_many_s']:.2f} s |"]
    portfolio = model_portfolio.measure()
    print({k: v for k, v in portfolio.items() if k != "model_features"}, file=sys.stderr)
    lines += model_portfolio.results_lines(portfolio)
    lines += ledger_bench.main()
    lines += policy_bench.results_lines()
    lines += report_bench.main()
    Path(__file__).with_name("RESULTS.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
