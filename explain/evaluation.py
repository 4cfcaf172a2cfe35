"""How the AR-history model is evaluated on its holdout: metrics with customer-clustered bootstrap
intervals, for the whole decision population and for the two populations the ladder acts on
(before the due date, and 3 or more days past due); the baselines trained in the same run; the
calibration per band and around each cut-off.

Intervals are percentile intervals (95 %) over ``B`` resamples of the holdout's *customers* with
replacement (a customer's snapshots stay together: they are not independent). One set of
resamples serves every figure, so differences between models are paired.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "POPULATIONS", "Resamples", "resamples", "interval", "population_metrics", "paired_auc_difference",
    "band_calibration", "cutoff_neighbourhoods", "fit_baselines", "BASELINE_GRIDS",
]

# name -> (description, which days past due belong to it)
POPULATIONS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "all": ("every decision of the ladder (5 to 1 days before the due date, 3 or more days past due)",
            lambda d: True),
    "pre_due": ("before the due date (the pre-due reminder)", lambda d: d < 0),
    "overdue_3": ("3 or more days past due (reminders, final notice, hand-over)", lambda d: d >= 3),
}
LEVEL = 0.95


@dataclass(frozen=True)
class Resamples:
    """Bootstrap resamples of row indexes, drawn by customer."""

    rows: list[Any]        # one index array per resample
    customers: int


def resamples(customers: Sequence[str], *, n: int, seed: int) -> Resamples:
    import numpy as np

    ids = np.asarray(customers)
    unique, codes = np.unique(ids, return_inverse=True)
    members = [np.flatnonzero(codes == k) for k in range(len(unique))]
    rng = np.random.RandomState(seed)
    rows = []
    for _ in range(n):
        drawn = rng.randint(0, len(unique), len(unique))
        rows.append(np.concatenate([members[k] for k in drawn]) if len(unique) else np.array([], dtype=int))
    return Resamples(rows, int(len(unique)))


def interval(values: Sequence[float | None]) -> list[float] | None:
    """The 95 % percentile interval of finite bootstrap values (None without any)."""
    import numpy as np

    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=np.float64)
    if len(v) == 0:
        return None
    lo, hi = np.quantile(v, [(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2])
    return [float(lo), float(hi)]


def _auc(y: Any, p: Any) -> float | None:
    """The area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties counted half:
    what sklearn's roc_auc_score gives, without its per-call checks (it is called thousands of
    times on resamples)."""
    from scipy.stats import rankdata

    if len(y) == 0 or y.min() == y.max():
        return None
    positives = y == 1
    n1 = int(positives.sum())
    n0 = len(y) - n1
    ranks = rankdata(p)
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def _brier(y: Any, p: Any) -> float | None:
    return float(((p - y) ** 2).mean()) if len(y) else None


def _mean(x: Any) -> float | None:
    return float(x.mean()) if len(x) else None


def population_metrics(y: Any, p: Any, mask: Any, customers: Sequence[str], boot: Resamples) -> dict[str, Any]:
    """n, customers, observed late rate, mean predicted, AUC, Brier (each with its interval)."""
    import numpy as np
    from sklearn.metrics import log_loss

    y, p, mask = np.asarray(y), np.asarray(p, dtype=np.float64), np.asarray(mask, dtype=bool)
    yy, pp = y[mask], p[mask]
    stats: dict[str, list[float | None]] = {"auc": [], "brier": [], "observed": [], "mean_predicted": []}
    for rows in boot.rows:
        m = mask[rows]
        ys, ps = y[rows][m], p[rows][m]
        stats["auc"].append(_auc(ys, ps))
        stats["brier"].append(_brier(ys, ps))
        stats["observed"].append(_mean(ys))
        stats["mean_predicted"].append(_mean(ps))
    return {
        "n": int(mask.sum()),
        "customers": len(set(np.asarray(customers)[mask].tolist())),
        "positives": int(yy.sum()),
        "observed": _mean(yy), "observed_ci": interval(stats["observed"]),
        "mean_predicted": _mean(pp), "mean_predicted_ci": interval(stats["mean_predicted"]),
        "auc": _auc(yy, pp), "auc_ci": interval(stats["auc"]),
        "brier": _brier(yy, pp), "brier_ci": interval(stats["brier"]),
        "log_loss": float(log_loss(yy, pp, labels=[0, 1])) if len(yy) else None,
    }


def paired_auc_difference(y: Any, p: Any, q: Any, mask: Any, boot: Resamples) -> dict[str, Any]:
    """AUC(p) - AUC(q) on the same rows, with its paired interval."""
    import numpy as np

    y, mask = np.asarray(y), np.asarray(mask, dtype=bool)
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)

    def diff(rows: Any) -> float | None:
        m = mask[rows]
        a, b = _auc(y[rows][m], p[rows][m]), _auc(y[rows][m], q[rows][m])
        return None if a is None or b is None else a - b

    everything = np.arange(len(y))
    return {"difference": diff(everything), "ci": interval([diff(r) for r in boot.rows])}


def band_calibration(y: Any, p: Any, bands: Sequence[str], names: Sequence[str], customers: Sequence[str],
                     boot: Resamples) -> list[dict[str, Any]]:
    """Per band: n, customers, mean predicted, observed late rate with its interval, and whether the
    interval holds the mean predicted (``consistent``)."""
    import numpy as np

    y, p, bands_ = np.asarray(y), np.asarray(p, dtype=np.float64), np.asarray(bands)
    out = []
    for name in names:
        mask = bands_ == name
        observed = [_mean(y[rows][mask[rows]]) for rows in boot.rows]
        ci = interval(observed)
        predicted = _mean(p[mask])
        out.append({
            "band": name, "n": int(mask.sum()),
            "customers": len(set(np.asarray(customers)[mask].tolist())),
            "mean_predicted": predicted, "observed": _mean(y[mask]), "observed_ci": ci,
            "consistent": bool(ci is not None and predicted is not None and ci[0] <= predicted <= ci[1]),
        })
    return out


def cutoff_neighbourhoods(y: Any, p: Any, cutoffs: Mapping[str, float], customers: Sequence[str],
                          boot: Resamples, *, share: float = 0.10) -> list[dict[str, Any]]:
    """Around each cut-off: the holdout cases ranked just below it and just above it (``share`` of
    the holdout on each side, at least 30), their mean predicted and observed late rates."""
    import numpy as np

    y, p = np.asarray(y), np.asarray(p, dtype=np.float64)
    k = max(30, int(round(share * len(p))))
    order = np.argsort(p, kind="stable")
    out = []
    for name, c in sorted(cutoffs.items(), key=lambda item: item[1]):
        split = int(np.searchsorted(p[order], c, side="left"))
        sides = {"below": order[max(0, split - k):split], "above": order[split:split + k]}
        row: dict[str, Any] = {"cutoff": name, "value": float(c)}
        for side, idx in sides.items():
            mask = np.zeros(len(p), dtype=bool)
            mask[idx] = True
            row[side] = {
                "n": int(mask.sum()), "customers": len(set(np.asarray(customers)[mask].tolist())),
                "p_min": float(p[mask].min()) if mask.any() else None,
                "p_max": float(p[mask].max()) if mask.any() else None,
                "mean_predicted": _mean(p[mask]), "observed": _mean(y[mask]),
                "observed_ci": interval([_mean(y[rows][mask[rows]]) for rows in boot.rows]),
            }
        out.append(row)
    return out


# The baselines of the same run, each tuned on the calibration period (log loss), never on the
# holdout. The black box (scikit-learn's defaults) is the comparison the generic mode also uses.
BASELINE_GRIDS: dict[str, list[dict[str, Any]]] = {
    "monotone_gbm": [{"max_depth": d, "l2_regularization": l2} for d in (2, 3) for l2 in (1.0, 10.0)],
    "spline_logistic": [{"C": c} for c in (0.01, 0.1, 1.0)],
    "black_box": [{}],
}
_DESCRIPTIONS = {
    "monotone_gbm": "sklearn HistGradientBoostingClassifier with the EBM's monotone constraints, "
                    "learning_rate 0.05, 300 iterations, min_samples_leaf 50, tuned max_depth and "
                    "l2_regularization",
    "spline_logistic": "sklearn logistic regression on cubic B-splines (5 quantile knots) of each numeric "
                       "feature, missing-value indicators and the binary features, tuned C",
    "black_box": "sklearn HistGradientBoostingClassifier with its defaults (the black box)",
}


def _model(kind: str, params: Mapping[str, Any], monotone: Sequence[int], numeric: Sequence[int],
           binary: Sequence[int], missing: Sequence[int], random_state: int) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import MissingIndicator, SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    if kind == "black_box":
        return HistGradientBoostingClassifier(random_state=random_state)
    if kind == "monotone_gbm":
        return HistGradientBoostingClassifier(
            monotonic_cst=list(monotone), learning_rate=0.05, max_iter=300, min_samples_leaf=50,
            early_stopping=False, random_state=random_state, **params)
    parts: list[Any] = [("spline", Pipeline([("impute", SimpleImputer(strategy="median")),
                                             ("spline", SplineTransformer(n_knots=5, degree=3, knots="quantile",
                                                                          extrapolation="constant"))]),
                         list(numeric))]
    if missing:
        parts.append(("missing", MissingIndicator(features="all"), list(missing)))
    if binary:
        parts.append(("binary", SimpleImputer(strategy="most_frequent"), list(binary)))
    return Pipeline([("features", ColumnTransformer(parts)), ("scale", StandardScaler()),
                     ("model", LogisticRegression(C=params["C"], max_iter=5000))])


def fit_baselines(X_train: Any, y_train: Any, X_cal: Any, y_cal: Any, *, monotone: Sequence[int],
                  binary: Sequence[bool], random_state: int, n_jobs: int = 1) -> dict[str, dict[str, Any]]:
    """Each baseline fitted on the training period, its parameters chosen by log loss on the
    calibration period. Returns name -> {model, params, description, calibration_log_loss}.
    ``n_jobs`` caps the threads scikit-learn's OpenMP code uses (never the result)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=max(1, n_jobs)):
        return _fit_baselines(X_train, y_train, X_cal, y_cal, monotone=monotone, binary=binary,
                              random_state=random_state)


def _fit_baselines(X_train: Any, y_train: Any, X_cal: Any, y_cal: Any, *, monotone: Sequence[int],
                   binary: Sequence[bool], random_state: int) -> dict[str, dict[str, Any]]:
    import numpy as np
    from sklearn.metrics import log_loss

    numeric = [j for j, b in enumerate(binary) if not b]
    binary_idx = [j for j, b in enumerate(binary) if b]
    missing = [j for j in numeric if np.isnan(X_train[:, j]).any()]
    chosen: dict[str, dict[str, Any]] = {}
    for kind, grid in BASELINE_GRIDS.items():
        best: dict[str, Any] | None = None
        for params in grid:
            model = _model(kind, params, monotone, numeric, binary_idx, missing, random_state).fit(X_train, y_train)
            loss = float(log_loss(y_cal, model.predict_proba(X_cal)[:, 1], labels=[0, 1]))
            if best is None or loss < best["calibration_log_loss"]:
                best = {"model": model, "params": dict(params), "calibration_log_loss": loss}
        assert best is not None
        chosen[kind] = {**best, "description": _DESCRIPTIONS[kind]}
    return chosen
