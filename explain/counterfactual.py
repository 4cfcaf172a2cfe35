"""Counterfactual hints: the one change of one feature, within the range seen in training, that
would move a case into another risk band.

Two kinds of change are looked for, in this order:

1. **later**: the passage of time. ``days_past_due`` grows by one every day the invoice stays
   unpaid; the first day on which the band would rise gives the hint "if the invoice is paid by
   <the day before>, the assessment stays <band>; from <that day> it would be <higher band>".
2. **lower**: a feature with a lower value that would lower the band. The catalogue's
   ``counterfactual.features`` lists the features eligible, and lists only what a debtor can do
   something about: paying by a date. Past behaviour (how often or how late earlier invoices were
   paid) cannot be changed and is never a hint; a dispute is never a feature. The smallest such
   change, relative to the feature's range, wins.

This module only *finds* a candidate hint; it knows nothing of dunning steps. The decision
pipeline shows it only when re-deciding the case shows the debtor's change leads to a gentler
action, never a harsher one (``decisions.hints``).

Bands are those of the calibrated probability when the model has a calibration (its
``calibrated_if``), else of its own probability.

Candidate values are the bin edges of the feature (its score only changes there), limited to
the range seen in training (``bounds``). Texts come from the reason catalogue's
``counterfactual`` section, in English or German; the band names and thresholds come from the
caller (the decision ladder), so this module knows nothing of dunning steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from explain._model import Model
from explain.reasons import _as_number, _fields, _humanise, _matches, load_catalogue, normalise_language

__all__ = ["counterfactual_hint", "TIME_FEATURE"]

TIME_FEATURE = "days_past_due"


def _format_date(day: date, lang: str, catalogue: dict) -> str:
    template = catalogue["counterfactual"]["date_format"][lang]
    return template.format(day=day.day, month=catalogue["months"][lang][day.month - 1], year=day.year)


def _render(feature: str, change: str, boundary: float, lang: str, catalogue: dict,
            extra: Mapping[str, str]) -> str | None:
    cases = catalogue["counterfactual"]["features"].get(feature, {}).get(change)
    if not cases:
        return None
    ctx = {**_humanise(boundary, lang, catalogue), **extra}
    for case in cases:
        if not _matches(case["when"], boundary):
            continue
        template = case["text"][lang]
        needed = _fields(template)
        if any(ctx.get(k) is None for k in needed):
            continue
        return template.format(**{k: ctx[k] for k in needed})
    return None


def _p_if(model: Model, features: Mapping[str, Any], name: str, values: Sequence[Any]) -> list[float]:
    if model.cutoffs is not None:
        return model.calibrated_if(features, name, values)
    return model.p_late_if(features, name, values)


def _later(model: Model, features: Mapping[str, Any], rank: int, band_of: Callable[[float], str],
           order: Sequence[str]) -> tuple[float, float, str] | None:
    """(value, p_late, band) of the first later day on which the band would rise."""
    x = _as_number(features.get(TIME_FEATURE))
    bounds = model.bounds(TIME_FEATURE)
    if x is None or bounds is None:
        return None
    # an integer feature enters the bin starting at cut c on day ceil(c)
    days = sorted({float(math.ceil(c)) for c in model.cut_points(TIME_FEATURE) if x < c <= bounds[1]})
    days = [d for d in days if d > x]
    for value, p in zip(days, _p_if(model, features, TIME_FEATURE, days), strict=False):
        band = band_of(p)
        if order.index(band) > rank:
            return value, p, band
    return None


def _lower(model: Model, features: Mapping[str, Any], name: str, rank: int,
           band_of: Callable[[float], str], order: Sequence[str]) -> tuple[float, float, float, str] | None:
    """(relative size of the change, boundary, p_late, band) of the smallest decrease of ``name``
    that would lower the band; the value tried is the largest one below a bin edge."""
    x = _as_number(features.get(name))
    bounds = model.bounds(name)
    if x is None or bounds is None or bounds[1] <= bounds[0]:
        return None
    edges = sorted((c for c in model.cut_points(name) if bounds[0] < c <= x), reverse=True)
    values = [math.nextafter(c, -math.inf) for c in edges]
    for edge, p in zip(edges, _p_if(model, features, name, values), strict=False):
        band = band_of(p)
        if order.index(band) < rank:
            return (x - edge) / (bounds[1] - bounds[0]), edge, p, band
    return None


def counterfactual_hint(
    model: Model,
    features: Mapping[str, Any],
    *,
    p_late: float,
    band_of: Callable[[float], str],
    bands: Sequence[str],
    today: date | None,
    lang: str | None = "en",
    catalogue: dict | None = None,
) -> dict[str, Any] | None:
    """The hint for a case scored ``p_late`` (JSON-able), or None when no single change within
    the observed range moves the band.

    ``bands`` are the band names from lowest to highest risk and ``band_of`` maps a probability
    to one of them. ``today`` is the decision's local date (for the "paid by" date); without it
    only "lower" hints are given. The result: ``feature``, ``value`` (as scored), ``change``
    ('later' or 'lower'), ``threshold`` (the value from which the new band applies: the day past
    due, or the bin edge the value must fall below), ``band``, ``counterfactual_band``,
    ``counterfactual_p_late``, ``paid_by`` (ISO date, 'later' only) and ``text``.
    """
    catalogue = catalogue or load_catalogue()
    lang = normalise_language(lang, catalogue)
    band = band_of(p_late)
    rank = bands.index(band)
    names = catalogue["counterfactual"]["bands"][lang]

    if today is not None and TIME_FEATURE in model.feature_names:
        found = _later(model, features, rank, band_of, bands)
        if found is not None:
            value, p, new_band = found
            x = _as_number(features[TIME_FEATURE])
            assert x is not None   # (_later found a day after it)
            from_day = today + timedelta(days=int(value - x))
            paid_by = from_day - timedelta(days=1)
            text = _render(TIME_FEATURE, "later", value, lang, catalogue, {
                "date": _format_date(paid_by, lang, catalogue),
                "next_date": _format_date(from_day, lang, catalogue),
                "band": names[band], "new_band": names[new_band]})
            if text is not None:
                return {"feature": TIME_FEATURE, "value": features[TIME_FEATURE], "change": "later",
                        "threshold": value, "band": band, "counterfactual_band": new_band,
                        "counterfactual_p_late": p, "paid_by": paid_by.isoformat(), "text": text}

    best: tuple[str, tuple[float, float, float, str]] | None = None
    for name, changes in catalogue["counterfactual"]["features"].items():
        if "lower" not in changes or name not in model.feature_names:
            continue
        lowered = _lower(model, features, name, rank, band_of, bands)
        if lowered is not None and (best is None or lowered[0] < best[1][0]):
            best = (name, lowered)
    if best is None:
        return None
    name, (_, edge, p, new_band) = best
    text = _render(name, "lower", edge, lang, catalogue, {"band": names[band], "new_band": names[new_band]})
    if text is None:
        return None
    return {"feature": name, "value": features[name], "change": "lower", "threshold": edge,
            "band": band, "counterfactual_band": new_band, "counterfactual_p_late": p,
            "paid_by": None, "text": text}
