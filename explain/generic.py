"""Generic training: an EBM on any clean tabular CSV with a binary target.

    artifact, summary = train_from_csv("history.csv", target="late", features=["amount", ...],
                                       monotone={"days_overdue": 1}, group_by="region")

- Features are the ``features`` columns, or every column except the target, the ``order_by`` and
  ``group_by`` columns, protected attributes (``explain.protected``; also the ``protected``
  columns) and identifiers (text columns whose every value is distinct). Asking for a protected
  column as a feature raises ProtectedAttributeError.
- A column whose non-empty cells are all numbers is numeric (``binary`` if they are all 0 or 1),
  any other is categorical; empty cells are missing values. ``monotone`` constrains numeric
  features (+1: the risk never falls as the value grows, -1: never rises); it is checked after
  training.
- The target has two values; the positive class is ``positive``, or 1 / true / yes.
- Rows are in time order (file order, or sorted by ``order_by``: numbers or ISO 8601 dates); the
  last ``holdout_fraction`` is the holdout (rows sharing the cutoff's ``order_by`` value all go
  to the holdout). A random split of rows is reported for comparison.
- Fairness is measured on the holdout by ``group_by`` and every protected column present
  (numeric ones with more than ten values in quartile bands), never used as features.

The artifact's ``feature_set`` is ``"custom"``: it can be scored (``fairdun model score``) and
carded, but not registered for live decisions, whose features are fixed (``explain.features``).
"""

from __future__ import annotations

import csv
import logging
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from explain._artifact import FORMAT, FORMAT_VERSION, monotonicity_violations, validate_artifact, with_model_id
from explain._dataset import file_sha256
from explain._errors import TrainingError
from explain._fitting import (
    UNCERTAINTY_METHOD,
    EbmSettings,
    check_exactness,
    columns_of,
    export_ebm_model,
    fit_baseline_model,
    fit_ebm_model,
    software,
)
from explain._model import Model
from explain.fairness import fairness_report
from explain.features import FeatureSpec
from explain.metrics import binary_metrics
from explain.protected import ProtectedAttributes
from explain.training import training_summary

__all__ = ["GenericSettings", "read_table", "train_from_csv"]

_log = logging.getLogger(__name__)

_POSITIVE = {"1": "0", "true": "false", "yes": "no", "y": "n"}
# measured numeric attributes with more distinct values than this are grouped by quartile
_MAX_GROUPS = 10


def _fail(message: str) -> TrainingError:
    _log.error(message)
    return TrainingError(message)


@dataclass(frozen=True, kw_only=True)
class GenericSettings(EbmSettings):
    """Settings of generic training; the fairness flag threshold is the usual 0.5."""

    fairness_threshold: float = 0.5


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        j = self.header.index(name)
        return [r[j] for r in self.rows]


def read_table(csv_path: str | os.PathLike[str]) -> Table:
    """A CSV file with a header row; cells stripped; every row as long as the header."""
    path = Path(csv_path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            rows = []
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) != len(header):
                    raise _fail(f"{path.name}:{line}: {len(row)} cells, the header has {len(header)}")
                rows.append([c.strip() for c in row])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _fail(f"cannot read {path.name} as a UTF-8 CSV file: {exc}") from exc
    if not header or any(not h for h in header) or len(set(header)) != len(header):
        raise _fail(f"{path.name}: the header needs distinct, non-empty column names")
    if not rows:
        raise _fail(f"{path.name}: no rows")
    return Table(header, rows)


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _monotone(direction: int) -> Literal[-1, 0, 1]:
    if direction not in (-1, 0, 1):
        raise _fail(f"a monotonicity is -1, 0 or +1, not {direction}")
    return -1 if direction < 0 else (1 if direction > 0 else 0)


def _spec(table: Table, name: str, monotone: int, source: str) -> FeatureSpec:
    cells = [c for c in table.column(name) if c != ""]
    if not cells:
        raise _fail(f"column {name!r} has no values")
    numbers = [_number(c) for c in cells]
    values = [x for x in numbers if x is not None]
    if len(values) == len(numbers):
        kind: Literal["numeric", "binary"] = "binary" if set(values) <= {0.0, 1.0} else "numeric"
        integer = all(float(x).is_integer() for x in values)
        return FeatureSpec(name=name, description=f"Column {name!r} of {source}.", kind=kind,
                           monotone=_monotone(monotone), unit="", integer=integer)
    if monotone:
        raise _fail(f"--monotone {name}: the column is not numeric "
                    f"(e.g. {next(c for c, x in zip(cells, numbers, strict=False) if x is None)!r})")
    return FeatureSpec(name=name, description=f"Column {name!r} of {source} (categories).",
                       kind="categorical", monotone=0, unit="")


