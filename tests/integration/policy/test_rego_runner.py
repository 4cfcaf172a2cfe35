"""run_rego_tests on each engine: passes, failures, and the hazards it refuses instead of running."""

import shutil

import pytest

from decisions.policy import TEST_ENGINES, PolicyError, run_rego_tests, shipped_bundle_dir


@pytest.fixture(params=sorted(TEST_ENGINES))
def engine(request):
    return request.param


@pytest.fixture
def bundle_dir(tmp_path):
    """A copy of the shipped bundle with only the fixtures as test modules."""
    target = tmp_path / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    for test_file in target.rglob("*_test.rego"):
        if test_file.name != "fixtures_test.rego":
            test_file.unlink()
    return target


def _write(bundle_dir, name, source):
    (bundle_dir / name).write_text(source)


def _results(bundle_dir, engine):
    return {r.name: r for r in run_rego_tests(bundle_dir, engine=engine)}


def test_true_passes_and_false_undefined_and_errors_fail_with_a_reason(bundle_dir, engine):
    _write(bundle_dir, "sample_test.rego", """package sample_test

import rego.v1

import data.fairdun.fixtures_test as fx

test_true if fx.case.debtor.country == "DE"

test_false := false

test_undefined if fx.case.debtor.country == "FR"

test_builtin_error if time.parse_rfc3339_ns("not a time")
""")
    results = _results(bundle_dir, engine)

    assert results["test_true"].passed
    assert not results["test_false"].passed and "evaluated to False" in results["test_false"].detail
    assert not results["test_undefined"].passed and "undefined" in results["test_undefined"].detail
    assert not results["test_builtin_error"].passed
    assert {"opa": "eval_builtin_error", "regopy": "Unable to parse time"}[engine] in results["test_builtin_error"].detail


def test_a_module_that_does_not_parse_fails_its_tests_with_the_line(bundle_dir, engine):
    _write(bundle_dir, "good_test.rego", "package good_test\nimport rego.v1\ntest_ok if true\n")
    _write(bundle_dir, "bad_test.rego", "package bad_test\nimport rego.v1\n\ntest_broken if { 1 + }\n")
    results = _results(bundle_dir, engine)

    assert results["test_ok"].passed
    assert not results["(module)"].passed
    assert "bad_test.rego:4" in results["(module)"].detail


def test_replacing_the_whole_input_is_refused_not_run(bundle_dir, engine):
    # regopy 1.5.2 aborts the whole process on `with input as`: the runner must never compile it.
    _write(bundle_dir, "whole_input_test.rego", """package whole_input_test
import rego.v1
test_whole_input if { data.fairdun.decision with input as {"candidates": []} }
""")
    result = _results(bundle_dir, engine)["test_whole_input"]

    assert not result.passed
    assert "`with input as` replaces the whole input" in result.detail


def test_with_in_a_package_under_a_runtime_namespace_is_refused(bundle_dir, engine):
    _write(bundle_dir, "rules/stops/deceased_stop_test.rego", """package rules.stops.deceased_stop_test
import rego.v1
test_scoped if { c := []; data.rules.stops.deceased_stop.deny == set() with input.candidates as c }
""")
    result = _results(bundle_dir, engine)["test_scoped"]

    assert not result.passed
    assert "name it <rule>_test" in result.detail


def test_a_broken_support_module_fails_every_test(bundle_dir, engine):
    _write(bundle_dir, "good_test.rego", "package good_test\nimport rego.v1\ntest_ok if true\n")
    fixtures = bundle_dir / "fairdun/fixtures_test.rego"
    fixtures.write_text(fixtures.read_text() + "\nbroken := x if { x := input.a with input as {} }\n")
    result = _results(bundle_dir, engine)["test_ok"]

    assert not result.passed
    assert "support module is broken" in result.detail


def test_a_bundle_that_cannot_be_loaded_raises(bundle_dir, engine):
    (bundle_dir / "data.json").unlink()

    with pytest.raises(PolicyError):
        run_rego_tests(bundle_dir, engine=engine)
