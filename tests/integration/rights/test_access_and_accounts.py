"""Portal sign-in with its throttle, staff accounts, the access export, batch runs reading the rights
facts, and the ledger status — on both databases, with an injected clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fakes import request_with
from rights_support import HANDOVER, entries
from sqlalchemy import select

from decisions import rights
from decisions.errors import Conflict, InvalidInput
from decisions.rights.portal_access import Limits, Throttle
from decisions.rights.staff import StaffDevice
from decisions.rights.tables import SignInThrottleRow, StaffUserRow
from decisions.runs import RunItem
from service.schemas import DecisionRequestSchema

THROTTLE = Throttle(key=b"k" * 32, client=Limits(free=5), account=Limits(free=10))


def _sign_in(runtime: Any, code: str, invoice: str, client: str = "192.0.2.1") -> str:
    with runtime.db.unit_of_work() as uow:
        try:
            return runtime.rights.portal.sign_in(uow.session, code=code, invoice_ref=invoice, client=client,
                                                 throttle=THROTTLE, now=runtime.clock())
        finally:
            uow.commit()


def _staff(runtime: Any, password: str, client: str = "192.0.2.1", device: StaffDevice | None = None) -> Any:
    return rights.verify_staff_sign_in(runtime.db, name="rita", password=password, client=client, device=device,
                                       throttle=THROTTLE, now=runtime.clock())


def test_the_code_on_the_letter_and_the_invoice_number_sign_the_debtor_in(runtime: Any, decide: Any) -> None:
    decide()
    decide(**{"debtor.ref": "C-20000", "invoice.ref": "INV-77"})
    mine = runtime.pseudonyms.subject("C-10023")
    code = rights.access_code(runtime.rights.portal.key, mine)
    assert _sign_in(runtime, code.lower(), " inv-42 ") == mine
    with pytest.raises(rights.SignInRefused):
        _sign_in(runtime, code, "INV-77")          # another debtor's invoice number
    with pytest.raises(rights.SignInRefused):
        _sign_in(runtime, "ABCD-EFGH-JKMN", "INV-42")


def test_a_holder_of_the_code_guessing_invoice_numbers_makes_the_subject_wait_in_every_process(
        runtime: Any, decide: Any, clock: Any, make_app: Any) -> None:
    decide()
    mine = runtime.pseudonyms.subject("C-10023")
    code = rights.access_code(runtime.rights.portal.key, mine)
    for attempt in range(10):                                # ten addresses, one guess each
        with pytest.raises(rights.SignInRefused):
            _sign_in(runtime, code, f"INV-{attempt}", client=f"198.51.100.{attempt}")
    with pytest.raises(rights.SignInRefused):
        _sign_in(runtime, code, "INV-WRONG", client="198.51.100.99")   # the eleventh failure: the subject waits
    other_worker = make_app().extensions["fairdun"]          # another process: the wait is in the database
    with pytest.raises(rights.SignInLocked) as waiting:
        _sign_in(other_worker, code, "INV-42", client="203.0.113.5")   # the right invoice number waits too
    assert waiting.value.until == clock() + timedelta(minutes=1)
    clock.advance(minutes=1, seconds=1)
    assert _sign_in(runtime, code, "INV-42", client="203.0.113.5") == mine
    assert _sign_in(runtime, code, "INV-42") == mine         # success cleared the subject's count


def test_wrong_codes_count_against_the_client_only(runtime: Any, decide: Any, clock: Any) -> None:
    decide()
    mine = runtime.pseudonyms.subject("C-10023")
    code = rights.access_code(runtime.rights.portal.key, mine)
    wrong = "ABCD-EFGH-JKMN" if code != "ABCD-EFGH-JKMN" else "ZZZZ-ZZZZ-ZZZZ"
    for _ in range(6):
        with pytest.raises(rights.SignInRefused):
            _sign_in(runtime, wrong, "INV-42", client="198.51.100.1")
    with pytest.raises(rights.SignInLocked) as waiting:
        _sign_in(runtime, code, "INV-42", client="198.51.100.1")
    assert waiting.value.until == clock() + timedelta(minutes=1)
    assert _sign_in(runtime, code, "INV-42", client="198.51.100.2") == mine
    with runtime.db.reading() as session:
        keys = session.scalars(select(SignInThrottleRow.key)).all()
    assert len(keys) == 1 and all(len(k) == 64 and "198.51" not in k for k in keys)   # one keyed digest


def test_staff_accounts_hash_passwords_and_slow_down_guessing(runtime: Any, clock: Any) -> None:
    user = rights.create_staff_user(runtime.db, name="rita", role="reviewer", password="correct horse battery",
                                    now=clock(), new_id=runtime.new_id, actor="cli")
    assert entries(runtime, "staff_user_created")[-1]["body"] == {"user_id": user.user_id, "role": "reviewer",
                                                                  "actor": "cli"}
    with runtime.db.reading() as session:
        stored = session.get(StaffUserRow, user.user_id).password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert _staff(runtime, "correct horse battery") == user
    with pytest.raises(Conflict):
        rights.create_staff_user(runtime.db, name="rita", role="admin", password="another long one",
                                 now=clock(), new_id=runtime.new_id, actor="cli")
    with pytest.raises(InvalidInput):
        rights.create_staff_user(runtime.db, name="sam", role="reviewer", password="short", now=clock(),
                                 new_id=runtime.new_id, actor="cli")
    for attempt in range(10):                                # ten addresses, one guess each
        with pytest.raises(rights.SignInRefused):
            _staff(runtime, "wrong", client=f"198.51.100.{attempt}")
    assert _staff(runtime, "correct horse battery") == user  # ten failures are free
    with pytest.raises(rights.SignInRefused):
        _staff(runtime, "wrong", client="198.51.100.99")     # the eleventh: unknown browsers wait
    with pytest.raises(rights.SignInLocked):
        _staff(runtime, "correct horse battery", client="203.0.113.5")
    device = StaffDevice(user_id=user.user_id, tag=user.device_tag, nonce="n1")
    assert _staff(runtime, "correct horse battery", client="203.0.113.5", device=device) == user
    forged = StaffDevice(user_id=user.user_id, tag="0" * 32, nonce="n2")
    with pytest.raises(rights.SignInLocked):
        _staff(runtime, "correct horse battery", client="203.0.113.5", device=forged)


def test_the_access_export_holds_the_subjects_data_and_nobody_elses(runtime: Any, decide: Any) -> None:
    decide(**HANDOVER)
    decide(**{"debtor.ref": "C-20000", "debtor.contact.name": "Max Muster"})
    mine = runtime.pseudonyms.subject("C-10023")
    rights.object_to_profiling(runtime.rights, mine, scope="profiling", statement="no scoring", channel="portal",
                               actor="portal")
    export = rights.access_export(runtime.rights, mine, lang="de", channel="staff", actor="api-key:1")
    assert export["format"] == "fairdun-access-export" and export["language"] == "de"
    assert export["subject"]["customer_refs"] == ["C-10023"]
    assert export["subject"]["status"]["objection"] is not None
    [decision] = export["decisions"]
    assert decision["data"]["debtor"]["contact"]["name"] == "Erika Mustermann"
    assert decision["review"]["status"] == "open" and decision["explanation"]["summary"]
    assert "Max Muster" not in str(export)
    assert {r["type"] for r in export["requests"]} == {"objection", "access"}
    assert [r["statement"] for r in export["requests"] if r["type"] == "objection"] == ["no scoring"]
    assert {c["category"] for c in export["retention"]["periods"]} >= {"booking_voucher", "business_letter"}
    assert export["logic"] and export["significance"] and len(export["rights"]) == 6
    assert [e["body"]["type"] for e in entries(runtime, "subject_request_fulfilled")][-1] == "access"


def test_a_batch_run_reads_objections_and_opens_review_cases(runtime: Any) -> None:
    rights.object_to_profiling(runtime.rights, runtime.pseudonyms.subject("C-30000"), scope="profiling",
                               statement=None, channel="portal", actor="portal")
    bodies = [request_with(**{"debtor.ref": "C-30000"}), request_with(**{**HANDOVER, "debtor.ref": "C-40000"}),
              request_with(**{**HANDOVER, "debtor.ref": "C-40000", "as_of": "2026-11-22T09:05:00Z"})]
    items = [RunItem(index=i, request_json=b, case=DecisionRequestSchema().load(b)) for i, b in enumerate(bodies)]
    runs = runtime.runs
    runs.open(run_id="00000000-0000-0000-0000-0000000000aa", source_sha256="0" * 64, as_of=None, total=3)
    runs.execute("00000000-0000-0000-0000-0000000000aa", items)
    decisions = [e["body"] for e in entries(runtime, "decision")]
    assert decisions[0]["risk"]["profiling"] is False
    assert decisions[1]["status"] == "needs_review"
    assert decisions[2]["action"]["kind"] == "none"          # the same claim waits for the review
    assert [c["decision_id"] for c in rights.review_queue(runtime.rights)] == [decisions[1]["decision_id"]]


def test_the_ledger_status_shows_the_last_verification(runtime: Any, decide: Any, app: Any) -> None:
    from service.api_ledger import notary

    assert rights.ledger_status(runtime.db) == {"checkpoint": None, "last_verification": None}
    decide()
    rights.verify_and_record(runtime.db, notary(app), now=runtime.clock())
    notary(app).checkpoint()
    status = rights.ledger_status(runtime.db)
    assert status["last_verification"]["ok"] is True and status["last_verification"]["entries"] == 1
    assert status["checkpoint"]["tree_size"] == 1
