"""Train the glass-box risk model on an AR history and export the JSON artifact (AR-history mode;
``explain.generic`` is the generic mode for any tabular CSV).

Plain functions (the ``fairdun model train`` CLI is a thin wrapper over them)::

    artifact, summary = train_from_ar_history("ar_history.csv")      # settings as keywords
    artifact, summary = train_from_ar_history("export.csv", layout=load_layout("mapping.json"))
    sha256 = write_artifact(artifact, "explain/models/<model id>.json")
    # or: artifact + model card (+ default.json): explain.publish_model(artifact, make_default=True)

Heavy libraries (interpret, scikit-learn, scipy, numpy) are imported inside the functions,
so importing ``explain`` for scoring stays light.

What is trained (see ``explain._dataset`` for the snapshots):

- the population is the ladder's: snapshots on every day an invoice is open within the decision
  windows (5 to 1 days before its due date, 3 to 45 days after it), recent invoices censored;
- target ``p_late``: an invoice open at the start of the decision day is still unpaid at the end
  of the later of ``due + late_after_days`` and ``decision + horizon_days`` (see
  :func:`target_definition`);
- three periods in time order: an ``ExplainableBoostingClassifier`` with monotone constraints
  from ``explain.features`` is fit on the first (labels known by its end), calibrated on the
  second (Platt scaling, ``explain.calibration``) where the band cut-offs are derived for the
  target shares and the safeguard's multiplier for the target review rate, and evaluated on the
  third, the holdout, next to the baselines of the same run (``explain.evaluation``), for every
  decision and for the two populations the ladder acts on, with customer-clustered intervals;
- after fitting, training fails loudly (TrainingError) unless the exported artifact is monotone as
  declared and reproduces interpret's ``predict_proba`` and ``eval_terms`` to 1e-9;
- fairness is measured on the holdout by the layout's group column (``countryCode`` for the IBM
  data) and any ``protected`` columns, read for measurement only, never features: first the
  calibration within each group (``explain.fairness.calibration_fairness``);
- what an approval must be signed off for (fairness flags, a failed calibration check) is
  recorded as ``governance.findings``.

The shipped model is exactly the evaluated model.
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
from explain._bands import BAND_NAMES, band_of, derive_cutoffs
from explain._dataset import (
    CANDIDATES,
    Invoice,
    Snapshot,
    build_snapshots,
    censor_date,
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
from explain.features import DECISION_WINDOWS, EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FEATURES, FeatureSpec
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
    "time_split",
    "train_from_ar_history",
    "training_summary",
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
    # snapshots: every day of each window (days relative to the due date) an invoice is open
    windows: tuple[tuple[int, int], ...] = DECISION_WINDOWS
    censor_recent: bool = True
    # periods in time order: train, calibration (calibration_fraction), holdout (holdout_fraction)
    calibration_fraction: float = 0.20
    # Features with fixed, human-readable cut points; the others get max_bins quantile bins.
    # days_past_due: two pre-due bins and the overdue weeks up to three weeks; fewer than 20 of
    # the IBM invoices stayed open four weeks, too few for a bin of their own.
    fixed_cuts: tuple[tuple[str, tuple[float, ...]], ...] = (
        ("days_past_due", (-2.5, 0.5, 6.5, 13.5, 20.5)),
        ("paperless", (0.5,)),
    )
    # bands: the share of the decision population in the high band and in the medium band (the
    # cut-offs are derived for them on the calibration period)
    band_shares: tuple[tuple[str, float], ...] = (("high", 0.10), ("medium", 0.30))
    # safeguard: the largest share of the calibration period whose interval may straddle a band
    # boundary (the review rate the safeguard is set for)
    target_review_rate: float = 0.05
    # intervals: customer-clustered bootstrap resamples of the holdout
    bootstrap: int = 400
    # fairness: groups are compared only from this many customers on
    fairness_min_customers: int = 10
    # the feature evidence: EBMs with each candidate added (three more fits)
    feature_evidence: bool = True

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
        windows = tuple((int(a), int(b)) for a, b in self.windows)
        object.__setattr__(self, "windows", windows)
        shares_in = self.band_shares.items() if isinstance(self.band_shares, dict) else self.band_shares
        shares = {str(k): float(v) for k, v in shares_in}
        object.__setattr__(self, "band_shares",
                           (("high", shares.get("high", -1.0)), ("medium", shares.get("medium", -1.0))))
        checks = [
            (self.late_after_days >= 0, "late_after_days must be >= 0"),
            (self.horizon_days >= 1, "horizon_days must be >= 1"),
            (bool(windows) and all(a <= b for a, b in windows), "windows must be non-empty (first <= last)"),
            (all(b1 < a2 for (_, b1), (a2, _) in zip(windows, windows[1:], strict=False)),
             "windows must be in order and not overlap"),
            (0.0 < self.calibration_fraction < 1.0 and self.calibration_fraction + self.holdout_fraction < 1.0,
             "calibration_fraction must be in (0, 1) and leave a training period"),
            (set(shares) == {"high", "medium"} and min(shares.values()) > 0.0 and sum(shares.values()) < 1.0,
             "band_shares: positive shares for 'high' and 'medium' that leave a low band"),
            (0.0 < self.target_review_rate < 1.0, "target_review_rate must be in (0, 1)"),
            (self.bootstrap >= 20, "bootstrap must be >= 20"),
            (self.fairness_min_customers >= 1, "fairness_min_customers must be >= 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["fixed_cuts"] = {name: list(cuts) for name, cuts in self.fixed_cuts}
        d["windows"] = [list(w) for w in self.windows]
        d["band_shares"] = dict(self.band_shares)
        return d

    def feature_types(self, specs: tuple[FeatureSpec, ...] = FEATURES) -> list[Any]:
        """interpret ``feature_types``: fixed cut lists, else quantile binning ('continuous')."""
        fixed = dict(self.fixed_cuts)
        return [list(fixed[s.name]) if s.name in fixed else "continuous" for s in specs]


# --------------------------------------------------------------------------- data and splits


@dataclass(frozen=True)
class TrainingData:
    """The snapshots of one AR history and their split into three periods in time order."""

    data_sha256: str
    invoices: list[Invoice]
    snapshots: list[Snapshot]
    train: list[int]  # indexes into snapshots
    calibration: list[int]
    holdout: list[int]
    calibration_from: date
    holdout_from: date
    dropped: dict[str, int]  # per period: decided in it, outcome not yet known at its end
    censored_due_after: date | None

    def matrix(self, idx: list[int]) -> tuple[Any, Any]:
        """(X float64 with NaN for missing, y int64) in FEATURE_NAMES order."""
        return _matrix(self.snapshots, idx)

    def customers(self, idx: list[int]) -> list[str]:
        return [self.snapshots[i].customer for i in idx]


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
    snapshots = build_snapshots(invoices, late_after_days=cfg.late_after_days, horizon_days=cfg.horizon_days,
                                windows=cfg.windows, censor_recent=cfg.censor_recent)
    if not snapshots:
        raise _fail("the AR history yields no decision snapshots")
    # (3) three periods in time order: no label from after the end of the period it is used in
    train, calibration, holdout, cutoffs, dropped = time_split(
        snapshots, cfg.calibration_fraction, cfg.holdout_fraction)
    return TrainingData(data_sha256, invoices, snapshots, train, calibration, holdout, cutoffs[0], cutoffs[1],
                        dropped, censor_date(invoices) if cfg.censor_recent else None)


def time_split(snapshots: list[Snapshot], calibration_fraction: float, holdout_fraction: float
               ) -> tuple[list[int], list[int], list[int], tuple[date, date], dict[str, int]]:
    """Train = decided before the first cutoff with the outcome known by it; calibration = decided
    from the first to the second cutoff with the outcome known by the second; holdout = decided
    from the second cutoff on. The cutoffs are the decision dates at the (1 - calibration -
    holdout) and (1 - holdout) quantiles of the snapshots, which are sorted by decision date."""
    dates = [s.decided_on for s in snapshots]
    n = len(dates)
    first = dates[min(n - 1, int(n * (1.0 - calibration_fraction - holdout_fraction)))]
    second = dates[min(n - 1, int(n * (1.0 - holdout_fraction)))]
    train = [i for i, s in enumerate(snapshots) if s.decided_on < first and s.label_known_on <= first]
    calibration = [i for i, s in enumerate(snapshots)
                   if first <= s.decided_on < second and s.label_known_on <= second]
    holdout = [i for i, s in enumerate(snapshots) if s.decided_on >= second]
    dropped = {
        "train": sum(1 for s in snapshots if s.decided_on < first) - len(train),
        "calibration": sum(1 for s in snapshots if first <= s.decided_on < second) - len(calibration),
    }
    return train, calibration, holdout, (first, second), dropped


# --------------------------------------------------------------------------- models


def fit_ebm(X: Any, y: Any, settings: TrainingSettings, n_jobs: int = 1,
            specs: tuple[FeatureSpec, ...] = FEATURES) -> Any:
    """Fit the ExplainableBoostingClassifier on the decision features (``n_jobs`` never changes
    the result)."""
    return fit_ebm_model(X, y, specs=specs, feature_types=settings.feature_types(specs),
                         settings=settings, n_jobs=n_jobs)


def fit_baseline(X: Any, y: Any, settings: TrainingSettings) -> Any:
    return fit_baseline_model(X, y, settings.random_state)


def export_ebm(ebm: Any) -> dict:
    """The artifact's model part from an EBM fitted on the decision features (no metadata)."""
    return export_ebm_model(ebm, FEATURES)


