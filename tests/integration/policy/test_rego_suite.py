"""Every Rego test of the shipped bundle, each as its own pytest case (through regopy)."""

import pytest

from decisions.policy import discover_rego_tests, run_rego_tests

REGO_TESTS = discover_rego_tests()


@pytest.fixture(scope="module")
def results():
    return {(r.package, r.name): r for r in run_rego_tests()}


def test_the_bundle_has_rego_tests():
    assert len(REGO_TESTS) >= 100


@pytest.mark.parametrize(("package", "name"), REGO_TESTS, ids=[f"{p}.{n}" for p, n in REGO_TESTS])
def test_rego(results, package, name):
    result = results[(package, name)]
    assert result.passed, result.detail
