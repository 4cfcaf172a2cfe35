"""``effective_of`` on both databases: the latest review outcome of each decision, read in one
pass over ``review_cases``, applied to the decision as recorded."""

from __future__ import annotations

import uuid
from typing import Any

from rights_support import HANDOVER

from decisions import rights
from decisions.effective import effective_of, outcomes_of
from decisions.read_models import verify_read_models


def _contest(runtime: Any, decision_id: str) -> str:
    subject = runtime.pseudonyms.subject("C-10023")
    request = rights.request_review(runtime.rights, subject, decision_id=decision_id, statement=None,
                                    channel="portal", actor="portal")
    [case] = [c for c in rights.review_queue(runtime.rights) if c["request_id"] == request["request_id"]]
    return str(case["case_id"])


def test_each_decision_follows_its_latest_outcome(runtime: Any, decide: Any, clock: Any) -> None:
    untouched = decide(**{"invoice.ref": "INV-1"})
    handover = decide(**{**HANDOVER, "invoice.ref": "INV-2"})
    contested = decide(**{"invoice.ref": "INV-3"})
    assert (untouched["status"], handover["status"], contested["status"]) == ("decided", "needs_review", "decided")
    [automatic] = rights.review_queue(runtime.rights)
    rights.record_outcome(runtime.rights, automatic["case_id"], outcome="overturn", rationale="r",
                          explanation_opened=True, action=None, actor="staff:1")
    first = _contest(runtime, contested["decision_id"])
    rights.record_outcome(runtime.rights, first, outcome="uphold", rationale="r", explanation_opened=True,
                          action=None, actor="staff:1")
    clock.advance(hours=1)
    second = _contest(runtime, contested["decision_id"])
    modified = rights.record_outcome(runtime.rights, second, outcome="modify", rationale="r", explanation_opened=True,
                                     action={"kind": "reminder", "level": 2, "channel": "letter", "tone": "neutral"},
                                     actor="staff:1", policy=runtime.rights.policy)
    ids = [untouched["decision_id"], handover["decision_id"], contested["decision_id"], str(uuid.UUID(int=999))]
    with runtime.db.reading() as session:
        result = effective_of(session, ids)
        outcomes = outcomes_of(session, ids)
    assert set(result) == set(ids[:3])                       # an unknown id is left out
    assert result[untouched["decision_id"]] == {"status": "decided", "action": untouched["action"], "because": None}
    assert result[handover["decision_id"]]["status"] == "set_aside"
    assert result[handover["decision_id"]]["action"] is None
    assert result[handover["decision_id"]]["because"]["case_id"] == automatic["case_id"]
    latest = result[contested["decision_id"]]
    assert latest["status"] == "decided" and latest["action"] == modified["action"]
    assert latest["action"]["tone"] == "neutral" and latest["action"]["fees"] == []
    assert latest["because"] == {"case_id": second, "outcome": "modify", "outcome_seq": modified["outcome_seq"],
                                 "closed_at": "2026-11-22T10:30:00Z"}
    assert outcomes[contested["decision_id"]].case_id == second          # the later of its two outcomes
    assert set(outcomes) == {handover["decision_id"], contested["decision_id"]}
    with runtime.db.reading() as session:
        # the modify's action, which effective serves, is verified against its entry
        assert verify_read_models(session).rows["review_cases"] == 3


def test_documents_in_hand_are_not_read_again(runtime: Any, decide: Any) -> None:
    decision = decide()
    stand_in = {**decision, "status": "held"}   # what the caller passed wins: proves no second read
    with runtime.db.reading() as session:
        assert effective_of(session, [decision["decision_id"]], {decision["decision_id"]: stand_in}) == {
            decision["decision_id"]: {"status": "held", "action": decision["action"], "because": None}}
