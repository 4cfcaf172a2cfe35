"""Conventions of the rule catalogue that keep it honest as it grows (DESIGN.md, STYLE.md)."""

import pytest

from decisions.policy import discover_rego_tests, load_bundle
from decisions.policy._opa_embedded import load_opa_bindings
from decisions.policy._rego_ast import parse_module, walk_terms

BUNDLE = load_bundle()
RULES = sorted(BUNDLE.rules, key=lambda r: r.path)
RULE_IDS = [r.path for r in RULES]
TESTS = dict(BUNDLE.tests)


def _stem(rule):
    return rule.path.rsplit("/", 1)[1].removesuffix(".rego")


# The Rego values the checks below need, fetched with one query of the real OPA.
REFS = [f"data.{r.package}.{name}" for r in RULES for name in ("rule_id", "citations")] + [
    f"object.keys(data.{_stem(r)}_test.cases)" for r in RULES
]


@pytest.fixture(scope="module")
def rego():
    engine = load_opa_bindings().OpaEngine()
    for path, source in [*BUNDLE.modules, *BUNDLE.tests]:
        engine.add_policy(path, source)
    engine.add_data(dict(BUNDLE.data))
    values = engine.eval_query("x := [" + ", ".join(REFS) + "]")
    assert values, "one of the catalogue values is undefined"
    return dict(zip(REFS, values[0]["x"], strict=True)).__getitem__


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_the_rule_id_in_the_code_is_the_one_in_the_metadata(rego, rule):
    assert rego(f"data.{rule.package}.rule_id") == rule.id


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_citation_table_has_an_entry_for_everywhere_else(rego, rule):
    table = rego(f"data.{rule.package}.citations")
    tables = [table] + [t for t in table.values() if isinstance(t, dict)]

    for t in tables:
        assert "*" in t, f"{rule.path}: a citation table lacks '*'"
        assert all(isinstance(v, (str, dict)) and v for v in t.values())


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_rule_has_its_table_driven_tests_beside_it(rule):
    test_path = rule.path.replace(".rego", "_test.rego")
    assert test_path in TESTS, f"{rule.path} has no {test_path}"
    assert parse_module(test_path, TESTS[test_path]).package == f"{_stem(rule)}_test"


def test_test_packages_are_unique():
    packages = [parse_module(path, source).package for path, source in BUNDLE.tests]

    assert len(packages) == len(set(packages))


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_table_row_is_run_by_a_test_of_the_same_name(rego, rule):
    """(A rule may have further tests besides its table, e.g. for parameters that differ per row.)"""
    package = f"{_stem(rule)}_test"
    rows = set(rego(f"object.keys(data.{package}.cases)"))
    tests = {name.removeprefix("test_") for p, name in discover_rego_tests() if p == package}

    assert rows <= tests, f"rows without a test: {sorted(rows - tests)}"
    assert len(rows) >= 3


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rules_read_parameters_from_data_not_magic_numbers(rule):
    numbers = {t["value"] for t in walk_terms(BUNDLE.parsed[rule.path].rules) if t["type"] == "number"}

    assert numbers <= {0, 1}, f"{rule.path}: put {sorted(numbers)} into data.json"


def test_the_magic_number_check_sees_numbers():
    planted = parse_module("rules/x/y.rego", "package rules.x.y\nimport rego.v1\nlimit := 7\nok if 2 > 1\n")

    assert {t["value"] for t in walk_terms(planted.rules) if t["type"] == "number"} == {7, 2, 1}


def test_every_parameter_group_states_its_source():
    groups = BUNDLE.data["parameters"]

    for name, group in groups.items():
        source = group.get("source", {})
        assert source.get("note"), f"parameters.{name} has no source note"
        assert source.get("refs"), f"parameters.{name} has no source refs"
