"""Every Rego test of the shipped bundle, each as its own pytest case, on every shipped engine:
the real OPA (the reference) and regopy."""

import pytest

from decisions.policy import TEST_ENGINES, discover_rego_tests, run_rego_tests

REGO_TESTS = discover_rego_tests()


@pytest.fixture(scope="module", params=sorted(TEST_ENGINES))
def results(request):
    return request.param, {(r.package, r.name): r for r in run_rego_tests(engine=request.param)}


def test_the_bundle_has_rego_tests():
    assert len(REGO_TESTS) >= 100


@pytest.mark.parametrize(("package", "name"), REGO_TESTS, ids=[f"{p}.{n}" for p, n in REGO_TESTS])
def test_rego(results, package, name):
    engine, by_test = results
    result = by_test[(package, name)]
    assert result.passed, f"{engine}: {result.detail}"
