"""Train the glass-box risk model on an AR history and export the JSON artifact.

Plain functions (the ``fairdun model train`` CLI is a thin wrapper over them)::

    artifact, summary = train_from_ar_history("ar_history.csv")      # settings as keywords
    sha256 = write_artifact(artifact, "explain/models/<model id>.json")
    # or: artifact + model card (+ default.json): explain.publish_model(artifact, make_default=True)

Heavy libraries (interpret, scikit-learn, numpy) are imported inside the functions, so importing
``explain`` for scoring stays light.

What is trained (see ``explain._dataset`` for the snapshots):

- target ``p_late``: an invoice open at the start of the decision day is still unpaid at the end
  of the later of ``due + late_after_days`` and ``decision + horizon_days`` (see
  :func:`target_definition`);
- an ``ExplainableBoostingClassifier`` with monotone constraints from ``explain.features``, fit on
  the snapshots *before* a time cutoff whose labels were known by the cutoff, evaluated on the
  snapshots from the cutoff on (the holdout). The shipped model is exactly the evaluated model;
- after fitting, training fails loudly (TrainingError) unless the exported artifact is monotone as
  declared and reproduces interpret's ``predict_proba`` and ``eval_terms`` to 1e-9 on the holdout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import platform
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from explain._artifact import (
    FORMAT,
    FORMAT_VERSION,
    artifact_bytes,
    monotonicity_violations,
    validate_artifact,
    with_model_id,
    write_artifact,
)
from explain._dataset import (
    Invoice,
    Snapshot,
    build_snapshots,
    file_sha256,
    read_ar_history,
)
from explain._errors import TrainingError
from explain._model import Model
from explain.features import EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FEATURES

__all__ = [
    "EXACTNESS_TOLERANCE",
    "TrainingData",
    "TrainingSettings",
    "assemble_artifact",
    "binary_metrics",
    "check_exactness",
    "export_ebm",
    "fit_baseline",
    "fit_ebm",
    "load_training_data",
    "random_split",
    "time_split",
    "train_from_ar_history",
    "write_artifact",
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
class TrainingSettings:
    """Everything that determines the artifact (together with the data and library versions)."""

    # target: still unpaid at the end of max(due + late_after_days, decision + horizon_days)
    late_after_days: int = 14
    horizon_days: int = 7
    # snapshots: weekly decision runs on run_weekday (0 = Monday), from first_decision_day to
    # last_decision_day relative to the due date (no invoice in the IBM data is open beyond 45)
    first_decision_day: int = -28
    last_decision_day: int = 42
    run_weekday: int = 0
    # evaluation
    holdout_fraction: float = 0.25
    random_split_fraction: float = 0.25
    calibration_bins: int = 10
    # EBM
    random_state: int = 42
    # Features with fixed, human-readable cut points; the others get max_bins quantile bins.
    # Seasonality is binned by quarter: one to two years of history cannot support twelve
    # separate month effects (they overfit and fail on later periods).
    fixed_cuts: tuple[tuple[str, tuple[float, ...]], ...] = (
        ("prior_invoices", (0.5, 1.5, 2.5, 4.5, 9.5, 19.5)),
        ("disputed", (0.5,)),
        ("paperless", (0.5,)),
        ("due_month", (3.5, 6.5, 9.5)),
    )
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
        # accept a mapping or lists (e.g. from JSON); store an immutable, ordered form
        pairs = self.fixed_cuts.items() if isinstance(self.fixed_cuts, dict) else self.fixed_cuts
        fixed = tuple((str(n), tuple(float(c) for c in cuts)) for n, cuts in pairs)
        for name, _ in fixed:
            if name not in FEATURE_NAMES:
                raise ValueError(f"fixed_cuts: unknown feature {name!r}")
        fixed = tuple(sorted(fixed, key=lambda item: FEATURE_NAMES.index(item[0])))
        object.__setattr__(self, "fixed_cuts", fixed)
        for name, cuts in fixed:
            if any(b <= a for a, b in zip(cuts, cuts[1:])):
                raise ValueError(f"fixed_cuts[{name}]: cut points must increase")
        checks = [
            (self.late_after_days >= 0, "late_after_days must be >= 0"),
            (self.horizon_days >= 1, "horizon_days must be >= 1"),
            (self.first_decision_day <= self.last_decision_day, "empty decision window"),
            (0 <= self.run_weekday <= 6, "run_weekday must be 0..6"),
            (0.0 < self.holdout_fraction < 1.0, "holdout_fraction must be in (0, 1)"),
            (0.0 < self.random_split_fraction < 1.0, "random_split_fraction must be in (0, 1)"),
            (self.calibration_bins >= 2, "calibration_bins must be >= 2"),
            (self.max_bins >= 3, "max_bins must be >= 3"),
            (self.interactions >= 0, "interactions must be >= 0"),
            (self.outer_bags >= 2, "outer_bags must be >= 2 (the uncertainty needs bags)"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["fixed_cuts"] = {name: list(cuts) for name, cuts in self.fixed_cuts}
        return d

    def feature_types(self) -> list[Any]:
        """interpret ``feature_types``: fixed cut lists, else quantile binning ('continuous')."""
        fixed = dict(self.fixed_cuts)
        return [list(fixed[n]) if n in fixed else "continuous" for n in FEATURE_NAMES]


# --------------------------------------------------------------------------- data and splits


@dataclass(frozen=True)
class TrainingData:
    """The snapshots of one AR history and their time-ordered split."""

    data_sha256: str
    invoices: list[Invoice]
    snapshots: list[Snapshot]
    train: list[int]  # indexes into snapshots
    holdout: list[int]
    holdout_from: date
    dropped: int  # decided before the cutoff, outcome not yet known at the cutoff

    def matrix(self, idx: list[int]) -> tuple[Any, Any]:
        """(X float64 with NaN for missing, y int64) in FEATURE_NAMES order."""
        return _matrix(self.snapshots, idx)


def load_training_data(
    csv_path: str | os.PathLike[str], settings: TrainingSettings | None = None
) -> TrainingData:
    """Read the AR history, build leak-free snapshots, split them in time order."""
    cfg = settings or TrainingSettings()
    # (1) read and check the data, record its digest
    data_sha256 = file_sha256(csv_path)
    invoices = read_ar_history(csv_path)
    # (2) snapshots at decision time
    snapshots = build_snapshots(
        invoices,
        late_after_days=cfg.late_after_days,
        horizon_days=cfg.horizon_days,
        first_decision_day=cfg.first_decision_day,
        last_decision_day=cfg.last_decision_day,
        run_weekday=cfg.run_weekday,
    )
    if not snapshots:
        raise _fail("the AR history yields no decision snapshots")
    # (3) time-ordered split: no training label from after the cutoff
    train, holdout, cutoff, dropped = time_split(snapshots, cfg.holdout_fraction)
    return TrainingData(data_sha256, invoices, snapshots, train, holdout, cutoff, dropped)


def time_split(
    snapshots: list[Snapshot], holdout_fraction: float
) -> tuple[list[int], list[int], date, int]:
    """Train = decided before the cutoff *and* outcome known by then; holdout = from the cutoff.

    The cutoff is the decision date at the (1 - holdout_fraction) quantile of the snapshots,
    which are sorted by decision date.
    """
    dates = [s.decided_on for s in snapshots]
    cutoff = dates[min(len(dates) - 1, int(len(dates) * (1.0 - holdout_fraction)))]
    train = [
        i for i, s in enumerate(snapshots) if s.decided_on < cutoff and s.label_known_on <= cutoff
    ]
    holdout = [i for i, s in enumerate(snapshots) if s.decided_on >= cutoff]
    dropped = sum(1 for s in snapshots if s.decided_on < cutoff) - len(train)
    return train, holdout, cutoff, dropped


def random_split(
    snapshots: list[Snapshot], fraction: float, random_state: int
) -> tuple[list[int], list[int]]:
    """Random split by invoice (all snapshots of an invoice on one side)."""
    import numpy as np

    invoices = sorted({s.invoice for s in snapshots})
    order = np.random.RandomState(random_state).permutation(len(invoices))
    held = {invoices[i] for i in order[: int(round(len(invoices) * fraction))]}
    train = [i for i, s in enumerate(snapshots) if s.invoice not in held]
    test = [i for i, s in enumerate(snapshots) if s.invoice in held]
    return train, test


# --------------------------------------------------------------------------- models


def fit_ebm(X: Any, y: Any, settings: TrainingSettings, n_jobs: int = 1) -> Any:
    """Fit the ExplainableBoostingClassifier with ``settings`` (n_jobs never changes the result)."""
    import warnings

    from interpret.glassbox import ExplainableBoostingClassifier

    ebm = ExplainableBoostingClassifier(
        feature_names=list(FEATURE_NAMES),
        feature_types=settings.feature_types(),
        monotone_constraints=[f.monotone for f in FEATURES],
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


def fit_baseline(X: Any, y: Any, settings: TrainingSettings) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=settings.random_state).fit(X, y)


def _floats(a: Any) -> Any:
    """numpy array -> nested lists of Python floats (JSON-ready)."""
    return [_floats(x) for x in a] if getattr(a, "ndim", 0) > 0 else float(a)


def export_ebm(ebm: Any) -> dict:
    """The artifact's model part from a fitted ExplainableBoostingClassifier (no metadata)."""
    import numpy as np

    names = list(ebm.feature_names_in_)
    if tuple(names) != FEATURE_NAMES:
        raise _fail(f"EBM features {names} are not {list(FEATURE_NAMES)}")
    if any(t != "continuous" for t in ebm.feature_types_in_):
        raise _fail(f"EBM feature types must all be continuous, got {ebm.feature_types_in_}")
    if ebm.link_ != "logit" or len(ebm.classes_) != 2:
        raise _fail("only binary logit EBMs can be exported")
    features = []
    for i, spec in enumerate(FEATURES):
        bounds = ebm.feature_bounds_[i]
        features.append(
            {
                **spec.as_dict(),
                "type": "continuous",
                "bins": [_floats(np.asarray(level, dtype=np.float64)) for level in ebm.bins_[i]],
                "bounds": [float(bounds[0]), float(bounds[1])],
            }
        )
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


