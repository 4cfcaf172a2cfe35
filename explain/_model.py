"""Exact scoring from the JSON artifact (pure Python for one case, numpy for batches).

The score reproduces ``ExplainableBoostingClassifier.predict_proba`` and ``eval_terms``: the log
odds are the intercept plus, term by term in the artifact's order, the score of the cell the
case's values fall into (see ``explain._artifact`` for the binning rule). ``p_late`` is the
logistic function of the log odds.

Uncertainty is the standard deviation (population, ddof=0) across the outer bags of the
probability each bagged model predicts, where bagged model ``b`` is ``bagged_intercepts[b]`` plus
the terms' ``bagged_scores[b]``. It reads as "how much the bootstrap replicas of the model
disagree about this case", in probability units.

An artifact trained on an AR history also carries its calibration, the cut-offs of its risk bands
and the safeguard's multiplier (``explain._bands``): its scores then carry ``calibrated``, the
calibrated probability with its band and the safeguard interval (the bagged standard deviation of
the log odds, times ``z``, on either side), and the bands that interval reaches.
"""

from __future__ import annotations

import copy
import decimal
import math
import numbers
import os
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from explain._artifact import dimension_size, read_artifact, term_cut_levels
from explain._bands import BAND_NAMES, band_of, bands_between, sigmoid
from explain._errors import ModelError

__all__ = ["Contribution", "Calibrated", "Score", "Model", "load_model"]

# |intercept + sum(contributions) - log_odds| above this means the arithmetic went wrong.
SUM_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Contribution:
    """One term's share of the log odds for one case."""

    term: str
    features: tuple[str, ...]
    values: tuple[Any, ...]
    contribution: float


@dataclass(frozen=True, slots=True)
class Calibrated:
    """The calibrated reading of a score: probability, band, safeguard interval and the bands it
    reaches (more than one: the score straddles a band boundary)."""

    p_late: float
    band: str
    lower: float
    upper: float
    bands: tuple[str, ...]
    log_odds_sd: float      # standard deviation of the log odds across the outer bags

    @property
    def straddles(self) -> bool:
        return len(self.bands) > 1


@dataclass(frozen=True, slots=True)
class Score:
    """A scored case. ``intercept + sum(c.contribution for c in contributions) == log_odds``.

    ``p_late`` is the EBM's own probability (what interpret predicts); ``calibrated`` its
    calibrated reading when the artifact has a calibration (AR-history models), else None.
    """

    p_late: float
    log_odds: float
    intercept: float
    uncertainty: float
    contributions: tuple[Contribution, ...]
    model_id: str
    # Features whose (non-missing) value lies outside their domain: the range declared for a
    # clipped feature, else the range seen in training; interpret scores such values with the
    # first/last bin, and so do we. Reported so callers can be cautious (in dubio pro debitore).
    out_of_range: tuple[str, ...] = ()
    calibrated: Calibrated | None = None


# The single-case and the batch path do the same floating-point operations in the same order
# (math.exp in both, sequential sums over terms and bags), so a case scores bit-for-bit the same
# alone or in a batch run.


def _sigmoid(s: float) -> float:
    # interpret: exp(s) / (exp(s) + 1); evaluated without overflow on either side.
    e = math.exp(-s if s >= 0.0 else s)
    return 1.0 / (1.0 + e) if s >= 0.0 else e / (e + 1.0)


def _bag_std(ps: list[float]) -> float:
    """Population standard deviation, summing in order (as numpy does along axis 0)."""
    total = ps[0]
    for q in ps[1:]:
        total += q
    mean = total / len(ps)
    d = ps[0] - mean
    sq = d * d
    for q in ps[1:]:
        d = q - mean
        sq += d * d
    return math.sqrt(sq / len(ps))


