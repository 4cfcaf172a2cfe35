"""Principal reasons in plain language (English and German), from a versioned catalogue.

The catalogue (``reason_catalogue.json``) is data: per feature a list of cases, the first whose
``when`` matches the value is used; a case has one ``text`` per language, or separate ``raises`` /
``lowers`` texts by the direction of the contribution. Texts may interpolate a humanised value:
``{days}`` (whole days, without sign), ``{count}``, ``{percent}`` (whole percent, never 0 or 100
unless exact) and ``{month}`` (month name); a case whose placeholder has no value is skipped.
Debtor-facing texts never show scores, log odds, formulas or bin edges. Interaction terms use the
catalogue's generic ``interaction`` entry with the features' labels.

Ordering rule: terms that raise the risk (contribution > 0) come first, largest first; then terms
that lower it (contribution < 0), largest reduction first; terms contributing exactly 0 are not
reasons. Ties keep the model's term order. Each reason carries the exact contribution (log-odds
units) for staff and its ``direction`` ('raises' / 'lowers'), which every surface prints next to
the sentence (the catalogue's ``directions`` labels).

A case may be ``favourable``: it describes good behaviour ("You paid all of your earlier invoices
on time"). Such a sentence is never shown as a reason *against* the debtor: when its term raises
the risk (the bin sits above the model's average), it is left out of the reasons (its contribution
stays in the score and in the staff view of the terms).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import string
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from explain._errors import ModelError
from explain._model import Contribution, Score
from explain.features import FEATURE_NAMES

__all__ = [
    "CATALOGUE_PATH",
    "load_catalogue",
    "catalogue_version",
    "principal_reasons",
    "render_reason",
    "reason_case",
    "direction_label",
    "normalise_language",
]

_log = logging.getLogger(__name__)

CATALOGUE_PATH = Path(__file__).resolve().parent / "reason_catalogue.json"
PLACEHOLDERS = frozenset({"days", "count", "percent", "month", "labels"})
# counterfactual hints (explain.counterfactual) may also name dates and risk bands
COUNTERFACTUAL_PLACEHOLDERS = frozenset(
    {"days", "count", "percent", "month", "date", "next_date", "band", "new_band"}
)
COUNTERFACTUAL_CHANGES = ("later", "lower")
_CONDITIONS = {
    "eq": lambda x, c: x == c,
    "lt": lambda x, c: x < c,
    "lte": lambda x, c: x <= c,
    "gt": lambda x, c: x > c,
    "gte": lambda x, c: x >= c,
}


def _fail(message: str) -> ModelError:
    _log.error(message)
    return ModelError(message)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _check_texts(texts: Any, languages: list[str], where: str,
                 allowed: frozenset[str] = PLACEHOLDERS) -> None:
    if not isinstance(texts, dict) or sorted(texts) != sorted(languages):
        raise _fail(f"{where}: expected texts for {languages}")
    for lang, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise _fail(f"{where}.{lang}: empty text")
        unknown = _fields(text) - allowed
        if unknown:
            raise _fail(f"{where}.{lang}: unknown placeholders {sorted(unknown)}")


def validate_catalogue(catalogue: Any) -> None:
    """Raise ModelError unless the catalogue covers every feature in every language."""
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("version"), str):
        raise _fail("reason catalogue: missing 'version'")
    languages = catalogue.get("languages")
    if not isinstance(languages, list) or catalogue.get("default_language") not in languages:
        raise _fail("reason catalogue: bad 'languages' / 'default_language'")
    for lang in languages:
        months = catalogue.get("months", {}).get(lang)
        if not isinstance(months, list) or len(months) != 12:
            raise _fail(f"reason catalogue: months[{lang}] must list 12 names")
        if not isinstance(catalogue.get("conjunction", {}).get(lang), str):
            raise _fail(f"reason catalogue: conjunction[{lang}] missing")
        labels = catalogue.get("directions", {}).get(lang)
        if not isinstance(labels, dict) or sorted(labels) != ["lowers", "raises"] or not all(
                isinstance(v, str) and v.strip() for v in labels.values()):
            raise _fail(f"reason catalogue: directions[{lang}] needs 'raises' and 'lowers' labels")
    features = catalogue.get("features")
    if not isinstance(features, dict) or sorted(features) != sorted(FEATURE_NAMES):
        raise _fail(f"reason catalogue: expected entries for {sorted(FEATURE_NAMES)}")
    for name, entry in features.items():
        _check_texts(entry.get("label"), languages, f"features.{name}.label")
        cases = entry.get("cases")
        if not isinstance(cases, list) or not cases:
            raise _fail(f"features.{name}.cases: empty")
        for i, case in enumerate(cases):
            where = f"features.{name}.cases[{i}]"
            when = case.get("when")
            if not isinstance(when, dict) or set(when) - {"missing", *_CONDITIONS}:
                raise _fail(f"{where}.when: unknown condition {when!r}")
            if not isinstance(case.get("favourable", False), bool):
                raise _fail(f"{where}.favourable: expected true or false")
            if "text" in case:
                _check_texts(case["text"], languages, f"{where}.text")
            else:
                _check_texts(case.get("raises"), languages, f"{where}.raises")
                _check_texts(case.get("lowers"), languages, f"{where}.lowers")
        if not any(c["when"].get("missing") for c in cases):
            raise _fail(f"features.{name}: no case for a missing value")
        if not any(set(c["when"]) == set() for c in cases):
            raise _fail(f"features.{name}: no catch-all case (when: {{}})")
    inter = catalogue.get("interaction", {})
    _check_texts(inter.get("raises"), languages, "interaction.raises")
    _check_texts(inter.get("lowers"), languages, "interaction.lowers")
    _validate_counterfactual(catalogue.get("counterfactual"), languages)


def _validate_counterfactual(section: Any, languages: list[str]) -> None:
    if not isinstance(section, dict):
        raise _fail("reason catalogue: missing 'counterfactual'")
    _check_texts(section.get("date_format"), languages, "counterfactual.date_format",
                 frozenset({"day", "month", "year"}))
    bands = section.get("bands")
    if not isinstance(bands, dict) or sorted(bands) != sorted(languages):
        raise _fail("reason catalogue: counterfactual.bands needs every language")
    names = {tuple(sorted(b)) for b in bands.values() if isinstance(b, dict)}
    if len(names) != 1:
        raise _fail("reason catalogue: counterfactual.bands must name the same bands in every language")
    features = section.get("features")
    if not isinstance(features, dict) or not set(features) <= set(FEATURE_NAMES):
        raise _fail("reason catalogue: counterfactual.features must be decision features")
    for name, changes in features.items():
        if not isinstance(changes, dict) or not changes or not set(changes) <= set(COUNTERFACTUAL_CHANGES):
            raise _fail(f"counterfactual.features.{name}: expected {list(COUNTERFACTUAL_CHANGES)}")
        for change, cases in changes.items():
            if not isinstance(cases, list) or not cases:
                raise _fail(f"counterfactual.features.{name}.{change}: no cases")
            for i, case in enumerate(cases):
                where = f"counterfactual.features.{name}.{change}[{i}]"
                when = case.get("when") if isinstance(case, dict) else None
                if not isinstance(when, dict) or set(when) - set(_CONDITIONS):
                    raise _fail(f"{where}.when: unknown condition {when!r}")
                _check_texts(case.get("text"), languages, f"{where}.text", COUNTERFACTUAL_PLACEHOLDERS)


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict:
    try:
        catalogue = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read the reason catalogue {path}: {exc}") from exc
    validate_catalogue(catalogue)
    return catalogue


def load_catalogue(path: str | Path | None = None) -> dict:
    """The (validated, cached) reason catalogue. Do not mutate the result."""
    return _load(str(path or CATALOGUE_PATH))


def catalogue_version(catalogue: dict | None = None) -> str:
    return (catalogue or load_catalogue())["version"]


def normalise_language(lang: str | None, catalogue: dict | None = None) -> str:
    """'de', 'DE', 'de-AT', 'de_CH' -> 'de'; anything unknown -> the default (English)."""
    catalogue = catalogue or load_catalogue()
    primary = str(lang or "").replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in catalogue["languages"] else catalogue["default_language"]


# --------------------------------------------------------------------------- rendering


def _half_up(x: float) -> int:
    if abs(x) >= 1e15:
        return int(x)
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _humanise(value: float, lang: str, catalogue: dict) -> dict[str, str | None]:
    """Placeholder values for one numeric value; None where a placeholder does not apply."""
    if not math.isfinite(value):
        return {}
    percent = _half_up(100.0 * value)
    if 0.0 < value < 1.0:
        percent = min(99, max(1, percent))
    is_month = float(value).is_integer() and 1 <= value <= 12
    return {
        "days": str(_half_up(abs(value))),
        "count": str(_half_up(value)),
        "percent": str(percent) if 0.0 <= value <= 1.0 else None,
        "month": catalogue["months"][lang][int(value) - 1] if is_month else None,
    }


def _matches(when: dict, value: float | None) -> bool:
    if value is None:
        return bool(when.get("missing"))
    if when.get("missing"):
        return False
    return all(_CONDITIONS[op](value, c) for op, c in when.items() if op != "missing")


def _as_number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def render_reason(
    feature: str, value: Any, direction: str, lang: str = "en", catalogue: dict | None = None
) -> str:
    """The catalogue sentence for one feature value; ``direction`` is 'raises' or 'lowers'."""
    return reason_case(feature, value, direction, lang, catalogue)[0]


def direction_label(direction: str, lang: str | None = "en", catalogue: dict | None = None) -> str:
    """'Counts towards a higher risk' / '... lower risk' (or the German), for every surface."""
    catalogue = catalogue or load_catalogue()
    return catalogue["directions"][normalise_language(lang, catalogue)][direction]


def reason_case(
    feature: str, value: Any, direction: str, lang: str = "en", catalogue: dict | None = None
) -> tuple[str, bool]:
    """(sentence, whether its case is favourable) for one feature value."""
    catalogue = catalogue or load_catalogue()
    lang = normalise_language(lang, catalogue)
    if direction not in ("raises", "lowers"):
        raise ValueError(f"direction must be 'raises' or 'lowers', not {direction!r}")
    entry = catalogue["features"].get(feature)
    if entry is None:
        raise _fail(f"reason catalogue has no entry for feature {feature!r}")
    x = _as_number(value)
    ctx = _humanise(x, lang, catalogue) if x is not None else {}
    for case in entry["cases"]:
        if not _matches(case["when"], x):
            continue
        template = case["text"][lang] if "text" in case else case[direction][lang]
        needed = _fields(template)
        if any(ctx.get(k) is None for k in needed):
            continue  # e.g. {month} for a value that is no month: try the next case
        return template.format(**{k: ctx[k] for k in needed}), bool(case.get("favourable", False))
    raise _fail(f"no reason text for {feature}={value!r}")


def _render_interaction(
    features: tuple[str, ...], direction: str, lang: str, catalogue: dict
) -> str:
    labels = [catalogue["features"][f]["label"][lang] for f in features]
    joined = labels[-1]
    if len(labels) > 1:
        joined = ", ".join(labels[:-1]) + f" {catalogue['conjunction'][lang]} " + joined
    return catalogue["interaction"][direction][lang].format(labels=joined)


def _ordered(contributions: tuple[Contribution, ...]) -> list[Contribution]:
    raising = [c for c in contributions if c.contribution > 0.0]
    lowering = [c for c in contributions if c.contribution < 0.0]
    # sorted() is stable: ties keep the model's term order
    return sorted(raising, key=lambda c: -c.contribution) + sorted(
        lowering, key=lambda c: c.contribution
    )


def principal_reasons(
    score: Score, lang: str | None = "en", limit: int = 4, catalogue: dict | None = None
) -> list[dict]:
    """The ``limit`` principal reasons of ``score`` as JSON-able dicts.

    Each: ``feature`` (the feature, or the term name for an interaction), ``features``, ``value``
    (the input value, a list for interactions), ``contribution`` (exact, log-odds units, for
    staff), ``direction`` ('raises'/'lowers' the risk), ``direction_text`` (its label in
    ``lang``) and ``text`` (debtor-facing, in ``lang``; unknown languages fall back to English).
    Ordering and the favourable cases left out: see the module docstring.
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    catalogue = catalogue or load_catalogue()
    lang = normalise_language(lang, catalogue)
    reasons: list[dict] = []
    for c in _ordered(score.contributions):
        if len(reasons) == limit:
            break
        direction = "raises" if c.contribution > 0.0 else "lowers"
        if len(c.features) == 1:
            feature, value = c.features[0], c.values[0]
            text, favourable = reason_case(feature, value, direction, lang, catalogue)
            if favourable and direction == "raises":
                continue   # good behaviour is never a reason against the debtor
        else:
            feature, value = c.term, list(c.values)
            text = _render_interaction(c.features, direction, lang, catalogue)
        reasons.append(
            {
                "feature": feature,
                "features": list(c.features),
                "value": value,
                "contribution": c.contribution,
                "direction": direction,
                "direction_text": catalogue["directions"][lang][direction],
                "text": text,
            }
        )
    return reasons
