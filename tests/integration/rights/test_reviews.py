"""Human review on both databases: automatic cases in the decision's transaction, escalation
paused while open, outcomes as new entries linked to the original, what each outcome does."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import verify
from rights_support import HANDOVER, entries

from decisions import rights
from decisions.errors import Conflict, InvalidInput, NotFound
from decisions.rights.tables import ReviewCaseRow


def _open_case(runtime: Any) -> str:
    [case] = rights.review_queue(runtime.rights)
    return case["case_id"]


def test_a_needs_review_decision_opens_its_case_in_the_same_transaction(runtime: Any, decide: Any) -> None:
    decision = decide(**HANDOVER)
    assert decision["status"] == "needs_review" and decision["action"]["kind"] == "collection_handover"
    kinds = [e["kind"] for e in entries(runtime)]
    assert kinds[-2:] == ["decision", "review_case_opened"]
    opened = entries(runtime, "review_case_opened")[0]["body"]
    assert opened["decision_id"] == decision["decision_id"] and opened["decision_seq"] == decision["ledger"]["seq"]
    assert opened["origin"] == "automatic"
    [case] = rights.review_queue(runtime.rights)
    assert case["decision_id"] == decision["decision_id"] and case["sla"] == "on_time"
    # three working days after Sunday 22 November: Monday to Wednesday, so 24:00 on the 25th in Berlin
    assert case["due_at"] == "2026-11-25T23:00:00Z"


def test_a_decided_reminder_opens_no_case(runtime: Any, decide: Any) -> None:
    assert decide()["status"] == "decided"
    assert rights.review_queue(runtime.rights, status="all") == []


def test_escalation_pauses_while_the_case_is_open(runtime: Any, decide: Any, clock: Any) -> None:
    decide(**HANDOVER)
    clock.advance(days=1)
    later = decide(**{**HANDOVER, "as_of": "2026-11-23T09:00:00Z"})
    assert later["action"]["kind"] == "none"
    assert any(p["rule"] == "FD-REVIEW-PAUSE" for p in later["explanation"]["policy"])
    assert len(rights.review_queue(runtime.rights)) == 1     # waiting opens no second case


def test_the_review_view_shows_decision_contributions_uncertainty_and_trace(runtime: Any, decide: Any) -> None:
    decision = decide(**HANDOVER)
    view = rights.review_case(runtime.rights, _open_case(runtime))
    assert view["decision"]["decision_id"] == decision["decision_id"]
    assert view["contributions"] == decision["explanation"]["reasons"] and view["contributions"]
    assert view["uncertainty"]["uncertainty"] == decision["risk"]["uncertainty"]
    assert {p["rule"] for p in view["policy_trace"]} >= {"EU-GDPR-22"}


def test_uphold_is_a_new_entry_linked_to_the_original_and_completes_the_review(runtime: Any, decide: Any,
                                                                                 clock: Any, client: Any,
                                                                                 auth: Any) -> None:
    decision = decide(**HANDOVER)
    original = entries(runtime, "decision")[-1]
    case_id = _open_case(runtime)
    result = rights.record_outcome(runtime.rights, case_id, outcome="uphold", rationale="checked the file",
                                   explanation_opened=True, action=None, actor="staff:1")
    assert result["outcome"] == "uphold" and result["status"] == "closed" and result["escalation"] == "free"
    outcome = entries(runtime, "review_outcome")[-1]
    assert outcome["body"]["decision_seq"] == decision["ledger"]["seq"] and outcome["body"]["explanation_opened"] is True
    assert "checked the file" not in str(outcome) and outcome["sealed_sha256"]
    assert entries(runtime, "decision")[-1] == original                     # never edited
    got = client.get(f"/v1/decisions/{decision['decision_id']}", headers=auth("ar_system")).json
    assert got["review"]["outcome"] == "uphold" and got["status"] == "needs_review"
    # the next decision treats the review as completed: the handover runs without a new case
    clock.advance(days=1)
    again = decide(**{**HANDOVER, "as_of": "2026-11-23T09:00:00Z"})
    assert again["status"] == "decided" and again["action"]["kind"] == "collection_handover"
    assert verify(client.application).entries == len(entries(runtime))


def test_overturn_pauses_escalation_until_a_person_resumes_it(runtime: Any, decide: Any, clock: Any) -> None:
    decide(**HANDOVER)
    case_id = _open_case(runtime)
    result = rights.record_outcome(runtime.rights, case_id, outcome="overturn", rationale="disputed by phone",
                                   explanation_opened=False, action=None, actor="staff:1")
    assert result["escalation"] == "paused"
    assert entries(runtime, "review_outcome")[-1]["body"]["effect"] == {
        "carry_out": False, "fees_owed": False, "escalation": "paused_until_resumed"}
    clock.advance(days=1)
    paused = decide(**{**HANDOVER, "as_of": "2026-11-23T09:00:00Z"})
    assert paused["action"]["kind"] == "none"
    rights.resume_escalation(runtime.rights, case_id, rationale="dispute settled", actor="staff:2")
    with pytest.raises(Conflict):
        rights.resume_escalation(runtime.rights, case_id, rationale="again", actor="staff:2")
    clock.advance(days=1)
    resumed = decide(**{**HANDOVER, "as_of": "2026-11-24T09:00:00Z"})
    assert resumed["status"] == "needs_review"                 # the handover goes to a person again


def test_modify_checks_the_action_with_the_policy(runtime: Any, decide: Any) -> None:
    decide(**HANDOVER)
    case_id = _open_case(runtime)
    before = len(entries(runtime))
    with pytest.raises(InvalidInput, match="FD-CONSENT-CHANNEL"):    # no SMS consent in the example
        rights.record_outcome(runtime.rights, case_id, outcome="modify", rationale="a text instead",
                              explanation_opened=True, action={"kind": "reminder", "level": 3, "channel": "sms"},
                              actor="staff:1", policy=runtime.rights.policy)
    assert len(entries(runtime)) == before
    result = rights.record_outcome(runtime.rights, case_id, outcome="modify", rationale="one more letter",
                                   explanation_opened=True,
                                   action={"kind": "final_notice", "level": 3, "channel": "letter", "tone": "neutral"},
                                   actor="staff:1", policy=runtime.rights.policy)
    assert result["action"]["kind"] == "final_notice" and result["action"]["fees"] == []
    body = entries(runtime, "review_outcome")[-1]["body"]
    assert body["outcome"] == "modify" and body["action"]["channel"] == "letter"
    with pytest.raises(Conflict):
        rights.record_outcome(runtime.rights, case_id, outcome="uphold", rationale="x", explanation_opened=True,
                              action=None, actor="staff:1")


def test_a_debtor_request_joins_the_open_case_and_is_fulfilled_by_its_outcome(runtime: Any, decide: Any) -> None:
    decision = decide(**HANDOVER)
    subject = runtime.pseudonyms.subject("C-10023")
    request = rights.request_review(runtime.rights, subject, decision_id=decision["decision_id"],
                                    statement="I paid in cash", channel="portal", actor="portal")
    assert request["type"] == "review" and request["status"] == "open" and request["due_on"] == "2026-12-22"
    [case] = rights.review_queue(runtime.rights)
    assert case["request_id"] == request["request_id"]
    assert rights.review_case(runtime.rights, case["case_id"])["statement"] == "I paid in cash"
    rights.record_outcome(runtime.rights, case["case_id"], outcome="overturn", rationale="receipt seen",
                          explanation_opened=True, action=None, actor="staff:1")
    [done] = rights.requests_of(runtime.rights, subject)
    assert done["status"] == "fulfilled" and done["outcome"] == "overturn"
    matters = rights.matters_of(runtime.rights, subject)
    assert matters[0]["state"] == "overturned" and matters[0]["invoice_ref"] == "INV-42"


def test_another_subjects_decision_cannot_be_contested(runtime: Any, decide: Any) -> None:
    decision = decide(**HANDOVER)
    with runtime.db.reading() as session:
        before = session.query(ReviewCaseRow).count()
    other = runtime.pseudonyms.subject("C-99999")
    with pytest.raises(NotFound):
        rights.request_review(runtime.rights, other, decision_id=decision["decision_id"], statement=None,
                              channel="portal", actor="portal")
    with pytest.raises(NotFound):
        rights.decision_of(runtime.rights, other, decision["decision_id"])
    with runtime.db.reading() as session:
        assert session.query(ReviewCaseRow).count() == before


def test_a_modified_message_keeps_the_contact_hours_in_every_zone_at_its_send_time(runtime: Any, decide: Any) -> None:
    """12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2: the reviewer's send time (or the moment of the
    review, for "at once") is checked in every zone the debtor may be in, read at that instant."""
    us = {**HANDOVER, "debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York",
          "invoice.currency": "USD", "creditor": {"role": "debt_collector"},
          "invoice.validation_notice_sent_on": "2026-09-01"}   # 12 CFR 1006.34: its period is over
    decision = decide(**us, **{"debtor.other_timezones": ["America/Los_Angeles"]})
    assert decision["status"] == "needs_review", decision["status"]
    case_id = _open_case(runtime)
    email = {"kind": "reminder", "level": 3, "channel": "email", "tone": "neutral"}

    def modify(**action: Any) -> dict[str, Any]:
        return rights.record_outcome(runtime.rights, case_id, outcome="modify", rationale="an e-mail instead",
                                     explanation_opened=True, action={**email, **action}, actor="staff:1",
                                     policy=runtime.rights.policy)

    with pytest.raises(InvalidInput, match="US-REGF-1006.6-b1.*America/New_York"):   # the review: 04:00 in New York
        modify()
    with pytest.raises(InvalidInput, match="US-REGF-1006.6-b1.*America/Los_Angeles"):   # 10:30 New York, 07:30 Los Angeles
        modify(send_at="2026-11-23T15:30:00Z")
    assert modify(send_at="2026-11-23T16:00:00Z")["action"]["channel"] == "email"       # 11:00 and 08:00
