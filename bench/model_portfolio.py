"""The risk model on the synthetic portfolio, through the real decision pipeline (shipped model,
shipped ladder, the configured policy engine: OPA embedded by default): what issue 16 asks of it.

- **Safeguard**: the share of decisions whose chosen action carries ``FD-OVERSIGHT-UNCERTAIN-SCORE``
  (target 1-10 %), why (inputs out of the training range, an interval straddling a band edge),
  and for how many it is the only reason for review.
- **Disputes**: no model feature concerns a dispute; no reason or hint names one; a disputed claim
  re-decided undisputed gets the same risk score (a dispute never raises it).
- **Reasons**: every reason carries its direction (``direction`` and ``direction_text``); no
  favourable fact ("paid on time") is shown as raising the risk.
- **Hints**: every hint shown is applied and the case re-decided; harsher actions must be 0. A
  "later" hint ("if paid by D the assessment stays B; from D + 1 it would be B'") is applied by
  paying on D; its band claims are checked by re-deciding the unpaid case on D and on D + 1.
  A "lower" hint (past behaviour) is applied by changing the debtor's history to just below the
  hint's threshold.

Seeded and reproducible: ``generate_portfolio(n, seed=404)`` as of 2026-11-22 09:00 UTC, the same
portfolio as ``bench.model``. Run alone with ``python -m bench.model_portfolio [n]`` (prints
JSON); ``python -m bench`` adds it to RESULTS.md.
"""

from __future__ import annotations

import copy
import json
import math
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from decisions.hints import harshness
from decisions.pipeline import Decision, DecisionContext, evaluate
from decisions.portfolio import generate_portfolio
from decisions.strategy import load_ladder
from service.runtime import load_policy_engine, load_risk_model
from service.schemas import DecisionRequestSchema

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
SEED = 404
N = 3000
RULE = "FD-OVERSIGHT-UNCERTAIN-SCORE"
DISPUTE_WORDS = ("disput", "beanstand", "bestritt", "bestreit", "widerspr")
FAVOURABLE_WORDS = ("on time", "pünktlich", "electronically", "elektronisch")


def _context() -> DecisionContext:
    return DecisionContext(model=load_risk_model({}), policy=load_policy_engine({}), ladder=load_ladder())


def _decide(request: dict[str, Any], context: DecisionContext, decision_id: str) -> Decision:
    return evaluate(DecisionRequestSchema().load(request), decision_id=decision_id, context=context)


def _shifted(request: dict[str, Any], days: int, **invoice: Any) -> dict[str, Any]:
    """The request ``days`` later (same hour), with invoice fields changed."""
    later = copy.deepcopy(request)
    as_of = datetime.fromisoformat(request["as_of"].replace("Z", "+00:00")) + timedelta(days=days)
    later["as_of"] = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    later["invoice"].update(invoice)
    return later


def _local_day(request: dict[str, Any]) -> date:
    as_of = datetime.fromisoformat(request["as_of"].replace("Z", "+00:00"))
    return as_of.astimezone(ZoneInfo(request["debtor"]["timezone"])).date()


