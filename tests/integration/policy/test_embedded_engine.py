"""EmbeddedEngine (real regopy): verdicts on fixture cases, and failing closed on every path."""

import copy
import datetime
import json
import shutil
from pathlib import Path

import pytest

from decisions.policy import (
    EmbeddedEngine,
    PolicyEngine,
    PolicyError,
    load_bundle,
    shipped_bundle_dir,
    write_registry,
)

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


@pytest.fixture(scope="module")
def engine():
    return EmbeddedEngine(load_bundle())


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_engine_names_itself_and_its_bundle(engine):
    assert engine.name == "embedded"
    assert engine.bundle_sha256 == load_bundle().sha256
    assert isinstance(engine, PolicyEngine)


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
    (lambda i: i["case"].update(as_of=datetime.date(2026, 11, 22)), "policy input is not JSON"),
    (lambda i: i["case"]["risk"].update(uncertainty=float("nan")), "policy input is not JSON"),
    (lambda i: i["case"]["invoice"].update(amount_minor=2**70), "does not fit the embedded engine's 64 bits"),
    (lambda i: i["case"]["debtor"].update(language="de\x00en"), "a string contains a NUL character"),
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
    assert reason in caught.value.reason


@pytest.fixture
def bundle_dir(tmp_path):
    target = tmp_path / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*_test.rego"))
    return target


RULE_HEADER = """# METADATA
# title: Broken on purpose
# description: A rule written to break the engine.
# related_resources:
#   - ref: https://example.org/law
# custom:
#   id: FD-TEST-BROKEN
#   jurisdiction: "*"
#   citation: "test"
#   severity: low
package rules.test.broken

import rego.v1

rule_id := "FD-TEST-BROKEN"

"""


def _with_rule(bundle_dir, body):
    (bundle_dir / "rules/test").mkdir()
    (bundle_dir / "rules/test/broken.rego").write_text(RULE_HEADER + body)
    write_registry(bundle_dir)
    return load_bundle(bundle_dir)


def _with_decision(bundle_dir, body):
    (bundle_dir / "fairdun/decision.rego").write_text(f"package fairdun\n\nimport rego.v1\n\n{body}\n")
    return load_bundle(bundle_dir)


def _evaluate(bundle):
    return EmbeddedEngine(bundle).evaluate(_load(CASES[0])["input"])


@pytest.mark.parametrize(("breakage", "reason"), [
    # a built-in error (strict built-in errors are on)
    (lambda d: _with_rule(d, 'deny contains {"candidate": "c0", "rule": rule_id, "citation": "t", '
                             '"message": "m"} if time.parse_rfc3339_ns(input.case.invoice.due_on)'),
     "Unable to parse time"),
    # a built-in librego only stubs
    (lambda d: _with_rule(d, 'deny contains {"candidate": "c0", "rule": rule_id, "citation": "t", '
                             '"message": "m"} if http.send({"url": "https://example.org"})'),
     "HTTP builtins are not supported"),
    # a function nobody defines: regopy reports ok() with a non-JSON text
    (lambda d: _with_rule(d, 'deny contains {"candidate": "c0", "rule": rule_id, "citation": "t", '
                             '"message": "m"} if nosuch.check(input.case)'),
     "JSONDecodeError"),
    # a complete rule with two values
    (lambda d: _with_rule(d, 'deny := ["a"] if true\n\ndeny := ["b"] if true\n'), "must not produce multiple outputs"),
    # an obligation kind nobody applies
    (lambda d: _with_rule(d, 'obligations contains {"candidate": "c0", "kind": "teleport", "rule": rule_id, '
                             '"citation": "t", "params": {}} if true'), "unknown obligation kind 'teleport'"),
    # a deny entry without a citation
    (lambda d: _with_rule(d, 'deny contains {"candidate": "c0", "rule": rule_id, "message": "m"} if true'),
     "citation must be a non-empty string"),
    # the entrypoint is undefined
    (lambda d: _with_decision(d, "decision := 1 if false"), "the query result is undefined"),
    # a candidate is missing from the decision
    (lambda d: _with_decision(d, 'decision := {"candidates": {c.id: {"allow": true, "deny": [], "obligations": []} '
                                 '| some c in input.candidates; c.id != "c1"}}'), "no verdict for candidate(s) 'c1'"),
    # wrong types
    (lambda d: _with_decision(d, 'decision := {"candidates": {c.id: {"allow": "yes", "deny": [], "obligations": []} '
                                 '| some c in input.candidates}}'), "allow must be a boolean"),
    # allow contradicting deny
    (lambda d: _with_decision(d, 'decision := {"candidates": {c.id: {"allow": true, "deny": [{"rule": "r", '
                                 '"message": "m", "citation": "c"}], "obligations": []} | some c in input.candidates}}'),
     "allows and denies at once"),
])
def test_a_policy_that_misbehaves_fails_closed(bundle_dir, breakage, reason):
    bundle = breakage(bundle_dir)

    with pytest.raises(PolicyError) as caught:
        _evaluate(bundle)
    assert reason in caught.value.reason


def test_a_bundle_that_does_not_compile_is_refused_at_construction(bundle_dir):
    bundle = _with_rule(bundle_dir, "deny contains x if { x := 1 + }\n")

    with pytest.raises(PolicyError, match="does not compile"):
        EmbeddedEngine(bundle)
