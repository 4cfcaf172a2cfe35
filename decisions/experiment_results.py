"""What an experiment's arms did, with honest uncertainty; and the guardrails that stop an arm.

Read from the verified read models only (``decisions`` rows name the arm, ``claim_activity`` the
events, ``review_cases`` the debtor's review requests; ``decisions.read_models`` checks each
against the ledger), so a figure here rests on nothing verification does not check.

- **Unit**: a claim, from the first decision that carried the experiment (intention to treat: a
  claim counts in its arm whether or not the gate let the arm's option through).
- **Payment within 7/14/30 days**: a full payment (``payment_received``) dated from the day of
  that decision to the N-th day after it. Only claims whose window has closed at ``now`` count
  (``n`` per metric): an open window would count as "not paid" and bias the rate down.
- **Days to payment**: mean over the claims paid within 30 days, with a t interval.
- **Guardrail rates** (disputes, complaints, opt-outs, debtor review requests within 30 days):
  observed so far over every claim of the arm, so a harm is seen as soon as it is reported.
- **Intervals**: 95 % Wilson intervals for rates, Newcombe's hybrid score interval for the
  difference of each arm from the first (the control), both from statsmodels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scipy import stats
from sqlalchemy import select
from sqlalchemy.orm import Session
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from ledger.timestamps import as_utc, rfc3339

from .experiments import GUARDRAIL_METRICS, Actor, Experiment, running, stop_arm
from .rights.tables import ReviewCaseRow
from .tables import ClaimActivityRow, DecisionRow

__all__ = ["GUARDRAIL_EVENTS", "breaches", "enforce_guardrails", "results"]

WINDOWS = {"paid_7d": 7, "paid_14d": 14, "paid_30d": 30}
HORIZON_DAYS = 30
# the event behind each guardrail metric (review requests come from review_cases)
GUARDRAIL_EVENTS = {"dispute_rate": "dispute_opened", "complaint_rate": "complaint_received",
                    "opt_out_rate": "channel_opted_out"}
_CHUNK = 500
GUARDRAIL: Actor = {"via": "guardrail"}


@dataclass(frozen=True, slots=True)
class _Unit:
    claim_id: str
    arm: str
    decided_at: datetime
    decision_id: str


def results(session: Session, experiment: Experiment, *, now: datetime, zone: str = "UTC") -> dict[str, Any]:
    """Per arm: ``n`` claims, each outcome and guardrail metric with its rate, 95 % interval and
    the claims it counts over; the difference of each arm from the first. Days are counted in
    ``zone`` (the controller's)."""
    units = _units(session, experiment.id)
    activity = _activity(session, [u.claim_id for u in units])
    reviews = _reviews(session, [u.claim_id for u in units])
    tz = ZoneInfo(zone)
    by_arm: dict[str, list[_Unit]] = defaultdict(list)
    for unit in units:
        by_arm[unit.arm].append(unit)
    arms = []
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for arm in experiment.arms:
        members = by_arm.get(arm.name, [])
        metrics, counts[arm.name] = _metrics(members, activity, reviews, now=now, tz=tz)
        arms.append({"name": arm.name, "value": arm.value, "n": len(members), "stopped": arm.stopped,
                     "metrics": metrics})
    control = experiment.arms[0].name
    effects = []
    for arm in experiment.arms[1:]:
        for metric in (*WINDOWS, *GUARDRAIL_METRICS):
            effects.append({"arm": arm.name, "versus": control, "metric": metric,
                            **_difference(counts[arm.name][metric], counts[control][metric])})
    return {"experiment_id": experiment.id, "status": experiment.status, "as_of": rfc3339(now),
            "primary_metric": experiment.spec["primary_metric"], "confidence": 0.95, "arms": arms,
            "effects": effects}


def breaches(experiment: Experiment, computed: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The active arms whose guardrail rate exceeds its maximum, once they have ``min_n`` claims."""
    found = []
    active = {a.name for a in experiment.active_arms}
    for arm in computed["arms"]:
        if arm["name"] not in active:
            continue
        for guardrail in experiment.spec["guardrails"]:
            metric = arm["metrics"][guardrail["metric"]]
            if metric["n"] >= guardrail.get("min_n", 20) and metric["rate"] is not None \
                    and metric["rate"] > guardrail["max"]:
                found.append({"arm": arm["name"], "metric": guardrail["metric"], "rate": metric["rate"],
                              "max": guardrail["max"], "n": metric["n"]})
    return found


def enforce_guardrails(session: Session, *, now: datetime) -> list[dict[str, Any]]:
    """Stop every arm of a running experiment that breaches a guardrail (in the caller's
    transaction: each stop is an ``experiment_arm_stopped`` entry naming the metric)."""
    stopped: list[dict[str, Any]] = []
    for experiment in running(session):
        for breach in breaches(experiment, results(session, experiment, now=now)):
            if any(s["experiment_id"] == experiment.id and s["arm"] == breach["arm"] for s in stopped):
                continue
            stop_arm(session, experiment.id, breach["arm"], reason="guardrail", detail=breach, now=now,
                     actor=GUARDRAIL)
            stopped.append({"experiment_id": experiment.id, **breach})
    return stopped


# --- reading ------------------------------------------------------------------------------------

def _units(session: Session, experiment_id: str) -> list[_Unit]:
    first: dict[str, _Unit] = {}
    rows = session.execute(select(DecisionRow.claim_id, DecisionRow.experiment_arm, DecisionRow.as_of,
                                  DecisionRow.decision_id)
                           .where(DecisionRow.experiment_id == experiment_id).order_by(DecisionRow.ledger_seq))
    for claim_id, arm, as_of, decision_id in rows:
        first.setdefault(claim_id, _Unit(claim_id, str(arm), as_utc(as_of), decision_id))
    return list(first.values())


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _activity(session: Session, claim_ids: list[str]) -> dict[str, list[tuple[str, datetime, date | None]]]:
    found: dict[str, list[tuple[str, datetime, date | None]]] = defaultdict(list)
    kinds = ("payment_received", *GUARDRAIL_EVENTS.values())
    for chunk in _chunks(claim_ids):
        rows = session.execute(select(ClaimActivityRow.claim_id, ClaimActivityRow.activity, ClaimActivityRow.at,
                                      ClaimActivityRow.on_date)
                               .where(ClaimActivityRow.claim_id.in_(chunk), ClaimActivityRow.activity.in_(kinds)))
        for claim_id, activity, at, on_date in rows:
            found[claim_id].append((activity, as_utc(at), on_date))
    return found


def _reviews(session: Session, claim_ids: list[str]) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = defaultdict(list)
    for chunk in _chunks(claim_ids):
        rows = session.execute(select(ReviewCaseRow.claim_id, ReviewCaseRow.opened_at)
                               .where(ReviewCaseRow.claim_id.in_(chunk), ReviewCaseRow.origin == "debtor"))
        for claim_id, opened_at in rows:
            found[claim_id].append(as_utc(opened_at))
    return found


# --- statistics ---------------------------------------------------------------------------------

def _metrics(units: list[_Unit], activity: Mapping[str, list[tuple[str, datetime, date | None]]],
             reviews: Mapping[str, list[datetime]], *, now: datetime,
             tz: ZoneInfo) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    metrics: dict[str, Any] = {}
    counts: dict[str, tuple[int, int]] = {}
    paid_after = {unit.claim_id: _paid_after(unit, activity, tz) for unit in units}
    for metric, window in WINDOWS.items():
        closed = [u for u in units if u.decided_at + timedelta(days=window) <= now]
        hits = sum(1 for u in closed if (d := paid_after[u.claim_id]) is not None and d <= window)
        metrics[metric], counts[metric] = _rate(hits, len(closed)), (hits, len(closed))
    paid_days = [d for u in units if u.decided_at + timedelta(days=HORIZON_DAYS) <= now
                 and (d := paid_after[u.claim_id]) is not None and d <= HORIZON_DAYS]
    metrics["days_to_payment"] = _mean(paid_days)
    for metric in GUARDRAIL_METRICS:
        hits = 0
        for unit in units:
            until = unit.decided_at + timedelta(days=HORIZON_DAYS)
            if metric == "review_request_rate":
                moments = reviews.get(unit.claim_id, [])
            else:
                moments = [at for kind, at, _ in activity.get(unit.claim_id, ()) if kind == GUARDRAIL_EVENTS[metric]]
            hits += any(unit.decided_at <= at <= until for at in moments)
        metrics[metric], counts[metric] = _rate(hits, len(units)), (hits, len(units))
    return metrics, counts


def _paid_after(unit: _Unit, activity: Mapping[str, list[tuple[str, datetime, date | None]]],
                tz: ZoneInfo) -> int | None:
    """Days from the unit's decision day to its claim's first full payment on or after it."""
    start = unit.decided_at.astimezone(tz).date()
    days = [((on_date or at.astimezone(tz).date()) - start).days
            for kind, at, on_date in activity.get(unit.claim_id, ()) if kind == "payment_received"]
    days = [d for d in days if d >= 0]
    return min(days) if days else None


def paid_within(units: list[_Unit], activity: Mapping[str, list[tuple[str, datetime, date | None]]], metric: str,
                *, now: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Per unit whose window of ``metric`` (``paid_7d`` ...) has closed at ``now``: 1 when its
    claim was paid within it, else 0 (the outcome the arm rates count)."""
    window = WINDOWS[metric]
    found = {}
    for unit in units:
        if unit.decided_at + timedelta(days=window) <= now:
            days = _paid_after(unit, activity, tz)
            found[unit.decision_id] = int(days is not None and days <= window)
    return found


def _rate(hits: int, n: int) -> dict[str, Any]:
    if n == 0:
        return {"rate": None, "ci_low": None, "ci_high": None, "n": 0, "count": 0}
    low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
    return {"rate": hits / n, "ci_low": float(low), "ci_high": float(high), "n": n, "count": hits}


def _mean(values: list[int]) -> dict[str, Any]:
    n = len(values)
    if n < 2:
        return {"mean": float(values[0]) if values else None, "ci_low": None, "ci_high": None, "n": n}
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def _difference(arm: tuple[int, int], control: tuple[int, int]) -> dict[str, Any]:
    (hits, n), (hits0, n0) = arm, control
    if n == 0 or n0 == 0:
        return {"difference": None, "ci_low": None, "ci_high": None, "n": n, "n_versus": n0}
    low, high = confint_proportions_2indep(hits, n, hits0, n0, method="newcomb", compare="diff", alpha=0.05)
    return {"difference": hits / n - hits0 / n0, "ci_low": float(low), "ci_high": float(high), "n": n,
            "n_versus": n0}
