"""Train the glass-box risk model on an AR history and export the JSON artifact (AR-history mode;
``explain.generic`` is the generic mode for any tabular CSV).

Plain functions (the ``fairdun model train`` CLI is a thin wrapper over them)::

    artifact, summary = train_from_ar_history("ar_history.csv")      # settings as keywords
    artifact, summary = train_from_ar_history("export.csv", layout=load_layout("mapping.json"))
    sha256 = write_artifact(artifact, "explain/models/<model id>.json")
    # or: artifact + model card (+ default.json): explain.publish_model(artifact, make_default=True)

Heavy libraries (interpret, scikit-learn, numpy) are imported inside the functions, so importing
``explain`` for scoring stays light.

What is trained (see ``explain._dataset`` for the snapshots):

- target ``p_late``: an invoice open at the start of the decision day is still unpaid at the end
  of the later of ``due + late_after_days`` and ``decision + horizon_days`` (see
  :func:`target_definition`);
- an ``ExplainableBoostingClassifier`` with monotone constraints from ``explain.features``, fit on
  the snapshots *before* a time cutoff whose labels were known by then, evaluated on the
  snapshots from the cutoff on (the holdout), next to a black-box baseline on the same split.
  The shipped model is exactly the evaluated model;
- after fitting, training fails loudly (TrainingError) unless the exported artifact is monotone as
  declared and reproduces interpret's ``predict_proba`` and ``eval_terms`` to 1e-9 on the holdout;
- fairness is measured on the holdout by the layout's group column (``countryCode`` for the IBM
  data) and any ``protected`` columns: read for measurement only, never features.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
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
    csv_columns,
    file_sha256,
    read_ar_history,
)
from explain._errors import TrainingError
from explain._fitting import (
    EXACTNESS_TOLERANCE,
    UNCERTAINTY_METHOD,
    EbmSettings,
    check_exactness,
    export_ebm_model,
    fit_baseline_model,
    fit_ebm_model,
    software,
)
from explain._model import Model
from explain.fairness import fairness_report
from explain.features import EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FEATURES
from explain.layout import IBM_LAYOUT, ArLayout
from explain.metrics import binary_metrics, calibration_table
from explain.protected import ProtectedAttributes

__all__ = [
    "EXACTNESS_TOLERANCE",
    "TrainingData",
    "TrainingSettings",
    "assemble_artifact",
    "binary_metrics",
    "calibration_table",
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


def _fail(message: str) -> TrainingError:
    _log.error(message)
    return TrainingError(message)


@dataclass(frozen=True, kw_only=True)
class TrainingSettings(EbmSettings):
    """Everything that determines the artifact (together with the data and library versions)."""

    # target: still unpaid at the end of max(due + late_after_days, decision + horizon_days)
    late_after_days: int = 14
    horizon_days: int = 7
    # snapshots: weekly decision runs on run_weekday (0 = Monday), from first_decision_day to
    # last_decision_day relative to the due date (no invoice in the IBM data is open beyond 45)
    first_decision_day: int = -28
    last_decision_day: int = 42
    run_weekday: int = 0
    # Features with fixed, human-readable cut points; the others get max_bins quantile bins.
    # Seasonality is binned by quarter: one to two years of history cannot support twelve
    # separate month effects (they overfit and fail on later periods).
    fixed_cuts: tuple[tuple[str, tuple[float, ...]], ...] = (
        ("prior_invoices", (0.5, 1.5, 2.5, 4.5, 9.5, 19.5)),
        ("disputed", (0.5,)),
        ("paperless", (0.5,)),
        ("due_month", (3.5, 6.5, 9.5)),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        # accept a mapping or lists (e.g. from JSON); store an immutable, ordered form
        pairs = self.fixed_cuts.items() if isinstance(self.fixed_cuts, dict) else self.fixed_cuts
        fixed = tuple((str(n), tuple(float(c) for c in cuts)) for n, cuts in pairs)
        for name, _ in fixed:
            if name not in FEATURE_NAMES:
                raise ValueError(f"fixed_cuts: unknown feature {name!r}")
        fixed = tuple(sorted(fixed, key=lambda item: FEATURE_NAMES.index(item[0])))
        object.__setattr__(self, "fixed_cuts", fixed)
        for name, cuts in fixed:
            if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
                raise ValueError(f"fixed_cuts[{name}]: cut points must increase")
        checks = [
            (self.late_after_days >= 0, "late_after_days must be >= 0"),
            (self.horizon_days >= 1, "horizon_days must be >= 1"),
            (self.first_decision_day <= self.last_decision_day, "empty decision window"),
            (0 <= self.run_weekday <= 6, "run_weekday must be 0..6"),
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
    csv_path: str | os.PathLike[str],
    settings: TrainingSettings | None = None,
    *,
    layout: ArLayout = IBM_LAYOUT,
    measure: tuple[str, ...] = (),
) -> TrainingData:
    """Read the AR history, build leak-free snapshots, split them in time order.

    ``measure`` names the columns kept as fairness groups (never features).
    """
    cfg = settings or TrainingSettings()
    # (1) read and check the data, record its digest
    data_sha256 = file_sha256(csv_path)
    invoices = read_ar_history(csv_path, layout, measure)
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
    """Fit the ExplainableBoostingClassifier on the decision features (``n_jobs`` never changes
    the result)."""
    return fit_ebm_model(X, y, specs=FEATURES, feature_types=settings.feature_types(),
                         settings=settings, n_jobs=n_jobs)


def fit_baseline(X: Any, y: Any, settings: TrainingSettings) -> Any:
    return fit_baseline_model(X, y, settings.random_state)


def export_ebm(ebm: Any) -> dict:
    """The artifact's model part from an EBM fitted on the decision features (no metadata)."""
    return export_ebm_model(ebm, FEATURES)


