"""Contact hours across daylight-saving changes and the year end, on the real OPA and on regopy.

Regulation F (12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2) and the Rosenthal Act (Cal. Civ.
Code § 1788.17) want 8 a.m. to 9 p.m. in every time zone the debtor may be in. Each scenario is
decided on a Saturday evening (or New Year's Eve) before a DST change in one of the zones, so the
message goes out after it. Allowed side: the pipeline plans the message inside the hours of every
zone at the send instant and the gate lets it through. Refused side: the instant that the
offsets of the decision day would have given (the earlier design) lies outside the hours in one
zone, and the gate refuses a candidate planned then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes import FakeModel, case_from, request_with

from decisions.pipeline import DecisionContext, evaluate
from decisions.policy import OpaEmbeddedEngine, RegopyEngine, load_bundle
from decisions.policy_input import send_at_local
from decisions.sendtime import NoSendTime, Window, earliest_send_time
from decisions.strategy import load_ladder

BUNDLE = load_bundle()
LADDER = load_ladder()
HOURS = Window.parse("08:00", "21:00")
REG_F = "US-REGF-1006.6-b1"
ROSENTHAL = "US-CA-CIV-1788.17"

# name: (as_of, jurisdiction, creditor role, own zone, other zones, the rule whose hours apply)
SCENARIOS = {
    # US spring forward, Sun 8 Mar 2026: Phoenix stays on MST, 3 hours behind New York after it.
    "us_spring_forward_new_york_phoenix": ("2026-03-08T01:00:00Z", "US-NY", "debt_collector",
                                           "America/New_York", ["America/Phoenix"], REG_F),
    # EU spring forward, Sun 29 Mar 2026, three weeks after the US one: Berlin and London move,
    # New York is 6 hours behind Berlin again on the Monday.
    "eu_spring_forward_berlin_london_new_york": ("2026-03-28T19:00:00Z", "US-NY", "debt_collector",
                                                 "Europe/Berlin", ["Europe/London", "America/New_York"], REG_F),
    # US fall back, Sun 1 Nov 2026, a week after the EU one: New York 5 hours behind London again.
    "us_fall_back_london_new_york": ("2026-10-31T19:00:00Z", "US-NY", "debt_collector",
                                     "Europe/London", ["America/New_York"], REG_F),
    # Southern spring, Sun 6 Sep 2026: Chile moves to summer time, Los Angeles does not.
    "southern_spring_santiago_los_angeles": ("2026-09-05T23:00:00Z", "US-CA", "first_party",
                                             "America/Santiago", ["America/Los_Angeles"], ROSENTHAL),
    # Southern autumn, Sun 5 Apr 2026: Sydney leaves summer time, 17 hours ahead of Los Angeles.
    "southern_autumn_los_angeles_sydney": ("2026-04-04T02:00:00Z", "US-CA", "debt_collector",
                                           "America/Los_Angeles", ["Australia/Sydney"], REG_F),
    # The year end: New Year's Eve in New York, New Year's Day in Auckland (summer time there).
    "year_end_new_york_auckland": ("2026-12-31T23:30:00Z", "US-NY", "debt_collector",
                                   "America/New_York", ["Pacific/Auckland"], REG_F),
}


@pytest.fixture(scope="module", params=["opa-embedded", "regopy"])
def engine(request):
    return {"opa-embedded": OpaEmbeddedEngine, "regopy": RegopyEngine}[request.param](BUNDLE)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _case(name: str):
    as_of, jurisdiction, role, own, others, _ = SCENARIOS[name]
    start = _utc(as_of)
    request = request_with(**{
        "as_of": as_of, "debtor.jurisdiction": jurisdiction, "debtor.timezone": own, "invoice.currency": "USD",
        "invoice.issued_on": (start - timedelta(days=60)).date().isoformat(),
        "invoice.due_on": (start - timedelta(days=30)).date().isoformat(),
        "history.dunning": [], "history.contacts": [], "creditor": {"role": role}})
    request["debtor"]["other_timezones"] = others
    return case_from(request)


def _zones(name: str) -> tuple[str, ...]:
    _, _, _, own, others, _ = SCENARIOS[name]
    return (own, *others)


def _hours_hold(moment: datetime, zones: tuple[str, ...]) -> bool:
    return all(HOURS.holds_at(moment.astimezone(ZoneInfo(z))) for z in zones)


def _decided_day_offsets(name: str) -> datetime:
    """The send time of the earlier design: each zone's 08:00 to 21:00 shifted into the own zone
    by its offset at the decision instant (clipped to the own day, as the rule did), intersected
    with the ladder's hours, planned in the own zone. Where those windows did not meet (zones
    more than 13 hours apart, which that design refused outright), the ladder's hours in the own
    zone alone: a plan that ignores the other zone."""
    as_of = _utc(SCENARIOS[name][0])
    own, *others = _zones(name)
    windows = [LADDER.send_window, HOURS]
    for other in others:
        offset = (as_of.astimezone(ZoneInfo(other)).utcoffset()
                  - as_of.astimezone(ZoneInfo(own)).utcoffset()) // timedelta(minutes=1)
        start, end = max(8 * 60 - offset, 0), min(21 * 60 - offset, 23 * 60 + 59)
        windows.append(Window.parse(f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"))
    try:
        return earliest_send_time(as_of, own, windows)
    except NoSendTime:
        return earliest_send_time(as_of, own, [LADDER.send_window])


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_planned_message_keeps_the_hours_in_every_zone_at_the_send_instant(engine, name):
    case = _case(name)
    context = DecisionContext(model=FakeModel(), policy=engine, ladder=LADDER)
    decision = evaluate(case, decision_id="d", context=context)
    assert decision.status in ("decided", "needs_review"), decision.hold
    action = decision.action
    assert action.channel in ("email", "sms", "phone"), action
    assert action.send_at > case.as_of
    assert _hours_hold(action.send_at, _zones(name)), [action.send_at.astimezone(ZoneInfo(z)) for z in _zones(name)]
    rule = SCENARIOS[name][5]
    assert any(o["rule"] == rule and o["obligation"] == "send_window" for o in decision.explanation["policy"])
    # the input told the gate the same clocks, read at the send instant
    candidate = next(c for c in decision.policy_input["candidates"] if c["channel"] == action.channel)
    assert [(z["timezone"], z["hour"], z["minute"]) for z in candidate["send_at_local"]["zones"]] == [
        (z, action.send_at.astimezone(ZoneInfo(z)).hour, action.send_at.astimezone(ZoneInfo(z)).minute)
        for z in _zones(name)]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_message_planned_by_the_decision_days_offsets_is_refused(engine, name):
    case = _case(name)
    context = DecisionContext(model=FakeModel(), policy=engine, ladder=LADDER)
    document = evaluate(case, decision_id="d", context=context).policy_input
    old = _decided_day_offsets(name)
    assert not _hours_hold(old, _zones(name)), "the scenario does not show the DST problem"
    zones = tuple(ZoneInfo(z) for z in _zones(name))
    today = datetime.fromisoformat(document["case"]["today"]).date()
    messages = [c for c in document["candidates"] if c["channel"] in ("email", "sms", "phone")]
    for c in messages:
        c["send_at_local"] = send_at_local(old, zones, today)
    verdicts = engine.evaluate(document).verdicts
    rule = SCENARIOS[name][5]
    for c in messages:
        assert not verdicts[c["id"]].allow
        assert rule in {d.rule for d in verdicts[c["id"]].deny}
