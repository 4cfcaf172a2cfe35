"""The fairdun command line against a real installation (instance folder + database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import request_with
from sqlalchemy import create_engine, text

from service.cli import main


@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    """Invoke ``fairdun ...`` with this test's instance and database."""
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_api_key_create_prints_the_secret_alone_on_the_last_line(fairdun: Any, tmp_path: Path,
                                                                 database_url: str) -> None:
    result = fairdun("api-key", "create", "--name", "ERP", "--role", "ar_system")
    assert result.exit_code == 0
    secret = result.output.rstrip("\n").splitlines()[-1]
    assert secret.startswith("fd_") and " " not in secret
    # The secret authenticates against the same installation; only its hash is stored.
    from service.app import close_app, create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url})
    try:
        response = app.test_client().post("/v1/decisions", json=request_with(),
                                          headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 201
        with app.extensions["fairdun"].db.reading() as session:
            stored = " ".join(str(v) for row in session.execute(text("SELECT * FROM api_keys")) for v in row)
        assert secret not in stored
    finally:
        close_app(app)
    assert fairdun("api-key", "create", "--name", "x", "--role", "overlord").exit_code == 2


def test_decide_prints_the_decision_and_refuses_an_invalid_case(fairdun: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(request_with()))
    result = fairdun("decide", str(case))
    assert result.exit_code == 0
    decision = json.loads(result.output)
    assert decision["status"] == "decided" and decision["ledger"]["seq"] == 0
    case.write_text(json.dumps(request_with(**{"invoice.currency": "EURO"})))
    refused = fairdun("decide", str(case))
    assert refused.exit_code == 2
    assert "invoice.currency" in json.loads(refused.stderr)["error"]["fields"]


def test_decide_twice_is_one_decision_and_another_case_for_the_claim_is_refused(fairdun: Any,
                                                                                 tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(request_with()))
    first = fairdun("decide", str(case))
    assert first.exit_code == 0 and fairdun("decide", str(case)).output == first.output
    case.write_text(json.dumps(request_with(**{"debtor.consents.email": False})))
    refused = fairdun("decide", str(case))
    assert refused.exit_code == 2
    error = json.loads(refused.stderr)["error"]
    assert error["code"] == "duplicate_decision" and json.loads(first.output)["decision_id"] in error["fields"]["as_of"][0]


def test_run_prints_a_summary_and_ledger_verify_checks_the_chain(fairdun: Any, tmp_path: Path,
                                                                 database_url: str) -> None:
    from datetime import UTC, datetime

    from decisions.portfolio import generate_portfolio, write_csv

    path = tmp_path / "invoices.csv"
    write_csv(generate_portfolio(12, seed=3, as_of=datetime(2026, 11, 22, 9, tzinfo=UTC)), path)
    result = fairdun("run", str(path), "--workers", "1")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["decisions"] == 12 and summary["invalid"] == 0
    assert "12/12" in result.stderr          # the progress bar
    verified = fairdun("ledger", "verify")
    assert verified.exit_code == 0 and "ok: 12 entries" in verified.output

    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER ledger_entries_no_update")
        else:
            connection.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE ledger_entries SET entry = replace(entry, '\"kind\":\"decision\"', "
                                "'\"kind\":\"decisioN\"') WHERE seq = 5"))
    engine.dispose()
    broken = fairdun("ledger", "verify")
    assert broken.exit_code == 1 and "seq 5" in broken.stderr
