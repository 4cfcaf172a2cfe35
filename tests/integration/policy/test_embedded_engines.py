"""The embedded engines, the real OPA (the default) and regopy: verdicts on fixture cases, and
failing closed on every path. Each engine is tested directly here; ``build_engine`` adds the test
gate (test_gate.py)."""

import copy
import dataclasses
import datetime
import json
from pathlib import Path

import pytest

from decisions.policy import OpaEmbeddedEngine, PolicyEngine, PolicyError, RegopyEngine, load_bundle

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
BUNDLE = load_bundle()
ENGINES = {"opa-embedded": OpaEmbeddedEngine, "regopy": RegopyEngine}


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param](BUNDLE)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_engine_names_itself_its_version_and_its_bundle(engine):
    assert engine.name in ENGINES
    assert engine.version == {"opa-embedded": "1.20.2", "regopy": "1.5.2"}[engine.name]
    assert engine.bundle_sha256 == BUNDLE.sha256
    assert isinstance(engine, PolicyEngine)
    assert engine.evaluate(_load(CASES[0])["input"]).engine_version == engine.version


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_fixture_cases_get_the_expected_verdicts(engine, case_file):
    case = _load(case_file)

    outcome = engine.evaluate(case["input"])

    assert list(outcome.verdicts) == [c["id"] for c in case["input"]["candidates"]]
    for cid, want in case["expect"].items():
        verdict = outcome.verdicts[cid]
        assert verdict.allow is want["allow"], cid
        assert sorted(d.rule for d in verdict.deny) == want["deny"], cid
        assert sorted([o.kind, o.rule] for o in verdict.obligations) == want["obligations"], cid
        assert all(d.message and d.citation for d in verdict.deny)


def test_obligation_parameters_and_citations_reach_the_caller(engine):
    case = _load(Path(__file__).parent / "cases/us_ny_debt_collector.json")

    [window] = [o for o in engine.evaluate(case["input"]).verdicts["c0"].obligations if o.kind == "send_window"]

    assert window.params == {"not_before": "08:00", "not_after": "21:00"}
    assert window.citation == "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)"


def test_the_same_input_gives_the_same_outcome(engine):
    policy_input = _load(CASES[0])["input"]

    assert engine.evaluate(policy_input) == engine.evaluate(copy.deepcopy(policy_input))


def test_many_cases_in_one_call_get_the_answers_of_one_case_at_a_time(engine):
    inputs = [_load(path)["input"] for path in CASES]
    broken = copy.deepcopy(inputs[0])
    broken["candidates"][0]["kind"] = "lawsuit"

    answers = engine.evaluate_many([*inputs, broken])

    assert answers[:-1] == [engine.evaluate(i) for i in inputs]
    assert isinstance(answers[-1], PolicyError) and "not a known kind" in answers[-1].reason


def test_a_long_batch_is_answered_in_order_across_its_queries(engine):
    inputs = [_load(path)["input"] for path in CASES] * 26     # 234 cases: three queries of the real OPA

    assert engine.evaluate_many(inputs) == [engine.evaluate(i) for i in inputs]


def test_non_ascii_text_survives_the_round_trip(engine):
    policy_input = _load(Path(__file__).parent / "cases/de_consumer_first_party.json")["input"]
    policy_input["case"]["debtor"].update(jurisdiction="Ü-✉", country="Ü")

    deny = engine.evaluate(policy_input).verdicts["c0"].deny

    assert "no reviewed rule set for jurisdiction Ü-✉ (country Ü)" in {d.message for d in deny}


# --- failing closed -----------------------------------------------------------------------------

