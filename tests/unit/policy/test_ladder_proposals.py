"""What the ladder proposes for the legal rules to check or cap."""

from __future__ import annotations

from decimal import Decimal

from fakes import case_from, request_with

from decisions.situation import situate
from decisions.strategy import load_ladder, propose

LADDER = load_ladder()
FINAL_NOTICE_DUE = {"history.dunning": [{"at": "2026-10-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"}],
                    "invoice.due_on": "2026-10-01"}


def _proposal(band: str | None = "medium", **changes):
    return propose(situate(case_from(request_with(**changes))), band=band, ladder=LADDER)


def test_the_final_notice_is_proposed_with_and_then_without_the_threat_of_court_action() -> None:
    candidates = [c for c in _proposal(**FINAL_NOTICE_DUE).candidates if c.kind == "final_notice"]
    assert [(c.channel, c.legal_action_threat) for c in candidates] == [
        ("letter", True), ("email", True), ("letter", False), ("email", False)]
    assert ".no_legal_action." not in candidates[0].template
    assert ".no_legal_action." in candidates[2].template


def test_german_final_notices_warn_of_a_credit_bureau_report_others_do_not() -> None:
    german = [c for c in _proposal(**FINAL_NOTICE_DUE).candidates if c.kind == "final_notice"]
    assert {c.notices for c in german} == {("credit_bureau_warning",)}
    french = [c for c in _proposal(**FINAL_NOTICE_DUE, **{"debtor.jurisdiction": "FR", "debtor.timezone": "Europe/Paris"}
                                   ).candidates if c.kind == "final_notice"]
    assert {c.notices for c in french} == {()}


def test_default_interest_is_proposed_from_the_final_notice_as_an_upper_bound() -> None:
    letter = _proposal(**FINAL_NOTICE_DUE).candidates[0]
    [interest] = [f for f in letter.fees if f.kind == "default_interest"]
    # EUR 120.00 at 15 % for the 52 days since the due date, rounded down
    assert interest.amount == (Decimal("120.00") * Decimal("0.15") * 52 / 365).quantize(Decimal("0.01"), "ROUND_DOWN")
    assert "288" in interest.basis
    assert not [f for f in _proposal().candidates[0].fees if f.kind == "default_interest"]


def test_business_debtors_are_proposed_the_lump_sum_consumers_the_dunning_fee() -> None:
    business = _proposal(**{"debtor.kind": "business"}).candidates[0]
    assert [(f.kind, f.amount) for f in business.fees] == [("default_lump_sum", Decimal("40.00"))]
    consumer = _proposal().candidates[0]
    assert [(f.kind, f.amount) for f in consumer.fees] == [("dunning_fee", Decimal("2.50"))]
    final = _proposal(**FINAL_NOTICE_DUE, **{"debtor.kind": "business"}).candidates[0]
    assert "default_lump_sum" not in {f.kind for f in final.fees}      # once, at level 2