def _lowered_history(request: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    """The request with the debtor's history just below a "lower" hint's threshold (None: a
    feature this measurement does not know how to change)."""
    changed = copy.deepcopy(request)
    history = changed["history"]
    threshold = float(hint["threshold"])
    if hint["feature"] == "prior_avg_days_late":
        history["avg_days_late"] = math.nextafter(threshold, -math.inf)
    elif hint["feature"] == "prior_late_ratio":
        history["invoices_paid_late"] = math.ceil(threshold * history["invoices_total"]) - 1
    else:
        return None
    return changed


def _text_of(thing: Any) -> str:
    return json.dumps(thing, ensure_ascii=False).lower()


def measure(n: int = N, *, seed: int = SEED) -> dict[str, Any]:
    context = _context()
    model = context.model
    requests = list(generate_portfolio(n, seed=seed, as_of=AS_OF))
    started = time.perf_counter()
    decisions = [_decide(r, context, f"p{i}") for i, r in enumerate(requests)]
    seconds = time.perf_counter() - started

    profiled = [d for d in decisions if d.risk.get("band")]
    fired = [d for d in decisions if any(p.get("rule") == RULE for p in d.explanation.get("policy", []))]
    only_reason = [d for d in fired if d.status == "needs_review" and all(
        p.get("rule") == RULE for p in d.explanation["policy"] if p.get("obligation") == "human_review")]
    out_of_range = [d for d in profiled if d.risk["out_of_range"]]
    straddling = [d for d in profiled if len(d.risk["interval_bands"]) > 1]

    reasons = [r for d in decisions if d.risk.get("band") for r in d.explanation.get("reasons", [])]
    without_direction = [r for r in reasons if r.get("direction") not in ("raises", "lowers")
                         or not r.get("direction_text")]
    favourable_raising = [r for r in reasons if r.get("direction") == "raises"
                          and any(w in r.get("text", "").lower() for w in FAVOURABLE_WORDS)]
    dispute_reasons = [r for d in decisions for r in d.explanation.get("reasons", [])
                       if any(w in _text_of(r) for w in DISPUTE_WORDS)]
    dispute_features = [f for f in model.feature_names if "disput" in f.lower()]

    # a dispute never raises the score: every disputed claim re-decided undisputed
    disputed = [(r, d) for r, d in zip(requests, decisions, strict=True) if r["invoice"]["disputed"]]
    score_moved = 0
    for i, (request, decision) in enumerate(disputed):
        undisputed = _decide(_shifted(request, 0, disputed=False), context, f"u{i}")
        if undisputed.risk.get("p_late") != decision.risk.get("p_late"):
            score_moved += 1

    # hints: applied and re-decided
    hinted = [(r, d) for r, d in zip(requests, decisions, strict=True) if d.explanation.get("counterfactual")]
    harsher = band_claims_wrong = not_applied = dispute_hints = 0
    for i, (request, decision) in enumerate(hinted):
        hint = decision.explanation["counterfactual"]
        dispute_hints += any(w in _text_of(hint) for w in DISPUTE_WORDS)
        if hint["change"] == "later":
            shift = (date.fromisoformat(hint["paid_by"]) - _local_day(request)).days
            paid = _decide(_shifted(request, shift, open_amount="0.00", last_payment_on=hint["paid_by"]),
                           context, f"h{i}")
            applied: Decision | None = paid
            on = _decide(_shifted(request, shift), context, f"on{i}")
            after = _decide(_shifted(request, shift + 1), context, f"after{i}")
            band_claims_wrong += (on.risk.get("band") != hint["band"]
                                  or after.risk.get("band") != hint["counterfactual_band"])
        else:
            lowered = _lowered_history(request, hint)
            applied = None if lowered is None else _decide(lowered, context, f"h{i}")
            if applied is not None:
                band_claims_wrong += applied.risk.get("band") != hint["counterfactual_band"]
        if applied is None:
            not_applied += 1
        elif harshness(applied.action) > harshness(decision.action):
            harsher += 1

    return {
        "n": n, "seed": seed, "as_of": AS_OF.isoformat(), "model": model.id, "engine": context.policy.name,
        "evaluate_seconds": seconds,
        "status": dict(sorted(Counter(d.status for d in decisions).items())),
        "profiled": len(profiled), "bands": dict(sorted(Counter(d.risk["band"] for d in profiled).items())),
        "safeguard_fired": len(fired), "safeguard_share": len(fired) / n if n else 0.0,
        "safeguard_only_review_reason": len(only_reason),
        "out_of_range": len(out_of_range),
        "out_of_range_features": dict(sorted(Counter(f for d in out_of_range for f in d.risk["out_of_range"]).items())),
        "straddling": len(straddling),
        "model_features": list(model.feature_names), "dispute_features": dispute_features,
        "reasons": len(reasons), "reasons_without_direction": len(without_direction),
        "favourable_shown_as_raising": len(favourable_raising), "reasons_naming_a_dispute": len(dispute_reasons),
        "disputed": len(disputed), "disputed_score_changed_when_undisputed": score_moved,
        "hints": len(hinted), "hint_kinds": dict(sorted(Counter(d.explanation["counterfactual"]["change"]
                                                               for _, d in hinted).items())),
        "hints_naming_a_dispute": dispute_hints, "hints_harsher_when_applied": harsher,
        "hint_band_claims_wrong": band_claims_wrong, "hints_not_applied": not_applied,
    }


def results_lines(r: dict[str, Any]) -> list[str]:
    """The section of bench/RESULTS.md."""
    bands = ", ".join(f"{band} {count:,}" for band, count in r["bands"].items())
    oor = ", ".join(f"{f} {c:,}" for f, c in r["out_of_range_features"].items()) or "none"
    return [
        "", "## Risk model on the synthetic portfolio (issue 16 targets: safeguard routes 1-10 %; no dispute "
        "feature or reason; 0 harsher actions with hints applied; every reason with its direction)", "",
        f"{r['n']:,} decisions of `generate_portfolio(seed={r['seed']})` as of {r['as_of']}, through "
        f"`pipeline.evaluate` with model {r['model']} and the {r['engine']} policy engine "
        f"({r['evaluate_seconds']:.1f} s). Statuses: "
        + ", ".join(f"{s} {c:,}" for s, c in r["status"].items()) + f"; scored {r['profiled']:,} (bands: {bands}).",
        "", "| measure | value |", "|---|---|",
        f"| safeguard `{RULE}` on the chosen action | {r['safeguard_fired']:,} ({100 * r['safeguard_share']:.1f} %) |",
        f"| ... the only reason for review | {r['safeguard_only_review_reason']:,} |",
        f"| scored cases with an input out of the training range | {r['out_of_range']:,} ({oor}) |",
        f"| scored cases whose interval straddles a band edge | {r['straddling']:,} |",
        f"| model features concerning a dispute | {len(r['dispute_features'])} "
        f"(features: {', '.join(r['model_features'])}) |",
        f"| disputed claims whose score changes when re-decided undisputed | "
        f"{r['disputed_score_changed_when_undisputed']} of {r['disputed']:,} |",
        f"| reasons shown (scored decisions) | {r['reasons']:,} |",
        f"| ... without a direction | {r['reasons_without_direction']} |",
        f"| ... a favourable fact shown as raising the risk | {r['favourable_shown_as_raising']} |",
        f"| reasons or hints naming a dispute | {r['reasons_naming_a_dispute'] + r['hints_naming_a_dispute']} |",
        f"| hints shown | {r['hints']} ({', '.join(f'{k} {v}' for k, v in r['hint_kinds'].items()) or 'none'}) |",
        f"| ... harsher action when applied and re-decided | {r['hints_harsher_when_applied']} |",
        f"| ... band claims wrong when re-decided | {r['hint_band_claims_wrong']} |",
        f"| ... not applicable by this measurement | {r['hints_not_applied']} |",
    ]


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else N), indent=1))
