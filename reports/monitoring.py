"""Live monitoring of the risk model: population stability of its inputs and calibration of its
scores, from verified ledger entries only (what is reported is what is verified).

Data first: ``model_monitoring`` returns a JSON-able dict; the console page and the audit report
render it. Its inputs are the ``decision`` and ``event`` entries among the first ``size`` entries
(the caller verified exactly those: ``ledger.verify`` and the read models) recorded before ``end``;
time is passed in, never read.

**Population stability (drift), per feature.** The decisions of ``[start, end)`` that a model
scored carry the model's inputs (``risk.inputs``). Each input is counted over the bins of the
model's own reference distribution (``artifact["reference"]``: the training period's counts over
the feature's bins, missing values first) and compared with it by the population stability index
``PSI = sum over bins of (live - reference) * ln(live / reference)`` (shares; a bin empty on one
side counts as half a case there, so the index stays finite). Read by the usual rule of thumb:
below 0.10 stable, 0.10 to 0.25 moderate, above 0.25 a shift that needs a look. Beside each
index stands its *noise level*, ``(bins - 1) * (1 / n_live + 1 / n_reference)``: the value PSI
takes on average between two samples of one population (PSI is then about chi-square over
``n_live * n_reference / (n_live + n_reference)``), so an index near its noise level says nothing.
Fewer than ``MIN_DRIFT_DECISIONS`` decisions are reported, not judged.

**Live calibration, by month and by jurisdiction.** The score predicts ``p_late``: the invoice is
still unpaid at the end of the later of two days, ``late_after_days`` after its due date and
``horizon_days`` after the decision (``artifact["target"]``). A scored decision is *resolved* when
that day ended before ``end``; it was late unless a ``payment_received`` event of its claim
(recorded before ``end``) says it was paid on or before that day. (A payment the AR system never
reported counts as unpaid: the figures are as good as the events it sends.) Per group: resolved
decisions, their customers (debtors), mean predicted, observed late rate and the gap (observed
minus predicted), each with a 95 % interval clustered by customer (a debtor's decisions are not
independent): the ratio estimator's cluster-robust variance ``k / (k - 1) * sum_c T_c^2 / N^2``
with ``T_c`` the customer's sum of deviations from the mean, normal approximation. A group is
flagged when its gap's interval excludes 0 and it holds at least ``min_customers`` customers (the
model's own fairness minimum, else ``MIN_CUSTOMERS``); smaller groups are shown, never flagged.
Unresolved decisions are counted apart.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.tables import LedgerEntry
from ledger.timestamps import as_utc, rfc3339

__all__ = ["model_monitoring", "read_scored", "resolved_on", "outcome", "psi", "clustered_mean", "MIN_DRIFT_DECISIONS", "MIN_CUSTOMERS", "PSI_LEVELS",
           "METHOD"]

MIN_DRIFT_DECISIONS = 50
MIN_CUSTOMERS = 10
Z95 = 1.959963984540054          # the normal distribution's 97.5 % quantile
PSI_LEVELS = ((0.10, "stable"), (0.25, "moderate"))   # above the last: "shift"
METHOD = {
    "drift": "population stability index per feature against the model's training-period reference "
             "(bins of the model; an empty bin counts as half a case); below 0.10 stable, 0.10-0.25 moderate, "
             "above 0.25 shift; noise level (bins - 1) * (1/n + 1/n_reference)",
    "calibration": "decisions resolved when the later of due date + late_after_days and decision + horizon_days "
                   "ended; late unless a reported full payment is dated on or before it; 95 % intervals "
                   "clustered by customer; flagged when the gap's interval excludes 0 with enough customers",
}
_BATCH = 2000


@dataclass(frozen=True)
class _Scored:
    model: str
    subject: str
    claim: str
    month: str
    jurisdiction: str
    p_late: float
    due_on: date | None
    decided_on: date
    inputs: Mapping[str, Any]
    decision_id: str = ""


# ---------------------------------------------------------------------------------- arithmetic


def psi(live: Sequence[int], reference: Sequence[int]) -> float:
    """The population stability index of two count vectors over the same bins."""
    if len(live) != len(reference):
        raise ValueError("live and reference counts need the same bins")
    n, m = sum(live), sum(reference)
    if n == 0 or m == 0:
        raise ValueError("PSI needs cases on both sides")
    total = 0.0
    for a, e in zip(live, reference, strict=True):
        if a == 0 and e == 0:
            continue
        pa, pe = max(a, 0.5) / n, max(e, 0.5) / m
        total += (pa - pe) * math.log(pa / pe)
    return total


def _psi_level(value: float) -> str:
    for bound, name in PSI_LEVELS:
        if value < bound:
            return name
    return "shift"


def clustered_mean(values: Sequence[float], clusters: Sequence[str]) -> tuple[float, list[float] | None]:
    """The mean of ``values`` and its 95 % interval clustered by ``clusters`` (None with fewer
    than two clusters)."""
    n = len(values)
    if n == 0:
        raise ValueError("no values")
    mean = sum(values) / n
    totals: dict[str, float] = defaultdict(float)
    for v, c in zip(values, clusters, strict=True):
        totals[c] += v - mean
    k = len(totals)
    if k < 2:
        return mean, None
    variance = k / (k - 1) * sum(t * t for t in totals.values()) / (n * n)
    half = Z95 * math.sqrt(variance)
    return mean, [mean - half, mean + half]


# ---------------------------------------------------------------------------------- the ledger


def _entries(session: Session, size: int, end: datetime) -> Iterable[tuple[str, datetime, dict[str, Any]]]:
    query = (select(LedgerEntry.kind, LedgerEntry.ts, LedgerEntry.entry)
             .where(LedgerEntry.seq < size, LedgerEntry.kind.in_(("decision", "event")), LedgerEntry.ts < end)
             .order_by(LedgerEntry.seq).execution_options(yield_per=_BATCH))
    for kind, ts, entry in session.execute(query):
        yield kind, as_utc(ts), json.loads(entry)["body"]


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_scored(session: Session, size: int, start: datetime, end: datetime
          ) -> tuple[list[_Scored], dict[str, date]]:
    """The scored decisions of ``[start, end)`` and, per claim, the earliest day a reported full
    payment says it was paid."""
    scored: list[_Scored] = []
    paid: dict[str, date] = {}
    for kind, ts, body in _entries(session, size, end):
        claim = str(body.get("claim"))
        if kind == "event":
            if body.get("type") == "payment_received":
                on = _day((body.get("details") or {}).get("on_date")) or _day(body.get("at")) or ts.date()
                paid[claim] = min(on, paid.get(claim, on))
            continue
        risk = body.get("risk") or {}
        model = (risk.get("model") or {}).get("id")
        if ts < start or risk.get("p_late") is None or not model:
            continue
        facts = body.get("facts") or {}
        decided_on = _day(body.get("as_of")) or ts.date()
        scored.append(_Scored(model=str(model), subject=str(body.get("subject")), claim=claim,
                              month=decided_on.strftime("%Y-%m"),
                              jurisdiction=str(facts.get("jurisdiction") or "not recorded"),
                              p_late=float(risk["p_late"]), due_on=_day(facts.get("due_on")), decided_on=decided_on,
                              inputs=risk.get("inputs") or {}, decision_id=str(body.get("decision_id"))))
    return scored, paid


# ---------------------------------------------------------------------------------- figures


def _drift(artifact: Mapping[str, Any], cases: list[_Scored]) -> list[dict[str, Any]]:
    reference = (artifact.get("reference") or {}).get("features") or {}
    rows = []
    for name, ref in reference.items():
        cuts, ref_counts = list(ref["cuts"]), list(ref["counts"])
        live = [0] * len(ref_counts)
        for case in cases:
            value = case.inputs.get(name)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                live[0] += 1
            else:
                live[1 + sum(1 for c in cuts if float(value) >= c)] += 1
        n, m = sum(live), sum(ref_counts)
        bins = sum(1 for a, e in zip(live, ref_counts, strict=True) if a or e)
        row: dict[str, Any] = {"feature": name, "n": n, "reference_n": m, "bins": len(ref_counts),
                               "live_counts": live, "reference_counts": ref_counts, "psi": None, "level": None,
                               "noise": None, "judged": False}
        if n and m:
            value = psi(live, ref_counts)
            row.update(psi=value, noise=(bins - 1) * (1.0 / n + 1.0 / m), judged=n >= MIN_DRIFT_DECISIONS,
                       level=_psi_level(value) if n >= MIN_DRIFT_DECISIONS else "too few decisions")
        rows.append(row)
    return rows


def resolved_on(case: _Scored, target: Mapping[str, Any]) -> date | None:
    """The day at whose end the target is decided (None without a due date)."""
    if case.due_on is None:
        return None
    return max(case.due_on + timedelta(days=int(target["late_after_days"])),
               case.decided_on + timedelta(days=int(target["horizon_days"])))


def outcome(case: _Scored, paid: Mapping[str, date], target: Mapping[str, Any], end: datetime) -> int | None:
    """1 when the decision's claim was late by its target's day, 0 when a reported full payment is
    dated on or before that day, None while that day has not ended before ``end`` (unresolved) or
    without a due date."""
    day = resolved_on(case, target)
    if day is None or datetime.combine(day + timedelta(days=1), datetime.min.time(), end.tzinfo) > end:
        return None
    on = paid.get(case.claim)
    return 0 if on is not None and on <= day else 1


def _group(key: str, rows: list[tuple[_Scored, int]], min_customers: int) -> dict[str, Any]:
    subjects = [c.subject for c, _ in rows]
    predicted, predicted_ci = clustered_mean([c.p_late for c, _ in rows], subjects)
    observed, observed_ci = clustered_mean([float(y) for _, y in rows], subjects)
    gap, gap_ci = clustered_mean([y - c.p_late for c, y in rows], subjects)
    customers = len(set(subjects))
    eligible = customers >= min_customers
    return {"group": key, "n": len(rows), "customers": customers, "late": sum(y for _, y in rows),
            "mean_predicted": predicted, "observed": observed, "observed_ci": observed_ci,
            "gap": gap, "gap_ci": gap_ci, "eligible": eligible,
            "flagged": bool(eligible and gap_ci is not None and (gap_ci[0] > 0.0 or gap_ci[1] < 0.0))}


def _calibration(artifact: Mapping[str, Any], cases: list[_Scored], paid: Mapping[str, date], end: datetime
                 ) -> dict[str, Any]:
    target = artifact.get("target") or {}
    if "late_after_days" not in target or "horizon_days" not in target:
        return {"available": False, "reason": "the model's artifact does not define its target's horizon"}
    fairness = artifact.get("fairness") or {}
    min_customers = int(fairness.get("min_customers") or MIN_CUSTOMERS)
    resolved: list[tuple[_Scored, int]] = []
    unresolved = 0
    for case in cases:
        late = outcome(case, paid, target, end)
        if late is None:
            unresolved += 1
        else:
            resolved.append((case, late))

    def grouped(key: Callable[[_Scored], str]) -> list[dict[str, Any]]:
        groups: dict[str, list[tuple[_Scored, int]]] = defaultdict(list)
        for row in resolved:
            groups[key(row[0])].append(row)
        return [_group(k, v, min_customers) for k, v in sorted(groups.items())]

    return {"available": True, "late_after_days": target["late_after_days"], "horizon_days": target["horizon_days"],
            "min_customers": min_customers, "resolved": len(resolved), "unresolved": unresolved,
            "overall": _group("all", resolved, min_customers) if resolved else None,
            "by_month": grouped(lambda c: c.month), "by_jurisdiction": grouped(lambda c: c.jurisdiction)}


def model_monitoring(session: Session, *, size: int, start: datetime, end: datetime,
                     artifact: Callable[[str], Mapping[str, Any] | None]) -> dict[str, Any]:
    """Drift and live calibration of every model that scored decisions in ``[start, end)``, from
    the first ``size`` ledger entries (the verified ones). ``artifact(model_id)`` gives a model's
    artifact (None when it is unavailable: then only its count is reported)."""
    start, end = as_utc(start), as_utc(end)
    scored, paid = read_scored(session, size, start, end)
    by_model: dict[str, list[_Scored]] = defaultdict(list)
    for case in scored:
        by_model[case.model].append(case)
    models = []
    for model_id, cases in sorted(by_model.items()):
        found = artifact(model_id)
        entry: dict[str, Any] = {"model_id": model_id, "decisions": len(cases),
                                 "customers": len({c.subject for c in cases}), "available": found is not None}
        if found is not None:
            entry["drift"] = _drift(found, cases)
            entry["calibration"] = _calibration(found, cases, paid, end)
        models.append(entry)
    return {"from": rfc3339(start), "to": rfc3339(end), "entries_verified": size, "method": METHOD,
            "min_drift_decisions": MIN_DRIFT_DECISIONS, "models": models}
