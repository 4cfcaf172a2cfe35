import copy
import dataclasses
import math
from decimal import Decimal

import numpy as np
import pytest

from explain import FEATURE_NAMES, ModelError, Score, load_model, write_artifact

TOL = 1e-9


def _rows(X):
    return [
        {n: (None if math.isnan(v) else float(v)) for n, v in zip(FEATURE_NAMES, x, strict=False)} for x in X
    ]


def _edge_rows(model_artifact, X):
    """Rows that hit cut points exactly, lie outside the training range, or are all missing."""
    rows = []
    base = X[0].copy()
    for j, f in enumerate(model_artifact["features"]):
        for level in f["bins"]:
            for cut in level[:3] + level[-2:]:
                r = base.copy()
                r[j] = cut
                rows.append(r)
        lo, hi = f["bounds"]
        for v in (lo - 1000.0, hi + 1000.0, np.nan):
            r = base.copy()
            r[j] = v
            rows.append(r)
    rows.append(np.full(len(FEATURE_NAMES), np.nan))
    return np.vstack([X, np.array(rows)])


@pytest.fixture(scope="module")
def pair_model(pair_ebm, make_artifact, tmp_path_factory):
    ebm, settings = pair_ebm
    artifact = make_artifact(ebm, settings)
    path = tmp_path_factory.mktemp("pair") / "pair.json"
    write_artifact(artifact, path)
    return load_model(path), artifact


def test_the_pair_model_really_has_pairs(pair_model):
    model, _ = pair_model
    assert any(" & " in name for name in model.term_names)


def test_scorer_reproduces_interpret_exactly(pair_ebm, pair_model, matrix_data):
    ebm, _ = pair_ebm
    model, artifact = pair_model
    X = _edge_rows(artifact, matrix_data[2])
    expected_p = ebm.predict_proba(X)[:, 1]
    expected_terms = ebm.eval_terms(X)

    arrays = model.score_arrays({n: X[:, j] for j, n in enumerate(FEATURE_NAMES)})
    np.testing.assert_allclose(arrays["p_late"], expected_p, rtol=0, atol=TOL)
    np.testing.assert_allclose(arrays["contributions"], expected_terms, rtol=0, atol=TOL)

    rows = _rows(X)
    batch = model.score_many(rows)
    for i, row in enumerate(rows):
        single = model.score(row)
        for s in (single, batch[i]):
            assert abs(s.p_late - expected_p[i]) <= TOL
            got = [c.contribution for c in s.contributions]
            assert np.max(np.abs(np.array(got) - expected_terms[i])) <= TOL
        assert single == batch[i]


def test_infinite_values_fall_into_the_edge_bins_like_interpret(pair_ebm, pair_model, matrix_data):
    ebm, _ = pair_ebm
    model, _ = pair_model
    X = np.repeat(matrix_data[2][:1], 2, axis=0)
    X[0, 1], X[1, 1] = np.inf, -np.inf
    expected = ebm.predict_proba(X)[:, 1]
    got = [model.score(r).p_late for r in _rows(X)]
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


def test_uncertainty_is_the_std_of_bagged_probabilities(pair_ebm, pair_model, matrix_data):
    ebm, _ = pair_ebm
    model, _ = pair_model
    X = matrix_data[2][:50]
    per_bag = []
    for b in range(len(ebm.bagged_intercept_)):
        bag = copy.deepcopy(ebm)
        bag.intercept_ = ebm.bagged_intercept_[b]
        bag.term_scores_ = [s[b] for s in ebm.bagged_scores_]
        per_bag.append(bag.predict_proba(X)[:, 1])
    expected = np.std(np.array(per_bag), axis=0)
    assert expected.max() > 0  # the bags disagree somewhere, so the test can fail
    got = [model.score(r).uncertainty for r in _rows(X)]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    arrays = model.score_arrays({n: X[:, j] for j, n in enumerate(FEATURE_NAMES)})
    np.testing.assert_allclose(arrays["uncertainty"], expected, rtol=0, atol=1e-12)


