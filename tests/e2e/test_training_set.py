"""``fairdun model dataset --from-ledger``: a leak-free training set of fairdun's own decisions,
from a verified ledger, with its hash in the ledger (issue 19, point 4)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import ledger_kinds, request_with, tamper

from decisions import rights
from decisions.errors import Conflict
from explain.features import FEATURE_NAMES
from explain.ledger_set import COLUMNS
from ledger.tables import LedgerEntry
from service.cli import main
from service.training_export import EXPORT_KIND, export_training_set

ACTOR = {"via": "test"}


def decide(client: Any, auth: Any, n: int, as_of: str = "2026-11-22T09:00:00Z") -> dict[str, Any]:
    response = client.post("/v1/decisions", headers=auth("ar_system"), json=request_with(**{
        "debtor.ref": f"C-{n}", "invoice.ref": f"INV-{n}", "as_of": as_of}))
    assert response.status_code == 201, response.json
    assert response.json["risk"]["p_late"] is not None
    return response.json


def pay(client: Any, auth: Any, n: int, on: str) -> None:
    response = client.post("/v1/events", headers=auth("ar_system"), json={
        "type": "payment_received", "at": f"{on}T10:00:00Z", "debtor_ref": f"C-{n}", "invoice_ref": f"INV-{n}",
        "amount": "120.00", "currency": "EUR"})
    assert response.status_code in (200, 201, 202), response.json


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_rows_carry_what_the_decision_saw_and_the_label_of_later_payments(app: Any, client: Any, auth: Any,
                                                                        clock: Any, tmp_path: Path) -> None:
    runtime = app.extensions["fairdun"]
    paid, late, _ = (decide(client, auth, n) for n in (1, 2, 3))
    clock.advance(days=2, hours=1)
    pay(client, auth, 1, "2026-11-24")                # paid within the horizon: on time
    clock.advance(days=57)
    pay(client, auth, 2, "2027-01-20")                # paid long after the target's day: late
    rights.request_erasure(runtime.rights, runtime.pseudonyms.subject("C-3"), statement=None, channel="staff",
                           actor="staff:test")
    recent = decide(client, auth, 4, "2027-01-20T10:00:00Z")                 # its target's day has not come: open
    clock.advance(minutes=1)
    out = tmp_path / "train.csv"
    summary = export_training_set(app, out, now=runtime.clock(), include_open=False, target=None, actor=ACTOR)

    rows = rows_of(out)
    assert [r["decision_id"] for r in rows] == [paid["decision_id"], late["decision_id"]]
    assert [r["label"] for r in rows] == ["0", "1"]
    assert tuple(rows[0]) == COLUMNS
    target = summary["target"]
    decided = date(2026, 11, 22)
    due = date(2026, 10, 31)
    outcome_day = max(due + timedelta(days=target["late_after_days"]), decided + timedelta(days=target["horizon_days"]))
    assert rows[0]["label_known_on"] == (outcome_day + timedelta(days=1)).isoformat()
    for name in FEATURE_NAMES:                        # exactly the inputs the model scored
        recorded = paid["risk"]["inputs"].get(name)
        assert rows[0][name] == ("" if recorded is None else format_number(recorded)), name
    assert "C-1" not in out.read_text("utf-8") and "INV-1" not in out.read_text("utf-8")
    assert (summary["rows"], summary["late"], summary["excluded_rows"], summary["left_open"]) == (2, 1, 1, 1)
    assert recent["decision_id"] not in out.read_text("utf-8")

    # the export's own hash is in the ledger, and the ledger still verifies
    assert summary["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    with runtime.db.reading() as session:
        entry = session.query(LedgerEntry).filter(LedgerEntry.seq == summary["ledger_seq"]).one()
    body = json.loads(entry.entry)["body"]
    assert entry.kind == EXPORT_KIND and body["sha256"] == summary["sha256"] and body["rows"] == 2
    assert not {"C-1", "INV-1"} & set(entry.entry.split('"'))

    with_open = export_training_set(app, tmp_path / "all.csv", now=runtime.clock(), include_open=True,
                                    target=None, actor=ACTOR)
    kept = rows_of(tmp_path / "all.csv")
    assert with_open["open_rows"] == 1 and kept[-1]["decision_id"] == recent["decision_id"]
    assert kept[-1]["label"] == "" and kept[-1]["label_known_on"] == ""


def format_number(value: Any) -> str:
    return repr(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def test_a_ledger_that_does_not_verify_exports_nothing(app: Any, client: Any, auth: Any, tmp_path: Path) -> None:
    runtime = app.extensions["fairdun"]
    decide(client, auth, 1)
    tamper(runtime.db, "UPDATE ledger_entries SET entry = replace(entry, '\"as_of\":\"2026', "
                       "'\"as_of\":\"2025') WHERE seq = 0")
    before = ledger_kinds(app)
    with pytest.raises(Conflict) as refused:
        export_training_set(app, tmp_path / "out" / "train.csv", now=runtime.clock(), include_open=False,
                            target=None, actor=ACTOR)
    assert refused.value.code == "ledger_unverified"
    assert not (tmp_path / "out").exists() and ledger_kinds(app) == before


def test_the_command_writes_the_file_and_refuses_half_a_target(tmp_path: Path, database_url: str) -> None:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    out = tmp_path / "train.csv"
    half = runner.invoke(main, ["model", "dataset", "--from-ledger", "-o", str(out), "--horizon-days", "7"], env=env)
    assert half.exit_code == 2 and not out.exists()
    done = runner.invoke(main, ["model", "dataset", "--from-ledger", "-o", str(out), "--late-after-days", "14",
                                "--horizon-days", "7"], env=env, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    assert summary["rows"] == 0 and out.read_text("utf-8").splitlines() == [",".join(COLUMNS)]
    assert summary["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_a_challenger_is_compared_only_on_a_set_the_ledger_recorded(tmp_path: Path, database_url: str) -> None:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    forged = tmp_path / "forged.csv"
    forged.write_text(",".join(COLUMNS) + "\n", "utf-8")
    refused = runner.invoke(main, ["model", "compare", "ebm-ledger-x", "--ledger-set", str(forged)], env=env)
    assert refused.exit_code == 2
    assert json.loads(refused.output.splitlines()[-1])["error"]["code"] == "unknown_training_set"
    both = runner.invoke(main, ["model", "train", "--ledger-set", str(forged), "--csv", str(forged)], env=env)
    assert both.exit_code == 2 and "give one of" in both.output
