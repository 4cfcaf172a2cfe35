"""parse_decision: the one validation both engines' raw output goes through (fail closed)."""

import copy

import pytest

from decisions.policy import (
    OBLIGATION_KINDS,
    CandidateVerdict,
    Denial,
    Obligation,
    PolicyError,
    candidate_ids_of,
    parse_decision,
)

IDS = ("c0", "c1")

CONSENT = {"rule": "FD-CONSENT-CHANNEL", "message": "no consent on record for channel sms",
           "citation": "GDPR Art. 6(1)(a), Art. 7(3)"}
WINDOW = {"kind": "send_window", "rule": "US-REGF-1006.6-b1", "citation": "12 CFR 1006.6(b)(1)(i)",
          "params": {"not_before": "08:00", "not_after": "21:00"}}
REVIEW = {"kind": "human_review", "rule": "EU-GDPR-22", "citation": "GDPR Art. 22(1), (3)",
          "params": {"reason": "significant_effect"}}


def raw_decision():
    return copy.deepcopy({"candidates": {
        "c0": {"allow": True, "deny": [], "obligations": [WINDOW, REVIEW]},
        "c1": {"allow": False, "deny": [CONSENT], "obligations": []},
    }})


def test_a_complete_decision_becomes_typed_verdicts_in_input_order():
    outcome = parse_decision(raw_decision(), IDS)

    assert list(outcome.verdicts) == ["c0", "c1"]
    assert outcome.verdicts["c1"] == CandidateVerdict(
        allow=False, deny=(Denial(**CONSENT),), obligations=())
    assert outcome.verdicts["c0"].allow is True
    assert {o.kind for o in outcome.verdicts["c0"].obligations} == {"send_window", "human_review"}
    assert outcome.verdicts["c0"].obligations[1] == Obligation(**WINDOW)


def test_entry_order_and_duplicates_do_not_change_the_outcome():
    shuffled = raw_decision()
    shuffled["candidates"]["c0"]["obligations"] = [REVIEW, WINDOW, copy.deepcopy(REVIEW)]

    assert parse_decision(shuffled, IDS) == parse_decision(raw_decision(), IDS)


def test_to_dict_round_trips_through_parse_decision():
    outcome = parse_decision(raw_decision(), IDS)

    assert parse_decision(outcome.to_dict(), IDS) == outcome


def test_the_known_obligation_kinds():
    assert {"send_window", "fee_cap", "notice", "human_review"} == OBLIGATION_KINDS


def _broken(mutate):
    raw = raw_decision()
    mutate(raw)
    return raw


@pytest.mark.parametrize(("raw", "reason"), [
    (None, "undefined"),
    ([], "undefined or not an object"),
    ({}, "decision.candidates must be an object"),
    ({"candidates": []}, "decision.candidates must be an object"),
    (_broken(lambda r: r["candidates"].pop("c1")), "no verdict for candidate(s) 'c1'"),
    (_broken(lambda r: r["candidates"].update(c9=r["candidates"]["c0"])), "unknown candidate(s) 'c9'"),
    (_broken(lambda r: r["candidates"].update(c0="allow")), "verdict for candidate 'c0' is not an object"),
    (_broken(lambda r: r["candidates"]["c0"].update(allow=1)), "allow must be a boolean"),
    (_broken(lambda r: r["candidates"]["c0"].update(allow="true")), "allow must be a boolean"),
    (_broken(lambda r: r["candidates"]["c0"].pop("allow")), "allow must be a boolean"),
    (_broken(lambda r: r["candidates"]["c0"].update(deny={})), "deny and obligations must be arrays"),
    (_broken(lambda r: r["candidates"]["c0"].pop("obligations")), "deny and obligations must be arrays"),
    (_broken(lambda r: r["candidates"]["c0"].update(deny=[CONSENT])), "allows and denies at once"),
    (_broken(lambda r: r["candidates"]["c1"].update(deny=[])), "denies without a deny entry"),
    (_broken(lambda r: r["candidates"]["c1"].update(deny=["no"])), "deny[0] is not an object"),
    (_broken(lambda r: r["candidates"]["c1"]["deny"][0].pop("citation")), "deny[0].citation must be a non-empty string"),
    (_broken(lambda r: r["candidates"]["c1"]["deny"][0].update(rule=" ")), "deny[0].rule must be a non-empty string"),
    (_broken(lambda r: r["candidates"]["c1"]["deny"][0].update(message=7)), "deny[0].message must be a non-empty string"),
    (_broken(lambda r: r["candidates"]["c0"]["obligations"][0].update(kind="teleport")), "unknown obligation kind 'teleport'"),
    (_broken(lambda r: r["candidates"]["c0"]["obligations"][0].pop("kind")), "unknown obligation kind None"),
    (_broken(lambda r: r["candidates"]["c0"]["obligations"][0].pop("rule")), "obligations[0].rule must be a non-empty string"),
    (_broken(lambda r: r["candidates"]["c0"]["obligations"][0].update(params=[])), "obligations[0].params must be an object"),
    (_broken(lambda r: r["candidates"]["c0"]["obligations"].append("x")), "obligations[2] is not an object"),
])
def test_anything_but_a_complete_well_formed_answer_fails_closed(raw, reason):
    with pytest.raises(PolicyError) as caught:
        parse_decision(raw, IDS)
    assert reason in caught.value.reason
    assert str(caught.value) == caught.value.reason


