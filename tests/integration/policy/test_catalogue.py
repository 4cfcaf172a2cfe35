"""Conventions of the rule catalogue that keep it honest as it grows (DESIGN.md, STYLE.md)."""

import re

import pytest
from regopy import Interpreter

from decisions.policy import discover_rego_tests, load_bundle
from decisions.policy._bundle import package_of, rego_files
from decisions.policy._rego_tests import _without_comments as without_comments

BUNDLE = load_bundle()
RULES = sorted(BUNDLE.rules, key=lambda r: r.path)
RULE_IDS = [r.path for r in RULES]


def _stem(rule):
    return rule.path.rsplit("/", 1)[1].removesuffix(".rego")


# The Rego values the checks below need, fetched with one query (each regopy query recompiles).
REFS = [f"data.{r.package}.{name}" for r in RULES for name in ("rule_id", "citations")] + [
    f"object.keys(data.{_stem(r)}_test.cases)" for r in RULES
]


@pytest.fixture(scope="module")
def rego():
    interpreter = Interpreter()
    for path, source in BUNDLE.modules:
        interpreter.add_module(path, source)
    for path in rego_files(BUNDLE.root):
        if path.endswith("_test.rego"):
            interpreter.add_module(path, (BUNDLE.root / path).read_text(encoding="utf-8"))
    interpreter.add_data_json(BUNDLE.data_text)
    interpreter.set_input_term("{}")
    output = interpreter.query("x := [" + ", ".join(REFS) + "]")
    assert output.ok(), str(output)
    values = output.results[0].bindings.get("x")
    assert values is not None, "one of the catalogue values is undefined"
    return dict(zip(REFS, values, strict=True)).__getitem__


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
    test_path = BUNDLE.root / rule.path.replace(".rego", "_test.rego")
    assert test_path.is_file(), f"{rule.path} has no {test_path.name}"
    assert package_of(test_path.name, test_path.read_text(encoding="utf-8")) == f"{_stem(rule)}_test"


def test_test_packages_are_unique():
    packages = [package_of(p, (BUNDLE.root / p).read_text(encoding="utf-8"))
                for p in rego_files(BUNDLE.root) if p.endswith("_test.rego")]

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
    code = without_comments((BUNDLE.root / rule.path).read_text(encoding="utf-8"))
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)  # digits inside strings (citations) are text
    numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", code))

    assert numbers <= {"0", "1"}, f"{rule.path}: put {sorted(numbers)} into data.json"


def test_every_parameter_group_states_its_source():
    groups = BUNDLE.data["parameters"]

    for name, group in groups.items():
        source = group.get("source", {})
        assert source.get("note"), f"parameters.{name} has no source note"
        assert source.get("refs"), f"parameters.{name} has no source refs"
