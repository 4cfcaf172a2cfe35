"""What both training modes share: the EBM settings, fitting, export to the artifact, the
exactness check against interpret, and the black-box baseline.

A design matrix is either a float array (every feature numeric, NaN = missing) or a pandas
DataFrame whose categorical columns hold strings (None = missing); interpret and the artifact
scorer see the same values.
"""

from __future__ import annotations

import dataclasses
import logging
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from explain._errors import TrainingError
from explain._model import Model
from explain.features import FeatureSpec

__all__ = [
    "EXACTNESS_TOLERANCE",
    "UNCERTAINTY_METHOD",
    "EbmSettings",
    "fit_ebm_model",
    "export_ebm_model",
    "check_exactness",
    "fit_baseline_model",
    "columns_of",
    "software",
]

_log = logging.getLogger(__name__)

# DESIGN.md, model conventions: scoring from the artifact equals predict_proba to 1e-9.
EXACTNESS_TOLERANCE = 1e-9

UNCERTAINTY_METHOD = (
    "Population standard deviation (ddof=0), across the EBM's outer bags, of the probability "
    "each bagged model predicts (bagged intercept plus the bag's term scores, through the "
    "logistic function)."
)


def _fail(message: str) -> TrainingError:
    _log.error(message)
    return TrainingError(message)