# --------------------------------------------------------------------------- entry point


def _matrix(snapshots: list[Snapshot], idx: list[int], candidate: int | None = None) -> tuple[Any, Any]:
    import numpy as np

    width = len(FEATURES) + (candidate is not None)
    rows = ([*snapshots[i].features, snapshots[i].candidates[candidate]] if candidate is not None
            else snapshots[i].features for i in idx)
    X = np.array(list(rows), dtype=np.float64).reshape(-1, width)
    y = np.array([snapshots[i].label for i in idx], dtype=np.int64)
    return X, y


def assemble_artifact(body: dict, *, settings: TrainingSettings,
                      excluded: dict[str, str] | None = None) -> dict:
    """A complete artifact (model id still empty; training, metrics, fairness and, for an AR
    history, calibration, bands and safeguard filled in by the caller)."""
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
    windows = " and ".join(f"{a} to {b}" for a, b in settings.windows)
    return (
        f"p_late is the probability that an invoice that is open at the start of the decision "
        f"day is still unpaid at the end of the later of two days: {g} days after its due date "
        f"and {h} days after the decision. For decisions up to {g - h} days past due (including "
        f"all decisions before the due date) this means 'paid more than {g} days late, or not "
        f"at all'; for later decisions it means 'still unpaid {h} days from now'. Trained on "
        f"snapshots of open invoices on every day the ladder decides: {windows} days relative "
        f"to the due date."
    )


