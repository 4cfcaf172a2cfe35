"""Objection, rectification, erasure and retention on both databases: each step a ledger event
with its projection; the next decision reads the facts; the ledger verifies after shredding."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fakes import verify
from rights_support import HANDOVER, entries

from decisions import rights
from decisions.errors import Conflict, InvalidInput
from decisions.rights.tables import PortalClaimRow, PortalSubjectRow, SubjectStatusRow
from retention.tables import SubjectKey

DEBTOR = "C-10023"


def subject(runtime: Any) -> str:
    return runtime.pseudonyms.subject(DEBTOR)


def keys(runtime: Any) -> dict[str, str]:
    with runtime.db.reading() as session:
        return {row.category: row.scope for row in session.query(SubjectKey).filter_by(subject_id=subject(runtime))}


def test_an_objection_takes_effect_at_the_next_decision(runtime: Any, decide: Any, clock: Any) -> None:
    assert decide()["risk"]["profiling"] is True
    request = rights.object_to_profiling(runtime.rights, subject(runtime), scope="profiling",
                                         statement="stop scoring me", channel="staff", actor="api-key:1")
    assert request["type"] == "objection" and request["status"] == "fulfilled" and request["outcome"] == "in_force"
    assert [e["kind"] for e in entries(runtime)][-3:] == ["subject_request_received", "objection_recorded",
                                                         "subject_request_fulfilled"]
    received = entries(runtime, "subject_request_received")[-1]
    assert "stop scoring me" not in str(received) and received["sealed_sha256"]
    clock.advance(days=1)
    after = decide(as_of="2026-11-23T09:00:00Z")
    assert after["risk"]["profiling"] is False and after["risk"]["p_late"] is None


def test_after_an_objection_nothing_is_disclosed_until_grounds_are_documented(runtime: Any, decide: Any,
                                                                            clock: Any) -> None:
    rights.object_to_profiling(runtime.rights, subject(runtime), scope="profiling", statement=None,
                               channel="portal", actor="portal")
    business = {**HANDOVER, "debtor.kind": "business"}   # no payment plan ranks before the handover
    blocked = decide(**business)
    assert blocked["risk"]["profiling"] is False and blocked["action"]["kind"] == "none"
    assert any(p["rule"] == "EU-GDPR-21" and p["action"] == "collection_handover"
               for p in blocked["explanation"]["policy"])
    with pytest.raises(InvalidInput):
        rights.document_grounds(runtime.rights, subject(runtime), basis="because", rationale="x" * 30, actor="staff:1")
    rights.document_grounds(runtime.rights, subject(runtime), basis="legal_claims",
                            rationale="the claim is undisputed and titled", actor="staff:1")
    assert entries(runtime, "compelling_grounds_documented")[-1]["body"]["basis"] == "legal_claims"
    clock.advance(days=1)
    lifted = decide(**{**business, "as_of": "2026-11-23T09:00:00Z"})
    assert lifted["action"]["kind"] == "collection_handover" and lifted["risk"]["profiling"] is False
    assert lifted["status"] == "needs_review"              # and a person still reviews the handover


def test_grounds_need_an_objection(runtime: Any) -> None:
    with pytest.raises(Conflict):
        rights.document_grounds(runtime.rights, subject(runtime), basis="legal_claims", rationale="x" * 30,
                                actor="staff:1")
    assert entries(runtime) == []


def test_a_rectification_restricts_until_it_is_resolved(runtime: Any, decide: Any, clock: Any) -> None:
    request = rights.request_rectification(runtime.rights, subject(runtime), concerns="address",
                                           statement="I moved to Hamburg", channel="staff", actor="api-key:1")
    with runtime.db.reading() as session:
        assert session.get(SubjectStatusRow, subject(runtime)).open_rectifications == 1
    restricted = decide(**HANDOVER)
    assert restricted["action"]["kind"] != "collection_handover"
    assert any(p["rule"] == "EU-GDPR-18" for p in restricted["explanation"]["policy"])
    resolved = rights.resolve_rectification(runtime.rights, request["request_id"], resolution="rectified",
                                            rationale="corrected in the ERP", actor="api-key:1")
    assert resolved["status"] == "fulfilled" and resolved["outcome"] == "rectified"
    assert [e["kind"] for e in entries(runtime)][-3:] == ["rectification_resolved", "restriction_lifted",
                                                         "subject_request_fulfilled"]
    with pytest.raises(Conflict):
        rights.resolve_rectification(runtime.rights, request["request_id"], resolution="rejected", rationale="x",
                                     actor="api-key:1")
    clock.advance(days=1)
    free = decide(**{**HANDOVER, "as_of": "2026-11-23T09:00:00Z"})
    assert free["action"]["kind"] == "collection_handover"


def test_an_extension_needs_a_reason_inside_the_first_month_and_happens_once(runtime: Any, clock: Any) -> None:
    request = rights.request_rectification(runtime.rights, subject(runtime), concerns="invoice",
                                           statement="wrong amount", channel="staff", actor="api-key:1")
    assert request["due_on"] == "2026-12-22"
    with pytest.raises(InvalidInput):
        rights.extend_request(runtime.rights, request["request_id"], reason="complexity", notice="n" * 30,
                              until=datetime(2027, 6, 1).date(), actor="api-key:1")
    extended = rights.extend_request(runtime.rights, request["request_id"], reason="complexity",
                                     notice="we need the supplier's records", until=None, actor="api-key:1")
    # three months from 22 November 2026: 22 February 2027 (a Monday)
    assert extended["extended_to"] == "2027-02-22" and extended["extension_reason"] == "complexity"
    assert "supplier" not in str(entries(runtime, "subject_request_extended"))
    with pytest.raises(Conflict, match="once"):
        rights.extend_request(runtime.rights, request["request_id"], reason="complexity", notice="n" * 30,
                              until=None, actor="api-key:1")
    late = rights.request_rectification(runtime.rights, subject(runtime), concerns="name", statement="typo",
                                        channel="staff", actor="api-key:1")
    clock.advance(days=31)
    with pytest.raises(Conflict, match="first month"):
        rights.extend_request(runtime.rights, late["request_id"], reason="number_of_requests", notice="n" * 30,
                              until=None, actor="api-key:1")
    overdue = rights.request_queue(runtime.rights, status="overdue")
    assert [r["request_id"] for r in overdue] == [late["request_id"]]
    assert rights.request_queue(runtime.rights)[0]["request_id"] == late["request_id"]   # soonest deadline first


def test_erasure_keeps_what_a_duty_keeps_and_shreds_the_rest(runtime: Any, decide: Any, clock: Any) -> None:
    decide()                                                      # a reminder with a fee: a booking voucher
    decide(**{"invoice.ref": "INV-43", "invoice.disputed": True})  # held back: nothing sent, a decision record
    rights.object_to_profiling(runtime.rights, subject(runtime), scope="profiling", statement="no scoring",
                               channel="portal", actor="portal")
    assert set(keys(runtime)) == {"booking_voucher", "decision_record", "rights_request"}
    with runtime.db.reading() as session:
        assert session.query(PortalClaimRow).filter_by(subject_id=subject(runtime)).count() == 2
    result = rights.request_erasure(runtime.rights, subject(runtime), statement="delete me", channel="staff",
                                    actor="api-key:1")
    assert result["status"] == "fulfilled" and result["outcome"] == "partly_erased"
    assert result["detail"]["shredded_categories"] == ["decision_record", "rights_request"]
    assert result["detail"]["kept"] == [{"category": "booking_voucher", "until": "2034-12-31T23:00:00Z"}]
    assert set(keys(runtime)) == {"booking_voucher"}
    shredding = entries(runtime, "subject_shredded")[-1]["body"]
    assert shredding["complete"] is False and shredding["categories"] == ["decision_record", "rights_request"]
    report = verify(runtime_app(runtime))
    assert report.blobs_shredded >= 2
    # what is kept is restricted: escalation is denied from now on
    with runtime.db.reading() as session:
        assert session.get(SubjectStatusRow, subject(runtime)).retention_restricted_at is not None
    # the retention run shreds the voucher once its period has ended, and then the portal rows go
    early = rights.retention_run(runtime.rights, now=datetime(2034, 12, 31, 22, 59, tzinfo=UTC), actor="cli")
    assert early["keys_shredded"] == 0 and early["keys_kept"] == 1
    done = rights.retention_run(runtime.rights, now=datetime(2034, 12, 31, 23, 0, tzinfo=UTC), actor="cli")
    assert done["keys_shredded"] == 1 and done["subjects_emptied"] == 1 and done["shredded_by_category"] == {
        "booking_voucher": 1}
    assert keys(runtime) == {}
    with runtime.db.reading() as session:
        assert session.query(PortalSubjectRow).filter_by(subject_id=subject(runtime)).count() == 0
        assert session.get(SubjectStatusRow, subject(runtime)).retention_restricted_at is None
    final = verify(runtime_app(runtime))
    assert final.blobs_checked == 0 and final.entries == len(entries(runtime))


def test_a_legal_hold_stops_erasure_and_retention_runs(runtime: Any, decide: Any) -> None:
    decide(**{"invoice.disputed": True})                         # a decision record (no duty)
    hold = rights.place_legal_hold(runtime.rights, debtor_ref=DEBTOR, invoice_ref="INV-42", reason="litigation",
                                   note="AG Berlin 12 C 345/26", actor="cli")
    assert entries(runtime, "legal_hold_placed")[-1]["body"]["target"] == "claim"
    assert "AG Berlin" not in str(entries(runtime, "legal_hold_placed"))
    erased = rights.request_erasure(runtime.rights, subject(runtime), statement=None, channel="staff", actor="cli")
    assert erased["detail"]["legal_holds"] == 1 and erased["detail"]["shredded_categories"] == []
    late = datetime(2040, 1, 1, tzinfo=UTC)
    held = rights.retention_run(runtime.rights, now=late, actor="cli")
    assert held["keys_held"] >= 1 and held["keys_shredded"] == 0
    rights.release_legal_hold(runtime.rights, hold["hold_id"], actor="cli")
    with pytest.raises(Conflict):
        rights.release_legal_hold(runtime.rights, hold["hold_id"], actor="cli")
    freed = rights.retention_run(runtime.rights, now=late, actor="cli")
    assert freed["keys_shredded"] >= 1 and keys(runtime) == {}
    run_entry = entries(runtime, "retention_run")[-1]
    assert run_entry["body"]["counts"]["keys_shredded"] == freed["keys_shredded"] and run_entry["body"]["blobs"]
    assert verify(runtime_app(runtime)).blobs_shredded == len(run_entry["body"]["blobs"])


def test_a_hold_on_an_unknown_claim_is_refused(runtime: Any) -> None:
    from decisions.errors import NotFound

    with pytest.raises(NotFound):
        rights.place_legal_hold(runtime.rights, debtor_ref=DEBTOR, invoice_ref="INV-0", reason="litigation",
                                note=None, actor="cli")
    assert entries(runtime) == []


def runtime_app(runtime: Any) -> Any:
    class _App:
        extensions = {"fairdun": runtime}

    return _App()
