"""Run the benchmarks and write bench/RESULTS.md with the numbers.

Every section sits between ``<!-- section:NAME -->`` markers. A full run rewrites the
file; ``--only a,b`` measures those sections and replaces only their blocks (stamped with
their own date and commit), leaving the others as they were measured."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from . import decision_latency, model, model_portfolio, stages, throughput
from . import ledger as ledger_bench
from . import policy as policy_bench
from . import report as report_bench
from ._common import git_revision, machine

RESULTS = Path(__file__).with_name("RESULTS.md")


def latency_lines() -> list[str]:
    lines = ["## Single decision latency (target: p99 <= 25 ms over HTTP)", "",
             "| path | n | p50 ms | p99 ms | mean ms | max ms |", "|---|---|---|---|---|---|"]
    for name, measure in (("in-process (Decider)", decision_latency.in_process),
                          ("HTTP, gunicorn 2 workers x 4 threads, loopback, SQLite", decision_latency.over_http)):
        r = measure()
        print(name, r, file=sys.stderr)
        lines.append(f"| {name} | {r['n']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['mean_ms']:.2f} | "
                     f"{r['max_ms']:.2f} |")
    return lines


def stages_lines() -> list[str]:
    lines = ["## Where one decision's time goes (median per stage, one process)", "", "| stage | median ms |",
             "|---|---|"]
    return lines + [f"| {stage} | {ms:.3f} |" for stage, ms in stages.stages().items()]


def model_lines() -> list[str]:
    r = model.measure()
    print(r, file=sys.stderr)
    return ["## Risk model (targets: one case <= 0.2 ms; 100k cases in batch <= 2 s)", "",
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


def portfolio_lines() -> list[str]:
    portfolio = model_portfolio.measure()
    print({k: v for k, v in portfolio.items() if k != "model_features"}, file=sys.stderr)
    return model_portfolio.results_lines(portfolio)


def sections(args: argparse.Namespace) -> dict[str, Callable[[], list[str]]]:
    """The sections in the file's order."""
    return {
        "latency": latency_lines,
        "batch": lambda: throughput.batch_lines(args.batch_sizes),
        "workers": lambda: throughput.workers_lines(args.worker_invoices),
        "http": lambda: throughput.http_lines(args.http_rates, args.http_seconds, args.http_ramp_seconds),
        "during": lambda: throughput.during_lines(args.during_invoices, args.during_rate, args.during_idle_seconds),
        "stages": stages_lines,
        "model": model_lines,
        "portfolio": portfolio_lines,
        "ledger": ledger_bench.main,
        "policy": policy_bench.results_lines,
        "report": report_bench.main,
    }


def _numbers(kind: type) -> Callable[[str], tuple]:
    return lambda text: tuple(kind(part) for part in text.split(","))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", type=lambda text: text.split(","), default=None,
                        help="comma-separated sections: latency, batch, workers, http, during, stages, model, "
                             "portfolio, ledger, policy, report")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--batch-sizes", type=_numbers(int), default=(10_000, 100_000))
    parser.add_argument("--worker-invoices", type=int, default=10_000)
    parser.add_argument("--http-rates", type=_numbers(float), default=(25.0, 50.0, 100.0, 200.0))
    parser.add_argument("--http-seconds", type=float, default=20.0)
    parser.add_argument("--http-ramp-seconds", type=float, default=10.0)
    parser.add_argument("--during-invoices", type=int, default=10_000)
    parser.add_argument("--during-rate", type=float, default=10.0)
    parser.add_argument("--during-idle-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    unknown = set(args.only or ()) - set(sections(args))
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def _block(name: str, lines: list[str]) -> str:
    return "\n".join([f"<!-- section:{name} -->", *lines, f"<!-- /section:{name} -->"])


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    stamp = f"{datetime.now(UTC):%Y-%m-%d} at commit {git_revision()} on {machine()}"
    chosen = {name: measure for name, measure in sections(args).items() if args.only is None or name in args.only}
    if args.only is None:
        blocks = [_block(name, measure()) for name, measure in chosen.items()]
        args.output.write_text("\n\n".join([
            "# Benchmark results\n\n"
            f"Measured {stamp}.\nProduced by `make bench` (`python -m bench`); numbers, not tests.",
            *blocks]) + "\n")
        return
    text = args.output.read_text() if args.output.exists() else "# Benchmark results\n"
    for name, measure in chosen.items():
        block = _block(name, [*measure(), "", f"_This section: measured {stamp} (`python -m bench --only "
                                              f"{','.join(args.only)}`), apart from the others._"])
        found = re.search(rf"<!-- section:{name} -->.*?<!-- /section:{name} -->", text, re.DOTALL)
        text = f"{text[:found.start()]}{block}{text[found.end():]}" if found else f"{text.rstrip()}\n\n{block}\n"
    args.output.write_text(text)


if __name__ == "__main__":
    main()
