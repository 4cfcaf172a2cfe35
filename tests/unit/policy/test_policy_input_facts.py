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
    assert email["send_at_local"] == {"date": "2026-11-23", "days_ahead": 1,
                                      "zones": [{"timezone": "Europe/Berlin", "hour": 9, "minute": 0}]}


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


def _us_input(as_of: str, timezone: str, others: list[str]) -> dict:
    from service.schemas import DecisionRequestSchema

    request = request_with(**{"debtor.jurisdiction": "US-NY", "debtor.timezone": timezone,
                              "invoice.currency": "USD", "as_of": as_of, "history.dunning": [], "history.contacts": [],
                              "invoice.issued_on": "2026-01-02", "invoice.due_on": "2026-02-01"})
    request["debtor"]["other_timezones"] = others
    situation = situate(DecisionRequestSchema().load(request))
    return policy_input(situation, propose(situation, band="medium", ladder=LADDER).candidates, risk=RISK)


def test_each_candidate_carries_its_send_time_in_every_zone_read_at_the_send_instant() -> None:
    """Decided on the Saturday before the US spring-forward, sent on the Monday after it: the
    zones' clocks are those of the Monday (New York on daylight time, Phoenix not: 3 hours)."""
    document = _us_input("2026-03-08T01:00:00Z", "America/New_York",
                         ["America/Phoenix", "America/New_York", "America/Phoenix"])
    assert "timezone_offsets_minutes" not in document["case"]["debtor"]
    email = document["candidates"][0]
    assert email["send_at_local"] == {"date": "2026-03-09", "days_ahead": 2, "zones": [
        {"timezone": "America/New_York", "hour": 12, "minute": 0},
        {"timezone": "America/Phoenix", "hour": 9, "minute": 0}]}
    assert document["candidates"][-1]["send_at_local"] is None      # waiting sends nothing


def test_the_southern_hemisphere_and_the_year_end_are_read_the_same_way() -> None:
    # Decided on New Year's Eve in Sydney (summer time), sent on the first ladder day of 2027
    document = _us_input("2026-12-31T08:00:00Z", "Australia/Sydney", ["Pacific/Auckland"])
    assert document["candidates"][0]["send_at_local"] == {"date": "2027-01-01", "days_ahead": 1, "zones": [
        {"timezone": "Australia/Sydney", "hour": 9, "minute": 0},
        {"timezone": "Pacific/Auckland", "hour": 11, "minute": 0}]}


def test_candidates_say_whether_they_threaten_court_action() -> None:
    document = _input(**{"history.dunning": [
        {"at": "2026-10-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
        "invoice.due_on": "2026-10-01"})
    finals = [c for c in document["candidates"] if c["kind"] == "final_notice"]
    assert [c["legal_action_threat"] for c in finals] == [True, True, False, False]
