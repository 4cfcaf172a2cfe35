"""``fairdun user``, ``retention``, ``requests``, ``reviews`` and the recorded ``ledger verify``
against a real installation (instance folder + database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import request_with
from rights_support import HANDOVER

from service.cli import main


@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)

    return invoke


def _decide(fairdun: Any, tmp_path: Path, **changes: Any) -> dict[str, Any]:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(request_with(**changes)))
    result = fairdun("decide", str(case))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_user_create_reads_the_password_from_standard_input(fairdun: Any, tmp_path: Path, database_url: str) -> None:
    result = fairdun("user", "create", "--name", "rita", "--role", "compliance_officer",
                     stdin="a long enough password\n")
    assert result.exit_code == 0 and "rita" in result.output and "password" not in result.output
    from decisions import rights
    from decisions.rights.portal_access import Throttle
    from ledger import Database

    db = Database(database_url)
    try:
        user = rights.verify_staff_sign_in(db, name="rita", password="a long enough password", client="192.0.2.1",
                                           throttle=Throttle(key=b"k" * 32), now=datetime(2026, 11, 22, tzinfo=UTC))
        assert user.role == "compliance_officer"
    finally:
        db.dispose()
    assert fairdun("user", "create", "--name", "sam", "--role", "reviewer", stdin="short\n").exit_code == 2
    assert fairdun("user", "create", "--name", "x", "--role", "overlord", stdin="long enough pw\n").exit_code == 2


def test_retention_hold_run_and_release(fairdun: Any, tmp_path: Path) -> None:
    _decide(fairdun, tmp_path, **{"invoice.disputed": True})          # a decision record: 3 years, no duty
    held = fairdun("retention", "hold", "--debtor-ref", "C-10023", "--reason", "litigation", "--note", "case 7")
    assert held.exit_code == 0
    hold_id = json.loads(held.output)["hold_id"]
    assert [h["hold_id"] for h in json.loads(fairdun("retention", "holds").output)] == [hold_id]
    blocked = json.loads(fairdun("retention", "run", "--now", "2035-01-01T00:00:00Z").output)
    assert blocked["keys_held"] == 1 and blocked["keys_shredded"] == 0
    assert fairdun("retention", "release", hold_id).exit_code == 0
    assert fairdun("retention", "release", hold_id).exit_code == 2           # released already
    early = json.loads(fairdun("retention", "run", "--now", "2029-12-31T22:59:59Z").output)
    assert early["keys_shredded"] == 0 and early["keys_kept"] == 1
    ran = json.loads(fairdun("retention", "run", "--now", "2030-01-01T00:00:00Z").output)
    assert ran["keys_shredded"] == 1 and ran["shredded_by_category"] == {"decision_record": 1}
    verified = fairdun("ledger", "verify")
    assert verified.exit_code == 0 and "1 shredded" in verified.output
    assert fairdun("retention", "run", "--now", "yesterday").exit_code == 2
    schedule = json.loads(fairdun("retention", "schedule").output)
    assert {c["category"] for c in schedule["categories"]} >= {"booking_voucher", "business_letter", "regf_record"}


def test_requests_and_reviews_queues(fairdun: Any, tmp_path: Path) -> None:
    decision = _decide(fairdun, tmp_path, **HANDOVER)
    [case] = json.loads(fairdun("reviews").output)
    assert case["decision_id"] == decision["decision_id"] and case["origin"] == "automatic"
    assert json.loads(fairdun("requests", "--status", "overdue").output) == []


def test_ledger_verify_records_its_result(fairdun: Any, tmp_path: Path, database_url: str) -> None:
    _decide(fairdun, tmp_path)
    assert fairdun("ledger", "verify").exit_code == 0
    from decisions import rights
    from ledger import Database

    db = Database(database_url)
    try:
        status = rights.ledger_status(db)
    finally:
        db.dispose()
    assert status["last_verification"]["ok"] is True and status["last_verification"]["entries"] == 1
