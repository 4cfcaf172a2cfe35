"""The JSON model artifact: canonical bytes, validation, and the monotonicity check.

The artifact is plain JSON, never pickle. Its SHA-256 is the SHA-256 of the file's bytes, so the
bytes must be canonical: sorted keys, a fixed indentation, Python's shortest round-trip float
representation, UTF-8, one trailing newline, no NaN or infinity.

Binning follows interpret's ``ExplainableBoostingClassifier`` exactly (``bins_``, ``term_scores_``):

- a "continuous" feature has one or more cut-point *levels*; a term over ``k`` features bins each
  of them with level ``min(k, number of levels)`` (mains use level 1, pairs level 2);
- a value ``v`` falls into bin ``bisect_right(cuts, v) + 1``; a missing value (None/NaN) into
  bin 0; values beyond the observed range therefore land in the first or last regular bin;
- a term's score tensor has ``len(cuts) + 3`` cells per dimension: missing, the ``len(cuts) + 1``
  regular bins, and interpret's "unknown" bin (only reachable by non-numeric input, which the
  scorer rejects instead);
- a "nominal" feature (generic training only) has one level, a mapping of category to bin
  ``1..n``; missing is bin 0 and a category not seen in training interpret's unknown bin ``n + 1``,
  so its dimension has ``n + 2`` cells.

An AR-history artifact also carries ``calibration`` (Platt scaling of the log odds on held-out
data: ``a``, ``b``), ``bands`` (the target ``shares`` of the medium and high bands, the
``cutoffs`` derived for them and the ``reference`` distribution of log odds they are derived
from: loading re-derives them and refuses an artifact whose cut-offs differ) and ``safeguard``
(the multiplier ``z`` of the safeguard interval); see ``explain._bands``.

``feature_set`` says which features an artifact has: ``"dunning"`` is exactly
``explain.features.FEATURES`` (what the decision pipeline computes; only such artifacts can be
registered for live decisions), ``"custom"`` any columns of a user's CSV (generic training).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

from explain._bands import BAND_NAMES, derive_cutoffs
from explain._errors import ArtifactError
from explain.features import FEATURES

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "FEATURE_SETS",
    "FEATURE_KINDS",
    "artifact_bytes",
    "write_artifact",
    "read_artifact",
    "parse_artifact",
    "validate_artifact",
    "monotonicity_violations",
    "with_model_id",
    "term_cut_levels",
    "dimension_size",
]

_log = logging.getLogger(__name__)

FORMAT = "fairdun-ebm-artifact"
# 2: feature_set, nominal features and the fairness section
# 3: the decision features of issue 16; calibration, bands (cut-offs) and safeguard
FORMAT_VERSION = 3
FEATURE_SETS = ("dunning", "custom")
FEATURE_KINDS = ("numeric", "binary", "categorical")
MODEL_ID_PREFIX = "ebm-ar-ibm-"
# Tolerance of the monotonicity check: bag averaging can leave rounding noise of ~1e-16.
MONOTONE_TOLERANCE = 1e-12


def _fail(message: str) -> ArtifactError:
    # Loud validation: the same message in the log and the exception.
    _log.error(message)
    return ArtifactError(message)


def artifact_bytes(artifact: dict) -> bytes:
    """The canonical serialisation of ``artifact`` (what is written and hashed)."""
    try:
        text = json.dumps(
            artifact,
            sort_keys=True,
            indent=1,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ": "),
        )
    except (TypeError, ValueError) as exc:
        raise _fail(f"artifact is not canonical JSON: {exc}") from exc
    return text.encode("utf-8") + b"\n"


def with_model_id(artifact: dict, prefix: str = MODEL_ID_PREFIX) -> dict:
    """Return a copy with ``model_id`` = prefix + 12 hex digits of the content hash.

    The hash covers every field except ``model_id`` itself, so the id names the content.
    """
    body = dict(artifact)
    body["model_id"] = ""
    digest = hashlib.sha256(artifact_bytes(body)).hexdigest()
    body["model_id"] = prefix + digest[:12]
    return body


def write_artifact(artifact: dict, path: str | os.PathLike[str]) -> str:
    """Validate ``artifact`` and write its canonical bytes to ``path`` atomically.

    Returns the SHA-256 of the written bytes.
    """
    validate_artifact(artifact)
    data = artifact_bytes(artifact)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def read_artifact(
    path: str | os.PathLike[str], expected_sha256: str | None = None
) -> tuple[dict, str]:
    """Read and validate an artifact file. Returns ``(artifact, sha256_of_file_bytes)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read model artifact {path}: {exc}") from exc
    return parse_artifact(data, path.name, expected_sha256)


