"""The glass-box model's own cost: scoring with contributions (and uncertainty) for one case,
and for 100,000 cases in one batch, from the shipped artifact.

Targets (issue 4): one case <= 0.2 ms; 100k cases in batch <= 2 s. Run alone with
``python -m bench.model`` (prints JSON); ``python -m bench`` adds it to RESULTS.md.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from decisions.features import model_features
from decisions.portfolio import generate_portfolio
from decisions.situation import situate
from explain import FEATURE_NAMES, Model, default_artifact_path, default_sha256, load_model
from explain.counterfactual import counterfactual_hint
from explain.reasons import principal_reasons
from service.schemas import DecisionRequestSchema

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
BATCH = 100_000


def _portfolio_rows(n: int) -> list[dict[str, Any]]:
    schema = DecisionRequestSchema()
    return [model_features(situate(schema.load(r))) for r in generate_portfolio(n, seed=404, as_of=AS_OF)]


def _batch_rows(model: Model, n: int) -> list[dict[str, Any]]:
    """``n`` cases drawn uniformly within each feature's training range (5 % missing where the
    feature can be missing), integers where the feature is integral; fixed seed."""
    import numpy as np

    rng = np.random.RandomState(7)
    columns = {}
    for f in model.artifact["features"]:
        lo, hi = f["bounds"]
        col = rng.uniform(lo, hi, n)
        if f["integer"]:
            col = np.round(col)
        if f["name"] in ("prior_late_ratio", "prior_avg_days_late"):
            col[rng.uniform(size=n) < 0.05] = np.nan
        columns[f["name"]] = col
    return [{k: (None if v != v else v) for k, v in zip(FEATURE_NAMES, values, strict=False)}
            for values in zip(*(columns[n].tolist() for n in FEATURE_NAMES), strict=False)]


def _per_call_ms(function: Any, inputs: list[Any], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        for value in inputs:
            started = time.perf_counter()
            function(value)
            samples.append(time.perf_counter() - started)
    samples.sort()
    return {"n": len(samples), "p50_ms": samples[len(samples) // 2] * 1e3,
            "p99_ms": samples[int(len(samples) * 0.99)] * 1e3, "mean_ms": statistics.fmean(samples) * 1e3}


def _best_seconds(function: Any, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def measure() -> dict[str, Any]:
    model = load_model(default_artifact_path(), expected_sha256=default_sha256())
    cases = _portfolio_rows(1000)
    scores = [model.score(c) for c in cases]

    def explained(row: dict[str, Any]) -> Any:
        score = model.score(row)
        principal_reasons(score, lang="de")
        p_late = score.calibrated.p_late if score.calibrated is not None else score.p_late
        return counterfactual_hint(model, row, p_late=p_late, band_of=model.band_of,
                                   bands=("low", "medium", "high"), today=AS_OF.date(), lang="de")

    # single cases first: the 100k batch rows would otherwise make the garbage collector's
    # full passes (and so the single-case tail) slower
    result = {
        "model": model.id,
        "one_case_score_and_contributions": _per_call_ms(model.score, cases, repeat=20),
        "one_case_reasons": _per_call_ms(lambda s: principal_reasons(s, lang="de"), scores, repeat=5),
        "one_case_score_reasons_counterfactual": _per_call_ms(explained, cases, repeat=5),
    }
    import numpy as np

    rows = _batch_rows(model, BATCH)
    columns = {n: np.array([np.nan if r[n] is None else r[n] for r in rows], dtype=np.float64)
               for n in FEATURE_NAMES}
    result |= {
        "batch_rows": BATCH,
        "batch_score_arrays_s": _best_seconds(lambda: model.score_arrays(columns)),
        "batch_score_many_s": _best_seconds(lambda: model.score_many(rows)),
    }
    return result


def main() -> None:
    print(json.dumps(measure(), indent=2))


if __name__ == "__main__":
    main()
