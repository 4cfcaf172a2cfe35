"""Calibrated risk bands and the safeguard interval: the arithmetic shared by scoring
(``explain._model``), training (``explain.calibration``) and approval (``explain.registry``).

Pure Python, no training libraries, so that scoring stays light and every party computes the
same numbers:

- the **calibrated probability** of a case is ``sigmoid(a + b * s)``, where ``s`` is the EBM's log
  odds and ``a``, ``b`` the calibration fitted on held-out data (Platt scaling);
- the **cut-offs** are calibrated probabilities derived from the calibration data's score
  distribution for stated target shares (``derive_cutoffs``): the high band holds at most the
  stated share of the decision population, the medium and high bands together at most the sum of
  both shares;
- the **safeguard interval** of a case is ``sigmoid(a + b * (s -/+ z * sd))``, where ``sd`` is the
  standard deviation of the log odds across the EBM's outer bags; a case whose interval reaches
  into another band *straddles* a boundary. ``z`` is chosen in training for a target review rate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["BAND_NAMES", "sigmoid", "calibrated", "band_of", "bands_between", "derive_cutoffs"]

BAND_NAMES: tuple[str, ...] = ("low", "medium", "high")


def sigmoid(s: float) -> float:
    """The logistic function, without overflow (as the scorer evaluates it)."""
    e = math.exp(-s if s >= 0.0 else s)
    return 1.0 / (1.0 + e) if s >= 0.0 else e / (e + 1.0)


def calibrated(a: float, b: float, log_odds: float) -> float:
    return sigmoid(a + b * log_odds)


def band_of(p: float, cutoffs: Mapping[str, float]) -> str:
    """The band of calibrated probability ``p``: high from ``cutoffs['high']``, medium from
    ``cutoffs['medium']``, else low."""
    if p >= cutoffs["high"]:
        return "high"
    if p >= cutoffs["medium"]:
        return "medium"
    return "low"


def bands_between(lower: float, upper: float, cutoffs: Mapping[str, float]) -> tuple[str, ...]:
    """Every band the interval [lower, upper] reaches, lowest first (one band: no straddle)."""
    first = BAND_NAMES.index(band_of(lower, cutoffs))
    last = BAND_NAMES.index(band_of(upper, cutoffs))
    return BAND_NAMES[first:last + 1]


def derive_cutoffs(scores: Sequence[float], counts: Sequence[int], *, a: float, b: float,
                   shares: Mapping[str, float]) -> dict[str, float]:
    """Cut-offs for the target ``shares`` ({"high": h, "medium": m}) of a reference distribution of
    log odds (distinct ``scores`` in increasing order with their ``counts``).

    The cut-off of the high band is the smallest calibrated value, among the reference scores, at
    or above which at most ``h`` of the reference lies; the medium cut-off likewise for ``h + m``.
    Where even the highest score alone holds more than the share, its value is the cut-off.
    """
    if b <= 0.0 or not math.isfinite(a) or not math.isfinite(b):
        raise ValueError("the calibration must rank like the model (slope b > 0)")
    if len(scores) != len(counts) or not scores:
        raise ValueError("reference scores and counts must be non-empty and of equal length")
    if any(y <= x for x, y in zip(scores, scores[1:], strict=False)) or any(c <= 0 for c in counts):
        raise ValueError("reference scores must increase and every count be positive")
    h, m = float(shares["high"]), float(shares["medium"])
    if not (h > 0.0 and m > 0.0 and h + m < 1.0):
        raise ValueError("band shares must be positive and leave a low band")
    total = sum(counts)

    def cutoff(share: float) -> float:
        above = 0
        chosen = len(scores) - 1
        for i in range(len(scores) - 1, -1, -1):
            above += counts[i]
            if above > share * total:
                break
            chosen = i
        return calibrated(a, b, scores[chosen])

    high, medium = cutoff(h), cutoff(h + m)
    if not medium < high:
        raise ValueError("the reference distribution cannot separate the medium and high bands")
    return {"medium": medium, "high": high}