@dataclass(frozen=True, kw_only=True)
class EbmSettings:
    """Evaluation, EBM and fairness settings shared by both training modes."""

    # evaluation
    holdout_fraction: float = 0.25
    random_split_fraction: float = 0.25
    calibration_bins: int = 10
    # fairness (see explain.fairness): the flag threshold on p_late, the largest acceptable
    # ratio between groups, and the smallest group compared
    fairness_threshold: float = 0.15
    fairness_max_ratio: float = 1.25
    fairness_min_group: int = 30
    # EBM
    random_state: int = 42
    max_bins: int = 16
    max_interaction_bins: int = 16
    interactions: int = 0  # pairs chosen by FAST among non-monotone features only
    outer_bags: int = 14
    learning_rate: float = 0.05
    validation_size: float = 0.15
    early_stopping_rounds: int = 100
    max_rounds: int = 50000
    min_samples_leaf: int = 4

    def __post_init__(self) -> None:
        checks = [
            (0.0 < self.holdout_fraction < 1.0, "holdout_fraction must be in (0, 1)"),
            (0.0 < self.random_split_fraction < 1.0, "random_split_fraction must be in (0, 1)"),
            (self.calibration_bins >= 2, "calibration_bins must be >= 2"),
            (0.0 < self.fairness_threshold < 1.0, "fairness_threshold must be in (0, 1)"),
            (self.fairness_max_ratio >= 1.0, "fairness_max_ratio must be >= 1"),
            (self.fairness_min_group >= 1, "fairness_min_group must be >= 1"),
            (self.max_bins >= 3, "max_bins must be >= 3"),
            (self.interactions >= 0, "interactions must be >= 0"),
            (self.outer_bags >= 2, "outer_bags must be >= 2 (the uncertainty needs bags)"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def fit_ebm_model(X: Any, y: Any, *, specs: Sequence[FeatureSpec], feature_types: list[Any],
                  settings: EbmSettings, n_jobs: int = 1) -> Any:
    """Fit an ExplainableBoostingClassifier (``n_jobs`` never changes the result)."""
    import warnings

    from interpret.glassbox import ExplainableBoostingClassifier

    ebm = ExplainableBoostingClassifier(
        feature_names=[s.name for s in specs],
        feature_types=feature_types,
        monotone_constraints=[s.monotone for s in specs],
        interactions=settings.interactions,
        max_bins=settings.max_bins,
        max_interaction_bins=settings.max_interaction_bins,
        outer_bags=settings.outer_bags,
        learning_rate=settings.learning_rate,
        validation_size=settings.validation_size,
        early_stopping_rounds=settings.early_stopping_rounds,
        max_rounds=settings.max_rounds,
        min_samples_leaf=settings.min_samples_leaf,
        random_state=settings.random_state,
        n_jobs=n_jobs,
    )
    with warnings.catch_warnings():
        # interpret warns that its plots do not show missing values; the artifact keeps them.
        warnings.filterwarnings("ignore", message="Missing values detected")
        ebm.fit(X, y)
    return ebm


def _floats(a: Any) -> Any:
    """numpy array -> nested lists of Python floats (JSON-ready)."""
    return [_floats(x) for x in a] if getattr(a, "ndim", 0) > 0 else float(a)


def _feature_entry(ebm: Any, i: int, spec: FeatureSpec) -> dict:
    import numpy as np

    kind = ebm.feature_types_in_[i]
    if kind == "nominal":
        if spec.kind != "categorical":
            raise _fail(f"EBM treats {spec.name!r} as nominal, but it is {spec.kind}")
        levels = [dict(level) for level in ebm.bins_[i]]
        if any(level != levels[0] for level in levels):
            raise _fail(f"EBM bins nominal feature {spec.name!r} differently per level")
        mapping = {str(k): int(v) for k, v in levels[0].items()}
        return {**spec.as_dict(), "type": "nominal", "bins": [mapping]}
    if kind != "continuous" or spec.kind == "categorical":
        raise _fail(f"EBM feature {spec.name!r} has type {kind!r}, expected continuous")
    bounds = ebm.feature_bounds_[i]
    entry = {
        **spec.as_dict(),
        "type": "continuous",
        "bins": [_floats(np.asarray(level, dtype=np.float64)) for level in ebm.bins_[i]],
        "bounds": [float(bounds[0]), float(bounds[1])],
    }
    if spec.clip is not None:
        # a feature counted within a declared range: that range is its domain (every value in it
        # falls into a bin estimated from the training data: training checks it)
        entry["domain"] = [float(spec.clip[0]), float(spec.clip[1])]
    return entry


def export_ebm_model(ebm: Any, specs: Sequence[FeatureSpec]) -> dict:
    """The artifact's model part from a fitted ExplainableBoostingClassifier (no metadata)."""
    import numpy as np

    names = list(ebm.feature_names_in_)
    if names != [s.name for s in specs]:
        raise _fail(f"EBM features {names} are not {[s.name for s in specs]}")
    if ebm.link_ != "logit" or len(ebm.classes_) != 2:
        raise _fail("only binary logit EBMs can be exported")
    features = [_feature_entry(ebm, i, spec) for i, spec in enumerate(specs)]
    terms = []
    for ti, feature_idxs in enumerate(ebm.term_features_):
        terms.append(
            {
                "name": ebm.term_names_[ti],
                "features": [names[j] for j in feature_idxs],
                "scores": _floats(np.asarray(ebm.term_scores_[ti], dtype=np.float64)),
                "bagged_scores": _floats(np.asarray(ebm.bagged_scores_[ti], dtype=np.float64)),
                "bin_weights": _floats(np.asarray(ebm.bin_weights_[ti], dtype=np.float64)),
            }
        )
    intercept = np.asarray(ebm.intercept_, dtype=np.float64).reshape(-1)
    bagged_intercept = np.asarray(ebm.bagged_intercept_, dtype=np.float64).reshape(-1)
    if intercept.shape != (1,) or bagged_intercept.shape != (len(ebm.bagged_scores_[0]),):
        raise _fail("unexpected intercept shapes in the EBM")
    return {
        "link": "logit",
        "features": features,
        "terms": terms,
        "intercept": float(intercept[0]),
        "bagged_intercepts": _floats(bagged_intercept),
    }


def columns_of(X: Any, names: Sequence[str]) -> dict[str, Any]:
    """Feature columns of a design matrix, as the artifact scorer takes them."""
    if hasattr(X, "columns"):
        return {n: X[n].to_numpy() for n in names}
    return {n: X[:, j] for j, n in enumerate(names)}


def check_exactness(model: Model, ebm: Any, X: Any) -> float:
    """Max |difference| between the artifact scorer and interpret on ``X``; raises above 1e-9."""
    import numpy as np

    ours = model.score_arrays(columns_of(X, model.feature_names))
    theirs_p = ebm.predict_proba(X)[:, 1]
    theirs_terms = ebm.eval_terms(X)
    diff = max(
        float(np.max(np.abs(ours["p_late"] - theirs_p), initial=0.0)),
        float(np.max(np.abs(ours["contributions"] - theirs_terms), initial=0.0)),
    )
    if not diff <= EXACTNESS_TOLERANCE:
        raise _fail(f"artifact scorer differs from interpret by {diff:.3g} (> 1e-9)")
    return diff


def fit_baseline_model(X: Any, y: Any, random_state: int) -> Any:
    """The black-box baseline: scikit-learn's HistGradientBoostingClassifier with its defaults
    (which treat the pandas ``category`` columns of a DataFrame as categorical)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=random_state).fit(X, y)


def software() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "interpret-core": version("interpret-core"),
        "numpy": version("numpy"),
        "scikit-learn": version("scikit-learn"),
        "python": platform.python_version().rsplit(".", 1)[0],
    }
