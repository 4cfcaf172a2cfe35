"""Counterfactual hints, checked against brute-force rescoring of the shipped model."""

import itertools
import math
import random
from datetime import date, timedelta

import pytest

from explain import default_artifact_path, default_sha256, load_model
from explain.counterfactual import counterfactual_hint
from explain.reasons import load_catalogue

BANDS = ("low", "medium", "high")
TODAY = date(2026, 11, 22)


def band_of(p):
    return "high" if p >= 0.15 else "medium" if p >= 0.05 else "low"


@pytest.fixture(scope="module")
def model():
    return load_model(default_artifact_path(), expected_sha256=default_sha256())


def _case(**changes):
    return {"days_past_due": -20, "open_amount": 60.0, "prior_invoices": 12, "prior_late_ratio": 0.3,
            "prior_avg_days_late": 5.0, "disputed": 0, "paperless": 1, "due_month": 10} | changes


def _hint(model, row, today=TODAY, lang="en"):
    return counterfactual_hint(model, row, p_late=model.score(row).p_late, band_of=band_of, bands=BANDS,
                               today=today, lang=lang)


def _grid():
    for dpd, ratio, avg, disputed in itertools.product((-25, -20, -10, -3, 0, 3), (0.1, 0.3, 0.5, 0.8),
                                                       (1.0, 5.0, 10.0), (0, 1)):
        yield _case(days_past_due=dpd, prior_late_ratio=ratio, prior_avg_days_late=avg, disputed=disputed)


def test_a_later_hint_names_the_first_day_the_band_rises(model):
    hints = [(row, h) for row in _grid() if (h := _hint(model, row)) and h["change"] == "later"]
    assert hints, "the grid must contain cases whose band rises with time"
    hi = model.bounds("days_past_due")[1]
    for row, hint in hints:
        x, v = row["days_past_due"], int(hint["threshold"])
        band = band_of(model.score(row).p_late)
        # brute force: every earlier day keeps the band, the named day has the new one
        for day in range(x + 1, v):
            assert band_of(model.score(row | {"days_past_due": day}).p_late) == band
        at = model.score(row | {"days_past_due": v}).p_late
        assert band_of(at) == hint["counterfactual_band"] != band and at == hint["counterfactual_p_late"]
        assert BANDS.index(hint["counterfactual_band"]) > BANDS.index(band) and v <= hi
        assert hint["paid_by"] == (TODAY + timedelta(days=v - x - 1)).isoformat()
        paid_by = date.fromisoformat(hint["paid_by"])
        month = load_catalogue()["months"]["en"][paid_by.month - 1]
        assert f"paid by {paid_by.day} {month} {paid_by.year}, " in hint["text"]


def test_no_hint_when_no_day_within_the_range_moves_the_band(model):
    hi = int(model.bounds("days_past_due")[1])
    for row in _grid():
        hint = _hint(model, row)
        band = band_of(model.score(row).p_late)
        later = [band_of(model.score(row | {"days_past_due": d}).p_late) for d in range(row["days_past_due"] + 1, hi + 1)]
        rises = any(BANDS.index(b) > BANDS.index(band) for b in later)
        assert (hint is not None and hint["change"] == "later") == rises


def test_a_lower_hint_is_checked_by_rescoring(model):
    # beyond the observed days past due, time cannot move the band: only a lower value can
    hints = [(row, h) for row in _grid() if (h := _hint(model, row | {"days_past_due": 60}))]
    lower = [(row | {"days_past_due": 60}, h) for row, h in hints if h["change"] == "lower"]
    assert lower and all(h["change"] == "lower" for _, h in hints)
    for row, hint in lower:
        name, edge = hint["feature"], hint["threshold"]
        assert row[name] >= edge
        changed = model.score(row | {name: math.nextafter(edge, -math.inf)}).p_late
        assert band_of(changed) == hint["counterfactual_band"]
        assert BANDS.index(hint["counterfactual_band"]) < BANDS.index(hint["band"])
        assert hint["paid_by"] is None and "instead of" in hint["text"]
        assert name in ("disputed", "prior_late_ratio", "prior_avg_days_late")


def test_texts_follow_the_language_and_hide_raw_numbers(model):
    row, hint = next((r, h) for r in _grid() if (h := _hint(model, r, lang="de")) and h["change"] == "later")
    assert hint["text"].startswith("Wird die Rechnung bis zum ")
    assert any(m in hint["text"] for m in ("November", "Dezember", "Januar"))
    assert str(hint["threshold"]) not in hint["text"] and "log" not in hint["text"]


def test_without_a_date_there_is_no_later_hint(model):
    for row in _grid():
        hint = _hint(model, row, today=None)
        assert hint is None or hint["change"] == "lower"


def test_missing_values_are_never_changed(model):
    rng = random.Random(3)
    for _ in range(40):
        row = _case(days_past_due=60, prior_invoices=0, prior_late_ratio=None, prior_avg_days_late=None,
                    disputed=rng.choice([0, 1]), open_amount=rng.uniform(5, 120))
        hint = _hint(model, row)
        assert hint is None or hint["feature"] == "disputed"
