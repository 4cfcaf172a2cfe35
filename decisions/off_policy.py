"""What a candidate strategy would have achieved, estimated from an experiment's logged choices
(off-policy evaluation, issue 19).

A *strategy* names an arm for each risk band the decision recorded (``{"by": "risk_band", "arms":
{"high": "letter"}, "default": "email"}``), or one arm for everyone (``{"default": "letter"}``). Each
claim of the experiment (its first decision in it, as for the arm rates) is a logged draw: the arm
it got with the probability recorded in its decision (``experiment.propensity``). A claim whose
arm is the one the strategy would have chosen counts with weight ``1 / propensity``, any other
with weight 0, so the weighted outcomes estimate the strategy's rate over the whole population
the experiment drew from:

- **IPS** (inverse propensity scoring): ``mean(w * y)``, unbiased; its 95 % interval is the normal
  interval of that mean.
- **SNIPS** (self-normalised): ``sum(w * y) / sum(w)``, a little biased and far less variable; its
  interval is the delta-method normal interval.

Only claims whose outcome window has closed count (``n``); ``matched`` of them got the arm the
strategy names, and the *effective sample size* ``(sum w)^2 / sum w^2`` says how many equally
weighted claims the estimate is worth. A strategy naming an arm the experiment never ran has no
logged support and is refused. Intervals are clipped to [0, 1]. The decisions are read from their
verified ledger entries.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .documents import documents_of
from .errors import InvalidInput
from .experiment_results import WINDOWS, _activity, _units, paid_within
from .experiments import Experiment

__all__ = ["estimate", "BANDS", "METHOD"]

BANDS = ("low", "medium", "high")
Z95 = 1.959963984540054
METHOD = ("inverse propensity scoring over each claim's first decision in the experiment, with the propensity "
          "it recorded; IPS mean(w*y) with a normal 95 % interval, SNIPS sum(w*y)/sum(w) with a delta-method "
          "95 % interval; only claims whose outcome window has closed")


def _arm_for(strategy: dict[str, Any], band: str | None) -> str:
    if strategy.get("by") == "risk_band" and band in (strategy.get("arms") or {}):
        return str(strategy["arms"][band])
    return str(strategy["default"])


def _check(strategy: dict[str, Any], experiment: Experiment) -> None:
    names = {arm.name for arm in experiment.arms}
    named = {strategy["default"], *(strategy.get("arms") or {}).values()}
    unknown = sorted(named - names)
    if unknown:
        raise InvalidInput(f"the experiment has no arm {unknown[0]!r}: a strategy chooses among its arms "
                           f"({sorted(names)})", field="strategy")


def _normal(mean: float, variance: float, n: int) -> tuple[float, float]:
    half = Z95 * math.sqrt(max(variance, 0.0) / n)
    return max(0.0, mean - half), min(1.0, mean + half)


def estimate(session: Session, experiment: Experiment, *, strategy: dict[str, Any], metric: str, now: datetime,
             zone: str = "UTC") -> dict[str, Any]:
    """The IPS and SNIPS estimates of ``metric`` under ``strategy`` with their 95 % intervals."""
    if metric not in WINDOWS:
        raise InvalidInput(f"metric must be one of {sorted(WINDOWS)}", field="metric")
    _check(strategy, experiment)
    units = _units(session, experiment.id)
    outcomes = paid_within(units, _activity(session, [u.claim_id for u in units]), metric, now=now,
                           tz=ZoneInfo(zone))
    documents = documents_of(session, outcomes)
    weighted: list[tuple[float, int]] = []
    for unit in units:
        if unit.decision_id not in outcomes:
            continue
        document = documents[unit.decision_id]
        logged = document.get("experiment") or {}
        band = (document.get("risk") or {}).get("band")
        propensity = float(logged.get("propensity") or 0.0)
        chosen = _arm_for(strategy, band) == unit.arm
        weighted.append((1.0 / propensity if chosen and propensity > 0 else 0.0, outcomes[unit.decision_id]))
    n = len(weighted)
    result: dict[str, Any] = {"experiment_id": experiment.id, "metric": metric, "strategy": strategy,
                              "method": METHOD, "confidence": 0.95, "n": n,
                              "matched": sum(1 for w, _ in weighted if w > 0), "effective_n": None,
                              "ips": None, "snips": None}
    total = sum(w for w, _ in weighted)
    if n == 0 or total == 0:
        return result
    terms = [w * y for w, y in weighted]
    ips = sum(terms) / n
    ips_var = sum((t - ips) ** 2 for t in terms) / max(n - 1, 1)
    snips = sum(terms) / total
    mean_w = total / n
    snips_var = sum((w * (y - snips)) ** 2 for w, y in weighted) / n / mean_w ** 2
    result["effective_n"] = total ** 2 / sum(w * w for w, _ in weighted)
    for name, value, variance in (("ips", ips, ips_var), ("snips", snips, snips_var)):
        low, high = _normal(value, variance, n)
        result[name] = {"estimate": value, "ci_low": low, "ci_high": high}
    return result
