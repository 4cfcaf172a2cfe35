from explain import FEATURE_NAMES, FEATURES, FeatureSpec
from explain.features import EXCLUDED_ATTRIBUTES, feature


def test_feature_names_are_the_pipeline_contract():
    assert FEATURE_NAMES == (
        "days_past_due",
        "open_amount",
        "prior_invoices",
        "prior_late_ratio",
        "prior_avg_days_late",
        "disputed",
        "paperless",
        "due_month",
    )
    assert all(isinstance(f, FeatureSpec) for f in FEATURES)


def test_monotone_features_and_kinds():
    monotone = {f.name: f.monotone for f in FEATURES}
    assert monotone == {
        "days_past_due": 1,
        "open_amount": 0,
        "prior_invoices": 0,
        "prior_late_ratio": 1,
        "prior_avg_days_late": 1,
        "disputed": 0,
        "paperless": 0,
        "due_month": 0,
    }
    assert {f.name for f in FEATURES if f.kind == "binary"} == {"disputed", "paperless"}
    assert all(f.description and f.unit for f in FEATURES)


def test_protected_attributes_are_never_features():
    assert "countryCode" in EXCLUDED_ATTRIBUTES
    lowered = {n.lower() for n in FEATURE_NAMES}
    assert not lowered & {"countrycode", "country", "customerid", "nationality"}


def test_feature_lookup_and_dict():
    assert feature("disputed").as_dict()["kind"] == "binary"
