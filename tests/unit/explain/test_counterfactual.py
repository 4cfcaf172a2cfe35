"""Counterfactual hints, checked against brute-force rescoring of the shipped model (its calibrated
probability and its own bands)."""

import itertools
from datetime import date, timedelta

import pytest

from explain import default_artifact_path, default_sha256, load_model
from explain.counterfactual import counterfactual_hint
from explain.reasons import load_catalogue

BANDS = ("low", "medium", "high")
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def model():
    return load_model(default_artifact_path(), expected_sha256=default_sha256())


def _case(**changes):
    return {"days_past_due": -5, "prior_late_ratio": 0.3, "prior_avg_days_late": 5.0, "paperless": 1} | changes


def _p(model, row):
    return model.score(row).calibrated.p_late


def _hint(model, row, today=TODAY, lang="en"):
    return counterfactual_hint(model, row, p_late=_p(model, row), band_of=model.band_of, bands=BANDS,
                               today=today, lang=lang)


def _grid():
    for dpd, ratio, avg, paperless in itertools.product((-5, -3, -1, 3, 7, 14, 21), (0.0, 0.1, 0.3, 0.5, 0.8, 1.0),
                                                        (0.0, 1.0, 5.0, 10.0, 20.0), (0, 1)):
        yield _case(days_past_due=dpd, prior_late_ratio=ratio, prior_avg_days_late=avg, paperless=paperless)


def test_a_later_hint_names_the_first_day_the_band_rises(model):
    hints = [(row, h) for row in _grid() if (h := _hint(model, row)) and h["change"] == "later"]
    assert hints, "the grid must contain cases whose band rises with time"
    hi = model.bounds("days_past_due")[1]
    for row, hint in hints:
        x, v = row["days_past_due"], int(hint["threshold"])
        band = model.band_of(_p(model, row))
        # brute force: every earlier day keeps the band, the named day has the new one
        for day in range(x + 1, v):
            assert model.band_of(_p(model, row | {"days_past_due": day})) == band
        at = _p(model, row | {"days_past_due": v})
        assert model.band_of(at) == hint["counterfactual_band"] != band and at == hint["counterfactual_p_late"]
        assert BANDS.index(hint["counterfactual_band"]) > BANDS.index(band) and v <= hi
        assert hint["paid_by"] == (TODAY + timedelta(days=v - x - 1)).isoformat()
        paid_by = date.fromisoformat(hint["paid_by"])
        month = load_catalogue()["months"]["en"][paid_by.month - 1]
        assert f"paid by {paid_by.day} {month} {paid_by.year}, " in hint["text"]


def test_no_hint_when_no_day_within_the_range_moves_the_band(model):
    hi = int(model.bounds("days_past_due")[1])
    for row in _grid():
        hint = _hint(model, row)
        band = model.band_of(_p(model, row))
        later = [model.band_of(_p(model, row | {"days_past_due": d})) for d in range(row["days_past_due"] + 1, hi + 1)]
        rises = any(BANDS.index(b) > BANDS.index(band) for b in later)
        assert (hint is not None and hint["change"] == "later") == rises


def test_past_behaviour_and_disputes_are_never_hints(model):
    # the catalogue lists only what a debtor can do (paying by a date); how often or how late
    # earlier invoices were paid cannot be changed, and a dispute is no feature at all
    assert set(load_catalogue()["counterfactual"]["features"]) == {"days_past_due"}
    for row in _grid():
        for today in (TODAY, None):
            hint = _hint(model, row | {"days_past_due": 45}, today=today)
            assert hint is None
            hint = _hint(model, row, today=today)
            assert hint is None or (hint["change"] == "later" and hint["feature"] == "days_past_due")


def test_texts_follow_the_language_and_hide_raw_numbers(model):
    row, hint = next((r, h) for r in _grid() if (h := _hint(model, r, lang="de")) and h["change"] == "later")
    assert hint["text"].startswith("Wird die Rechnung bis zum ")
    assert any(m in hint["text"] for m in ("November", "Dezember", "Januar"))
    assert str(hint["threshold"]) not in hint["text"] and "log" not in hint["text"]


def test_without_a_date_there_is_no_later_hint(model):
    for row in _grid():
        assert _hint(model, row, today=None) is None


def test_missing_history_is_never_changed(model):
    for dpd in (-5, -1, 3, 10, 30):
        row = _case(days_past_due=dpd, prior_late_ratio=None, prior_avg_days_late=None)
        hint = _hint(model, row)
        assert hint is None or hint["feature"] == "days_past_due"
