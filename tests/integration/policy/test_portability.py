"""The portable subset of Rego (policies_rego/README.md#portability): the shipped bundle stays in
it, and the scan finds each form it forbids, as written in a real module."""

import pytest
from regopy import Interpreter

from decisions.policy import PolicyError, load_bundle
from decisions.policy._portability import problems
from decisions.policy._rego_ast import parse_module

BUNDLE = load_bundle()


def _module(source, path="rules/x/y.rego"):
    return parse_module(path, source)


def test_the_shipped_runtime_and_test_modules_are_portable():
    tests = [parse_module(path, source) for path, source in BUNDLE.tests]

    assert problems(BUNDLE.parsed.values(), tests, is_builtin=Interpreter().is_builtin) == []


PLANTED = {
    "negated call of a possibly missing input": ("f(x) if x == 1\nr if not f(input.missing)", "f() with the argument input.missing"),
    "negated comparison with a rule": ("limit := 3\nr if { n := input.n; not n > limit }", "gt() with the argument limit"),
    "negated membership in data": ('r if not input.c in data.parameters.channels', "internal.member_2()"),
    "negated ref with a ref key": ("s := {1}\nr if not s[input.k]", "whose key OPA evaluates outside"),
    "negated equality with a ref key": ('o := {"a": true}\nr if not o[input.k] == true', "whose key OPA evaluates"),
    "clock": ("now := time.now_ns()", "reads the clock"),
    "network": ('page := http.send({"url": "https://example.org", "method": "get"})', "reads the network"),
    "min compares as text in rego-cpp": ("m := min([900, 1439])", "compares numbers as text"),
    "sort": ("m := sort([900, 1439])", "compares numbers as text"),
    "object.union merges differently": ('m := object.union({"a": {"b": 1}}, {"a": {"c": 2}})', "nested objects"),
    "a computation in a comprehension head": ("m := [(x + 1) | some x in input.xs]", "computes in its head"),
    "a comprehension reading a function argument": ("f(xs) := [x | some x in xs]", "reads the function's argument"),
    "sprintf of a literal default": ('m := sprintf("on %v", [object.get(input, "date", "an unknown day")])',
                                     "prints with its quotes"),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_the_scan_finds_each_forbidden_form(name):
    body, expected = PLANTED[name]
    found = problems([_module(f"package rules.x.y\nimport rego.v1\n{body}\n")])

    assert any(expected in p for p in found), found


@pytest.mark.parametrize("body", [
    "r if not input.missing",                              # a missing reference is simply undefined
    "r if not input.a.b == false",                         # equality keeps a missing operand inside
    'r if { c := input.channel; not c in {"sms"} }',       # arguments bound to variables first
    "applies if input.x\nr if not applies",                # a negated rule
    'r if { id := input.id; not data.x.s[id] }',           # a key bound to a variable
    "m := [y | some x in input.xs; y := x + 1]",           # computed in the body
])
def test_the_portable_forms_pass(body):
    assert problems([_module(f"package rules.x.y\nimport rego.v1\n{body}\n")]) == []


def test_functions_of_one_name_must_have_one_arity_across_packages():
    found = problems([_module("package rules.x.a\nimport rego.v1\nf(x) := x\n", "rules/x/a.rego"),
                      _module("package rules.x.b\nimport rego.v1\nf(x, y) := x\n", "rules/x/b.rego")])

    assert any("functions named f take [1, 2] arguments" in p for p in found)


def test_tests_may_not_replace_the_whole_input():
    runtime = [_module("package rules.x.y\nimport rego.v1\nr := input.a\n")]
    test = _module("package y_test\nimport rego.v1\ntest_a if data.rules.x.y.r with input as {\"a\": 1}\n",
                   "rules/x/y_test.rego")

    assert any("`with input as`" in p for p in problems(runtime, [test]))


def test_tests_using_with_must_not_share_a_runtime_package_root():
    runtime = [_module("package rules.x.y\nimport rego.v1\nr := input.a\n")]
    test = _module("package rules.x.y_test\nimport rego.v1\ntest_a if data.rules.x.y.r with input.a as 1\n",
                   "rules/x/y_test.rego")

    assert any("shares its first segment" in p for p in problems(runtime, [test]))


def test_builtins_rego_cpp_lacks_are_found():
    found = problems([_module("package rules.x.y\nimport rego.v1\nr := strings.render_template(\"{{.a}}\", {})\n")],
                     is_builtin=Interpreter().is_builtin)

    assert any("rego-cpp does not have" in p for p in found)


def test_a_bundle_outside_the_subset_is_refused(tmp_path):
    import shutil

    from decisions.policy import shipped_bundle_dir

    root = tmp_path / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), root, ignore=shutil.ignore_patterns("__pycache__"))
    module = root / "rules/stops/deceased_stop.rego"
    module.write_text(module.read_text().replace("not lib.flags.deceased == false", "not lib.flags.deceased == false\n\tnot count(lib.acting) > 9"))

    with pytest.raises(PolicyError, match="portable subset"):
        load_bundle(root)


def test_regopy_still_gets_min_wrong():
    """When this fails, rego-cpp was fixed: the ban on min, max and sort can go."""
    output = Interpreter().query("x := min([900, 1439])")
    assert output.results[0].bindings["x"] == 1439


def test_opa_and_regopy_still_differ_on_a_negated_call_of_a_missing_value():
    """The reason for the negation rule: when this fails, the engines agree and the rule can go."""
    from decisions.policy._opa_embedded import load_opa_bindings

    source = "package x\nimport rego.v1\nr if not count(input.missing) > 0\n"
    opa = load_opa_bindings()
    engine = opa.OpaEngine()
    engine.add_policy("x.rego", source)
    with pytest.raises(opa.OpaUndefinedError):
        engine.eval_document("x.r", {})
    interpreter = Interpreter()
    interpreter.add_module("x.rego", source)
    interpreter.set_input_term("{}")
    assert interpreter.query("data.x.r").results[0].expressions[0] is True