def parse_artifact(
    data: bytes, name: str = "artifact", expected_sha256: str | None = None
) -> tuple[dict, str]:
    """Validate an artifact's bytes. Returns ``(artifact, sha256_of_the_bytes)``."""
    # (1) the file is the one we expect
    sha256 = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None:
        expected = str(expected_sha256).strip().lower()
        if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
            raise _fail(f"expected_sha256 is not 64 hex digits: {expected_sha256!r}")
        if sha256 != expected:
            raise _fail(f"model artifact {name} has SHA-256 {sha256}, expected {expected}")
    # (2) it parses as JSON without NaN/Infinity extensions
    try:
        artifact = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise _fail(f"model artifact {name} is not valid JSON: {exc}") from exc
    # (3) it satisfies the schema and the declared monotonicity
    validate_artifact(artifact)
    return artifact, sha256


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite constant {name} is not allowed")


# --------------------------------------------------------------------------- validation


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _fail(f"{where}: missing key {key!r}")
    value = obj[key]
    if kind is float:
        kind = (int, float)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _fail(f"{where}.{key}: expected {kind}, got {type(value).__name__}")
    return value


def _finite(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise _fail(f"{where}: expected a finite number, got {x!r}")
    return float(x)


def _tensor_shape(t: Any, where: str) -> tuple[int, ...]:
    """Shape of a nested list of finite numbers (rectangular), validating every cell."""
    if isinstance(t, list):
        if not t:
            raise _fail(f"{where}: empty tensor")
        shapes = {_tensor_shape(x, where) for x in t}
        if len(shapes) != 1:
            raise _fail(f"{where}: ragged tensor")
        return (len(t), *shapes.pop())
    _finite(t, where)
    return ()


def term_cut_levels(artifact: dict, term: dict) -> list[Any]:
    """What each dimension of ``term`` bins with (interpret's level rule): a list of cut points
    (continuous) or a mapping of category to bin (nominal)."""
    by_name = {f["name"]: f for f in artifact["features"]}
    k = len(term["features"])
    return [by_name[n]["bins"][min(k, len(by_name[n]["bins"])) - 1] for n in term["features"]]


def dimension_size(level: Any) -> int:
    """Cells of one term dimension binned by ``level``: missing, the regular bins, unknown."""
    return len(level) + 2 if isinstance(level, dict) else len(level) + 3


def _validate_feature(f: dict, fw: str) -> None:
    kind = f.get("kind")
    if kind not in FEATURE_KINDS:
        raise _fail(f"{fw}.kind: expected one of {list(FEATURE_KINDS)}, got {kind!r}")
    if f.get("monotone") not in (-1, 0, 1) or isinstance(f.get("monotone"), bool):
        raise _fail(f"{fw}.monotone: expected -1, 0 or 1, got {f.get('monotone')!r}")
    levels = _require(f, "bins", list, fw)
    if not levels:
        raise _fail(f"{fw}.bins: no binning levels")
    if f.get("type") == "nominal":
        if kind != "categorical" or f["monotone"] != 0:
            raise _fail(f"{fw}: a nominal feature is categorical and has no monotone direction")
        if len(levels) != 1 or not isinstance(levels[0], dict) or not levels[0]:
            raise _fail(f"{fw}.bins: a nominal feature has one mapping of category to bin")
        indexes = levels[0].values()
        if any(isinstance(i, bool) or not isinstance(i, int) for i in indexes) or sorted(indexes) != list(
            range(1, len(levels[0]) + 1)
        ):
            raise _fail(f"{fw}.bins: categories must map to the bins 1..n")
        return
    if f.get("type") != "continuous" or kind == "categorical":
        raise _fail(f"{fw}.type: expected 'continuous' (numeric, binary) or 'nominal' (categorical)")
    bounds = f.get("bounds")
    if bounds is not None:
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise _fail(f"{fw}.bounds: expected [min, max]")
        lo, hi = (_finite(b, f"{fw}.bounds") for b in bounds)
        if lo > hi:
            raise _fail(f"{fw}.bounds: min > max")
    domain = f.get("domain")
    if domain is not None:
        if not isinstance(domain, list) or len(domain) != 2:
            raise _fail(f"{fw}.domain: expected [min, max]")
        lo, hi = (_finite(b, f"{fw}.domain") for b in domain)
        if lo > hi:
            raise _fail(f"{fw}.domain: min > max")
    for li, cuts in enumerate(levels):
        if not isinstance(cuts, list):
            raise _fail(f"{fw}.bins[{li}]: expected a list of cut points")
        vals = [_finite(c, f"{fw}.bins[{li}]") for c in cuts]
        if any(b <= a for a, b in zip(vals, vals[1:], strict=False)):
            raise _fail(f"{fw}.bins[{li}]: cut points are not strictly increasing")


def validate_artifact(artifact: Any) -> None:
    """Raise ArtifactError unless ``artifact`` is a well-formed, internally consistent artifact."""
    where = "artifact"
    if not isinstance(artifact, dict):
        raise _fail("artifact: expected a JSON object")
    if artifact.get("format") != FORMAT:
        raise _fail(f"artifact.format: expected {FORMAT!r}, got {artifact.get('format')!r}")
    if artifact.get("format_version") != FORMAT_VERSION:
        raise _fail(
            f"artifact.format_version: unsupported {artifact.get('format_version')!r} "
            f"(this version reads {FORMAT_VERSION})"
        )
    _require(artifact, "model_id", str, where)
    if _require(artifact, "link", str, where) != "logit":
        raise _fail("artifact.link: only 'logit' is supported")
    _require(artifact, "target", dict, where)
    _require(artifact, "training", dict, where)
    _require(artifact, "metrics", dict, where)

    feature_set = artifact.get("feature_set")
    if feature_set not in FEATURE_SETS:
        raise _fail(f"artifact.feature_set: expected one of {list(FEATURE_SETS)}, got {feature_set!r}")
    features = _require(artifact, "features", list, where)
    names: list[Any] = [f.get("name") if isinstance(f, dict) else None for f in features]
    if feature_set == "dunning":
        # exactly the canonical list, in order, with the same monotonicity
        canonical = [f.name for f in FEATURES]
        if names != canonical:
            raise _fail(f"artifact.features: expected {canonical}, got {names}")
        for spec, f in zip(FEATURES, features, strict=False):
            if f.get("monotone") != spec.monotone:
                raise _fail(f"artifact.features[{spec.name}].monotone: expected {spec.monotone}, "
                            f"got {f.get('monotone')!r}")
            if f.get("type") != "continuous":
                raise _fail(f"artifact.features[{spec.name}].type: the decision features are continuous")
    if not names or any(not isinstance(n, str) or not n for n in names) or len(set(names)) != len(names):
        raise _fail(f"artifact.features: names must be distinct, non-empty strings, got {names}")
    for f in features:
        _validate_feature(f, f"artifact.features[{f['name']}]")
    expected = names

    # terms: features known, tensors of the right shape, bags consistent
    intercept = _finite(_require(artifact, "intercept", float, where), "artifact.intercept")
    del intercept
    bagged_intercepts = _require(artifact, "bagged_intercepts", list, where)
    if not bagged_intercepts:
        raise _fail("artifact.bagged_intercepts: empty")
    for b in bagged_intercepts:
        _finite(b, "artifact.bagged_intercepts")
    n_bags = len(bagged_intercepts)
    terms = _require(artifact, "terms", list, where)
    if not terms:
        raise _fail("artifact.terms: empty")
    seen = set()
    for ti, term in enumerate(terms):
        tw = f"artifact.terms[{ti}]"
        name = _require(term, "name", str, tw)
        tf = _require(term, "features", list, tw)
        if not tf or any(n not in expected for n in tf) or len(set(tf)) != len(tf):
            raise _fail(f"{tw}.features: invalid feature list {tf!r}")
        key = tuple(sorted(tf))
        if key in seen:
            raise _fail(f"{tw}: duplicate term {name!r}")
        seen.add(key)
        shape = tuple(dimension_size(c) for c in term_cut_levels(artifact, term))
        got = _tensor_shape(_require(term, "scores", list, tw), f"{tw}.scores")
        if got != shape:
            raise _fail(f"{tw}.scores: shape {got}, expected {shape} from the bins")
        bagged = _require(term, "bagged_scores", list, tw)
        got = _tensor_shape(bagged, f"{tw}.bagged_scores")
        if got != (n_bags, *shape):
            raise _fail(f"{tw}.bagged_scores: shape {got}, expected {(n_bags, *shape)}")

    violations = monotonicity_violations(artifact)
    if violations:
        raise _fail("artifact breaks its declared monotonicity: " + "; ".join(violations))
    _validate_bands(artifact)


def _validate_bands(artifact: dict) -> None:
    """calibration, bands and safeguard: all three or none; the cut-offs are the ones the reference
    distribution gives for the stated shares."""
    present = [k for k in ("calibration", "bands", "safeguard") if artifact.get(k) is not None]
    if not present:
        return
    if len(present) != 3:
        raise _fail(f"artifact: calibration, bands and safeguard come together (has only {present})")
    cal = _require(artifact, "calibration", dict, "artifact")
    a = _finite(_require(cal, "a", float, "artifact.calibration"), "artifact.calibration.a")
    b = _finite(_require(cal, "b", float, "artifact.calibration"), "artifact.calibration.b")
    if b <= 0.0:
        raise _fail("artifact.calibration.b: the calibration slope must be positive")
    bands = _require(artifact, "bands", dict, "artifact")
    if bands.get("names") != list(BAND_NAMES):
        raise _fail(f"artifact.bands.names: expected {list(BAND_NAMES)}")
    shares = _require(bands, "shares", dict, "artifact.bands")
    cutoffs = _require(bands, "cutoffs", dict, "artifact.bands")
    reference = _require(bands, "reference", dict, "artifact.bands")
    for key in ("medium", "high"):
        _finite(shares.get(key), f"artifact.bands.shares.{key}")
        _finite(cutoffs.get(key), f"artifact.bands.cutoffs.{key}")
    scores = [_finite(x, "artifact.bands.reference.scores") for x in _require(reference, "scores", list, "reference")]
    counts = _require(reference, "counts", list, "artifact.bands.reference")
    if any(isinstance(c, bool) or not isinstance(c, int) for c in counts):
        raise _fail("artifact.bands.reference.counts: expected whole numbers")
    try:
        derived = derive_cutoffs(scores, counts, a=a, b=b, shares=shares)
    except ValueError as exc:
        raise _fail(f"artifact.bands: {exc}") from exc
    if derived != {"medium": cutoffs["medium"], "high": cutoffs["high"]}:
        raise _fail(f"artifact.bands.cutoffs {cutoffs} are not the ones its reference distribution gives for "
                    f"its shares ({derived})")
    safeguard = _require(artifact, "safeguard", dict, "artifact")
    z = _finite(_require(safeguard, "z", float, "artifact.safeguard"), "artifact.safeguard.z")
    if z < 0.0:
        raise _fail("artifact.safeguard.z: must be >= 0")


# --------------------------------------------------------------------------- monotonicity


def _cell(tensor: Any, index: tuple[int, ...]) -> float:
    for i in index:
        tensor = tensor[i]
    return tensor


def _partner_indices(sizes: list[int]) -> list[tuple[int, ...]]:
    """All cells of the partner dimensions, excluding interpret's unknown bin (last cell)."""
    out: list[tuple[int, ...]] = [()]
    for size in sizes:
        out = [p + (i,) for p in out for i in range(size - 1)]
    return out


def monotonicity_violations(
    artifact: dict, tolerance: float = MONOTONE_TOLERANCE
) -> list[str]:
    """Where the model's score is not monotone in a feature declared monotone.

    For each monotone feature, the score summed over every term that contains it must move in the
    declared direction between consecutive values, whatever the other features are. Between two
    neighbouring values the worst case is the sum, over those terms, of the smallest change of
    each term over its partner cells (missing included); that sum must not go against the
    declared direction. This is exact for main effects and pairs with distinct partners, and
    conservative otherwise. Missing values are not ordered and are not checked.
    """
    problems: list[str] = []
    for f in artifact["features"]:
        direction = f["monotone"]
        if direction == 0:
            continue
        name = f["name"]
        involved = []
        for term in artifact["terms"]:
            if name not in term["features"]:
                continue
            levels = term_cut_levels(artifact, term)
            pos = term["features"].index(name)
            sizes = [dimension_size(c) for i, c in enumerate(levels) if i != pos]
            involved.append((term, pos, levels[pos], _partner_indices(sizes)))
        if not involved:
            continue
        union = sorted({c for _, _, cuts, _ in involved for c in cuts})
        # bisect_right puts a value equal to a cut into the upper bin, so the cut values
        # themselves (and -inf for the first bin) visit every regular bin of every term.
        points = [-math.inf, *union]
        prev = None
        for point in points:
            idx = [bisect.bisect_right(cuts, point) + 1 for _, _, cuts, _ in involved]
            if prev is not None:
                worst = 0.0
                for (term, pos, _, partners), i_prev, i_now in zip(involved, prev, idx, strict=False):
                    if i_prev == i_now:
                        continue
                    diffs = []
                    for p in partners:
                        a = _cell(term["scores"], p[:pos] + (i_prev,) + p[pos:])
                        b = _cell(term["scores"], p[:pos] + (i_now,) + p[pos:])
                        diffs.append((b - a) * direction)
                    worst += min(diffs)
                if worst < -tolerance:
                    problems.append(
                        f"{name}: score moves against direction {direction:+d} by "
                        f"{-worst:.3g} at value {point:g}"
                    )
            prev = idx
    return problems
