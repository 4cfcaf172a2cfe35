from decimal import Decimal

import pytest
from fakes import case_from, request_with

from decisions.situation import situate
from decisions.strategy import band_of, load_ladder, propose

LADDER = load_ladder()


def proposal(band: str | None, **changes: object):
    return propose(situate(case_from(request_with(**changes))), band=band, ladder=LADDER)


def shapes(p) -> list[tuple]:
    return [(c.kind, c.level, c.channel, c.tone) for c in p.candidates]


def test_second_reminder_over_every_channel_in_order_of_preference_then_wait() -> None:
    p = proposal("medium")
    assert p.rationale == "next_level"
    assert shapes(p) == [("reminder", 2, "email", "neutral"), ("reminder", 2, "letter", "neutral"),
                         ("reminder", 2, "sms", "neutral"), ("reminder", 2, "phone", "neutral"),
                         ("none", None, None, None)]
    assert [c.id for c in p.candidates] == ["c0", "c1", "c2", "c3", "c4"]


def test_german_dunning_fee_from_the_second_reminder_with_its_basis() -> None:
    first = proposal("medium", **{"history.dunning": []})
    assert first.candidates[0].level == 1 and first.candidates[0].fees == ()
    fee = proposal("medium").candidates[0].fees[0]
    assert (fee.kind, fee.amount, fee.currency) == ("dunning_fee", Decimal("2.50"), "EUR")
    assert "BGB" in fee.basis
    assert proposal("medium", **{"debtor.jurisdiction": "FR", "debtor.timezone": "Europe/Paris"}
                    ).candidates[0].fees == ()


def test_high_risk_consumers_are_offered_a_payment_plan_first() -> None:
    kinds = [c.kind for c in proposal("high").candidates]
    assert kinds[:2] == ["payment_plan_offer", "payment_plan_offer"]
    assert kinds[2:] == ["reminder"] * 4 + ["none"]
    assert proposal("high").candidates[0].tone == "gentle"
    business = proposal("high", **{"debtor.kind": "business"})
    assert "payment_plan_offer" not in [c.kind for c in business.candidates]


def test_too_soon_after_the_last_notice_waits_and_says_until_when() -> None:
    p = proposal("medium", **{"history.dunning": [
        {"at": "2026-11-20T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"}]})
    assert shapes(p) == [("none", None, None, None)]
    assert p.rationale == "wait"
    assert p.next_step_on.isoformat() == "2026-11-30"


def test_levels_are_climbed_one_at_a_time() -> None:
    p = proposal("medium", **{"history.dunning": [], "invoice.due_on": "2026-10-05"})
    assert {c.level for c in p.candidates if c.kind != "none"} == {1}


@pytest.mark.parametrize("band, expected", [("high", "pre_due_reminder"), ("medium", None), (None, None)])
def test_pre_due_reminders_only_for_high_risk_with_profiling(band: str | None, expected: str | None) -> None:
    p = proposal(band, **{"history.dunning": [], "invoice.due_on": "2026-11-25"})
    first = p.candidates[0]
    assert (first.kind if first.kind != "none" else None) == expected


def test_without_profiling_the_tone_is_neutral_and_plans_wait_for_the_final_notice() -> None:
    level2 = proposal(None)
    assert {c.tone for c in level2.candidates if c.channel} == {"neutral"}
    assert "payment_plan_offer" not in [c.kind for c in level2.candidates]
    assert all(not c.profiling for c in level2.candidates)
    level3 = proposal(None, **{"history.dunning": [
        {"at": "2026-11-01T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"},
        {"at": "2026-11-11T09:00:00Z", "kind": "reminder", "level": 2, "channel": "email"}],
        "invoice.due_on": "2026-10-20"})
    assert [c.kind for c in level3.candidates][:2] == ["payment_plan_offer", "payment_plan_offer"]
    # a plan offer threatens nothing, so it has no variant without the threat (its level's notice has)
    assert {c.template for c in level3.candidates[:2]} == {"payment_plan_offer.l3.gentle.de"}


_DUNNED = [{"at": "2026-10-01T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"},
           {"at": "2026-10-15T09:00:00Z", "kind": "reminder", "level": 2, "channel": "email"},
           {"at": "2026-11-01T09:00:00Z", "kind": "final_notice", "level": 3, "channel": "letter"}]


@pytest.mark.parametrize("reached", range(4))
@pytest.mark.parametrize("band", [None, "low", "medium", "high"])
@pytest.mark.parametrize("kind", ["consumer", "business"])
@pytest.mark.parametrize("language", ["de", "en", "fr"])
def test_every_template_the_strategy_names_is_one_the_message_templates_cover(reached, band, kind, language) -> None:
    """propose() itself, not a model of it: each message it may choose names a template that
    decisions.messages covers (a missing one holds the decision: message_error)."""
    from decisions.messages.coverage import ladder_template_ids

    p = proposal(band, **{"history.dunning": _DUNNED[:reached], "invoice.issued_on": "2026-08-01",
                          "invoice.due_on": "2026-09-01", "debtor.kind": kind, "debtor.language": language})
    named = {c.template for c in p.candidates if c.channel}
    assert named or reached == 3, shapes(p)   # level 4 writes nothing, unless a plan is offered first
    assert named <= ladder_template_ids(LADDER)


def test_escalations_after_the_final_notice_have_no_channel_and_a_firm_tone() -> None:
    p = proposal("low", **{"history.dunning": [
        {"at": "2026-10-01T09:00:00Z", "kind": "final_notice", "level": 3, "channel": "letter"}],
        "invoice.due_on": "2026-09-01", "invoice.issued_on": "2026-08-01"})
    assert shapes(p) == [("collection_handover", 4, None, None), ("credit_bureau_report", 4, None, None),
                         ("none", None, None, None)]
    assert all(c.send_at is None for c in p.candidates)


def test_settled_and_exhausted_claims_get_no_candidates_but_waiting() -> None:
    assert proposal("medium", **{"invoice.open_amount": "0.00"}).rationale == "settled"
    exhausted = proposal("medium", **{"history.dunning": [
        {"at": "2026-10-01T09:00:00Z", "kind": "reminder", "level": 4, "channel": None}]})
    assert exhausted.rationale == "ladder_exhausted"
    assert shapes(exhausted) == [("none", None, None, None)]


def test_tone_follows_the_band_but_never_below_the_levels_floor() -> None:
    assert proposal("low").candidates[0].tone == "gentle"
    assert proposal("high", **{"debtor.kind": "business"}).candidates[0].tone == "firm"
    final = proposal("low", **{"history.dunning": [
        {"at": "2026-11-01T09:00:00Z", "kind": "reminder", "level": 2, "channel": "email"}],
        "invoice.due_on": "2026-10-20"})
    assert (final.candidates[0].kind, final.candidates[0].tone) == ("final_notice", "neutral")


def test_bands_follow_the_models_cut_offs_not_the_ladder() -> None:
    # the ladder names the bands and what they change; the probabilities are the approved model's
    assert "risk_bands" not in LADDER.data
    cutoffs = {"medium": 0.29, "high": 0.43}
    assert band_of(0.29 - 1e-9, cutoffs) == "low"
    assert band_of(0.29, cutoffs) == "medium"
    assert band_of(0.43, cutoffs) == "high"


def test_send_time_is_inside_business_hours_in_the_debtors_zone() -> None:
    # as_of 2026-11-22 is a Sunday: the ladder does not send on Sundays.
    c = proposal("medium").candidates[0]
    assert c.send_at.isoformat() == "2026-11-23T08:00:00+00:00"  # Monday 09:00 Berlin