@pytest.mark.parametrize(("mutate", "reason"), [
    (lambda i: i.pop("candidates"), "input.candidates must be an array"),
    (lambda i: i["candidates"].append(copy.deepcopy(i["candidates"][0])), "two candidates with id 'c0'"),
    (lambda i: i["candidates"][0].pop("id"), "has no string id"),
    (lambda i: i["case"].update(as_of=datetime.date(2026, 11, 22)), "not JSON"),
    (lambda i: i["case"]["risk"].update(uncertainty=float("nan")), "not JSON"),
    (lambda i: i["case"]["debtor"].update(language="\ud800"), "not JSON"),
    (lambda i: i["candidates"][0].update(channel="fax"), "channel 'fax' is not a known channel"),
    (lambda i: i["candidates"][0].update(kind="lawsuit"), "kind 'lawsuit' is not a known kind"),
    (lambda i: i["candidates"][0].pop("communication"), "communication is not a boolean"),
    (lambda i: i["candidates"][0]["fees"][0].update(amount_minor=-1), "not a non-negative integer amount"),
    (lambda i: i["candidates"][0]["fees"][0].update(currency="USD"), "in the invoice currency"),
    (lambda i: i["candidates"][3].update(channel="email"), "a \"none\" candidate communicates"),
])
def test_inputs_the_engine_cannot_evaluate_raise(engine, mutate, reason):
    policy_input = _load(Path(__file__).parent / "cases/de_consumer_first_party.json")["input"]
    mutate(policy_input)

    with pytest.raises(PolicyError) as caught:
        engine.evaluate(policy_input)
    assert reason in caught.value.reason or reason == "not JSON" and "JSON" in caught.value.reason


def test_regopy_refuses_what_rego_cpp_would_read_differently():
    """rego-cpp wraps integers beyond 64 bits and cuts strings at NUL; OPA reads both faithfully."""
    policy_input = _load(Path(__file__).parent / "cases/de_consumer_first_party.json")["input"]
    for mutate, reason in [(lambda i: i["case"]["invoice"].update(amount_minor=2**70), "64 bits"),
                           (lambda i: i["case"]["debtor"].update(language="de\x00en"), "NUL character")]:
        changed = copy.deepcopy(policy_input)
        mutate(changed)
        with pytest.raises(PolicyError, match=reason):
            RegopyEngine(BUNDLE).evaluate(changed)


# --- a policy that misbehaves: built past the loader's checks, to test the engines themselves ----

def _bundle_with(changes):
    """The shipped bundle with modules replaced or added ({path: source}); the loader is bypassed,
    as a bundle loaded straight into an engine (or an OPA server) would be."""
    modules = {**dict(BUNDLE.modules), **changes}
    return dataclasses.replace(BUNDLE, modules=tuple(sorted(modules.items())))


def _with_rule(body):
    registry = dict(BUNDLE.modules)["fairdun/registry.rego"]
    registry = registry.replace("deny := [\n", "deny := [\n\tdata.rules.test.broken.deny,\n")
    registry = registry.replace("obligations := [\n", "obligations := [\n\tdata.rules.test.broken.obligations,\n")
    return _bundle_with({"rules/test/broken.rego": "package rules.test.broken\n\nimport rego.v1\n\n"
                                                   'rule_id := "FD-TEST-BROKEN"\n\ndeny contains 1 if false\n\n'
                                                   "obligations contains 1 if false\n\n" + body,
                         "fairdun/registry.rego": registry})


def _with_decision(body):
    return _bundle_with({"fairdun/decision.rego": f"package fairdun\n\nimport rego.v1\n\n{body}\n"})


ENTRY = '{"candidate": "c0", "rule": rule_id, "citation": "t", "message": "m"}'


