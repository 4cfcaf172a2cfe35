"""``effective``: what a decision means after its latest review outcome (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from decisions.effective import ReviewOutcome, effective

ACTION = {"kind": "reminder", "level": 2, "channel": "letter", "tone": "gentle", "send_at": "2026-11-23T08:00:00Z",
          "fees": [{"kind": "dunning_fee", "amount": "2.50", "currency": "EUR", "basis": "BGB"}],
          "template": "reminder.l2.gentle.de", "notices": []}
MODIFIED = {"kind": "reminder", "level": 1, "channel": "email", "tone": "gentle", "send_at": None, "fees": [],
            "notices": []}
CLOSED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def document(status: str, action: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"decision_id": "d-1", "status": status, "action": action if action is not None else ACTION}


def outcome(kind: str, action: dict[str, Any] | None = None) -> ReviewOutcome:
    return ReviewOutcome(case_id="case-1", outcome=kind, outcome_seq=17, closed_at=CLOSED, action=action)


BECAUSE = {"case_id": "case-1", "outcome_seq": 17, "closed_at": "2026-11-24T10:00:00Z"}


@pytest.mark.parametrize("status", ["decided", "needs_review", "held"])
def test_without_an_outcome_the_decision_stands_as_recorded(status: str) -> None:
    assert effective(document(status), None) == {"status": status, "action": ACTION, "because": None}


@pytest.mark.parametrize("status", ["decided", "needs_review", "held"])
def test_an_overturned_decision_is_set_aside_with_nothing_to_do(status: str) -> None:
    assert effective(document(status), outcome("overturn")) == {
        "status": "set_aside", "action": None, "because": {**BECAUSE, "outcome": "overturn"}}


@pytest.mark.parametrize("status", ["decided", "needs_review", "held"])
def test_a_modified_decision_is_decided_with_the_reviewers_action(status: str) -> None:
    result = effective(document(status), outcome("modify", MODIFIED))
    assert result == {"status": "decided", "action": MODIFIED, "because": {**BECAUSE, "outcome": "modify"}}
    assert result["action"] is not MODIFIED   # a copy: the caller may not alter the outcome through it


@pytest.mark.parametrize(("status", "expected"), [("decided", "decided"), ("needs_review", "decided"),
                                                  ("held", "held")])
def test_an_upheld_decision_keeps_its_action_and_may_be_carried_out(status: str, expected: str) -> None:
    assert effective(document(status), outcome("uphold")) == {
        "status": expected, "action": ACTION, "because": {**BECAUSE, "outcome": "uphold"}}


def test_an_outcome_is_one_of_the_three_and_carries_an_action_exactly_for_modify() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        outcome("dismiss")
    with pytest.raises(ValueError, match="exactly for a modify"):
        outcome("modify")
    with pytest.raises(ValueError, match="exactly for a modify"):
        outcome("uphold", MODIFIED)


def test_the_recorded_document_is_not_changed() -> None:
    recorded = document("needs_review")
    effective(recorded, outcome("overturn"))
    effective(recorded, outcome("modify", MODIFIED))
    assert recorded == document("needs_review")


def test_the_outcomes_are_those_a_review_records() -> None:
    from decisions import effective as module
    from decisions.rights.tables import OUTCOMES

    assert module.OUTCOMES == OUTCOMES
