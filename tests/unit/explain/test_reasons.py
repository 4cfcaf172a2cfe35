import copy
import json
import re

import pytest

from explain import FEATURE_NAMES, ModelError
from explain._model import Contribution, Score
from explain.reasons import (
    CATALOGUE_PATH,
    catalogue_version,
    load_catalogue,
    normalise_language,
    principal_reasons,
    render_reason,
    validate_catalogue,
)

# Representative values per feature, including missing and edge values.
VALUES = {
    "days_past_due": [None, -10, -1, 0, 1, 22, 400],
    "open_amount": [None, 0.0, 120.0, 1234.56],
    "prior_invoices": [None, 0, 1, 12],
    "prior_late_ratio": [None, 0.0, 0.004, 0.25, 0.996, 1.0],
    "prior_avg_days_late": [None, 0.0, 0.3, 1.2, 4.5, 17.75],
    "disputed": [None, 0, 1],
    "paperless": [None, 0, 1],
    "due_month": [None, 1, 3, 11, 12, 13],
}
DECIMAL = re.compile(r"\d[.,]\d")


def _template_regex(template: str) -> re.Pattern:
    return re.compile(re.sub(r"\\\{\w+\\\}", r"[\\wÄÖÜäöüß]+", re.escape(template)) + r"\Z")


def test_catalogue_is_versioned_and_complete():
    catalogue = load_catalogue()
    assert catalogue_version() == catalogue["version"] and catalogue["version"]
    assert sorted(catalogue["features"]) == sorted(FEATURE_NAMES)
    assert set(catalogue["languages"]) == {"en", "de"}


@pytest.mark.parametrize("feature", FEATURE_NAMES)
def test_every_catalogue_case_renders_in_both_languages(feature):
    catalogue = load_catalogue()
    for lang in ("en", "de"):
        for direction in ("raises", "lowers"):
            texts = [render_reason(feature, v, direction, lang) for v in VALUES[feature]]
            for text in texts:
                assert text.strip() and "{" not in text and "}" not in text
                assert not DECIMAL.search(text), text
            # every case of the entry is reached by some representative value
            for case in catalogue["features"][feature]["cases"]:
                template = case["text"][lang] if "text" in case else case[direction][lang]
                assert any(_template_regex(template).match(t) for t in texts), template


def test_examples_read_as_intended():
    assert render_reason("days_past_due", 22, "raises", "en") == \
        "Your invoice is 22 days past its due date."
    assert render_reason("days_past_due", 22, "raises", "de") == \
        "Ihre Rechnung ist seit 22 Tagen fällig."
    assert render_reason("days_past_due", -3, "lowers", "en") == "Your invoice is due in 3 days."
    assert render_reason("prior_late_ratio", 0.004, "lowers", "en") == \
        "You paid 1 percent of your earlier invoices late."
    assert render_reason("prior_late_ratio", 0.996, "raises", "de") == \
        "Sie haben 99 Prozent Ihrer früheren Rechnungen verspätet bezahlt."
    assert render_reason("prior_avg_days_late", 4.5, "raises", "en") == \
        "On average, you paid your earlier invoices about 5 days late."
    assert render_reason("due_month", 3, "raises", "de") == \
        "Rechnungen, die im März fällig werden, werden häufiger verspätet bezahlt."
    # a value that is no month falls through to the generic case
    assert "time of year" in render_reason("due_month", 13, "lowers", "en")


@pytest.mark.parametrize(
    "given, expected",
    [("de", "de"), ("DE", "de"), ("de-AT", "de"), ("de_CH", "de"), ("en-GB", "en"),
     ("fr", "en"), ("", "en"), (None, "en")],
)
def test_language_normalisation_falls_back_to_english(given, expected):
    assert normalise_language(given) == expected


def _score(*terms):
    contributions = tuple(
        Contribution(name, tuple(name.split(" & ")), values, c) for name, values, c in terms
    )
    return Score(p_late=0.5, log_odds=sum(c.contribution for c in contributions), intercept=0.0,
                 uncertainty=0.01, contributions=contributions, model_id="m")


def test_ordering_raising_first_then_lowering_and_zero_is_no_reason():
    s = _score(
        ("open_amount", (50.0,), 0.5),
        ("disputed", (0,), -0.9),
        ("days_past_due", (30,), 1.2),
        ("paperless", (1,), 0.0),
        ("due_month", (5,), -0.1),
        ("prior_invoices", (3,), 0.5),
    )
    reasons = principal_reasons(s, "en", limit=10)
    assert [r["feature"] for r in reasons] == [
        "days_past_due", "open_amount", "prior_invoices", "disputed", "due_month"]
    assert [r["direction"] for r in reasons] == ["raises"] * 3 + ["lowers"] * 2
    assert reasons[0]["contribution"] == 1.2 and reasons[0]["value"] == 30
    assert [r["feature"] for r in principal_reasons(s, limit=2)] == ["days_past_due", "open_amount"]
    assert principal_reasons(s, limit=0) == []
    json.dumps(reasons)


def test_interaction_terms_use_the_generic_entry():
    s = _score(("open_amount & due_month", (80.0, 12), 0.7))
    (en,) = principal_reasons(s, "en")
    (de,) = principal_reasons(s, "de")
    assert en["feature"] == "open_amount & due_month" and en["value"] == [80.0, 12]
    assert en["text"] == ("The combination of the amount still open and the time of year "
                          "makes a late payment more likely.")
    assert de["text"].startswith("Das Zusammenspiel zwischen dem noch offenen Betrag und der "
                                 "Jahreszeit")


def test_reasons_for_a_real_score_show_no_numbers_from_the_model(model):
    row = {"days_past_due": 22, "open_amount": 120.37, "prior_invoices": 12,
           "prior_late_ratio": 0.25, "prior_avg_days_late": 4.5, "disputed": 1, "paperless": 0,
           "due_month": 11}
    score = model.score(row)
    for lang in ("en", "de", "xx"):
        reasons = principal_reasons(score, lang, limit=8)
        assert reasons
        nonzero = [c for c in score.contributions if c.contribution != 0.0]
        assert len(reasons) == len(nonzero)
        for r in reasons:
            assert not DECIMAL.search(r["text"])
            assert "120" not in r["text"] and "log" not in r["text"].lower()
        assert [r["contribution"] for r in reasons] == sorted(
            [r["contribution"] for r in reasons if r["contribution"] > 0], reverse=True
        ) + sorted([r["contribution"] for r in reasons if r["contribution"] < 0])


def test_broken_catalogues_are_refused():
    good = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    validate_catalogue(good)
    missing_de = copy.deepcopy(good)
    del missing_de["features"]["disputed"]["cases"][1]["text"]["de"]
    unknown_placeholder = copy.deepcopy(good)
    unknown_placeholder["features"]["disputed"]["cases"][1]["text"]["en"] = "Score {log_odds}"
    no_feature = copy.deepcopy(good)
    del no_feature["features"]["paperless"]
    no_version = copy.deepcopy(good)
    del no_version["version"]
    for bad in (missing_de, unknown_placeholder, no_feature, no_version):
        with pytest.raises(ModelError):
            validate_catalogue(bad)


def test_unknown_feature_and_direction_are_errors():
    with pytest.raises(ModelError):
        render_reason("countryCode", 1, "raises")
    with pytest.raises(ValueError):
        render_reason("disputed", 1, "up")