# --------------------------------------------------------------------------- entry point


def _matrix(snapshots: list[Snapshot], idx: list[int]) -> tuple[Any, Any]:
    import numpy as np

    X = np.array([snapshots[i].features for i in idx], dtype=np.float64).reshape(-1, len(FEATURES))
    y = np.array([snapshots[i].label for i in idx], dtype=np.int64)
    return X, y


def assemble_artifact(body: dict, *, settings: TrainingSettings,
                      excluded: dict[str, str] | None = None) -> dict:
    """A complete artifact (model id still empty; training, metrics and fairness filled in by
    the caller)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_set": "dunning",
        "model_id": "",
        "target": {
            "name": "p_late",
            "positive_class": 1,
            "late_after_days": settings.late_after_days,
            "horizon_days": settings.horizon_days,
            "definition": target_definition(settings),
        },
        **body,
        "excluded_attributes": dict(excluded if excluded is not None else EXCLUDED_ATTRIBUTES),
        "uncertainty": {"method": UNCERTAINTY_METHOD, "bags": len(body["bagged_intercepts"])},
        "training": {},
        "metrics": {},
        "fairness": {},
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


def excluded_attributes(layout: ArLayout, header: list[str], measured: tuple[str, ...],
                        protected: ProtectedAttributes) -> dict[str, str]:
    """The CSV's columns that are never features, and why (recorded in artifact and card)."""
    excluded = {
        layout.columns["customer"]: "direct identifier (only groups the customer's history)",
        layout.columns["invoice"]: "identifier",
    }
    for column in header:
        why = protected.reason(column)
        if column in measured:
            why = f"{why}; " if why else ""
            excluded[column] = f"{why}measured for fairness, never a feature"
        elif why is not None:
            excluded[column] = why
    return dict(sorted(excluded.items()))


def _measured_columns(layout: ArLayout, group_by: str | None, protected: ProtectedAttributes,
                      header: list[str]) -> tuple[str, ...]:
    group = group_by or layout.column("group")
    measured = tuple(dict.fromkeys(c for c in (group, *protected.extra) if c))
    # (a) nothing that feeds a feature may be protected or measured
    protected.refuse_as_features(layout.feature_columns())
    feeding = sorted(set(measured) & set(layout.feature_columns()))
    if feeding:
        raise _fail(f"{feeding} feed the model features and cannot be fairness groups")
    missing = [c for c in measured if c not in header]
    if missing:
        raise _fail(f"fairness groups {missing} are not columns of the AR history")
    return measured


