from explain import FEATURE_NAMES, FEATURES, FeatureSpec
from explain.features import DECISION_WINDOWS, EXCLUDED_ATTRIBUTES, feature


def test_feature_names_are_the_pipeline_contract():
    assert FEATURE_NAMES == ("days_past_due", "prior_late_ratio", "prior_avg_days_late", "paperless")
    assert all(isinstance(f, FeatureSpec) for f in FEATURES)


def test_monotone_features_and_kinds():
    monotone = {f.name: f.monotone for f in FEATURES}
    assert monotone == {"days_past_due": 1, "prior_late_ratio": 1, "prior_avg_days_late": 1, "paperless": 0}
    assert {f.name for f in FEATURES if f.kind == "binary"} == {"paperless"}
    assert all(f.description and f.unit for f in FEATURES)


def test_protected_attributes_are_never_features():
    assert "countryCode" in EXCLUDED_ATTRIBUTES
    lowered = {n.lower() for n in FEATURE_NAMES}
    assert not lowered & {"countrycode", "country", "customerid", "nationality"}


def test_no_dispute_amount_or_calendar_feature_and_why_is_recorded():
    assert not [n for n in FEATURE_NAMES if any(w in n for w in ("disput", "amount", "month"))]
    assert "dispute" in EXCLUDED_ATTRIBUTES["Disputed"] and "currency" in EXCLUDED_ATTRIBUTES["InvoiceAmount"]


def test_days_past_due_is_counted_within_the_ladders_range():
    spec = feature("days_past_due")
    first, last = DECISION_WINDOWS[0][0], DECISION_WINDOWS[-1][1]
    assert spec.clip == (first, last)
    assert spec.clipped(-30) == first and spec.clipped(400) == last and spec.clipped(7) == 7
    assert spec.clipped(None) is None
    assert feature("prior_late_ratio").clipped(7.0) == 7.0   # not clipped: out of range stays visible


def test_feature_lookup_and_dict():
    assert feature("paperless").as_dict()["kind"] == "binary"
    assert feature("days_past_due").as_dict()["clip"] == [-5, 45]