def _obligation(kind, params):
    return {"candidates": {"c0": {"allow": True, "deny": [], "obligations": [
        {"kind": kind, "rule": "R", "citation": "C", "params": params}]}}}


@pytest.mark.parametrize(("kind", "params"), [
    ("send_window", {"not_before": "08:00", "not_after": "21:00"}),
    ("send_window", {"not_before": "00:00", "not_after": "23:59"}),
    ("send_window", {"not_before": "09:00", "not_after": "18:00", "weekdays": [1, 2, 3, 4, 5]}),
    ("fee_cap", {"amount_minor": 0, "currency": "EUR"}),
    ("fee_cap", {"amount_minor": 4000, "currency": "GBP"}),
    ("notice", {"notice": "us_validation_notice"}),
    ("human_review", {"reason": "uncertain_score"}),
])
def test_well_formed_obligation_parameters_pass(kind, params):
    verdict = parse_decision(_obligation(kind, params), ("c0",)).verdicts["c0"]

    assert verdict.obligations == (Obligation(kind=kind, rule="R", citation="C", params=params),)


@pytest.mark.parametrize(("kind", "params", "reason"), [
    ("send_window", {"not_before": "8:00", "not_after": "21:00"}, "send_window.not_before"),
    ("send_window", {"not_before": "08:00"}, "send_window.not_after"),
    ("send_window", {"not_before": "25:00", "not_after": "26:00"}, "send_window.not_before"),
    ("send_window", {"not_before": "21:00", "not_after": "08:00"}, "earlier than not_after"),
    ("send_window", {"not_before": "08:00", "not_after": "24:00"}, "send_window.not_after"),
    ("send_window", {"not_before": "08:00", "not_after": "21:00", "weekdays": []}, "send_window.weekdays"),
    ("send_window", {"not_before": "08:00", "not_after": "21:00", "weekdays": [0, 8]}, "send_window.weekdays"),
    ("send_window", {"not_before": "08:00", "not_after": "21:00", "weekdays": "Mon-Fri"}, "send_window.weekdays"),
    ("fee_cap", {"amount_minor": -1, "currency": "EUR"}, "fee_cap.amount_minor"),
    ("fee_cap", {"amount_minor": 2.5, "currency": "EUR"}, "fee_cap.amount_minor"),
    ("fee_cap", {"amount_minor": True, "currency": "EUR"}, "fee_cap.amount_minor"),
    ("fee_cap", {"amount_minor": 250, "currency": "euro"}, "fee_cap.currency"),
    ("notice", {"notice": ""}, "notice.notice"),
    ("human_review", {}, "human_review.reason"),
])
def test_malformed_obligation_parameters_fail_closed(kind, params, reason):
    with pytest.raises(PolicyError) as caught:
        parse_decision(_obligation(kind, params), ("c0",))
    assert reason in caught.value.reason


@pytest.mark.parametrize(("policy_input", "reason"), [
    ([], "policy input must be an object"),
    ({}, "input.candidates must be an array"),
    ({"candidates": "c0"}, "input.candidates must be an array"),
    ({"candidates": [{"kind": "none"}]}, "candidates[0] has no string id"),
    ({"candidates": [{"id": 3}]}, "candidates[0] has no string id"),
    ({"candidates": [{"id": ""}]}, "candidates[0] has no string id"),
    ({"candidates": ["c0"]}, "candidates[0] has no string id"),
    ({"candidates": [{"id": "c0"}, {"id": "c0"}]}, "two candidates with id 'c0'"),
])
def test_inputs_whose_candidates_cannot_be_answered_by_id_fail_closed(policy_input, reason):
    with pytest.raises(PolicyError) as caught:
        candidate_ids_of(policy_input)
    assert reason in caught.value.reason


def test_candidate_ids_keep_the_input_order():
    assert candidate_ids_of({"candidates": [{"id": "c3"}, {"id": "c0"}]}) == ("c3", "c0")