def _normalise_category(name: str, value: Any, categories: Mapping[str, int]) -> tuple[Any, float]:
    """(value as reported back, its bin as a float; NaN = missing, n + 1 = not seen in training)."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return None, math.nan
    if not isinstance(value, str):
        raise ModelError(
            f"feature {name!r}: expected a category (a string) or None, got {type(value).__name__} {value!r}"
        )
    return value, float(categories.get(value, len(categories) + 1))


def _normalise(name: str, value: Any) -> tuple[Any, float]:
    """(value as reported back, value as a float; NaN = missing). Rejects non-numbers."""
    if value is None:
        return None, math.nan
    if isinstance(value, bool):
        return int(value), float(value)
    if isinstance(value, numbers.Integral):
        return int(value), float(value)
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        x = float(value)
        if math.isnan(x):
            return None, math.nan
        return x, x
    raise ModelError(
        f"feature {name!r}: expected a number or None, got {type(value).__name__} {value!r}"
    )


class _Term:
    __slots__ = ("name", "features", "positions", "cuts", "strides", "scores", "bags")

    def __init__(self, artifact: dict, term: dict, positions: dict[str, int]) -> None:
        self.name: str = term["name"]
        self.features: tuple[str, ...] = tuple(term["features"])
        self.positions: tuple[int, ...] = tuple(positions[n] for n in self.features)
        levels = term_cut_levels(artifact, term)
        # A nominal dimension is binned by its category's bin number k (1..n, n + 1 = unknown):
        # the cuts 1.5, 2.5, ..., n + 0.5 send k to cell k, so one loop serves both kinds.
        self.cuts: tuple[tuple[float, ...], ...] = tuple(
            tuple(i + 0.5 for i in range(1, len(level) + 1))
            if isinstance(level, dict)
            else tuple(float(c) for c in level)
            for level in levels
        )
        sizes = [dimension_size(level) for level in levels]
        strides = []
        acc = 1
        for size in reversed(sizes):
            strides.append(acc)
            acc *= size
        self.strides: tuple[int, ...] = tuple(reversed(strides))
        self.scores: tuple[float, ...] = tuple(_flatten(term["scores"]))
        bag_rows = [tuple(_flatten(b)) for b in term["bagged_scores"]]
        # per cell, the scores of all bags (the single-case path reads one cell per term)
        self.bags: tuple[tuple[float, ...], ...] = tuple(zip(*bag_rows, strict=False))


def _flatten(t: Any) -> Iterable[float]:
    if isinstance(t, list):
        for x in t:
            yield from _flatten(x)
    else:
        yield float(t)


class Model:
    """A loaded, validated model artifact. Create with :func:`load_model`."""

    def __init__(self, *, artifact: dict, sha256: str) -> None:
        self._artifact = artifact
        self.id: str = artifact["model_id"]
        self.sha256: str = sha256
        self.feature_names: tuple[str, ...] = tuple(f["name"] for f in artifact["features"])
        self._positions = {n: i for i, n in enumerate(self.feature_names)}
        self.feature_set: str = artifact["feature_set"]
        # per feature: its categories (nominal) or None (continuous)
        self._categories: tuple[dict[str, int] | None, ...] = tuple(
            dict(f["bins"][0]) if f["type"] == "nominal" else None for f in artifact["features"]
        )
        # the range seen in training; for a nominal feature the known bins 1..n
        self._bounds = tuple(
            (1.0, float(len(cats))) if cats is not None
            else tuple(f["bounds"]) if f.get("bounds") else None
            for f, cats in zip(artifact["features"], self._categories, strict=False)
        )
        self._intercept = float(artifact["intercept"])
        self._bag_intercepts = tuple(float(b) for b in artifact["bagged_intercepts"])
        self._terms = tuple(_Term(artifact, t, self._positions) for t in artifact["terms"])
        # calibration (a, b), band cut-offs and the safeguard's z: AR-history artifacts only
        calibration = artifact.get("calibration")
        bands = artifact.get("bands")
        safeguard = artifact.get("safeguard")
        self._platt: tuple[float, float] | None = (
            (float(calibration["a"]), float(calibration["b"])) if calibration else None)
        self._cutoffs: dict[str, float] | None = (
            {k: float(v) for k, v in bands["cutoffs"].items()} if bands and self._platt else None)
        self._z: float = float(safeguard["z"]) if safeguard and self._cutoffs else 0.0
        # the range an input may take without counting as out of range: the feature's declared
        # domain when it has one (a clipped feature), else the range seen in training
        self._domains = tuple(
            tuple(f["domain"]) if f.get("domain") else bounds
            for f, bounds in zip(artifact["features"], self._bounds, strict=False)
        )

    # ------------------------------------------------------------------ metadata

    @property
    def term_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self._terms)

    def describe(self) -> dict:
        """JSON-able metadata: id, hash, target, features, metrics, training (a copy)."""
        a = self._artifact
        return {
            "id": self.id,
            "sha256": self.sha256,
            "feature_set": self.feature_set,
            "target": copy.deepcopy(a["target"]),
            "features": [
                {k: v for k, v in f.items() if k != "bins"} for f in copy.deepcopy(a["features"])
            ],
            "terms": [{"name": t.name, "features": list(t.features)} for t in self._terms],
            "metrics": copy.deepcopy(a["metrics"]),
            "training": copy.deepcopy(a["training"]),
            "uncertainty": copy.deepcopy(a.get("uncertainty")),
            "calibration": copy.deepcopy(a.get("calibration")),
            "bands": copy.deepcopy({k: v for k, v in a["bands"].items() if k != "reference"}
                                   if a.get("bands") else None),
            "safeguard": copy.deepcopy(a.get("safeguard")),
        }

    def __repr__(self) -> str:
        return f"Model(id={self.id!r}, sha256={self.sha256[:12]}…)"

    @property
    def cutoffs(self) -> dict[str, float] | None:
        """The calibrated probabilities from which the medium and high bands apply (None for a
        model without calibration)."""
        return dict(self._cutoffs) if self._cutoffs is not None else None

    @property
    def band_names(self) -> tuple[str, ...]:
        return BAND_NAMES

    def band_of(self, p: float) -> str:
        """The band of a calibrated probability (ModelError without cut-offs)."""
        if self._cutoffs is None:
            raise ModelError(f"model {self.id} has no risk bands")
        return band_of(p, self._cutoffs)

    def _calibrate(self, log_odds: float, sd: float) -> Calibrated | None:
        if self._platt is None or self._cutoffs is None:
            return None
        a, b = self._platt
        p = sigmoid(a + b * log_odds)
        lower = sigmoid(a + b * (log_odds - self._z * sd))
        upper = sigmoid(a + b * (log_odds + self._z * sd))
        return Calibrated(p_late=p, band=band_of(p, self._cutoffs), lower=lower, upper=upper,
                          bands=bands_between(lower, upper, self._cutoffs), log_odds_sd=sd)

    # ------------------------------------------------------------------ single case

    def _row(self, features: Mapping[str, Any]) -> tuple[list[Any], list[float]]:
        if not isinstance(features, Mapping):
            raise ModelError(f"features must be a mapping, got {type(features).__name__}")
        names = self.feature_names
        if len(features) != len(names) or any(n not in features for n in names):
            missing = [n for n in names if n not in features]
            extra = sorted(k for k in features if k not in self._positions)
            raise ModelError(f"feature mismatch: missing {missing}, unexpected {extra}")
        shown: list[Any] = []
        xs: list[float] = []
        for n, cats in zip(names, self._categories, strict=False):
            if cats is None:
                v, x = _normalise(n, features[n])
            else:
                v, x = _normalise_category(n, features[n], cats)
            shown.append(v)
            xs.append(x)
        return shown, xs

    @property
    def artifact(self) -> dict:
        """The artifact this model was loaded from (a deep copy)."""
        return copy.deepcopy(self._artifact)

    def categories(self, name: str) -> tuple[str, ...] | None:
        """The categories of a nominal feature seen in training (None for a numeric feature)."""
        cats = self._categories[self._positions[name]]
        return None if cats is None else tuple(sorted(cats, key=cats.__getitem__))

    def bounds(self, name: str) -> tuple[float, float] | None:
        """The range of a numeric feature seen in training (None when unknown or nominal)."""
        if self._categories[self._positions[name]] is not None:
            return None
        return self._bounds[self._positions[name]]

    def cut_points(self, name: str) -> tuple[float, ...]:
        """Every value at which a term over numeric feature ``name`` changes bin (all levels)."""
        pos = self._positions[name]
        cuts: set[float] = set()
        for term in self._terms:
            for p, c in zip(term.positions, term.cuts, strict=False):
                if p == pos:
                    cuts.update(c)
        return tuple(sorted(cuts))

    def p_late_if(self, features: Mapping[str, Any], name: str, values: Sequence[Any]) -> list[float]:
        """``p_late`` of the case with feature ``name`` set to each of ``values`` in turn.

        Only the terms containing ``name`` are re-evaluated; the result equals
        ``score(features | {name: v}).p_late`` bit for bit (the same sum in the same order).
        """
        return [_sigmoid(s) for s in self._log_odds_if(features, name, values)]

    def _log_odds_if(self, features: Mapping[str, Any], name: str, values: Sequence[Any]) -> list[float]:
        _, xs = self._row(features)
        pos = self._positions[name]
        out = []
        for v in values:
            _, xs[pos] = self._row_value(name, v)
            log_odds = self._intercept
            for term in self._terms:
                cell = 0
                for p, cuts, stride in zip(term.positions, term.cuts, term.strides, strict=False):
                    x = xs[p]
                    cell += (0 if math.isnan(x) else bisect_right(cuts, x) + 1) * stride
                log_odds += term.scores[cell]
            out.append(log_odds)
        return out

    def calibrated_if(self, features: Mapping[str, Any], name: str, values: Sequence[Any]) -> list[float]:
        """The calibrated ``p_late`` of the case with feature ``name`` set to each of ``values``
        (ModelError for a model without calibration)."""
        if self._platt is None:
            raise ModelError(f"model {self.id} has no calibration")
        a, b = self._platt
        return [sigmoid(a + b * s) for s in self._log_odds_if(features, name, values)]

    def _row_value(self, name: str, value: Any) -> tuple[Any, float]:
        cats = self._categories[self._positions[name]]
        return _normalise(name, value) if cats is None else _normalise_category(name, value, cats)

    def score(self, features: Mapping[str, Any]) -> Score:
        """Score one case. ``features`` maps every feature name to a number or None (missing)
        (a category string or None for a nominal feature)."""
        shown, xs = self._row(features)
        isnan = math.isnan
        intercept = self._intercept
        log_odds = intercept
        bag_sums = list(self._bag_intercepts)
        contributions = []
        parts = [intercept]
        for term in self._terms:
            cell = 0
            for pos, cuts, stride in zip(term.positions, term.cuts, term.strides, strict=False):
                x = xs[pos]
                cell += (0 if isnan(x) else bisect_right(cuts, x) + 1) * stride
            c = term.scores[cell]
            log_odds += c
            parts.append(c)
            bag_sums = [a + b for a, b in zip(bag_sums, term.bags[cell], strict=False)]
            contributions.append(
                Contribution(
                    term.name, term.features, tuple(shown[p] for p in term.positions), c
                )
            )
        self._check_sum(log_odds, math.fsum(parts))
        p = _sigmoid(log_odds)
        uncertainty = _bag_std([_sigmoid(s) for s in bag_sums])
        return Score(
            p_late=p,
            log_odds=log_odds,
            intercept=intercept,
            uncertainty=uncertainty,
            contributions=tuple(contributions),
            model_id=self.id,
            out_of_range=self._out_of_range(xs),
            calibrated=self._calibrate(log_odds, _bag_std(bag_sums)),
        )

    def _out_of_range(self, xs: Sequence[float]) -> tuple[str, ...]:
        out = []
        for name, x, bounds in zip(self.feature_names, xs, self._domains, strict=False):
            if bounds is not None and not math.isnan(x) and not bounds[0] <= x <= bounds[1]:
                out.append(name)
        return tuple(out)

    def _check_sum(self, log_odds: float, reference: float) -> None:
        # Fail closed: contributions + intercept must add up to the log odds we report.
        if not (math.isfinite(log_odds) and abs(log_odds - reference) <= SUM_TOLERANCE):
            raise ModelError(
                f"model {self.id}: contributions do not sum to the log odds "
                f"({log_odds!r} vs {reference!r})"
            )

    # ------------------------------------------------------------------ batches

    def score_arrays(self, columns: Mapping[str, Any]) -> dict[str, Any]:
        """Vectorised scoring of column arrays (NaN = missing; a nominal feature's column holds
        category strings, None = missing).

        Returns numpy arrays: ``p_late``, ``log_odds``, ``uncertainty``, ``log_odds_sd`` (n,),
        ``contributions`` (n, n_terms, in :attr:`term_names` order) and ``out_of_range``
        (n, n_features, bool); with a calibration also ``calibrated``, ``lower`` and ``upper`` (n,).
        """
        return self._score_columns(columns, binned=False)

    def _score_columns(self, columns: Mapping[str, Any], *, binned: bool) -> dict[str, Any]:
        # binned: nominal columns already hold their bin numbers (score_many maps them once)
        import numpy as np

        cols = []
        for n, cats in zip(self.feature_names, self._categories, strict=False):
            if n not in columns:
                raise ModelError(f"feature mismatch: missing column {n!r}")
            if cats is not None and not binned:
                raw = list(columns[n])
                col = np.fromiter((_normalise_category(n, v, cats)[1] for v in raw), np.float64, len(raw))
                cols.append(col)
                continue
            try:
                col = np.asarray(columns[n], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ModelError(f"feature {n!r}: column is not numeric: {exc}") from exc
            if col.ndim != 1:
                raise ModelError(f"feature {n!r}: expected a 1-D column")
            cols.append(col)
        extra = sorted(k for k in columns if k not in self._positions)
        if extra:
            raise ModelError(f"feature mismatch: unexpected columns {extra}")
        n_rows = len(cols[0]) if cols else 0
        if any(len(c) != n_rows for c in cols):
            raise ModelError("feature columns have different lengths")
        missing = [np.isnan(c) for c in cols]

        n_terms = len(self._terms)
        contrib = np.empty((n_rows, n_terms), dtype=np.float64)
        log_odds = np.full(n_rows, self._intercept, dtype=np.float64)
        bag_int = np.asarray(self._bag_intercepts, dtype=np.float64)
        bag_sums = np.repeat(bag_int[:, None], n_rows, axis=1)
        for ti, term in enumerate(self._terms):
            cell = np.zeros(n_rows, dtype=np.int64)
            for pos, cuts, stride in zip(term.positions, term.cuts, term.strides, strict=False):
                idx = np.searchsorted(np.asarray(cuts, dtype=np.float64), cols[pos], side="right")
                idx += 1
                idx[missing[pos]] = 0
                cell += idx * stride
            scores = np.asarray(term.scores, dtype=np.float64)
            c = scores[cell]
            contrib[:, ti] = c
            log_odds += c  # same order of additions as interpret's ebm_predict_scores
            bags = np.asarray(term.bags, dtype=np.float64)  # (cells, n_bags)
            bag_sums += bags[cell].T
        reference = contrib.sum(axis=1) + self._intercept
        bad = ~np.isfinite(log_odds) | (np.abs(log_odds - reference) > SUM_TOLERANCE)
        if bad.any():
            i = int(np.argmax(bad))
            raise ModelError(
                f"model {self.id}: contributions do not sum to the log odds at row {i} "
                f"({log_odds[i]!r} vs {reference[i]!r})"
            )
        p = _sigmoid_array(log_odds)
        uncertainty = _bag_std_array(_sigmoid_array(bag_sums))
        oor = np.zeros((n_rows, len(cols)), dtype=bool)
        for j, (col, bounds) in enumerate(zip(cols, self._domains, strict=False)):
            if bounds is not None:
                oor[:, j] = (col < bounds[0]) | (col > bounds[1])
        sd = _bag_std_array(bag_sums)
        out = {
            "p_late": p,
            "log_odds": log_odds,
            "uncertainty": uncertainty,
            "log_odds_sd": sd,
            "contributions": contrib,
            "out_of_range": oor,
        }
        if self._platt is not None and self._cutoffs is not None:
            a, b = self._platt
            out["calibrated"] = _sigmoid_array(a + b * log_odds)
            out["lower"] = _sigmoid_array(a + b * (log_odds - self._z * sd))
            out["upper"] = _sigmoid_array(a + b * (log_odds + self._z * sd))
        return out

    def score_many(self, rows: Sequence[Mapping[str, Any]]) -> list[Score]:
        """Score many cases (vectorised); the same result as ``[score(r) for r in rows]``."""
        import numpy as np

        rows = rows if isinstance(rows, Sequence) else list(rows)
        names = self.feature_names
        n_features = len(names)
        shown_cols: list[list[Any]] = []
        columns: dict[str, Any] = {}
        for n, cats in zip(names, self._categories, strict=False):
            try:
                raw = [r[n] for r in rows]
            except KeyError as exc:
                raise ModelError(f"feature mismatch: missing {n!r} in a row") from exc
            except TypeError as exc:
                raise ModelError("rows must be mappings of feature name to value") from exc
            kinds = set(map(type, raw))
            if cats is not None:
                pairs = [_normalise_category(n, v, cats) for v in raw]
                shown = [p[0] for p in pairs]
                col = np.array([p[1] for p in pairs], dtype=np.float64)
            elif kinds <= {int, float, type(None)}:
                # the common case: report values as given (NaN reported as None)
                shown = raw if float not in kinds else [None if v != v else v for v in raw]
                col = np.array(raw, dtype=np.float64)
            else:
                pairs = [_normalise(n, v) for v in raw]
                shown = [p[0] for p in pairs]
                col = np.array([p[1] for p in pairs], dtype=np.float64)
            shown_cols.append(shown)
            columns[n] = col
        for r in rows:
            if len(r) != n_features:
                extra = sorted(k for k in r if k not in self._positions)
                raise ModelError(f"feature mismatch: unexpected {extra}")

        out = self._score_columns(columns, binned=True)
        n_rows = len(rows)
        # Build the objects column by column with map() (C-level loops): at 100k rows x 8 terms
        # object creation, not arithmetic, is what costs time.
        per_term = []
        for ti, term in enumerate(self._terms):
            if len(term.positions) == 1:
                values = [(v,) for v in shown_cols[term.positions[0]]]
            else:
                values = list(zip(*(shown_cols[p] for p in term.positions), strict=False))
            per_term.append(
                list(
                    map(
                        Contribution,
                        repeat(term.name, n_rows),
                        repeat(term.features, n_rows),
                        values,
                        out["contributions"][:, ti].tolist(),
                    )
                )
            )
        contributions = list(zip(*per_term, strict=False)) if per_term else [()] * n_rows
        calibrated: list[Calibrated | None] = [None] * n_rows
        if "calibrated" in out and self._cutoffs is not None:
            cutoffs = self._cutoffs
            calibrated = [
                Calibrated(p_late=p, band=band_of(p, cutoffs), lower=lo, upper=hi,
                           bands=bands_between(lo, hi, cutoffs), log_odds_sd=sd)
                for p, lo, hi, sd in zip(out["calibrated"].tolist(), out["lower"].tolist(),
                                         out["upper"].tolist(), out["log_odds_sd"].tolist(), strict=True)
            ]
        oor = out["out_of_range"]
        flagged = oor.any(axis=1)
        out_of_range: list[tuple[str, ...]] = [()] * n_rows
        for i in np.flatnonzero(flagged).tolist():
            out_of_range[i] = tuple(compress(names, oor[i].tolist()))
        return list(
            map(
                Score,
                out["p_late"].tolist(),
                out["log_odds"].tolist(),
                repeat(self._intercept, n_rows),
                out["uncertainty"].tolist(),
                contributions,
                repeat(self.id, n_rows),
                out_of_range,
                calibrated,
            )
        )


def _sigmoid_array(s: Any) -> Any:
    """_sigmoid elementwise, with math.exp (numpy's exp may differ from it in the last bit)."""
    import numpy as np

    pos = s >= 0.0
    e = np.fromiter(map(math.exp, np.where(pos, -s, s).ravel().tolist()), np.float64, s.size)
    e = e.reshape(s.shape)
    with np.errstate(invalid="ignore"):
        return np.where(pos, 1.0 / (1.0 + e), e / (e + 1.0))


def _bag_std_array(ps: Any) -> Any:
    """_bag_std down axis 0 of a (bags, n) array."""
    import numpy as np

    total = ps[0].copy()
    for q in ps[1:]:
        total += q
    mean = total / len(ps)
    d = ps[0] - mean
    sq = d * d
    for q in ps[1:]:
        d = q - mean
        sq += d * d
    return np.sqrt(sq / len(ps))


def load_model(path: str | os.PathLike[str], expected_sha256: str | None = None) -> Model:
    """Load a JSON model artifact.

    Raises ArtifactError (a ModelError) if the file's SHA-256 differs from ``expected_sha256``,
    or if it is not valid JSON, does not match the schema, or breaks its declared monotonicity.
    """
    artifact, sha256 = read_artifact(path, expected_sha256)
    return Model(artifact=artifact, sha256=sha256)