def _target(table: Table, target: str, positive: str | None) -> tuple[list[int], str, str]:
    values = table.column(target)
    if any(v == "" for v in values):
        raise _fail(f"target {target!r} has empty cells (rows {[i + 2 for i, v in enumerate(values) if v == ''][:5]}…)")
    classes = sorted(set(values))
    if len(classes) != 2:
        raise _fail(f"target {target!r} must have exactly two values, has {classes[:10]}")
    if positive is None:
        lowered = {c.lower(): c for c in classes}
        found = [lowered[p] for p, n in _POSITIVE.items() if set(lowered) == {p, n}]
        if not found:
            raise _fail(f"target {target!r} has the values {classes}: name the positive one with --positive")
        positive = found[0]
    if positive not in classes:
        raise _fail(f"--positive {positive!r} is not a value of {target!r} ({classes})")
    negative = next(c for c in classes if c != positive)
    return [1 if v == positive else 0 for v in values], positive, negative


def _order_key(text: str, column: str, line: int) -> Any:
    x = _number(text)
    if x is not None:
        return (0, x)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise _fail(f"--order-by {column}: row {line} holds {text!r}, neither a number nor an "
                        "ISO 8601 date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (1, moment)


def _split(table: Table, order_by: str | None, fraction: float) -> tuple[list[int], list[int], str | None]:
    n = len(table.rows)
    if order_by is None:
        order = list(range(n))
        cut = int(n * (1.0 - fraction))
        return order[:cut], order[cut:], None
    keys = [_order_key(v, order_by, i + 2) for i, v in enumerate(table.column(order_by))]
    if len({k[0] for k in keys}) > 1:
        raise _fail(f"--order-by {order_by}: mixes numbers and dates")
    order = sorted(range(n), key=keys.__getitem__)  # stable: ties keep the file order
    cutoff = keys[order[min(n - 1, int(n * (1.0 - fraction)))]]
    train = [i for i in order if keys[i] < cutoff]
    holdout = [i for i in order if keys[i] >= cutoff]
    return train, holdout, table.column(order_by)[order[len(train)]] if holdout else None


def _frame(table: Table, specs: list[FeatureSpec], idx: list[int], *, categories: bool = False) -> Any:
    """The design matrix of rows ``idx``: floats (NaN missing) and strings (None missing).
    With ``categories``, categorical columns are pandas categories (for the baseline)."""
    import numpy as np
    import pandas as pd

    data = {}
    for s in specs:
        cells = table.column(s.name)
        if s.kind == "categorical":
            col = pd.Series([cells[i] or None for i in idx], dtype=object)
            if categories:
                known = sorted({c for c in cells if c})
                col = pd.Series(pd.Categorical(col, categories=known))
            data[s.name] = col
        else:
            data[s.name] = pd.Series(
                np.array([float(cells[i]) if cells[i] != "" else np.nan for i in idx], dtype=np.float64))
    return pd.DataFrame(data)


def _group_labels(cells: list[str]) -> list[str | None]:
    """Groups of a measured attribute: its values, or quartile bands of a many-valued number."""
    numbers = [_number(c) for c in cells if c != ""]
    if len(set(numbers)) <= _MAX_GROUPS or any(x is None for x in numbers):
        return [c or None for c in cells]
    import numpy as np

    edges = sorted({float(q) for q in np.quantile(np.array(numbers), [0.25, 0.5, 0.75])})
    labels: list[str | None] = []
    for c in cells:
        if c == "":
            labels.append(None)
            continue
        k = sum(1 for e in edges if float(c) >= e)
        lo = "" if k == 0 else f"{edges[k - 1]:g}"
        hi = "" if k == len(edges) else f"{edges[k]:g}"
        band = f"[{lo}, {hi})" if lo and hi else f">= {lo}" if lo else f"< {hi}"
        labels.append(f"Q{k + 1}: {band}")   # Q1..Q4 sort in order
    return labels


def _choose_features(table: Table, *, target: str, features: Iterable[str] | None,
                     reserved: dict[str, str], attributes: ProtectedAttributes) -> tuple[list[str], dict[str, str]]:
    """(features, excluded columns and why)."""
    excluded = dict(reserved)
    if features is not None:
        chosen = list(dict.fromkeys(features))
        unknown = [c for c in chosen if c not in table.header]
        if unknown:
            raise _fail(f"--feature {unknown}: no such columns (the CSV has {table.header})")
        attributes.refuse_as_features(chosen)
        for c in chosen:
            if c == target:
                raise _fail(f"--feature {c}: that is the target")
            if c in reserved:
                raise _fail(f"--feature {c}: {reserved[c]}")
        for c in table.header:
            if c not in chosen and c != target and c not in excluded and (r := attributes.reason(c)):
                excluded[c] = r
        return chosen, excluded
    chosen = []
    for c in table.header:
        if c == target or c in excluded:
            continue
        why = attributes.reason(c)
        cells = table.column(c)
        if why is None and len(set(cells)) == len(cells) and any(_number(x) is None for x in cells):
            why = "identifier (a text column whose every value is distinct)"
        if why is not None:
            excluded[c] = why
        else:
            chosen.append(c)
    return chosen, excluded


def train_from_csv(
    csv_path: str | os.PathLike[str],
    *,
    target: str,
    features: Iterable[str] | None = None,
    monotone: Mapping[str, int] | None = None,
    protected: Iterable[str] = (),
    group_by: str | None = None,
    order_by: str | None = None,
    positive: str | None = None,
    protected_attributes: Any = None,
    n_jobs: int = 1,
    **settings: Any,
) -> tuple[dict, dict]:
    """Train, evaluate and export an EBM on any tabular CSV. Returns ``(artifact, summary)``.

    ``settings`` are :class:`GenericSettings` fields; see the module docstring for the rest.
    """
    from sklearn.metrics import roc_auc_score

    cfg = GenericSettings(**settings)
    csv_path = Path(csv_path)
    monotone = dict(monotone or {})
    protected = tuple(dict.fromkeys(protected))
    attributes = ProtectedAttributes(protected_attributes, extra=protected)

    # (1) the table and the roles of its columns
    table = read_table(csv_path)
    named = [("target", target), ("--group-by", group_by), ("--order-by", order_by),
             *(("--protected", c) for c in protected), *(("--monotone", c) for c in monotone)]
    unknown = [f"{flag} {c}" for flag, c in named if c is not None and c not in table.header]
    if unknown:
        raise _fail(f"{unknown}: no such columns (the CSV has {table.header})")
    bad = {c: d for c, d in monotone.items() if d not in (-1, 1)}
    if bad:
        raise _fail(f"--monotone {bad}: the direction is +1 or -1")
    reserved = {c: "measured for fairness, never a feature" for c in (group_by, *protected) if c}
    if order_by:
        reserved.setdefault(order_by, "orders the rows in time (the split), never a feature")
    for c in reserved:
        if c != order_by and (why := attributes.reason(c)) and why not in reserved[c]:
            reserved[c] = f"{why}; {reserved[c]}"
    names, excluded = _choose_features(table, target=target, features=features, reserved=reserved,
                                       attributes=attributes)
    if not names:
        raise _fail("no features left to train on")
    not_features = sorted(set(monotone) - set(names))
    if not_features:
        raise _fail(f"--monotone {not_features}: not among the features {names}")
    specs = [_spec(table, n, monotone.get(n, 0), csv_path.name) for n in names]
    y_all, positive, negative = _target(table, target, positive)

    # (2) time-ordered split
    train, holdout, holdout_from = _split(table, order_by, cfg.holdout_fraction)
    import numpy as np

    y = np.array(y_all, dtype=np.int64)
    for part, idx in (("training", train), ("holdout", holdout)):
        if len(idx) == 0 or y[idx].min() == y[idx].max():
            raise _fail(f"the {part} part has {len(idx)} rows and a single class")
    X_train, X_test = _frame(table, specs, train), _frame(table, specs, holdout)

    # (3) fit, export, check monotonicity and exactness
    types = ["nominal" if s.kind == "categorical" else "continuous" for s in specs]
    ebm = fit_ebm_model(X_train, y[train], specs=specs, feature_types=types, settings=cfg, n_jobs=n_jobs)
    body = export_ebm_model(ebm, specs)
    for f in body["features"]:
        f["binning"] = "categories" if f["type"] == "nominal" else f"quantile (max_bins={cfg.max_bins})"
    violations = monotonicity_violations(body)
    if violations:
        raise _fail("EBM breaks its monotone constraints: " + "; ".join(violations))
    artifact = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_set": "custom",
        "model_id": "",
        "target": {
            "name": target,
            "positive_class": positive,
            "definition": f"p_late is the probability that column {target!r} of a row is {positive!r} "
                          f"(rather than {negative!r}).",
        },
        **body,
        "excluded_attributes": dict(sorted(excluded.items())),
        "uncertainty": {"method": UNCERTAINTY_METHOD, "bags": len(body["bagged_intercepts"])},
    }
    probe = Model(artifact=artifact, sha256="0" * 64)
    max_diff = check_exactness(probe, ebm, X_test)

    # (4) holdout metrics, the baseline, a random split for comparison
    p_test = probe.score_arrays(columns_of(X_test, names))["p_late"]
    holdout_metrics = binary_metrics(y[holdout], p_test, cfg.calibration_bins)
    baseline = fit_baseline_model(_frame(table, specs, train, categories=True), y[train], cfg.random_state)
    baseline_metrics = binary_metrics(
        y[holdout], baseline.predict_proba(_frame(table, specs, holdout, categories=True))[:, 1],
        cfg.calibration_bins)
    order = np.random.RandomState(cfg.random_state).permutation(len(y))
    r_test = sorted(order[: int(round(len(y) * cfg.random_split_fraction))].tolist())
    r_train = sorted(set(range(len(y))) - set(r_test))
    r_ebm = fit_ebm_model(_frame(table, specs, r_train), y[r_train], specs=specs, feature_types=types,
                          settings=cfg, n_jobs=n_jobs)
    r_base = fit_baseline_model(_frame(table, specs, r_train, categories=True), y[r_train], cfg.random_state)
    random_metrics = {
        "grouped_by": "row",
        "n_train": len(r_train),
        "n_test": len(r_test),
        "auc": float(roc_auc_score(y[r_test], r_ebm.predict_proba(_frame(table, specs, r_test))[:, 1])),
        "baseline_auc": float(roc_auc_score(
            y[r_test], r_base.predict_proba(_frame(table, specs, r_test, categories=True))[:, 1])),
    }

    # (5) fairness on the holdout: the group column and every protected column present
    measured = [c for c in table.header if c in reserved and c != order_by]
    measured += [c for c in table.header if c in excluded and c not in measured and c != order_by
                 and attributes.reason(c) is not None]
    artifact["fairness"] = {
        "evaluated_on": "holdout (time-ordered)",
        **fairness_report(
            y[holdout], p_test,
            {c: [labels[i] for i in holdout]
             for c in measured for labels in [_group_labels(table.column(c))]},
            threshold=cfg.fairness_threshold, max_ratio=cfg.fairness_max_ratio,
            min_group=cfg.fairness_min_group),
    }
    artifact["metrics"] = {
        "holdout": holdout_metrics,
        "baseline": {
            "model": "sklearn.ensemble.HistGradientBoostingClassifier",
            "params": {"random_state": cfg.random_state},
            "holdout": {k: v for k, v in baseline_metrics.items() if k != "calibration"},
        },
        "auc_gap_to_baseline": float(baseline_metrics["auc"] - holdout_metrics["auc"]),
        "random_split": random_metrics,
        "max_abs_diff_vs_interpret": max_diff,
    }
    artifact["training"] = {
        "mode": "generic",
        "data": {"file": csv_path.name, "sha256": file_sha256(csv_path), "rows": len(table.rows),
                 "columns": list(table.header), "positives": int(y.sum())},
        "columns": {"target": target, "positive": positive, "features": names,
                    "monotone": dict(sorted(monotone.items())), "group_by": group_by,
                    "order_by": order_by, "protected": list(protected)},
        "split": {
            "method": f"time-ordered by {order_by}" if order_by else "time-ordered by file order",
            "holdout_from": holdout_from,
            "train": len(train),
            "holdout": len(holdout),
        },
        "protected_attributes": attributes.as_dict(),
        "settings": cfg.as_dict(),
        "software": software(),
        "estimator": "interpret.glassbox.ExplainableBoostingClassifier",
    }
    artifact = with_model_id(artifact, prefix="ebm-csv-")
    validate_artifact(artifact)
    return artifact, training_summary(artifact)
