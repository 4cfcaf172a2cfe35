"""The facts the legal rules need, as the pipeline writes them into the policy input."""

from __future__ import annotations

from fakes import case_from, request_with

from decisions.policy_input import RightsStatus, policy_input
from decisions.situation import situate
from decisions.strategy import load_ladder, propose

LADDER = load_ladder()
RISK = {"profiling": True, "p_late": 0.1, "band": "medium", "uncertainty": 0.02}


def _input(global_stop: bool = False, rights: RightsStatus = RightsStatus(), **changes):
    situation = situate(case_from(request_with(**changes)))
    candidates = propose(situation, band="medium", ladder=LADDER).candidates
    return policy_input(situation, candidates, risk=RISK, global_stop=global_stop, rights=rights)


def test_dates_are_local_with_their_distance_from_today() -> None:
    document = _input()
    case = document["case"]
    assert case["today"] == "2026-11-22"
    assert case["history"]["dunning"][0] == {"date": "2026-11-08", "age_days": 14,
                                                  "kind": "reminder", "level": 1, "channel": "email", "notices": []}
    assert case["history"]["contacts"][0]["date"] == "2026-11-20" and case["history"]["contacts"][0]["age_days"] == 2
    email = document["candidates"][0]
    assert email["send_at_local"] == {"date": "2026-11-23", "days_ahead": 1}


def test_the_gate_sees_only_what_rules_read() -> None:
    """(Data minimisation, and every value costs the engine time to read: the template, tone,
    notices to print and the exact send time are the pipeline's business, not the gate's.)"""
    document = _input()
    assert set(document["candidates"][0]) == {"id", "kind", "level", "channel", "communication", "profiling",
                                              "legal_action_threat", "send_at_local", "fees"}
    assert "at" not in document["case"]["history"]["dunning"][0]


def test_the_later_workflows_facts_start_at_the_strict_value() -> None:
    case = _input()["case"]
    assert case["debtor"]["compelling_grounds_documented"] is False
    assert case["debtor"]["processing_restricted"] is False
    assert case["invoice"]["human_review_completed"] is False
    reviewed = _input(rights=RightsStatus(human_review_completed=True))["case"]
    assert reviewed["invoice"]["human_review_completed"] is True


def test_the_stop_switch_and_request_facts_reach_the_policy() -> None:
    case = _input(global_stop=True, **{
        "invoice.due_date_agreed": True, "invoice.default_notice_in_invoice": True,
        "debtor.flags.mental_health_crisis_moratorium": True, "debtor.flags.financial_difficulty": True,
    })["case"]
    assert case["controls"] == {"global_stop": True}
    assert case["invoice"]["due_date_agreed"] is True and case["invoice"]["default_notice_in_invoice"] is True
    assert case["debtor"]["flags"]["mental_health_crisis_moratorium"] is True
    assert case["debtor"]["flags"]["financial_difficulty"] is True


def test_other_time_zones_become_offsets_from_the_debtors_own() -> None:
    from service.schemas import DecisionRequestSchema

    request = request_with(**{"debtor.jurisdiction": "US-TX", "debtor.timezone": "America/Chicago",
                              "invoice.currency": "USD"})
    request["debtor"]["other_timezones"] = ["America/Denver", "America/New_York", "America/Chicago"]
    situation = situate(DecisionRequestSchema().load(request))
    document = policy_input(situation, propose(situation, band="medium", ladder=LADDER).candidates, risk=RISK)

    assert document["case"]["debtor"]["timezone_offsets_minutes"] == [-60, 0, 60]


def test_candidates_say_whether_they_threaten_court_action() -> None:
    document = _input(**{"history.dunning": [
        {"at": "2026-10-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
        "invoice.due_on": "2026-10-01"})
    finals = [c for c in document["candidates"] if c["kind"] == "final_notice"]
    assert [c["legal_action_threat"] for c in finals] == [True, True, False, False]