def check_exactness(model: Model, ebm: Any, X: Any) -> float:
    """Max |difference| between the artifact scorer and interpret on ``X``; raises above 1e-9."""
    import numpy as np

    cols = {n: X[:, j] for j, n in enumerate(FEATURE_NAMES)}
    ours = model.score_arrays(cols)
    theirs_p = ebm.predict_proba(X)[:, 1]
    theirs_terms = ebm.eval_terms(X)
    diff = max(
        float(np.max(np.abs(ours["p_late"] - theirs_p), initial=0.0)),
        float(np.max(np.abs(ours["contributions"] - theirs_terms), initial=0.0)),
    )
    if not diff <= EXACTNESS_TOLERANCE:
        raise _fail(f"artifact scorer differs from interpret by {diff:.3g} (> 1e-9)")
    return diff


# --------------------------------------------------------------------------- metrics


def calibration_table(y: Any, p: Any, n_bins: int) -> list[dict]:
    """Equal-count bins of predicted probability (stable sort), observed rate per bin."""
    import numpy as np

    order = np.argsort(p, kind="stable")
    table = []
    for b, idx in enumerate(np.array_split(order, n_bins)):
        if len(idx) == 0:
            continue
        table.append(
            {
                "bin": b + 1,
                "n": int(len(idx)),
                "p_min": float(p[idx].min()),
                "p_max": float(p[idx].max()),
                "mean_predicted": float(p[idx].mean()),
                "observed_rate": float(y[idx].mean()),
            }
        )
    return table


