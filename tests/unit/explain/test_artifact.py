import copy
import hashlib
import json

import pytest

from explain import ArtifactError, ModelError, load_model, write_artifact
from explain._artifact import (
    artifact_bytes,
    monotonicity_violations,
    read_artifact,
    validate_artifact,
    with_model_id,
)
from explain.training import TrainingSettings


def test_artifact_error_is_a_model_error():
    assert issubclass(ArtifactError, ModelError)


def test_written_bytes_are_canonical_and_hash_is_returned(trained, tmp_path):
    artifact, summary = trained
    path = tmp_path / "a.json"
    sha = write_artifact(artifact, path)
    data = path.read_bytes()
    assert sha == hashlib.sha256(data).hexdigest() == summary["sha256"]
    assert data == artifact_bytes(json.loads(data))  # a round trip changes no byte
    assert data.endswith(b"\n") and b"NaN" not in data
    # keys sorted at every level
    text = data.decode()
    assert text.index('"bagged_intercepts"') < text.index('"features"') < text.index('"terms"')


def test_model_id_names_the_content(trained):
    artifact, _ = trained
    assert artifact["model_id"].startswith("ebm-ar-ibm-")
    assert with_model_id(artifact)["model_id"] == artifact["model_id"]
    changed = copy.deepcopy(artifact)
    changed["intercept"] += 1e-9
    assert with_model_id(changed)["model_id"] != artifact["model_id"]


def test_load_checks_expected_sha256(trained_path):
    good = hashlib.sha256(trained_path.read_bytes()).hexdigest()
    model = load_model(trained_path, expected_sha256=good.upper())
    assert model.sha256 == good
    with pytest.raises(ArtifactError, match="SHA-256"):
        load_model(trained_path, expected_sha256="0" * 64)
    with pytest.raises(ArtifactError, match="64 hex"):
        load_model(trained_path, expected_sha256="abc")


def test_one_changed_byte_fails_the_hash(trained_path, tmp_path):
    data = bytearray(trained_path.read_bytes())
    i = data.index(b'"intercept": ') + len(b'"intercept": ') + 3
    data[i] = ord("1") if data[i] != ord("1") else ord("2")
    bad = tmp_path / "bad.json"
    bad.write_bytes(bytes(data))
    with pytest.raises(ArtifactError):
        load_model(bad, expected_sha256=hashlib.sha256(trained_path.read_bytes()).hexdigest())


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b'{"format": "fairdun-ebm-artifact"}', b'{"a": NaN}'],
)
def test_malformed_files_raise_artifact_error(tmp_path, content):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with pytest.raises(ArtifactError):
        load_model(path)


def test_missing_file_raises_artifact_error(tmp_path):
    with pytest.raises(ArtifactError, match="cannot read"):
        load_model(tmp_path / "nope.json")


def _mutations():
    def drop_term_key(a):
        del a["terms"][0]["bagged_scores"]

    def wrong_shape(a):
        a["terms"][1]["scores"].append(0.0)

    def rename_feature(a):
        a["features"][0]["name"] = "countryCode"

    def unsorted_cuts(a):
        cuts = a["features"][1]["bins"][0]
        cuts[0], cuts[1] = cuts[1], cuts[0]

    def wrong_monotone(a):
        a["features"][0]["monotone"] = 0

    def bag_count(a):
        a["bagged_intercepts"].append(0.0)

    def future_format(a):
        a["format_version"] = 99

    def string_score(a):
        a["terms"][0]["scores"][1] = "0.1"

    def duplicate_term(a):
        a["terms"].append(copy.deepcopy(a["terms"][0]))

    def inverted_bounds(a):
        a["features"][1]["bounds"].reverse()

    def unknown_feature_set(a):
        a["feature_set"] = "anything"

    def no_feature_set(a):
        del a["feature_set"]

    def nominal_decision_feature(a):
        a["features"][3].update(type="nominal", kind="categorical", bins=[{"no": 1, "yes": 2}])

    def custom_with_bad_categories(a):
        a["feature_set"] = "custom"
        a["features"][3].update(type="nominal", kind="categorical", bins=[{"no": 1, "yes": 3}])

    def custom_monotone_category(a):
        a["feature_set"] = "custom"
        a["features"][3].update(type="nominal", kind="categorical", monotone=1, bins=[{"no": 1, "yes": 2}])

    return [drop_term_key, wrong_shape, rename_feature, unsorted_cuts, wrong_monotone,
            bag_count, future_format, string_score, duplicate_term, inverted_bounds,
            unknown_feature_set, no_feature_set, nominal_decision_feature, custom_with_bad_categories,
            custom_monotone_category]


@pytest.mark.parametrize("mutate", _mutations(), ids=lambda f: f.__name__)
def test_schema_violations_raise(trained, mutate):
    artifact = copy.deepcopy(trained[0])
    validate_artifact(artifact)  # the original is fine
    mutate(artifact)
    with pytest.raises(ArtifactError):
        validate_artifact(artifact)


def test_broken_monotonicity_is_refused_at_load(trained, tmp_path):
    artifact = copy.deepcopy(trained[0])
    term = next(t for t in artifact["terms"] if t["features"] == ["prior_late_ratio"])
    term["scores"][1] = term["scores"][2] + 1.0  # low ratio now riskier than the next bin
    assert any("prior_late_ratio" in v for v in monotonicity_violations(artifact))
    path = tmp_path / "m.json"
    path.write_bytes(artifact_bytes(artifact))
    with pytest.raises(ArtifactError, match="monoton"):
        read_artifact(path)


def test_missing_and_unknown_bins_are_not_ordered(trained):
    artifact = copy.deepcopy(trained[0])
    term = artifact["terms"][0]  # days_past_due
    term["scores"][0] = 99.0  # missing bin
    term["scores"][-1] = -99.0  # interpret's unknown bin
    assert monotonicity_violations(artifact) == []


def _pair_artifact(trained, scores_fn):
    """The trained (monotone) model's artifact with an extra (days_past_due x paperless) term."""
    artifact = copy.deepcopy(trained[0])
    levels = {f["name"]: f["bins"] for f in artifact["features"]}
    dpd = levels["days_past_due"][min(2, len(levels["days_past_due"])) - 1]
    paper = levels["paperless"][min(2, len(levels["paperless"])) - 1]
    n_bags = len(artifact["bagged_intercepts"])
    scores = [[scores_fn(i, j) for j in range(len(paper) + 3)] for i in range(len(dpd) + 3)]
    artifact["terms"].append(
        {"name": "days_past_due & paperless", "features": ["days_past_due", "paperless"],
         "scores": scores, "bagged_scores": [scores] * n_bags, "bin_weights": scores}
    )
    return artifact


def test_pair_terms_count_in_the_monotonicity_check(trained):
    # increasing in days_past_due within every paperless column: still monotone
    ok = _pair_artifact(trained, lambda i, j: 0.01 * i * j)
    assert monotonicity_violations(ok) == []
    # strongly decreasing in days_past_due when paperless=1 beats the main effect
    bad = _pair_artifact(trained, lambda i, j: -5.0 * i if j == 2 else 0.0)
    problems = monotonicity_violations(bad)
    assert problems and all(p.startswith("days_past_due") for p in problems)


def test_settings_round_trip_through_the_artifact(trained):
    settings = trained[0]["training"]["settings"]
    assert TrainingSettings(**settings).as_dict() == settings
