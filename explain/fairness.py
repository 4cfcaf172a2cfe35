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

__all__ = ["MISSING_GROUP", "DISPARITIES", "fairness_report"]

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
