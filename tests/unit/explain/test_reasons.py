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
    "days_past_due": [None, -10, -5, -3, -1, 0, 1, 22, 45, 400],
    "prior_late_ratio": [None, 0.0, 0.004, 0.25, 0.996, 1.0],
    "prior_avg_days_late": [None, 0.0, 0.3, 1.2, 4.5, 17.75],
    "paperless": [None, 0, 1],
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
    # the ladder's range: beyond it the reason says so instead of a number the model never saw
    assert render_reason("days_past_due", 60, "raises", "en") == "Your invoice is 45 days or more past its due date."
    assert render_reason("days_past_due", -9, "lowers", "en") == "Your invoice is due in 5 days or more."


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
        ("prior_late_ratio", (0.5,), 0.5),
        ("paperless", (0,), -0.9),
        ("days_past_due", (30,), 1.2),
        ("prior_avg_days_late", (None,), 0.0),
        ("paperless & days_past_due", (1, 30), -0.1),
        ("prior_avg_days_late & paperless", (3.0, 1), 0.5),
    )
    reasons = principal_reasons(s, "en", limit=10)
    assert [r["feature"] for r in reasons] == [
        "days_past_due", "prior_late_ratio", "prior_avg_days_late & paperless", "paperless",
        "paperless & days_past_due"]
    assert [r["direction"] for r in reasons] == ["raises"] * 3 + ["lowers"] * 2
    assert reasons[0]["contribution"] == 1.2 and reasons[0]["value"] == 30
    assert [r["feature"] for r in principal_reasons(s, limit=2)] == ["days_past_due", "prior_late_ratio"]
    assert principal_reasons(s, limit=0) == []
    json.dumps(reasons)


def test_every_reason_states_its_direction_in_the_debtors_language():
    s = _score(("days_past_due", (30,), 1.2), ("paperless", (1,), -0.4))
    for lang, raises, lowers in (("en", "Counts towards a higher risk", "Counts towards a lower risk"),
                                 ("de", "Spricht für ein höheres Risiko", "Spricht für ein niedrigeres Risiko")):
        up, down = principal_reasons(s, lang)
        assert (up["direction"], up["direction_text"]) == ("raises", raises)
        assert (down["direction"], down["direction_text"]) == ("lowers", lowers)


def test_good_behaviour_is_never_a_reason_against_the_debtor():
    # paying everything on time can sit in a bin above the model's average (a positive
    # contribution): that sentence is then left out, never shown under "higher risk"
    against = _score(("prior_late_ratio", (0.0,), 0.3), ("prior_avg_days_late", (0.0,), 0.2),
                     ("days_past_due", (10,), 0.1))
    reasons = principal_reasons(against, "en", limit=10)
    assert [r["feature"] for r in reasons] == ["days_past_due"]
    # the same sentences are shown when they lower the risk
    favour = _score(("prior_late_ratio", (0.0,), -0.3), ("prior_avg_days_late", (0.0,), -0.2))
    texts = [r["text"] for r in principal_reasons(favour, "en")]
    assert texts == ["You paid all of your earlier invoices on time.",
                     "On average, you paid your earlier invoices on time."]
    # an unfavourable value of the same feature is a reason against
    late = _score(("prior_late_ratio", (0.5,), 0.3))
    assert principal_reasons(late, "en")[0]["direction"] == "raises"


def test_interaction_terms_use_the_generic_entry():
    s = _score(("prior_late_ratio & paperless", (0.5, 1), 0.7))
    (en,) = principal_reasons(s, "en")
    (de,) = principal_reasons(s, "de")
    assert en["feature"] == "prior_late_ratio & paperless" and en["value"] == [0.5, 1]
    assert en["text"] == ("The combination of how often you paid late before and how you receive your "
                          "invoices makes a late payment more likely.")
    assert de["text"].startswith("Das Zusammenspiel zwischen der Häufigkeit früherer verspäteter Zahlungen "
                                 "und der Art, wie Sie Rechnungen erhalten")


def test_reasons_for_a_real_score_show_no_numbers_from_the_model(model):
    row = {"days_past_due": 22, "prior_late_ratio": 0.25, "prior_avg_days_late": 4.5, "paperless": 0}
    score = model.score(row)
    for lang in ("en", "de", "xx"):
        reasons = principal_reasons(score, lang, limit=8)
        assert reasons
        nonzero = [c for c in score.contributions if c.contribution != 0.0]
        assert len(reasons) == len(nonzero)
        for r in reasons:
            assert not DECIMAL.search(r["text"])
            assert "log" not in r["text"].lower() and r["direction"] in ("raises", "lowers")
        assert [r["contribution"] for r in reasons] == sorted(
            [r["contribution"] for r in reasons if r["contribution"] > 0], reverse=True
        ) + sorted([r["contribution"] for r in reasons if r["contribution"] < 0])


def test_broken_catalogues_are_refused():
    good = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    validate_catalogue(good)
    missing_de = copy.deepcopy(good)
    del missing_de["features"]["paperless"]["cases"][1]["text"]["de"]
    unknown_placeholder = copy.deepcopy(good)
    unknown_placeholder["features"]["paperless"]["cases"][1]["text"]["en"] = "Score {log_odds}"
    no_directions = copy.deepcopy(good)
    del no_directions["directions"]["de"]["lowers"]
    favourable_not_bool = copy.deepcopy(good)
    favourable_not_bool["features"]["prior_late_ratio"]["cases"][1]["favourable"] = "yes"
    no_feature = copy.deepcopy(good)
    del no_feature["features"]["paperless"]
    no_version = copy.deepcopy(good)
    del no_version["version"]
    for bad in (missing_de, unknown_placeholder, no_feature, no_version, no_directions, favourable_not_bool):
        with pytest.raises(ModelError):
            validate_catalogue(bad)


def test_unknown_feature_and_direction_are_errors():
    with pytest.raises(ModelError):
        render_reason("countryCode", 1, "raises")
    with pytest.raises(ValueError):
        render_reason("paperless", 1, "up")