def train_from_ar_history(
    csv_path: str | os.PathLike[str],
    *,
    layout: ArLayout | None = None,
    group_by: str | None = None,
    protected: tuple[str, ...] = (),
    protected_attributes: Any = None,
    n_jobs: int = 1,
    **settings: Any,
) -> tuple[dict, dict]:
    """Train, evaluate and export the model. Returns ``(artifact, summary)``.

    ``layout`` says where the export keeps each field (default: the IBM layout); ``group_by``
    (default: the layout's ``group`` column, ``countryCode`` for IBM) and the ``protected``
    columns are measured for fairness, never features. ``protected_attributes`` replaces the
    default list of protected attributes (``explain.protected``). ``settings`` are
    :class:`TrainingSettings` fields (unknown names raise TypeError). ``n_jobs`` only changes
    speed, never the result.
    """
    from sklearn.metrics import roc_auc_score

    cfg = TrainingSettings(**settings)
    csv_path = Path(csv_path)
    layout = layout or IBM_LAYOUT
    attributes = ProtectedAttributes(protected_attributes, extra=protected)
    header = csv_columns(csv_path)
    measured = _measured_columns(layout, group_by, attributes, header)

    # (1) data: leak-free snapshots, split in time order
    data = load_training_data(csv_path, cfg, layout=layout, measure=measured)
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
    artifact = assemble_artifact(
        body, settings=cfg, excluded=excluded_attributes(layout, header, measured, attributes)
    )

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

    # (6) fairness on the holdout, by every measured attribute
    artifact["fairness"] = {
        "evaluated_on": "holdout (time-ordered)",
        **fairness_report(
            y_test, p_test,
            {c: [snapshots[i].groups[k] for i in data.holdout] for k, c in enumerate(measured)},
            threshold=cfg.fairness_threshold, max_ratio=cfg.fairness_max_ratio,
            min_group=cfg.fairness_min_group,
        ),
    }

    # (7) record everything that determines the artifact; name it by its content
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
        "mode": "ar-history",
        "data": {
            "file": csv_path.name,
            "sha256": data.data_sha256,
            "layout": layout.as_dict(),
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
        "protected_attributes": attributes.as_dict(),
        "settings": cfg.as_dict(),
        "software": software(),
        "estimator": "interpret.glassbox.ExplainableBoostingClassifier",
    }
    artifact = with_model_id(artifact, prefix=f"ebm-ar-{layout.name}-")
    validate_artifact(artifact)
    return artifact, training_summary(artifact)


def training_summary(artifact: dict) -> dict:
    """The JSON summary ``fairdun model train`` prints: metrics, baseline, fairness."""
    m = artifact["metrics"]
    split = artifact["training"]["split"]
    return {
        "model_id": artifact["model_id"],
        "sha256": hashlib.sha256(artifact_bytes(artifact)).hexdigest(),
        "mode": artifact["training"]["mode"],
        "feature_set": artifact["feature_set"],
        "data_sha256": artifact["training"]["data"]["sha256"],
        "holdout_from": split.get("holdout_from"),
        "n_train": split["train"],
        "n_holdout": split["holdout"],
        "holdout_auc": m["holdout"]["auc"],
        "holdout_brier": m["holdout"]["brier"],
        "baseline_auc": m["baseline"]["holdout"]["auc"],
        "auc_gap_to_baseline": m["auc_gap_to_baseline"],
        "random_split_auc": m["random_split"]["auc"],
        "max_abs_diff_vs_interpret": m["max_abs_diff_vs_interpret"],
        "terms": [t["name"] for t in artifact["terms"]],
        "fairness_flagged": list(artifact["fairness"]["flagged"]),
        "metrics": m,
        "fairness": artifact["fairness"],
    }


def export_snapshots(csv_path: str | os.PathLike[str], out_path: str | os.PathLike[str], *,
                     layout: ArLayout | None = None, **settings: Any) -> dict:
    """Write the decision-time snapshots of an AR history as CSV (``decided_on``, ``invoice``,
    ``split``, the features, ``label``): what training sees, and what ``fairdun model score``
    takes to check a model on one's own history. Returns a summary."""
    import csv

    cfg = TrainingSettings(**settings)
    data = load_training_data(csv_path, cfg, layout=layout or IBM_LAYOUT)
    split = dict.fromkeys(data.train, "train") | dict.fromkeys(data.holdout, "holdout")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["decided_on", "invoice", "split", *FEATURE_NAMES, "label"])
        for i, s in enumerate(data.snapshots):
            cells = ["" if x != x else repr(int(x)) if x.is_integer() else repr(x) for x in s.features]
            writer.writerow([s.decided_on.isoformat(), s.invoice, split.get(i, "dropped"), *cells, s.label])
    return {"snapshots": len(data.snapshots), "train": len(data.train), "holdout": len(data.holdout),
            "holdout_from": data.holdout_from.isoformat(), "out": str(out)}
