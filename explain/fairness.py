"""Fairness of a risk score across groups: outcome and error-rate disparities.

For each measured attribute (``--group-by``, the ``--protected`` columns; ``countryCode`` for the
IBM AR history) and each of its groups, on the holdout:

- outcome: ``flag_rate``, the share scored at or above ``threshold`` (the score from which
  fairdun dunns most firmly), and ``mean_predicted``;
- error rates at ``threshold``: ``false_positive_rate`` (flagged among those paid in time) and
  ``false_negative_rate`` (not flagged among those paid late);
- context, never flagged: ``base_rate`` (observed), ``calibration_gap`` (mean predicted minus
  observed) and the group's AUC.

A disparity is the ratio of the largest to the smallest group value of a rate, over the groups
whose denominator (rows, negatives or positives) has at least ``min_group`` members; it is flagged
when it exceeds ``max_ratio``. The default 1.25 mirrors the "four-fifths rule" (29 CFR
§ 1607.4(D): a rate below 4/5 of the highest is evidence of adverse impact; 1 / 0.8 = 1.25).
When the smallest rate is 0 and the largest is not, the ratio is unbounded: reported as null and
flagged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MISSING_GROUP", "DISPARITIES", "CALIBRATION_FAIRNESS", "fairness_report", "calibration_fairness"]

MISSING_GROUP = "(missing)"
# rate -> the count its denominator is, per group
DISPARITIES = {
    "flag_rate": "n",
    "mean_predicted": "n",
    "false_positive_rate": "negatives",
    "false_negative_rate": "positives",
}


def _group_rows(y: Any, p: Any, flagged: Any, idx: Any) -> dict[str, Any]:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    yy, pp, ff = y[idx], p[idx], flagged[idx]
    n = int(len(idx))
    positives = int(yy.sum())
    negatives = n - positives
    base_rate = positives / n
    mean_predicted = float(pp.mean())
    return {
        "n": n,
        "positives": positives,
        "negatives": negatives,
        "base_rate": base_rate,
        "mean_predicted": mean_predicted,
        "calibration_gap": mean_predicted - base_rate,
        "flag_rate": float(ff.mean()),
        "false_positive_rate": float(ff[yy == 0].mean()) if negatives else None,
        "false_negative_rate": float((~ff[yy == 1]).mean()) if positives else None,
        "auc": float(roc_auc_score(yy, pp)) if 0 < positives < n else None,
        "flagged_n": int(np.sum(ff)),
    }


def _disparity(groups: list[dict], rate: str, denominator: str, min_group: int,
               max_ratio: float) -> dict[str, Any]:
    eligible = [g for g in groups if g[denominator] >= min_group and g[rate] is not None]
    if len(eligible) < 2:
        return {"ratio": None, "flagged": False, "compared": [g["group"] for g in eligible],
                "note": f"fewer than two groups with at least {min_group} {denominator}"}
    high = max(eligible, key=lambda g: g[rate])
    low = min(eligible, key=lambda g: g[rate])
    result: dict[str, Any] = {"highest": high["group"], "lowest": low["group"],
                              "compared": [g["group"] for g in eligible]}
    if low[rate] == 0.0:
        unbounded = high[rate] > 0.0
        result.update(ratio=None if unbounded else 1.0, flagged=unbounded,
                      note="the lowest rate is 0" if unbounded else "every rate is 0")
        return result
    ratio = high[rate] / low[rate]
    result.update(ratio=ratio, flagged=ratio > max_ratio)
    return result


def fairness_report(y: Any, p: Any, attributes: Mapping[str, Sequence[Any]], *, threshold: float,
                    max_ratio: float, min_group: int) -> dict[str, Any]:
    """Per attribute, per group rates and the disparities between groups (JSON-able)."""
    import numpy as np

    if not (0.0 < threshold < 1.0 and max_ratio >= 1.0 and min_group >= 1):
        raise ValueError("fairness: need 0 < threshold < 1, max_ratio >= 1, min_group >= 1")
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    flagged = p >= threshold
    report: dict[str, Any] = {
        "threshold": threshold,
        "max_ratio": max_ratio,
        "min_group": min_group,
        "attributes": {},
        "flagged": [],
    }
    for attribute, values in attributes.items():
        labels = [MISSING_GROUP if v is None or (isinstance(v, float) and math.isnan(v)) or v == ""
                  else str(v) for v in values]
        if len(labels) != len(y):
            raise ValueError(f"fairness: attribute {attribute!r} has {len(labels)} values for {len(y)} rows")
        order = sorted(set(labels))
        index = {g: i for i, g in enumerate(order)}
        codes = np.fromiter((index[g] for g in labels), np.int64, len(labels))
        groups = [{"group": g, **_group_rows(y, p, flagged, np.flatnonzero(codes == i))}
                  for i, g in enumerate(order)]
        disparities = {rate: _disparity(groups, rate, denominator, min_group, max_ratio)
                       for rate, denominator in DISPARITIES.items()}
        flags = [rate for rate, d in disparities.items() if d["flagged"]]
        # the data's own disparity, for reading the others (never flagged: not the model's doing)
        context = _disparity(groups, "base_rate", "n", min_group, max_ratio)
        context["flagged"] = False
        report["attributes"][attribute] = {"groups": groups, "disparities": disparities,
                                           "base_rate_disparity": context, "flagged": flags}
        report["flagged"] += [f"{attribute}: {rate}" for rate in flags]
    return report


# --------------------------------------------------------------------------- AR-history models

CALIBRATION_FAIRNESS = (
    "Within-group calibration first: for each group, its calibration gap (observed late rate minus "
    "mean predicted) compared with the gap of everyone else, with a customer-clustered bootstrap "
    "interval; flagged when the interval excludes 0 for a group with at least the minimum number of "
    "customers. Then the disparities of the outcome and error rates at the high band's cut-off, "
    "with intervals; flagged only when the whole interval lies above the largest acceptable ratio."
)


def _ratio(values: list[float | None]) -> float | None:
    finite = [v for v in values if v is not None]
    if len(finite) < 2:
        return None
    low, high = min(finite), max(finite)
    if low == 0.0:
        return math.inf if high > 0.0 else 1.0
    return high / low


def _ratio_interval(values: list[float]) -> tuple[float | None, float | None]:
    """The 95 % percentile interval of bootstrap ratios, counting an unbounded ratio (a lowest
    rate of 0) as larger than any other; None stands for unbounded."""
    if not values:
        return None, None
    ordered = sorted(values)
    n = len(ordered)

    def at(q: float) -> float | None:
        v = ordered[min(n - 1, max(0, int(math.floor(q * (n - 1) + 0.5))))]
        return v if math.isfinite(v) else None

    return at(0.025), at(0.975)


def calibration_fairness(y: Any, p: Any, attributes: Mapping[str, Sequence[Any]], *, customers: Sequence[str],
                         boot: Any, high_cutoff: float, max_ratio: float, min_customers: int) -> dict[str, Any]:
    """Fairness of a calibrated risk score across groups, judged with customer-level intervals.

    ``boot`` are customer-clustered resamples of the rows (``explain.evaluation.resamples``)."""
    import numpy as np

    from explain.evaluation import interval

    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    flagged_all = p >= high_cutoff
    cust = np.asarray(customers)
    report: dict[str, Any] = {"method": CALIBRATION_FAIRNESS, "high_cutoff": high_cutoff, "max_ratio": max_ratio,
                              "min_customers": min_customers, "attributes": {}, "flagged": []}

    def gap(rows: Any, mask: Any) -> float | None:
        m = mask[rows]
        return float(y[rows][m].mean() - p[rows][m].mean()) if m.any() else None

    def rates(rows: Any, mask: Any) -> dict[str, float | None]:
        m = mask[rows]
        yy, ff = y[rows][m], flagged_all[rows][m]
        return {"flag_rate": float(ff.mean()) if len(ff) else None,
                "false_positive_rate": float(ff[yy == 0].mean()) if (yy == 0).any() else None,
                "false_negative_rate": float((~ff[yy == 1]).mean()) if (yy == 1).any() else None}

    everything = np.arange(len(y))
    for attribute, values in attributes.items():
        labels = np.asarray([MISSING_GROUP if v is None or v == "" else str(v) for v in values])
        if len(labels) != len(y):
            raise ValueError(f"fairness: attribute {attribute!r} has {len(labels)} values for {len(y)} rows")
        groups = []
        eligible_masks = {}
        for g in sorted(set(labels.tolist())):
            mask = labels == g
            n_customers = len(set(cust[mask].tolist()))
            diffs = []
            for rows in boot.rows:
                a, b = gap(rows, mask), gap(rows, ~mask)
                diffs.append(None if a is None or b is None else a - b)
            own, rest = gap(everything, mask), gap(everything, ~mask)
            ci = interval(diffs)
            eligible = n_customers >= min_customers
            flagged = bool(eligible and ci is not None and (ci[0] > 0.0 or ci[1] < 0.0))
            groups.append({
                "group": g, "n": int(mask.sum()), "customers": n_customers, "positives": int(y[mask].sum()),
                "observed": float(y[mask].mean()), "mean_predicted": float(p[mask].mean()),
                "calibration_gap": own, "gap_vs_rest": None if own is None or rest is None else own - rest,
                "gap_vs_rest_ci": ci, "eligible": eligible, "flagged": flagged,
                **rates(everything, mask),
            })
            if eligible:
                eligible_masks[g] = mask
        disparities: dict[str, dict[str, Any]] = {}
        compared = np.zeros(len(y), dtype=bool)
        for m in eligible_masks.values():
            compared |= m
        # the events a rate counts must come from enough customers too (minimum sizes in customers)
        events = {"flag_rate": flagged_all & compared, "false_positive_rate": flagged_all & compared & (y == 0),
                  "false_negative_rate": ~flagged_all & compared & (y == 1)}
        for rate in ("flag_rate", "false_positive_rate", "false_negative_rate"):
            event_customers = len(set(cust[events[rate]].tolist()))
            if event_customers < min_customers or len(eligible_masks) < 2:
                disparities[rate] = {
                    "ratio": None, "unbounded": False, "ci": [None, None], "unbounded_resamples": 0,
                    "compared": sorted(eligible_masks), "flagged": False, "event_customers": event_customers,
                    "note": f"not compared: its events come from {event_customers} customers "
                            f"(fewer than {min_customers}) or fewer than two groups are large enough"}
                continue
            point = _ratio([rates(everything, m)[rate] for m in eligible_masks.values()])
            boots = [_ratio([rates(rows, m)[rate] for m in eligible_masks.values()]) for rows in boot.rows]
            lower, upper = _ratio_interval([b for b in boots if b is not None])
            disparities[rate] = {
                "ratio": None if point is None or not math.isfinite(point) else point,
                "unbounded": point is not None and not math.isfinite(point),
                "ci": [lower, upper],   # None: unbounded (the lowest group's rate is 0 in those resamples)
                "unbounded_resamples": sum(1 for b in boots if b is not None and not math.isfinite(b)),
                "compared": sorted(eligible_masks), "event_customers": event_customers,
                "flagged": bool((lower is None or lower > max_ratio) and any(b is not None for b in boots)),
            }
        flags = [f"{attribute}: calibration of group {g['group']}" for g in groups if g["flagged"]]
        flags += [f"{attribute}: {rate}" for rate, d in disparities.items() if d["flagged"]]
        report["attributes"][attribute] = {"groups": groups, "disparities": disparities, "flagged": flags}
        report["flagged"] += flags
    return report
