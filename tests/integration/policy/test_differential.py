"""Differential test of the engines: more than 10,000 generated policy inputs, each evaluated by
the real OPA in-process (the reference; one query per case and many cases per query), by regopy
and by an OPA server over HTTP (the loopback server, evaluating with the real OPA). Every engine
must give the same verdicts (allow, denied rule ids with their citations and messages,
obligations with their parameters) or refuse the same inputs.

The inputs come from ``generated_inputs``: hypothesis over the portfolio generator, pushed
towards the edges (every jurisdiction and creditor role, DST changes in both hemispheres, leap
days, year ends, empty histories, missing optional fields). derandomize=True makes the run
reproducible; a disagreement is shrunk to the smallest batch and printed with its input.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from integration.policy.generated_inputs import PLACES, UK_NATIONS, policy_input_of, scenarios
from integration.policy.opa_rest_server import opa_rest_server

from decisions.policy import OpaEmbeddedEngine, OpaServerEngine, PolicyError, RegopyEngine, load_bundle

BUNDLE = load_bundle()
BATCH, EXAMPLES = 25, 420          # 10,500 scenarios; a few become invalid requests and are skipped
MINIMUM = 10_000
COMPARED: list[int] = []
SEEN: set[tuple[str, str]] = set()      # (effect, rule) in the reference's verdicts


@pytest.fixture(scope="module")
def engines():
    with opa_rest_server() as server:
        remote = OpaServerEngine(BUNDLE, server.url, timeout=30)
        yield OpaEmbeddedEngine(BUNDLE), {"regopy": RegopyEngine(BUNDLE), "opa-server": remote}
        remote.close()


def _verdicts(answer):
    """What must agree: the verdicts, or the refusal (engines word their errors differently)."""
    if isinstance(answer, PolicyError):
        return "refused"
    return {cid: v.to_dict() for cid, v in answer.verdicts.items()}


def _compare(engines, inputs):
    reference, others = engines
    batched = reference.evaluate_many(inputs)
    expected = [_verdicts(_single(reference, i)) for i in inputs]
    for verdicts in expected:
        if verdicts != "refused":
            SEEN.update(("deny", d["rule"]) for v in verdicts.values() for d in v["deny"])
            SEEN.update((o["kind"], o["rule"]) for v in verdicts.values() for o in v["obligations"])
    assert [_verdicts(a) for a in batched] == expected, "opa-embedded: one query per case and batched differ"
    for name, engine in others.items():
        for policy_input, answer, want in zip(inputs, engine.evaluate_many(inputs), expected, strict=True):
            assert _verdicts(answer) == want, f"{name} disagrees with OPA on {json.dumps(policy_input)}"


def _single(engine, policy_input):
    try:
        return engine.evaluate(policy_input)
    except PolicyError as exc:
        return exc


# No shrinking: the failure message names the engine and the whole input that disagrees.
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])
@given(batch=st.lists(scenarios(), min_size=BATCH, max_size=BATCH))
def test_every_engine_gives_the_same_verdicts(engines, batch):
    inputs = [i for i in map(policy_input_of, batch) if i is not None]
    _compare(engines, inputs)
    COMPARED.append(len(inputs))


@pytest.mark.parametrize(("role", "kind"), list(itertools.product(("first_party", "debt_collector"),
                                                                    ("consumer", "business"))))
def test_every_place_creditor_role_and_debtor_kind_agree(engines, role, kind):
    from datetime import UTC, datetime

    from decisions.policy_input import RightsStatus
    from decisions.portfolio import generate_portfolio

    inputs = []
    for n, place in enumerate(PLACES):
        request = next(generate_portfolio(1, seed=n, as_of=datetime(2026, 11, 22, 9, tzinfo=UTC)))
        request["debtor"].update(jurisdiction=place, kind=kind)
        request["creditor"] = {"role": role}
        document = policy_input_of({"request": request, "rights": RightsStatus(), "profiling": True,
                                    "global_stop": False, "remove": [], "null": []})
        assert document is not None, place
        inputs.append(document)

    _compare(engines, inputs)
    COMPARED.append(len(inputs))


@pytest.mark.parametrize("role", ("first_party", "debt_collector"))
def test_limitation_by_uk_nation_and_the_baseline_agree(engines, role):
    """GB debtors of every UK nation (and of none) with claims either side of five and six years,
    and places under the baseline with several possible time zones; every message announces
    court action, so the limitation and baseline rules decide."""
    from datetime import UTC, datetime

    from decisions.policy_input import RightsStatus
    from decisions.portfolio import generate_portfolio

    places = [("GB", nation) for nation in UK_NATIONS] + [("GB-SCT", None), ("GB-NIR", "northern_ireland")]
    places += [(place, None) for place in ("FR", "US-TX", "US-MA", "US-WA", "US-NY", "DE")]
    inputs = []
    for n, ((place, nation), due_on) in enumerate(itertools.product(places, ("2020-11-21", "2021-11-21", "2021-11-22"))):
        request = next(generate_portfolio(1, seed=n, as_of=datetime(2026, 11, 22, 9, tzinfo=UTC)))
        request["debtor"].update(jurisdiction=place, other_timezones=["America/New_York", "Asia/Tokyo"][: n % 3])
        if nation is not None:
            request["debtor"]["uk_nation"] = nation
        request["invoice"].update(issued_on="2020-01-01", due_on=due_on)
        request["creditor"] = {"role": role}
        document = policy_input_of({"request": request, "rights": RightsStatus(), "profiling": True,
                                    "global_stop": False, "remove": [], "null": []})
        assert document is not None, (place, nation)
        for candidate in document["candidates"]:
            candidate["legal_action_threat"] = candidate["communication"]
        inputs.append(document)

    _compare(engines, inputs)
    COMPARED.append(len(inputs))


REGF_RULES = ("US-REGF-1006.34-a", "US-REGF-1006.38-b", "US-REGF-1006.18-e", "US-REGF-1006.6-b2",
              "US-REGF-1006.6-b1-i", "US-REGF-1006.22-f3")


def test_regulation_f_facts_agree_and_reach_every_rule(engines):
    """US debt collectors and their consumers with each Regulation F fact on and off (attorney,
    inconvenient times and the workplace, a work e-mail, the validation notice's day before, inside
    and after the validation period, or none): every engine agrees, and each rule fires."""
    from datetime import UTC, datetime

    from integration.policy.generated_inputs import INCONVENIENT_RANGES, VALIDATION_SENT

    from decisions.policy_input import RightsStatus
    from decisions.portfolio import generate_portfolio

    inputs, seen = [], set()
    for n, (sent_on, times) in enumerate(itertools.product((None, *VALIDATION_SENT), ([], list(INCONVENIENT_RANGES)))):
        request = next(generate_portfolio(1, seed=n, as_of=datetime(2026, 11, 22, 14, tzinfo=UTC)))
        request["debtor"].update(jurisdiction="US-NY", kind="consumer", timezone="America/New_York",
                                 represented_by_attorney=n % 7 == 0, inconvenient_times=times,
                                 inconvenient_places=["work"] if n % 5 == 0 else [],
                                 email_is_work=n % 3 == 0, work_email_permitted=n % 6 == 0,
                                 consents={"email": True, "sms": True, "phone": True, "letter": True})
        request["invoice"].update(currency="USD", validation_notice_sent_on=sent_on, issued_on="2026-09-01",
                                  due_on="2026-10-01")
        if n % 2 == 0:
            request["history"].update(dunning=[], contacts=[])
        request["creditor"] = {"role": "debt_collector"}
        document = policy_input_of({"request": request, "rights": RightsStatus(), "profiling": True,
                                    "global_stop": False, "remove": [], "null": []})
        assert document is not None, n
        if n % 4 == 0:
            for candidate in document["candidates"]:
                candidate["legal_action_threat"] = candidate["communication"]
        inputs.append(document)
        verdicts = engines[0].evaluate(document).verdicts.values()
        seen |= {d.rule for v in verdicts for d in v.deny} | {o.rule for v in verdicts for o in v.obligations}

    _compare(engines, inputs)
    COMPARED.append(len(inputs))
    assert set(REGF_RULES) <= seen, set(REGF_RULES) - seen


def test_the_engines_were_compared_on_at_least_ten_thousand_inputs():
    """(Runs after the tests above, in file order.)"""
    assert sum(COMPARED) >= MINIMUM, COMPARED


def test_the_generated_inputs_reach_both_sides_of_the_contact_hours():
    """Messages planned inside and outside the statutory hours of some zone were both compared
    (issue 17: the planned time in every zone the debtor may be in)."""
    for rule in ("US-REGF-1006.6-b1", "US-CA-CIV-1788.17"):
        assert ("deny", rule) in SEEN and ("send_window", rule) in SEEN, rule


def test_the_generated_inputs_reach_both_sides_of_the_new_york_collector_rules():
    """A pending request for substantiation was refused and an answered one let through; the New
    York disclosures were obliged (23 NYCRR 1.2(a), 1.3(b), 1.4(b))."""
    assert ("deny", "US-NY-23NYCRR-1.4-b") in SEEN
    assert ("notice", "US-NY-23NYCRR-1.2-a") in SEEN and ("notice", "US-NY-23NYCRR-1.3-b") in SEEN
