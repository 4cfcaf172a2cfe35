"""Training-time calibration of the risk score, its bands and its safeguard (the arithmetic they
share with scoring is in ``explain._bands``).

- :func:`fit_calibration`: Platt scaling on held-out data, ``P(late) = sigmoid(a + b * s)`` with
  ``s`` the EBM's log odds, fitted by maximum likelihood (Newton, numpy) with
  customer-clustered (sandwich) standard errors: snapshots of one customer are not independent.
  A calibration intercept near 0 and slope near 1 would say the EBM was calibrated already.
- :func:`reference_distribution`: the distinct log odds of the calibration data and their counts,
  from which the cut-offs are derived (in training and again at approval).
- :func:`safeguard_z`: the multiplier of the bagged standard deviation for which the share of the
  calibration data whose interval straddles a band boundary is at most the target review rate
  (the largest such multiplier: the most cautious one within the target).

Why not split-conformal prediction (MAPIE, crepes)? Its guarantee needs exchangeable data; these
snapshots come in clusters (one customer's invoices, one invoice's days), and a conformal set for
a binary label says which labels are plausible, not whether the case's probability lies on one
side of a cut-off. The cut-offs are quantiles of the calibrated score, so an error of the
calibration map common to all cases moves them together and does not change a band; what can
change a band is the case's own score, which the EBM's bagged replicas bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from explain._bands import band_of, calibrated

__all__ = ["fit_calibration", "reference_distribution", "straddles", "safeguard_z", "CALIBRATION_METHOD",
           "SAFEGUARD_METHOD"]

CALIBRATION_METHOD = (
    "Platt scaling on the calibration period: P(late) = sigmoid(a + b * s), s = the EBM's log odds, "
    "fitted by maximum likelihood with customer-clustered (sandwich) standard errors."
)
SAFEGUARD_METHOD = (
    "A case goes to human review when an input lies outside the range seen in training, or when "
    "its interval sigmoid(a + b * (s -/+ z * sd)) reaches into another band than its score; sd is "
    "the standard deviation of the log odds across the EBM's outer bags, z the largest multiplier "
    "for which at most the target share of the calibration period straddles a boundary."
)


def fit_calibration(log_odds: Any, y: Any, clusters: Sequence[str]) -> dict[str, Any]:
    """Platt scaling with cluster-robust standard errors; raises ValueError unless the slope is
    positive (a calibration that reverses the model's ranking is no calibration).

    Maximum likelihood by Newton's method; the covariance is the cluster sandwich
    ``H^-1 (sum_g u_g u_g') H^-1`` with the usual small-sample factor ``G/(G-1) * (N-1)/(N-K)``
    (as Stata and statsmodels' ``cov_type="cluster"`` compute it)."""
    import numpy as np

    s = np.asarray(log_odds, dtype=np.float64)
    yy = np.asarray(y, dtype=np.float64)
    codes = np.unique(np.asarray(clusters), return_inverse=True)[1]
    X = np.column_stack([np.ones_like(s), s])
    beta = np.zeros(2)
    converged = False
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
        hessian = (X * (p * (1.0 - p))[:, None]).T @ X
        step = np.linalg.solve(hessian, X.T @ (yy - p))
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-10:
            converged = True
            break
    p = 1.0 / (1.0 + np.exp(-(X @ beta)))
    bread = np.linalg.inv((X * (p * (1.0 - p))[:, None]).T @ X)
    scores = X * (yy - p)[:, None]
    groups = int(codes.max() + 1) if len(codes) else 0
    per_cluster = np.zeros((groups, 2))
    np.add.at(per_cluster, codes, scores)
    n, k = len(yy), 2
    factor = groups / (groups - 1) * (n - 1) / (n - k) if groups > 1 else 1.0
    cov_matrix = factor * bread @ (per_cluster.T @ per_cluster) @ bread
    a, b = (float(v) for v in beta)
    cov = [[float(v) for v in row] for row in cov_matrix]
    if not (math.isfinite(a) and math.isfinite(b) and b > 0.0):
        raise ValueError(f"calibration slope {b!r} is not positive: the model does not rank held-out cases")
    se_a, se_b = math.sqrt(cov[0][0]), math.sqrt(cov[1][1])
    return {
        "a": a, "b": b, "cov": cov,
        "intercept_ci": [a - 1.959963984540054 * se_a, a + 1.959963984540054 * se_a],
        "slope_ci": [b - 1.959963984540054 * se_b, b + 1.959963984540054 * se_b],
        "n": int(n), "customers": groups,
        "converged": converged,
    }


def reference_distribution(log_odds: Any) -> dict[str, list]:
    """Distinct log odds (increasing) and how often each occurs."""
    import numpy as np

    values, counts = np.unique(np.asarray(log_odds, dtype=np.float64), return_counts=True)
    return {"scores": [float(v) for v in values], "counts": [int(c) for c in counts]}


def straddles(log_odds: float, sd: float, *, a: float, b: float, z: float,
              cutoffs: Mapping[str, float]) -> bool:
    """Whether the case's interval reaches into another band (as the scorer decides it)."""
    lower = calibrated(a, b, log_odds - z * sd)
    upper = calibrated(a, b, log_odds + z * sd)
    return band_of(lower, cutoffs) != band_of(upper, cutoffs)


def safeguard_z(log_odds: Any, sd: Any, *, a: float, b: float, cutoffs: Mapping[str, float],
                target: float) -> float:
    """The largest z (up to 10) for which at most ``target`` of the cases straddle a boundary.

    A case straddles from the z at which its interval first touches a cut-off; those z are sorted
    and the largest z that keeps the count within the target is taken (found by bisection on the
    exact decision rule, so training and scoring agree)."""
    cases = list(zip((float(v) for v in log_odds), (float(v) for v in sd), strict=True))
    limit = math.floor(target * len(cases) + 1e-9)

    def count(z: float) -> int:
        return sum(straddles(s, d, a=a, b=b, z=z, cutoffs=cutoffs) for s, d in cases)

    low, high = 0.0, 10.0
    if count(low) > limit:
        return 0.0
    if count(high) <= limit:
        return high
    for _ in range(60):
        mid = (low + high) / 2.0
        if count(mid) <= limit:
            low = mid
        else:
            high = mid
    return low
