"""The policy gate: the time per case of every embedded engine on the five-candidate cases of the
synthetic portfolio, one query per case and many cases per query, measured in the same run; and
where the default engine's time goes, part by part and rule module by rule module.

Run alone: ``python -m bench.policy``.

"Where the time goes" compares bundle variants with the raw OPA bindings, interleaved input by
input (A, B, A, B, ...) so that a drift of the machine's speed falls on both; each figure is the
mean difference with its 95 % interval. A rule module's figure is the cost of the shipped bundle
with only that module against the same bundle with every module empty: it includes the library
values the module is first to need, so the figures overlap and do not add up.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from decisions.features import model_features
from decisions.policy import OpaEmbeddedEngine, PolicyBundle, RegopyEngine, load_bundle
from decisions.policy._opa_embedded import DECISION_DOCUMENT, load_opa_bindings
from decisions.policy_input import policy_input
from decisions.portfolio import generate_portfolio
from decisions.situation import situate
from decisions.strategy import band_of, load_ladder, propose
from service.runtime import load_risk_model
from service.schemas import DecisionRequestSchema

from ._common import percentiles

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
CANDIDATES = 5
BATCH = 100


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


def measure_engines(inputs: Sequence[dict[str, Any]], rounds: int = 5) -> dict[str, dict[str, Any]]:
    """Per engine: one query per case (percentiles of ``evaluate``) and ``BATCH`` cases per query
    (``evaluate_many``, seconds per case), the engines taking turns round by round."""
    bundle = load_bundle()
    engines: dict[str, Any] = {"opa-embedded": OpaEmbeddedEngine(bundle), "regopy": RegopyEngine(bundle)}
    single: dict[str, list[float]] = {name: [] for name in engines}
    batched: dict[str, list[float]] = {name: [] for name in engines}
    for engine in engines.values():   # warm up: the first evaluations allocate
        engine.evaluate_many(inputs)
    for _ in range(rounds):
        for name, engine in engines.items():
            for document in inputs:
                started = time.perf_counter()
                engine.evaluate(document)
                single[name].append(time.perf_counter() - started)
            for first in range(0, len(inputs), BATCH):
                chunk = inputs[first:first + BATCH]
                started = time.perf_counter()
                engine.evaluate_many(chunk)
                batched[name].append((time.perf_counter() - started) / len(chunk))
    return {name: {"version": engines[name].version, **percentiles(single[name]),
                   "batched_mean_ms": statistics.fmean(batched[name]) * 1e3} for name in engines}


# --- where the time goes -------------------------------------------------------------------------

def _variant(bundle: PolicyBundle, changes: dict[str, str]) -> PolicyBundle:
    return dataclasses.replace(bundle, modules=tuple(sorted({**dict(bundle.modules), **changes}.items())))


def _empty_modules(bundle: PolicyBundle) -> dict[str, str]:
    """Every rule module with its outputs and nothing else, each output an empty set."""
    empty = {}
    for rule in bundle.rules:
        source = dict(bundle.modules)[rule.path]
        outputs = [name for name in ("deny", "obligations") if re.search(rf"^{name} contains", source, re.MULTILINE)]
        empty[rule.path] = f"package {rule.package}\n\nimport rego.v1\n\n" + "".join(
            f'{name} contains {{"candidate": "none"}} if false\n\n' for name in outputs)
    return empty


def _opa(bundle: PolicyBundle) -> Any:
    engine = load_opa_bindings().OpaEngine()
    for path, source in bundle.modules:
        engine.add_policy(path, source)
    engine.add_data(dict(bundle.data))
    return engine


def _ab(a: PolicyBundle, b: PolicyBundle, inputs: Sequence[dict[str, Any]], rounds: int) -> tuple[float, float]:
    """Mean time of B minus A per evaluation of data.fairdun.decision, in ms, with the half
    width of its 95 % interval; A and B alternate input by input."""
    engine_a, engine_b = _opa(a), _opa(b)
    try:
        for document in inputs:
            engine_a.eval_document(DECISION_DOCUMENT, document)
            engine_b.eval_document(DECISION_DOCUMENT, document)
        differences = []
        for round_ in range(rounds):
            for document in inputs:
                pair = []
                for engine in ((engine_a, engine_b) if round_ % 2 == 0 else (engine_b, engine_a)):
                    started = time.perf_counter()
                    engine.eval_document(DECISION_DOCUMENT, document)
                    pair.append(time.perf_counter() - started)
                differences.append(pair[1] - pair[0] if round_ % 2 == 0 else pair[0] - pair[1])
    finally:
        engine_a.close()
        engine_b.close()
    mean = statistics.fmean(differences)
    half = 1.96 * statistics.stdev(differences) / len(differences) ** 0.5
    return mean * 1e3, half * 1e3


def where_time_goes(inputs: Sequence[dict[str, Any]], rounds: int = 4) -> dict[str, Any]:
    bundle = load_bundle()
    constant = _variant(bundle, {"fairdun/decision.rego": 'package fairdun\n\nimport rego.v1\n\ndecision := {"n": 1}\n'})
    empty = _variant(bundle, _empty_modules(bundle))
    parts = {
        "the input into OPA and a small answer back (a constant decision)": (None, constant),
        "registry and grouping with every rule module empty": (constant, empty),
        "the rule modules and library of the shipped bundle": (empty, bundle),
    }
    measured = {label: _ab(a, b, inputs, rounds) if a is not None else _constant_cost(b, inputs, rounds)
                for label, (a, b) in parts.items()}
    modules = {rule.path: _ab(empty, _variant(empty, {rule.path: dict(bundle.modules)[rule.path]}), inputs, rounds)
               for rule in bundle.rules}
    return {"parts": measured, "modules": dict(sorted(modules.items(), key=lambda item: -item[1][0])),
            "python": _python_costs(inputs)}


def _constant_cost(bundle: PolicyBundle, inputs: Sequence[dict[str, Any]], rounds: int) -> tuple[float, float]:
    engine = _opa(bundle)
    try:
        samples = _timed(lambda d: engine.eval_document(DECISION_DOCUMENT, d), inputs, rounds)
    finally:
        engine.close()
    return statistics.fmean(samples) * 1e3, 1.96 * statistics.stdev(samples) / len(samples) ** 0.5 * 1e3


def _python_costs(inputs: Sequence[dict[str, Any]]) -> dict[str, float]:
    from decisions.policy import checked_candidates, parse_decision

    bundle = load_bundle()
    contract = bundle.data["parameters"]["contract"]
    engine = _opa(bundle)
    raws = [engine.eval_document(DECISION_DOCUMENT, d) for d in inputs]
    engine.close()
    ids = [tuple(c["id"] for c in d["candidates"]) for d in inputs]
    return {
        "candidates checked against the contract (Python)": statistics.median(
            _timed(lambda d: checked_candidates(d, contract), inputs, 1)) * 1e3,
        "answer validated (parse_decision, Python)": statistics.median(
            _timed(lambda pair: parse_decision(pair[0], pair[1]), list(zip(raws, ids, strict=True)), 1)) * 1e3,
        "input as JSON (the wrapper's json.dumps)": statistics.median(
            _timed(lambda d: json.dumps(d, ensure_ascii=False), inputs, 1)) * 1e3,
    }


def _timed(function: Callable[[Any], Any], values: Sequence[Any], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for value in values:
            started = time.perf_counter()
            function(value)
            samples.append(time.perf_counter() - started)
    return samples


def results_lines() -> list[str]:
    """The section of bench/RESULTS.md."""
    inputs = five_candidate_inputs()
    engines = measure_engines(inputs)
    where = where_time_goes(inputs[:200])
    bundle = load_bundle()
    lines = ["", "## Policy gate (targets: median <= 1.0 ms per case with one query per case, <= 0.5 ms per case "
             "batched; default engine)", "",
             f"{len(inputs)} cases of the synthetic portfolio with five candidates each, {len(bundle.rules)} rules, "
             f"bundle {bundle.sha256[:12]}; both engines in the same run, taking turns; GOGC=400 (set by fairdun "
             f"unless the operator sets it). Per case: `evaluate` (input checked, evaluated, answer validated) or "
             f"`evaluate_many` with {BATCH} cases per query.", "",
             "| engine | one query per case: median / p99 / mean ms | batched: mean ms per case |", "|---|---|---|"]
    for name, r in engines.items():
        lines.append(f"| {name} {r['version']} | {r['p50_ms']:.3f} / {r['p99_ms']:.3f} / {r['mean_ms']:.3f} | "
                     f"{r['batched_mean_ms']:.3f} |")
    lines += ["", "Where the time of the default engine goes (OPA, mean ms per evaluation with its 95 % interval, "
              f"{len(inputs[:200])} cases):", "", "| part | ms |", "|---|---|"]
    lines += [f"| {label} | {ms:.3f} ± {half:.3f} |" for label, (ms, half) in where["parts"].items()]
    lines += [f"| {label} (median) | {ms:.3f} |" for label, ms in where["python"].items()]
    lines += ["", "Rule modules, the costliest first (each alone in a bundle whose other modules are empty; it "
              "includes the library values it is first to need, so the rows overlap):", "",
              "| rule module | ms |", "|---|---|"]
    lines += [f"| {path} | {ms:.3f} ± {half:.3f} |" for path, (ms, half) in list(where["modules"].items())[:15]]
    return lines


if __name__ == "__main__":
    print("\n".join(results_lines()))
