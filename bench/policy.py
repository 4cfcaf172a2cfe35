"""One policy evaluation per case, embedded engine (regopy), on the 5-candidate cases of the
synthetic portfolio: median and p99 of ``EmbeddedEngine.evaluate`` (input check and conversion,
evaluation, output validation), and where the time goes.

Run alone: ``python -m bench.policy``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from decisions.features import model_features
from decisions.pipeline import DecisionContext
from decisions.policy import EmbeddedEngine, checked_candidates, load_bundle, parse_decision
from decisions.policy._regopy import LIBREGO_LOCK, query_compiled, set_input
from decisions.policy_input import policy_input
from decisions.portfolio import generate_portfolio
from decisions.situation import situate
from decisions.strategy import band_of, load_ladder, propose
from service.runtime import load_risk_model
from service.schemas import DecisionRequestSchema

from ._common import percentiles

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
CANDIDATES = 5


def five_candidate_inputs(n: int = 400, seed: int = 404) -> list[dict[str, Any]]:
    """Policy inputs of the portfolio cases whose ladder proposes exactly five candidates."""
    schema = DecisionRequestSchema()
    model, ladder = load_risk_model({}), load_ladder()
    inputs = []
    for request in generate_portfolio(n * 8, seed=seed, as_of=AS_OF):
        situation = situate(schema.load(request))
        score = model.score(model_features(situation))
        risk = {"profiling": True, "p_late": score.p_late, "band": band_of(score.p_late, ladder),
                "uncertainty": score.uncertainty}
        proposal = propose(situation, band=risk["band"], ladder=ladder)
        if len(proposal.candidates) == CANDIDATES:
            inputs.append(policy_input(situation, proposal.candidates, risk=risk))
        if len(inputs) == n:
            break
    return inputs


def _timed(function: Callable[[Any], Any], inputs: list[Any], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for value in inputs:
            started = time.perf_counter()
            function(value)
            samples.append(time.perf_counter() - started)
    return samples


def measure(n: int = 400, rounds: int = 5) -> dict[str, Any]:
    engine = EmbeddedEngine(load_bundle())
    inputs = five_candidate_inputs(n)
    for document in inputs:     # warm up (first evaluations allocate)
        engine.evaluate(document)
    result = percentiles(_timed(engine.evaluate, inputs, rounds))
    contract = engine.bundle.data["parameters"]["contract"]

    def convert(document: Any) -> None:
        with LIBREGO_LOCK:
            set_input(engine._interpreter, document)

    def query(document: Any) -> Any:
        with LIBREGO_LOCK:
            set_input(engine._interpreter, document)
            return query_compiled(engine._interpreter, engine._compiled)

    raws = [query(d)[1] for d in inputs]
    ids = [tuple(c["id"] for c in d["candidates"]) for d in inputs]
    stages = {
        "check candidates (Python)": statistics.median(_timed(lambda d: checked_candidates(d, contract), inputs, 1)),
        "input conversion (set_input)": statistics.median(_timed(convert, inputs, 1)),
        "input conversion + evaluation": statistics.median(_timed(query, inputs, 1)),
        "output validation (parse_decision)": statistics.median(
            _timed(lambda pair: parse_decision(pair[0], pair[1]), list(zip(raws, ids, strict=True)), 1)),
    }
    return {**result, "cases": len(inputs), "rules": len(engine.bundle.rules),
            "stages_ms": {k: v * 1e3 for k, v in stages.items()}}


def results_lines() -> list[str]:
    """The section of bench/RESULTS.md."""
    r = measure()
    lines = ["", "## Policy evaluation (target: median <= 0.5 ms; one evaluation per case, 5 candidates, embedded)", "",
             f"{r['cases']} cases of the synthetic portfolio with five candidates each, {r['rules']} rules, "
             f"{r['n']} evaluations.", "",
             "| measure | ms |", "|---|---|",
             f"| EmbeddedEngine.evaluate, median / p99 / mean | {r['p50_ms']:.3f} / {r['p99_ms']:.3f} / "
             f"{r['mean_ms']:.3f} |"]
    lines += [f"| {stage} (median) | {ms:.3f} |" for stage, ms in r["stages_ms"].items()]
    return lines


if __name__ == "__main__":
    result = measure()
    print(f"{result['cases']} cases x 5 candidates, {result['rules']} rules: median {result['p50_ms']:.3f} ms, "
          f"p99 {result['p99_ms']:.3f} ms, mean {result['mean_ms']:.3f} ms (n={result['n']})")
    for stage, ms in result["stages_ms"].items():
        print(f"  {stage:<40} {ms:.3f} ms")
