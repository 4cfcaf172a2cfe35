"""The Rego tests are honest: for every rule, replacing it with one that never fires breaks a
test of its refused side, and replacing it with one that always fires breaks a test of its
allowed side. (A test that passes whatever the rule does would pass both mutations.) The
mutants run on the real OPA, the reference."""

import shutil

import pytest

from decisions.policy import load_bundle, run_rego_tests, shipped_bundle_dir
from decisions.policy._registry import rule_outputs
from decisions.policy._rego_ast import parse_module

RULES = sorted((rule.path, rule.package) for rule in load_bundle().rules)

ENTRY = {
    "deny": '{"candidate": c.id, "rule": rule_id, "citation": "c", "message": "m"}',
    "obligations": '{"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": "c", '
                   '"params": {"reason": "r"}}',
}
NEVER = {output: f"{output} contains {entry} if {{\n\tsome c in input.candidates\n\tfalse\n}}\n"
         for output, entry in ENTRY.items()}
ALWAYS = {output: f"{output} contains {entry} if some c in input.candidates\n" for output, entry in ENTRY.items()}


def _mutated_bundle(tmp_path, rule_path, package, body):
    """The shipped bundle with one rule replaced and only that rule's tests (and fixtures) kept."""
    root = tmp_path / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), root, ignore=shutil.ignore_patterns("__pycache__"))
    test_file = rule_path.removesuffix(".rego") + "_test.rego"
    for other in root.rglob("*_test.rego"):
        if other.relative_to(root).as_posix() not in (test_file, "fairdun/fixtures_test.rego"):
            other.unlink()
    original = (root / rule_path).read_text()
    rule_id = next(line for line in original.splitlines() if line.startswith("rule_id := "))
    outputs = rule_outputs(parse_module(rule_path, original))
    metadata = original[: original.index(f"package {package}")]
    (root / rule_path).write_text(
        f"{metadata}package {package}\n\nimport rego.v1\n\n{rule_id}\n\n"
        + "".join(body[o] for o in outputs)
    )
    return root


def _failed_on_evaluation(results):
    """The failed tests, after checking each failed on its expectation, not on a compile error."""
    failed = [r for r in results if not r.passed]
    for r in failed:
        assert r.detail.startswith("undefined") or "evaluated to" in r.detail, r.detail
    return failed


@pytest.mark.parametrize(("rule_path", "package"), RULES, ids=[p for p, _ in RULES])
def test_a_rule_that_never_fires_fails_its_tests(tmp_path, rule_path, package):
    results = run_rego_tests(_mutated_bundle(tmp_path, rule_path, package, NEVER))

    assert results, "the rule has no tests"
    assert _failed_on_evaluation(results), "no test checks the refused side"


@pytest.mark.parametrize(("rule_path", "package"), RULES, ids=[p for p, _ in RULES])
def test_a_rule_that_always_fires_fails_its_tests(tmp_path, rule_path, package):
    results = run_rego_tests(_mutated_bundle(tmp_path, rule_path, package, ALWAYS))

    assert results, "the rule has no tests"
    assert _failed_on_evaluation(results), "no test checks the allowed side"