def excluded_attributes(layout: ArLayout, header: list[str], measured: tuple[str, ...],
                        protected: ProtectedAttributes) -> dict[str, str]:
    """The CSV's columns that are never features, and why (recorded in artifact and card)."""
    excluded = {
        layout.columns["customer"]: "direct identifier (only groups the customer's history and the "
                                    "evaluation's intervals)",
        layout.columns["invoice"]: "identifier",
        layout.columns["disputed"]: EXCLUDED_ATTRIBUTES["Disputed"],
        layout.columns["amount"]: EXCLUDED_ATTRIBUTES["InvoiceAmount"],
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


def _populations(days: Any) -> dict[str, Any]:
    from explain.evaluation import POPULATIONS

    return {name: [test(float(d)) for d in days] for name, (_, test) in POPULATIONS.items()}


def _evaluate(y: Any, p: Any, days: Any, customers: list[str], boot: Any) -> dict[str, Any]:
    from explain.evaluation import POPULATIONS, population_metrics

    masks = _populations(days)
    return {name: {"description": POPULATIONS[name][0],
                   **population_metrics(y, p, masks[name], customers, boot)} for name in POPULATIONS}


def _calibration_findings(bands: list[dict[str, Any]]) -> list[str]:
    found = []
    for b in bands:
        if b["n"] and not b["consistent"]:
            ci = b["observed_ci"]
            found.append(f"calibration: band {b['band']} predicted {b['mean_predicted']:.3f}, observed "
                         f"{b['observed']:.3f} (95 % interval {ci[0]:.3f} to {ci[1]:.3f}, n {b['n']}, "
                         f"{b['customers']} customers)" if ci else
                         f"calibration: band {b['band']} has no interval")
    return found


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
    """Train, calibrate, evaluate and export the model. Returns ``(artifact, summary)``.

    ``layout`` says where the export keeps each field (default: the IBM layout); ``group_by``
    (default: the layout's ``group`` column, ``countryCode`` for IBM) and the ``protected``
    columns are measured for fairness, never features. ``protected_attributes`` replaces the
    default list of protected attributes (``explain.protected``). ``settings`` are
    :class:`TrainingSettings` fields (unknown names raise TypeError). ``n_jobs`` only changes
    speed, never the result.
    """
    cfg = TrainingSettings(**settings)
    csv_path = Path(csv_path)
    layout = layout or IBM_LAYOUT
    attributes = ProtectedAttributes(protected_attributes, extra=protected)
    header = csv_columns(csv_path)
    measured = _measured_columns(layout, group_by, attributes, header)

    # (1) data: leak-free snapshots of the ladder's decision days, three periods in time order
    data = load_training_data(csv_path, cfg, layout=layout, measure=measured)
    source = {
        "file": csv_path.name,
        "sha256": data.data_sha256,
        "layout": layout.as_dict(),
        "invoices": len(data.invoices),
        "customers": len({i.customer for i in data.invoices}),
        "first_issued_on": min(i.issued_on for i in data.invoices).isoformat(),
        "last_settled_on": max(i.settled_on for i in data.invoices).isoformat(),
        "late_share": sum(1 for i in data.invoices if i.days_late > 0) / len(data.invoices),
        "max_days_late": max(i.days_late for i in data.invoices),
        "censored_due_after": data.censored_due_after.isoformat() if data.censored_due_after else None,
    }
    return train_on_snapshots(data, cfg, measured=measured,
                              excluded=excluded_attributes(layout, header, measured, attributes),
                              attributes=attributes, n_jobs=n_jobs, mode="ar-history", source=source,
                              prefix=f"ebm-ar-{layout.name}-")


def train_on_snapshots(data: TrainingData, cfg: TrainingSettings, *, measured: tuple[str, ...],
                       excluded: dict[str, str], attributes: ProtectedAttributes, n_jobs: int, mode: str,
                       source: dict[str, Any], prefix: str) -> tuple[dict, dict]:
    """Fit, calibrate, evaluate and export a model on ``data``'s snapshots (steps 2 to 9 of
    ``train_from_ar_history``); ``source`` describes the data in the artifact (``training.data``)
    under ``mode``, and ``measured`` names the snapshots' fairness groups in order."""
    from explain.calibration import (
        CALIBRATION_METHOD,
        SAFEGUARD_METHOD,
        fit_calibration,
        reference_distribution,
        safeguard_z,
    )
    from explain.evaluation import (
        band_calibration,
        cutoff_neighbourhoods,
        fit_baselines,
        paired_auc_difference,
        resamples,
    )
    from explain.fairness import calibration_fairness

    snapshots = data.snapshots
    X_train, y_train = data.matrix(data.train)
    X_cal, y_cal = data.matrix(data.calibration)
    X_test, y_test = data.matrix(data.holdout)
    for part, y in (("training", y_train), ("calibration", y_cal), ("holdout", y_test)):
        if len(y) == 0 or y.min() == y.max():
            raise _fail(f"the {part} period has {len(y)} snapshots and a single class")

    # (2) fit the EBM on the training period and export it; it must be monotone as declared
    ebm = fit_ebm(X_train, y_train, cfg, n_jobs)
    body = export_ebm(ebm)
    fixed = dict(cfg.fixed_cuts)
    for f in body["features"]:
        f["binning"] = "fixed" if f["name"] in fixed else f"quantile (max_bins={cfg.max_bins})"
    violations = monotonicity_violations(body)
    if violations:
        raise _fail("EBM breaks its monotone constraints: " + "; ".join(violations))
    artifact = assemble_artifact(body, settings=cfg, excluded=excluded)

    # (3) the artifact scorer must reproduce interpret on the calibration and holdout periods
    probe = Model(artifact=artifact, sha256="0" * 64)
    max_diff = max(check_exactness(probe, ebm, X_cal), check_exactness(probe, ebm, X_test))

    def arrays(X: Any) -> dict[str, Any]:
        return probe.score_arrays({n: X[:, j] for j, n in enumerate(FEATURE_NAMES)})

    # (4) calibration, cut-offs and safeguard, all from the calibration period
    cal = arrays(X_cal)
    try:
        calibration = fit_calibration(cal["log_odds"], y_cal, data.customers(data.calibration))
        reference = reference_distribution(cal["log_odds"])
        shares = dict(cfg.band_shares)
        cutoffs = derive_cutoffs(reference["scores"], reference["counts"], a=calibration["a"],
                                 b=calibration["b"], shares=shares)
    except ValueError as exc:
        raise _fail(f"calibration failed: {exc}") from exc
    sd_cal = _log_odds_sd(probe, X_cal)
    z = safeguard_z(cal["log_odds"], sd_cal, a=calibration["a"], b=calibration["b"], cutoffs=cutoffs,
                    target=cfg.target_review_rate)
    artifact["calibration"] = {"method": CALIBRATION_METHOD, "a": calibration["a"], "b": calibration["b"]}
    artifact["bands"] = {"names": list(BAND_NAMES), "shares": shares, "cutoffs": cutoffs, "reference": reference}
    artifact["safeguard"] = {"method": SAFEGUARD_METHOD, "z": z, "target_review_rate": cfg.target_review_rate}
    calibrated_model = Model(artifact=artifact, sha256="0" * 64)

    # (5) the holdout as production scores it: calibrated probabilities, bands, safeguard
    test = calibrated_model.score_arrays({n: X_test[:, j] for j, n in enumerate(FEATURE_NAMES)})
    cal_scored = calibrated_model.score_arrays({n: X_cal[:, j] for j, n in enumerate(FEATURE_NAMES)})
    p_test = test["calibrated"]
    days = X_test[:, FEATURE_NAMES.index("days_past_due")]
    customers = data.customers(data.holdout)
    boot = resamples(customers, n=cfg.bootstrap, seed=cfg.random_state)
    holdout = binary_metrics(y_test, p_test, cfg.calibration_bins)
    populations = _evaluate(y_test, p_test, days, customers, boot)
    bands_test = [band_of(float(p), cutoffs) for p in p_test]
    per_band = band_calibration(y_test, p_test, bands_test, BAND_NAMES, customers, boot)
    around = cutoff_neighbourhoods(y_test, p_test, cutoffs, customers, boot)
    safeguard = _safeguard_rates(cal_scored, test, cutoffs, boot, data, X_test)

    # (6) the baselines of the same run: trained on the training period, tuned on the
    # calibration period, evaluated on the holdout with the same resamples (paired)
    masks = _populations(days)
    baselines = []
    chosen = fit_baselines(X_train, y_train, X_cal, y_cal, monotone=[s.monotone for s in FEATURES],
                           binary=[s.kind == "binary" for s in FEATURES], random_state=cfg.random_state,
                           n_jobs=n_jobs)
    for name, fitted in chosen.items():
        q = fitted["model"].predict_proba(X_test)[:, 1]
        baselines.append({
            "name": name, "description": fitted["description"], "params": fitted["params"],
            "calibration_log_loss": fitted["calibration_log_loss"],
            "populations": _evaluate(y_test, q, days, customers, boot),
            "ebm_minus_baseline_auc": {pop: paired_auc_difference(y_test, p_test, q, masks[pop], boot)
                                       for pop in masks},
        })
    black_box = next(b for b in baselines if b["name"] == "black_box")

    # (7) what the candidates left out would add out of time (same settings, same periods)
    # (a ledger's snapshots carry no candidates: there is nothing to measure them by)
    with_candidates = cfg.feature_evidence and all(len(x.candidates) == len(CANDIDATES) for x in snapshots)
    evidence = _feature_evidence(cfg, data, n_jobs, p_test, y_test, masks, boot) if with_candidates else []

    # (8) fairness on the holdout, by every measured attribute: calibration within groups first
    fairness = calibration_fairness(
        y_test, p_test, {c: [snapshots[i].groups[k] for i in data.holdout] for k, c in enumerate(measured)},
        customers=customers, boot=boot, high_cutoff=cutoffs["high"], max_ratio=cfg.fairness_max_ratio,
        min_customers=cfg.fairness_min_customers)
    artifact["fairness"] = {"evaluated_on": "holdout (time-ordered)", **fairness}

    # (9) record everything that determines the artifact; name it by its content
    artifact["calibration"].update({k: calibration[k] for k in ("cov", "intercept_ci", "slope_ci", "n", "customers")})
    artifact["metrics"] = {
        "holdout": holdout,
        "populations": populations,
        "bands": per_band,
        "cutoffs": around,
        "safeguard": safeguard,
        "baseline": {
            "model": "sklearn.ensemble.HistGradientBoostingClassifier",
            "params": {"random_state": cfg.random_state},
            "holdout": {k: black_box["populations"]["all"][k] for k in ("n", "auc", "auc_ci", "brier", "log_loss")},
        },
        "baselines": baselines,
        "auc_gap_to_baseline": float(black_box["populations"]["all"]["auc"] - holdout["auc"]),
        "feature_evidence": evidence,
        "bootstrap": {"resamples": cfg.bootstrap, "clustered_by": "customer", "customers": boot.customers,
                      "level": 0.95},
        "max_abs_diff_vs_interpret": max_diff,
    }
    calibration_findings = _calibration_findings(per_band)
    artifact["governance"] = {
        "findings": [*calibration_findings, *(f"fairness: {f}" for f in fairness["flagged"])],
        "calibration_check": "failed" if calibration_findings else "passed",
        "calibration_check_rule": "every band's 95 % customer-clustered interval of the observed late rate on "
                                  "the holdout holds the band's mean predicted probability",
    }
    artifact["governance"]["sign_off_required"] = bool(artifact["governance"]["findings"])
    artifact["reference"] = _drift_reference(probe, X_train)
    _check_domains(artifact)
    decided = [s.decided_on for s in snapshots]
    artifact["training"] = {
        "mode": mode,
        "data": source,
        "snapshots": {
            "total": len(snapshots),
            "positives": int(sum(s.label for s in snapshots)),
            "first_decided_on": min(decided).isoformat(),
            "last_decided_on": max(decided).isoformat(),
            "windows": [list(w) for w in cfg.windows],
        },
        "split": {
            "method": "time-ordered by decision date: training, calibration, holdout",
            "calibration_from": data.calibration_from.isoformat(),
            "holdout_from": data.holdout_from.isoformat(),
            "train": int(len(data.train)),
            "calibration": int(len(data.calibration)),
            "holdout": int(len(data.holdout)),
            "customers": {"train": len(set(data.customers(data.train))),
                          "calibration": len(set(data.customers(data.calibration))),
                          "holdout": len(set(customers))},
            "dropped_label_unknown_at_cutoff": dict(data.dropped),
        },
        "protected_attributes": attributes.as_dict(),
        "settings": cfg.as_dict(),
        "software": software(),
        "estimator": "interpret.glassbox.ExplainableBoostingClassifier",
    }
    artifact = with_model_id(artifact, prefix=prefix)
    validate_artifact(artifact)
    return artifact, training_summary(artifact)


def _log_odds_sd(model: Model, X: Any) -> Any:
    """The standard deviation of the log odds across the outer bags, per row (as the scorer
    computes it for the safeguard)."""
    return model.score_arrays({n: X[:, j] for j, n in enumerate(FEATURE_NAMES)})["log_odds_sd"]


def _safeguard_rates(cal: dict[str, Any], test: dict[str, Any], cutoffs: dict[str, float], boot: Any,
                     data: TrainingData, X_test: Any) -> dict[str, Any]:
    """How often the safeguard fires: straddling cases, inputs out of range, either."""
    import numpy as np

    from explain.evaluation import interval

    def straddle(scored: dict[str, Any]) -> Any:
        return np.array([band_of(lo, cutoffs) != band_of(hi, cutoffs)
                         for lo, hi in zip(scored["lower"].tolist(), scored["upper"].tolist(), strict=True)])

    s_cal, s_test = straddle(cal), straddle(test)
    oor_test = test["out_of_range"].any(axis=1)
    either = s_test | oor_test
    return {
        "calibration": {"n": int(len(s_cal)), "straddling": float(s_cal.mean())},
        "holdout": {
            "n": int(len(s_test)),
            "straddling": float(s_test.mean()),
            "straddling_ci": interval([float(s_test[r].mean()) for r in boot.rows if len(r)]),
            "out_of_range": float(oor_test.mean()),
            "review_rate": float(either.mean()),
            "review_rate_ci": interval([float(either[r].mean()) for r in boot.rows if len(r)]),
        },
    }


def _feature_evidence(cfg: TrainingSettings, data: TrainingData, n_jobs: int, p_test: Any, y_test: Any,
                      masks: dict[str, Any], boot: Any) -> list[dict[str, Any]]:
    """For each candidate (``explain._dataset.CANDIDATES``): the holdout AUC of an EBM trained with
    it added, minus this model's, with paired intervals."""
    from explain.evaluation import paired_auc_difference

    out = []
    for k, (name, description) in enumerate(CANDIDATES.items()):
        spec = FeatureSpec(name=name, description=description, kind="numeric", monotone=0, unit="")
        specs = (*FEATURES, spec)
        X_train, y_train = _matrix(data.snapshots, data.train, k)
        X_test, _ = _matrix(data.snapshots, data.holdout, k)
        cuts = {"due_month": [3.5, 6.5, 9.5]}.get(name)   # by quarter, as the earlier models binned it
        ebm = fit_ebm_model(X_train, y_train, specs=specs,
                            feature_types=[*cfg.feature_types(FEATURES), list(cuts) if cuts else "continuous"],
                            settings=cfg, n_jobs=n_jobs)
        q = ebm.predict_proba(X_test)[:, 1]
        out.append({"candidate": name, "description": description,
                    "with_minus_without_auc": {pop: paired_auc_difference(y_test, q, p_test, masks[pop], boot)
                                               for pop in masks}})
    return out


def _drift_reference(model: Model, X_train: Any) -> dict[str, Any]:
    """The training period's distribution over each feature's bins (missing first), against which
    live population stability is measured (``reports.monitoring``)."""
    import numpy as np

    features = {}
    for j, name in enumerate(FEATURE_NAMES):
        cuts = list(model.cut_points(name))
        col = X_train[:, j]
        missing = np.isnan(col)
        idx = np.searchsorted(np.asarray(cuts, dtype=np.float64), col[~missing], side="right")
        counts = [int(missing.sum()), *(int((idx == k).sum()) for k in range(len(cuts) + 1))]
        features[name] = {"cuts": cuts, "counts": counts}
    return {"period": "training", "features": features}


def _check_domains(artifact: dict) -> None:
    """A feature with a declared domain (a clipped feature) is never reported out of range inside
    it, so every bin the domain reaches must hold training snapshots."""
    for f in artifact["features"]:
        if not f.get("domain"):
            continue
        lo, hi = f["domain"]
        ref = artifact["reference"]["features"][f["name"]]
        edges = [-float("inf"), *ref["cuts"], float("inf")]
        for k, count in enumerate(ref["counts"][1:]):
            if edges[k + 1] > lo and edges[k] <= hi and count == 0:
                raise _fail(f"{f['name']}: its bin from {edges[k]:g} to {edges[k + 1]:g} holds no training "
                            "snapshot, yet lies in the feature's declared domain")


def training_summary(artifact: dict) -> dict:
    """The JSON summary ``fairdun model train`` prints: metrics, baselines, bands, fairness."""
    m = artifact["metrics"]
    split = artifact["training"]["split"]
    summary = {
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
        "max_abs_diff_vs_interpret": m["max_abs_diff_vs_interpret"],
        "terms": [t["name"] for t in artifact["terms"]],
        "fairness_flagged": list(artifact["fairness"]["flagged"]),
        "metrics": m,
        "fairness": artifact["fairness"],
    }
    if "random_split" in m:
        summary["random_split_auc"] = m["random_split"]["auc"]
    if artifact.get("bands"):
        summary["cutoffs"] = artifact["bands"]["cutoffs"]
        summary["n_calibration"] = split["calibration"]
        summary["safeguard_z"] = artifact["safeguard"]["z"]
        summary["governance"] = artifact["governance"]
    return summary


def export_snapshots(csv_path: str | os.PathLike[str], out_path: str | os.PathLike[str], *,
                     layout: ArLayout | None = None, **settings: Any) -> dict:
    """Write the decision-time snapshots of an AR history as CSV (``decided_on``, ``invoice``,
    ``split``, the features, ``label``): what training sees, and what ``fairdun model score``
    takes to check a model on one's own history. Returns a summary."""
    import csv

    cfg = TrainingSettings(**settings)
    data = load_training_data(csv_path, cfg, layout=layout or IBM_LAYOUT)
    split = (dict.fromkeys(data.train, "train") | dict.fromkeys(data.calibration, "calibration")
             | dict.fromkeys(data.holdout, "holdout"))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["decided_on", "invoice", "split", *FEATURE_NAMES, "label"])
        for i, s in enumerate(data.snapshots):
            cells = ["" if x != x else repr(int(x)) if x.is_integer() else repr(x) for x in s.features]
            writer.writerow([s.decided_on.isoformat(), s.invoice, split.get(i, "dropped"), *cells, s.label])
    return {"snapshots": len(data.snapshots), "train": len(data.train), "calibration": len(data.calibration),
            "holdout": len(data.holdout), "holdout_from": data.holdout_from.isoformat(), "out": str(out)}