def binary_metrics(y: Any, p: Any, n_bins: int) -> dict:
    import numpy as np
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    table = calibration_table(y, p, n_bins)
    ece = sum(r["n"] * abs(r["mean_predicted"] - r["observed_rate"]) for r in table) / len(y)
    return {
        "n": int(len(y)),
        "positives": int(np.sum(y)),
        "prevalence": float(np.mean(y)),
        "auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "mean_predicted": float(np.mean(p)),
        "expected_calibration_error": float(ece),
        "calibration": table,
    }


# --------------------------------------------------------------------------- entry point


def _matrix(snapshots: list[Snapshot], idx: list[int]) -> tuple[Any, Any]:
    import numpy as np

    X = np.array([snapshots[i].features for i in idx], dtype=np.float64).reshape(-1, len(FEATURES))
    y = np.array([snapshots[i].label for i in idx], dtype=np.int64)
    return X, y


def _software() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "interpret-core": version("interpret-core"),
        "numpy": version("numpy"),
        "scikit-learn": version("scikit-learn"),
        "python": platform.python_version().rsplit(".", 1)[0],
    }


def assemble_artifact(body: dict, *, settings: TrainingSettings) -> dict:
    """A complete artifact (model id still empty; training and metrics filled in by the caller)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_id": "",
        "target": {
            "name": "p_late",
            "positive_class": 1,
            "late_after_days": settings.late_after_days,
            "horizon_days": settings.horizon_days,
            "definition": target_definition(settings),
        },
        **body,
        "excluded_attributes": dict(EXCLUDED_ATTRIBUTES),
        "uncertainty": {"method": UNCERTAINTY_METHOD, "bags": len(body["bagged_intercepts"])},
        "training": {},
        "metrics": {},
    }


def target_definition(settings: TrainingSettings) -> str:
    g, h = settings.late_after_days, settings.horizon_days
    return (
        f"p_late is the probability that an invoice that is open at the start of the decision "
        f"day is still unpaid at the end of the later of two days: {g} days after its due date "
        f"and {h} days after the decision. For decisions up to {g - h} days past due (including "
        f"all decisions before the due date) this means 'paid more than {g} days late, or not "
        f"at all'; for later decisions it means 'still unpaid {h} days from now'. Trained on "
        f"snapshots of open invoices at weekly decision runs from "
        f"{-settings.first_decision_day} days before to {settings.last_decision_day} days after "
        f"the due date."
    )


def train_from_ar_history(
    csv_path: str | os.PathLike[str],
    *,
    n_jobs: int = 1,
    **settings: Any,
) -> tuple[dict, dict]:
    """Train, evaluate and export the model. Returns ``(artifact, summary)``.

    ``settings`` are :class:`TrainingSettings` fields (unknown names raise TypeError).
    ``n_jobs`` only changes speed, never the result.
    """
    from sklearn.metrics import roc_auc_score

    cfg = TrainingSettings(**settings)
    csv_path = Path(csv_path)

    # (1) data: leak-free snapshots, split in time order
    data = load_training_data(csv_path, cfg)
    snapshots = data.snapshots
    X_train, y_train = data.matrix(data.train)
    X_test, y_test = data.matrix(data.holdout)
    for part, y in (("training", y_train), ("holdout", y_test)):
        if len(y) == 0 or y.min() == y.max():
            raise _fail(f"the {part} part has {len(y)} snapshots and a single class")

    # (2) fit the EBM and export it; it must be monotone as declared
    ebm = fit_ebm(X_train, y_train, cfg, n_jobs)
    body = export_ebm(ebm)
    fixed = dict(cfg.fixed_cuts)
    for f in body["features"]:
        f["binning"] = "fixed" if f["name"] in fixed else f"quantile (max_bins={cfg.max_bins})"
    violations = monotonicity_violations(body)
    if violations:
        raise _fail("EBM breaks its monotone constraints: " + "; ".join(violations))
    artifact = assemble_artifact(body, settings=cfg)

    # (3) the artifact scorer must reproduce interpret on the holdout
    probe = Model(artifact=artifact, sha256="0" * 64)
    max_diff = check_exactness(probe, ebm, X_test)

    # (4) evaluate the artifact scorer (what runs in production) and the baseline on the holdout
    p_test = probe.score_arrays({n: X_test[:, j] for j, n in enumerate(FEATURE_NAMES)})["p_late"]
    holdout = binary_metrics(y_test, p_test, cfg.calibration_bins)
    baseline = fit_baseline(X_train, y_train, cfg)
    baseline_metrics = binary_metrics(
        y_test, baseline.predict_proba(X_test)[:, 1], cfg.calibration_bins
    )

    # (5) for comparison, a random split by invoice (mixes periods)
    r_train, r_test = random_split(snapshots, cfg.random_split_fraction, cfg.random_state)
    Xr_train, yr_train = data.matrix(r_train)
    Xr_test, yr_test = data.matrix(r_test)
    r_ebm = fit_ebm(Xr_train, yr_train, cfg, n_jobs)
    r_baseline = fit_baseline(Xr_train, yr_train, cfg)
    random_metrics = {
        "grouped_by": "invoice",
        "n_train": int(len(yr_train)),
        "n_test": int(len(yr_test)),
        "auc": float(roc_auc_score(yr_test, r_ebm.predict_proba(Xr_test)[:, 1])),
        "baseline_auc": float(roc_auc_score(yr_test, r_baseline.predict_proba(Xr_test)[:, 1])),
    }

    # (6) record everything that determines the artifact; name it by its content
    artifact["metrics"] = {
        "holdout": holdout,
        "baseline": {
            "model": "sklearn.ensemble.HistGradientBoostingClassifier",
            "params": {"random_state": cfg.random_state},
            "holdout": {k: v for k, v in baseline_metrics.items() if k != "calibration"},
        },
        "auc_gap_to_baseline": float(baseline_metrics["auc"] - holdout["auc"]),
        "random_split": random_metrics,
        "max_abs_diff_vs_interpret": max_diff,
    }
    decided = [s.decided_on for s in snapshots]
    artifact["training"] = {
        "data": {
            "file": csv_path.name,
            "sha256": data.data_sha256,
            "invoices": len(data.invoices),
            "customers": len({i.customer for i in data.invoices}),
            "first_issued_on": min(i.issued_on for i in data.invoices).isoformat(),
            "last_settled_on": max(i.settled_on for i in data.invoices).isoformat(),
            "late_share": sum(1 for i in data.invoices if i.days_late > 0) / len(data.invoices),
            "max_days_late": max(i.days_late for i in data.invoices),
        },
        "snapshots": {
            "total": len(snapshots),
            "positives": int(sum(s.label for s in snapshots)),
            "first_decided_on": min(decided).isoformat(),
            "last_decided_on": max(decided).isoformat(),
        },
        "split": {
            "method": "time-ordered by decision date",
            "holdout_from": data.holdout_from.isoformat(),
            "train": int(len(data.train)),
            "holdout": int(len(data.holdout)),
            "dropped_label_unknown_at_cutoff": int(data.dropped),
        },
        "settings": cfg.as_dict(),
        "software": _software(),
        "estimator": "interpret.glassbox.ExplainableBoostingClassifier",
    }
    artifact = with_model_id(artifact)
    validate_artifact(artifact)

    summary = {
        "model_id": artifact["model_id"],
        "sha256": hashlib.sha256(artifact_bytes(artifact)).hexdigest(),
        "data_sha256": data.data_sha256,
        "holdout_from": data.holdout_from.isoformat(),
        "n_train": int(len(data.train)),
        "n_holdout": int(len(data.holdout)),
        "holdout_auc": holdout["auc"],
        "holdout_brier": holdout["brier"],
        "baseline_auc": baseline_metrics["auc"],
        "auc_gap_to_baseline": artifact["metrics"]["auc_gap_to_baseline"],
        "random_split_auc": random_metrics["auc"],
        "max_abs_diff_vs_interpret": max_diff,
        "terms": [t["name"] for t in artifact["terms"]],
    }
    return artifact, summary
