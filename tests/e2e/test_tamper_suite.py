"""The tamper suite: every stored copy of what the ledger says, changed in place as someone with
database access could (past the append-only triggers), is caught by ``fairdun ledger verify``
(exit 1, naming the entry's seq and the column) and refused by the audit report.

The installation: decisions, a reported payment, an objection to profiling, a review upheld and
one still open, a signed checkpoint, on SQLite and PostgreSQL. Each case changes one thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import request_with
from fakes import tamper as past_the_triggers
from sqlalchemy import text

from decisions.errors import Conflict
from ledger.offline import main as offline_main
from service.api_ledger import notary
from service.api_reports import verified_audit_figures
from service.cli import main

DAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.json
    return response.json


@pytest.fixture
def installation(app: Any, client: Any, auth: Any, clock: Any) -> dict[str, Any]:
    clock.now = DAY
    officer, reviewer = auth("compliance_officer"), auth("reviewer")
    decided = {}
    for ref in ("T-1", "T-2", "T-3"):
        body = request_with(**{"as_of": "2026-11-23T09:00:00Z", "debtor.ref": ref})
        decided[ref] = _ok(client.post("/v1/decisions", json=body, headers=auth("ar_system")))
    _ok(client.post("/v1/events", headers=auth("ar_system"), json={
        "type": "payment_received", "debtor_ref": "T-3", "invoice_ref": request_with()["invoice"]["ref"],
        "at": "2026-11-23T08:30:00Z", "amount": "10.00", "currency": "EUR", "on_date": "2026-11-23"}))
    _ok(client.post("/v1/subjects/T-2/objections", headers=officer, json={"scope": "profiling"}))
    for ref in ("T-1", "T-2"):
        _ok(client.post(f"/v1/subjects/{ref}/review-requests", headers=officer,
                        json={"decision_id": decided[ref]["decision_id"], "statement": "please look again"}))
    cases = {c["decision_id"]: c["case_id"] for c in
             _ok(client.get("/v1/reviews?status=open", headers=reviewer))["reviews"]}
    clock.now = DAY + timedelta(hours=2)
    _ok(client.post(f"/v1/reviews/{cases[decided['T-1']['decision_id']]}/outcome", headers=reviewer,
                    json={"outcome": "uphold", "rationale": "correct", "explanation_opened": True}))
    checkpoint = notary(app).checkpoint()
    clock.now = DAY + timedelta(days=2)
    return {"decisions": decided, "cases": cases, "checkpoint": checkpoint}


@pytest.fixture
def tamper(app: Any) -> Callable[..., None]:
    return lambda *statements: past_the_triggers(app.extensions["fairdun"].db, *statements)


@pytest.fixture
def verify(app: Any, database_url: str) -> Callable[[], Any]:
    env = {"FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    return lambda: CliRunner().invoke(main, ["ledger", "verify"], env=env, catch_exceptions=False)


def _refused(app: Any) -> str:
    with pytest.raises(Conflict) as refused:
        verified_audit_figures(app, first_day=date(2026, 11, 23), last_day=date(2026, 11, 24),
                               now=DAY + timedelta(days=2))
    assert refused.value.code == "ledger_unverified"
    return str(refused.value)


def _seq(app: Any, sql: str) -> int:
    with app.extensions["fairdun"].db.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_the_untouched_installation_verifies_and_reports(app: Any, installation: Any, verify: Any) -> None:
    result = verify()
    assert result.exit_code == 0, result.stderr
    figures = verified_audit_figures(app, first_day=date(2026, 11, 23), last_day=date(2026, 11, 24),
                                     now=DAY + timedelta(days=2))
    assert figures["decisions"]["total"] == 3 and figures["integrity"]["verification"]["ok"] is True


# Each case: (what is changed, SQL, the seq it is found at — a query —, what the failure names)
LAST_DECISION = "SELECT max(seq) FROM ledger_entries WHERE kind = 'decision'"
FIRST_DECISION = "SELECT min(seq) FROM ledger_entries WHERE kind = 'decision'"
DECIDED = "SELECT min(ledger_seq) FROM decisions WHERE status = 'decided'"
EVENT = "SELECT seq FROM ledger_entries WHERE kind = 'event'"
OBJECTION = "SELECT seq FROM ledger_entries WHERE kind = 'objection_recorded'"
OUTCOME = "SELECT seq FROM ledger_entries WHERE kind = 'review_outcome'"
CASES = {
    "ts of an entry": (
        ["UPDATE ledger_entries SET ts = ts - interval '3 days' WHERE seq = ({q})"], FIRST_DECISION,
        r"column_mismatch \(column ts holds"),
    "kind of an entry": (
        ["UPDATE ledger_entries SET kind = 'event' WHERE seq = ({q})"], LAST_DECISION,
        r"column_mismatch \(column kind holds 'event', the entry says 'decision'"),
    "sealed_sha256 set to NULL": (
        ["UPDATE ledger_entries SET sealed_sha256 = NULL WHERE seq = ({q})"], LAST_DECISION,
        r"column_mismatch \(column sealed_sha256 holds None"),
    "status of a decisions row": (
        ["UPDATE decisions SET status = 'held' WHERE ledger_seq = ({q})"], DECIDED,
        r"read_model_mismatch \(decisions row [0-9a-f-]+: column status holds 'held'"),
    "entry_hash of a decisions row": (
        [f"UPDATE decisions SET entry_hash = '{'0' * 64}' WHERE ledger_seq = ({{q}})"], DECIDED,
        r"read_model_mismatch \(decisions row [0-9a-f-]+: column entry_hash holds '0{64}'"),
    "a decision slipped into an experiment arm": (
        ["UPDATE decisions SET experiment_id = '00000000-0000-4000-8000-000000000000', experiment_arm = 'letter' "
         "WHERE ledger_seq = ({q})"], DECIDED,
        r"read_model_mismatch \(decisions row [0-9a-f-]+: column experiment_id holds '0{8}-"),
    "a decisions row deleted": (
        ["DELETE FROM decisions WHERE ledger_seq = ({q})"], LAST_DECISION,
        r"read_model_mismatch \(decisions: no row for decision"),
    "a notice the message never carried slipped into the claim's memory": (
        ["UPDATE claim_activity SET notices = '[\"ny_initial_disclosure\"]' WHERE ledger_seq = ({q})"], DECIDED,
        r"read_model_mismatch \(claim_activity row \d+: column notices holds \['ny_initial_disclosure'\]"),
    "a payment forgotten by the claim's memory": (
        ["DELETE FROM claim_activity WHERE ledger_seq = ({q})"], EVENT,
        r"read_model_mismatch \(claim_activity: no row for event"),
    "an objection to profiling undone": (
        ["UPDATE subject_status SET objected_at = NULL WHERE objected_at IS NOT NULL"], OBJECTION,
        r"read_model_mismatch \(subject_status row [0-9a-f]+: column objected_at holds None"),
    "a closed review reopened": (
        ["UPDATE review_cases SET status = 'open', outcome_seq = NULL, outcome = NULL WHERE outcome_seq = ({q})"],
        OUTCOME, r"read_model_mismatch \(review_cases row [0-9a-f-]+: column outcome_seq holds None"),
    "an action slipped into an upheld review": (
        ["UPDATE review_cases SET outcome_action = '{{\"kind\": \"credit_bureau_report\"}}' WHERE outcome_seq = ({q})"],
        OUTCOME, r"read_model_mismatch \(review_cases row [0-9a-f-]+: column outcome_action holds \{'kind': "
                 r"'credit_bureau_report'\}, the ledger says None"),
    "every checkpoint deleted with the tail": (
        ["DELETE FROM ledger_checkpoints", "DELETE FROM ledger_nodes WHERE seq >= ({q})",
         "DELETE FROM ledger_entries WHERE seq >= ({q})"], OUTCOME,
        r"truncated \(a trusted checkpoint covers \d+ entries, only \d+ are present"),
    "every checkpoint deleted": (
        ["DELETE FROM ledger_checkpoints"], "SELECT min(tree_size) FROM ledger_checkpoints",
        r"checkpoint_missing \(the checkpoint of size \d+ in the instance's journal is not in the database"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_changed_copy_is_found_and_gets_no_report(app: Any, installation: Any, tamper: Any, verify: Any,
                                                   database_url: str, case: str) -> None:
    statements, where, names = CASES[case]
    seq = _seq(app, where)
    if database_url.startswith("sqlite"):   # SQLite keeps times as text: shift the day by hand
        statements = [s.replace("ts - interval '3 days'", "replace(ts, '2026-11-23', '2026-11-20')")
                      for s in statements]
    tamper(*[s.format(q=seq) for s in statements])
    result = verify()
    assert result.exit_code == 1
    assert re.search(rf"FAILED at seq {seq}: {names}", result.stderr), result.stderr
    assert f"at seq {seq}:" in _refused(app)


def test_the_offline_verifier_names_a_missing_checkpoint_file_without_a_traceback(
        app: Any, installation: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = notary(app).export(tmp_path / "export")
    (tmp_path / "keys.pub").write_text("\n".join(notary(app).public_keys()))
    (exported.directory / "checkpoint.txt").unlink()
    assert offline_main(["--export", str(exported.directory), "--public-key", str(tmp_path / "keys.pub")]) == 1
    assert capsys.readouterr().err == ("FAILED: the export holds no checkpoint.txt: it cannot be checked against a "
                                       "signature\n")
