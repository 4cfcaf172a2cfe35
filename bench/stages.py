"""Where one decision's time goes: the median CPU time of each stage of the
pipeline over the same synthetic cases, measured in this process."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from decisions.features import model_features
from decisions.pipeline import DecisionContext, evaluate
from decisions.policy_input import policy_input
from decisions.portfolio import generate_portfolio
from decisions.situation import situate
from decisions.strategy import load_ladder, propose
from explain.reasons import principal_reasons
from ledger.canonical import canonical_json
from service.runtime import load_policy_engine, load_risk_model
from service.schemas import DecisionRequestSchema

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)


def _median_ms(function: Callable[[Any], Any], inputs: list[Any]) -> float:
    samples = []
    for value in inputs:
        started = time.perf_counter()
        function(value)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3


def stages(n: int = 1000) -> dict[str, float]:
    schema = DecisionRequestSchema()
    context = DecisionContext(model=load_risk_model({}), policy=load_policy_engine({}), ladder=load_ladder())
    requests = list(generate_portfolio(n, seed=404, as_of=AS_OF))
    cases = [schema.load(r) for r in requests]
    situations = [situate(c) for c in cases]
    scores = [context.model.score(model_features(s)) for s in situations]
    risks = [{"profiling": True, "p_late": s.calibrated.p_late, "band": s.calibrated.band,
              "interval_bands": list(s.calibrated.bands), "out_of_range": list(s.out_of_range)} for s in scores]
    proposals = [propose(s, band=r["band"], ladder=context.ladder) for s, r in zip(situations, risks, strict=False)]
    inputs = [policy_input(s, p.candidates, risk=r) for s, p, r in zip(situations, proposals, risks, strict=False)]
    decisions = [evaluate(c, decision_id="d", context=context) for c in cases]
    return {
        "validate request (marshmallow)": _median_ms(schema.load, requests),
        "situation + features": _median_ms(lambda c: model_features(situate(c)), cases),
        "model score + uncertainty": _median_ms(lambda s: context.model.score(model_features(s)), situations),
        "reasons (EN/DE)": _median_ms(lambda s: principal_reasons(s, lang="de"), scores),
        "candidates (ladder)": _median_ms(lambda pair: propose(pair[0], band=pair[1]["band"], ladder=context.ladder),
                                          list(zip(situations, risks, strict=False))),
        f"policy evaluation ({context.policy.name}, all candidates)": _median_ms(context.policy.evaluate, inputs),
        "whole evaluation (pipeline.evaluate)": _median_ms(
            lambda c: evaluate(c, decision_id="d", context=context), cases),
        "canonical JSON of the ledger body (RFC 8785)": _median_ms(lambda d: canonical_json(d.document()),
                                                                   decisions),
    }


if __name__ == "__main__":
    for stage, ms in stages().items():
        print(f"{stage:<50} {ms:.3f} ms")