@pytest.mark.parametrize(("bundle", "reasons"), [
    # a built-in error (strict built-in errors are on in every engine)
    (lambda: _with_rule(f"deny contains {ENTRY} if time.parse_rfc3339_ns(input.case.invoice.due_on)"),
     {"opa-embedded": "eval_builtin_error", "regopy": "Unable to parse time"}),
    # a complete rule with two values
    (lambda: _with_rule('conflict := "a" if true\n\nconflict := "b" if true\n\n'
                        f"deny contains {ENTRY} if conflict"),
     {"opa-embedded": "complete rules must not produce multiple outputs",
      "regopy": "rules must not produce multiple outputs"}),
    # an obligation kind nobody applies
    (lambda: _with_rule('obligations contains {"candidate": "c0", "kind": "teleport", "rule": rule_id, '
                        '"citation": "t", "params": {}} if true'), "unknown obligation kind 'teleport'"),
    # a deny entry without a citation
    (lambda: _with_rule('deny contains {"candidate": "c0", "rule": rule_id, "message": "m"} if true'),
     "citation must be a non-empty string"),
    # the entrypoint is undefined
    (lambda: _with_decision("decision := 1 if false"), "undefined"),
    # a candidate is missing from the decision
    (lambda: _with_decision('decision := {"candidates": {c.id: {"allow": true, "deny": [], "obligations": []} '
                            '| some c in input.candidates; c.id != "c1"}}'), "no verdict for candidate(s) 'c1'"),
    # wrong types
    (lambda: _with_decision('decision := {"candidates": {c.id: {"allow": "yes", "deny": [], "obligations": []} '
                            '| some c in input.candidates}}'), "allow must be a boolean"),
    # allow contradicting deny
    (lambda: _with_decision('decision := {"candidates": {c.id: {"allow": true, "deny": [{"rule": "r", '
                            '"message": "m", "citation": "c"}], "obligations": []} | some c in input.candidates}}'),
     "allows and denies at once"),
])
@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_policy_that_misbehaves_fails_closed(name, bundle, reasons):
    reason = reasons[name] if isinstance(reasons, dict) else reasons

    with pytest.raises(PolicyError) as caught:
        ENGINES[name](bundle()).evaluate(_load(CASES[0])["input"])
    assert reason in caught.value.reason


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_bundle_that_does_not_compile_is_refused_at_construction(name):
    with pytest.raises(PolicyError, match="does not compile"):
        ENGINES[name](_with_rule("deny contains x if { x := 1 + }\n"))


def test_the_real_opa_refuses_a_call_of_a_function_nobody_defines_at_construction():
    """(rego-cpp only finds out when the call is evaluated; the portability scan keeps such calls
    out of loadable bundles.)"""
    with pytest.raises(PolicyError, match="undefined function"):
        OpaEmbeddedEngine(_with_rule(f"deny contains {ENTRY} if nosuch.check(input.case)"))


# --- a known divergence, pinned: object.union ------------------------------------------------------

NESTED_UNION = ('deny contains {"candidate": "c0", "rule": rule_id, "citation": "t", "message": "merged"} if {\n'
                '\tm := object.union({"a": {"b": 1}}, {"a": {"c": 2}})\n\tm.a.b == 1\n}\n')
FLAT_UNION = ('deny contains {"candidate": "c0", "rule": rule_id, "citation": "t", "message": "merged"} if {\n'
              '\tm := object.union({"a": 1, "b": 1}, {"b": 2})\n\tm == {"a": 1, "b": 2}\n}\n')


def _denied_by_the_planted_rule(name, body):
    outcome = ENGINES[name](_with_rule(body)).evaluate(_load(CASES[0])["input"])
    return any(d.rule == "FD-TEST-BROKEN" for d in outcome.verdicts["c0"].deny)


def test_object_union_of_nested_objects_is_where_the_engines_part_ways():
    """OPA merges nested objects recursively, rego-cpp 1.5.2 keeps the right-hand value: a rule
    that relied on the merge would decide differently on regopy. The portability scan therefore
    refuses object.union in every runtime module (test_portability.py), and the catalogue uses it
    in tests only, on flat objects, where the engines agree. When this test fails, rego-cpp has
    changed: revisit the ban in decisions/policy/_portability.py and policies_rego/README.md."""
    assert _denied_by_the_planted_rule("opa-embedded", NESTED_UNION) is True
    assert _denied_by_the_planted_rule("regopy", NESTED_UNION) is False
    assert {name: _denied_by_the_planted_rule(name, FLAT_UNION) for name in ENGINES} == {
        "opa-embedded": True, "regopy": True}


def test_no_runtime_module_of_the_catalogue_calls_object_union():
    """The ban holds for the shipped bundle (the loader refuses a module that calls it; this
    names the forbidden call directly, so a rule that starts using it fails here too)."""
    from decisions.policy._portability import FORBIDDEN_BUILTINS

    assert "object.union" in FORBIDDEN_BUILTINS
    assert [path for path, source in BUNDLE.modules if "object.union" in source] == []