def test_contributions_and_intercept_sum_to_log_odds(model):
    row = dict.fromkeys(FEATURE_NAMES, 1) | {"days_past_due": 22, "prior_avg_days_late": 12.0}
    s = model.score(row)
    assert isinstance(s, Score)
    assert math.isclose(s.intercept + sum(c.contribution for c in s.contributions), s.log_odds,
                        abs_tol=1e-12)
    assert math.isclose(s.p_late, 1 / (1 + math.exp(-s.log_odds)), rel_tol=1e-12)
    assert [c.term for c in s.contributions] == list(model.term_names)
    assert s.contributions[0].values == (22,) and s.contributions[0].features == ("days_past_due",)
    assert s.model_id == model.id
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.p_late = 0.0


def test_missing_values_use_the_missing_bin(model):
    row = dict.fromkeys(FEATURE_NAMES)
    s = model.score(row)
    s_nan = model.score({n: float("nan") for n in FEATURE_NAMES})
    assert s == s_nan
    assert all(c.values == (None,) for c in s.contributions)
    # the missing bin is cell 0 of every term
    expected = [t["scores"][0] for t in model._artifact["terms"]]
    assert [c.contribution for c in s.contributions] == expected


def test_numbers_of_any_kind_are_accepted(model):
    base = dict.fromkeys(FEATURE_NAMES, 0)
    a = model.score(base | {"prior_avg_days_late": 12.5, "paperless": 1})
    b = model.score(base | {"prior_avg_days_late": Decimal("12.5"), "paperless": True})
    c = model.score(base | {"prior_avg_days_late": np.float32(12.5), "paperless": np.int64(1)})
    assert a.p_late == b.p_late == c.p_late
    assert b.contributions[3].values == (1,)


@pytest.mark.parametrize(
    "change",
    [
        {"prior_avg_days_late": "120"},
        {"prior_avg_days_late": b"1"},
        {"prior_avg_days_late": [1.0]},
        {"prior_avg_days_late": complex(1, 1)},
    ],
)
def test_non_numbers_are_refused(model, change):
    row = dict.fromkeys(FEATURE_NAMES, 0) | change
    with pytest.raises(ModelError, match="prior_avg_days_late"):
        model.score(row)
    with pytest.raises(ModelError):
        model.score_many([row])


def test_feature_set_must_match(model):
    row = dict.fromkeys(FEATURE_NAMES, 0)
    missing = dict(row)
    del missing["paperless"]
    with pytest.raises(ModelError, match="paperless"):
        model.score(missing)
    with pytest.raises(ModelError, match="countryCode"):
        model.score(row | {"countryCode": 391})
    with pytest.raises(ModelError):
        model.score_many([row, missing])
    with pytest.raises(ModelError, match="countryCode"):
        model.score_many([row, row | {"countryCode": 391}])
    with pytest.raises(ModelError):
        model.score([0] * len(FEATURE_NAMES))


def test_out_of_range_values_are_reported(model):
    bounds = {f["name"]: f["bounds"] for f in model._artifact["features"]}
    row = {n: bounds[n][0] for n in FEATURE_NAMES}
    assert model.score(row).out_of_range == ()
    far = row | {"days_past_due": bounds["days_past_due"][1] + 30}
    s = model.score(far)
    assert s.out_of_range == ("days_past_due",)
    assert model.score_many([row, far])[1].out_of_range == ("days_past_due",)
    # beyond the range the last bin is used: same as the maximum seen in training
    at_max = model.score(row | {"days_past_due": bounds["days_past_due"][1]})
    assert s.p_late == at_max.p_late


def test_a_broken_sum_fails_closed(trained_path):
    model = load_model(trained_path)
    term = model._terms[0]
    term.scores = tuple(float("nan") for _ in term.scores)
    row = dict.fromkeys(FEATURE_NAMES, 1)
    with pytest.raises(ModelError, match="sum"):
        model.score(row)
    with pytest.raises(ModelError, match="sum"):
        model.score_many([row])


def test_score_many_equals_score(model, matrix_data):
    rows = _rows(matrix_data[2][:200])
    rows[3]["paperless"] = True  # a non-float type takes the slow path
    assert model.score_many(rows) == [model.score(r) for r in rows]
    assert model.score_many([]) == []
    assert model.score_many(iter(rows[:5])) == [model.score(r) for r in rows[:5]]


def test_describe_is_json_metadata(model):
    import json

    d = model.describe()
    json.dumps(d)
    assert d["id"] == model.id and d["sha256"] == model.sha256
    assert [f["name"] for f in d["features"]] == list(FEATURE_NAMES)
    assert "bins" not in d["features"][0]
    assert d["target"]["name"] == "p_late"
