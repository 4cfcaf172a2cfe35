"""The audit report from a seeded ledger: its figures (in the embedded JSON and in the PDF's
text) against independent counts from the database, byte-identical renders (also across
processes), tampering reported, and the HTTP endpoint's roles and validation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes import tamper
from pdf_tools import pdf_attachments, pdf_json, pdf_meta, pdf_text
from sqlalchemy import distinct, func, select, text

from decisions.documents import documents_of
from decisions.errors import Conflict
from decisions.portfolio import generate_portfolio
from decisions.tables import DecisionRow
from ledger.offline import open_checkpoint, read_public_keys
from ledger.tables import LedgerEntry
from reports import Period, render_audit_report
from service.api_ledger import notary
from service.api_reports import verified_audit_figures

PERIOD = Period(date(2026, 11, 23), date(2026, 11, 24))
START, END = datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _decide_all(client: Any, auth: Any, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    documents = []
    for body in requests:
        response = client.post("/v1/decisions", json=body, headers=auth("ar_system"))
        assert response.status_code == 201, response.json
        documents.append(response.json)
    return documents


def _event(client: Any, auth: Any, body: dict[str, Any], **event: Any) -> None:
    ref = {"debtor_ref": body["debtor"]["ref"], "invoice_ref": body["invoice"]["ref"]}
    response = client.post("/v1/events", json={**ref, **event}, headers=auth("ar_system"))
    assert response.status_code == 201, response.json


@pytest.fixture
def seeded(app: Any, client: Any, auth: Any, clock: Any) -> dict[str, Any]:
    """Decisions before, in and after the period; payments and promises in it."""
    clock.now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    before = list(generate_portfolio(8, seed=3, as_of=clock.now))
    _decide_all(client, auth, before)
    clock.now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    during = list(generate_portfolio(30, seed=4, as_of=clock.now))
    _decide_all(client, auth, during)
    paid_late = next(r for r in during if r["invoice"]["due_on"] < "2026-11-20")
    paid_early = next(r for r in during if r["invoice"]["due_on"] >= "2026-11-24")
    promised = next(r for r in during if r is not paid_late and r is not paid_early)
    clock.now = datetime(2026, 11, 24, 10, tzinfo=UTC)
    _event(client, auth, paid_late, type="payment_received", at="2026-11-24T09:00:00Z",
           amount=paid_late["invoice"]["open_amount"], currency=paid_late["invoice"]["currency"],
           on_date="2026-11-24")
    _event(client, auth, paid_early, type="payment_received", at="2026-11-24T09:30:00Z",
           amount=paid_early["invoice"]["open_amount"], currency=paid_early["invoice"]["currency"],
           on_date="2026-11-24")
    _event(client, auth, promised, type="promise_to_pay", at="2026-11-23T10:00:00Z", on_date="2026-11-24")
    clock.now = datetime(2026, 11, 25, 9, tzinfo=UTC)
    _decide_all(client, auth, list(generate_portfolio(5, seed=5, as_of=clock.now)))
    clock.now = NOW
    return {"during": during, "paid_late": paid_late, "paid_early": paid_early}


def _figures(app: Any) -> dict[str, Any]:
    return verified_audit_figures(app, first_day=PERIOD.first_day, last_day=PERIOD.last_day, now=NOW)


def _counted(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {row["value"]: row["count"] for row in rows}


def _in_period() -> Any:
    return (DecisionRow.recorded_at >= START) & (DecisionRow.recorded_at < END)


def test_decision_figures_equal_independent_counts_from_the_database(app: Any, seeded: dict[str, Any]) -> None:
    figures = _figures(app)
    with app.extensions["fairdun"].db.reading() as session:
        def grouped(column: Any) -> dict[Any, int]:
            return dict(session.execute(select(column, func.count()).where(_in_period()).group_by(column)).all())

        total = session.scalar(select(func.count()).select_from(DecisionRow).where(_in_period()))
        by_status, by_action = grouped(DecisionRow.status), grouped(DecisionRow.action_kind)
        by_channel, by_level = grouped(DecisionRow.channel), grouped(DecisionRow.level)
        by_hold = grouped(DecisionRow.hold_code)
        documents = list(documents_of(session, session.scalars(select(DecisionRow.decision_id)
                                                              .where(_in_period()))).values())
        first_seq = session.scalar(select(func.min(DecisionRow.ledger_seq)).where(_in_period()))
        last_seq = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.ts < END))
        entries = dict(session.execute(select(LedgerEntry.kind, func.count()).where(
            LedgerEntry.seq.between(first_seq, last_seq)).group_by(LedgerEntry.kind)).all())
    d = figures["decisions"]
    assert total == len(seeded["during"]) == d["total"]
    assert _counted(d["by_status"]) == by_status
    assert _counted(d["by_action"]) == by_action
    assert _counted(d["by_channel"]) == {("–" if k is None else k): n for k, n in by_channel.items()}
    assert _counted(d["by_level"]) == {("–" if k is None else str(k)): n for k, n in by_level.items()}
    assert {h["code"]: h["count"] for h in d["held"]["by_code"]} == {k: n for k, n in by_hold.items() if k}
    assert d["needs_review"]["total"] == by_status.get("needs_review", 0)
    # jurisdictions as the AR system sent them
    assert _counted(d["by_jurisdiction"]) == Counter(r["debtor"]["jurisdiction"] for r in seeded["during"])
    # refusals: every deny step of every decision's policy trace, by rule
    denials = Counter(step["rule"] for doc in documents for step in doc["explanation"]["policy"]
                      if step["effect"] == "deny")
    assert {r["rule"]: r["count"] for r in figures["policy"]["refusals"]} == denials
    citations = Counter((step["rule"], step["citation"]) for doc in documents for step in doc["explanation"]["policy"]
                        if step["effect"] == "deny")
    assert {(r["rule"], c["citation"]): c["count"] for r in figures["policy"]["refusals"]
            for c in r["citations"]} == citations
    # ledger entries by kind in the period: the decisions, the three events, what the workflows added
    assert figures["integrity"]["entries_by_kind"] == entries
    assert entries["decision"] == total and entries["event"] == 3


def test_integrity_checkpoint_covers_the_period_and_verifies_under_the_public_keys(app: Any, seeded: Any) -> None:
    figures = _figures(app)
    integrity = figures["integrity"]
    assert integrity["verification"]["ok"] is True
    with app.extensions["fairdun"].db.reading() as session:
        size_at_end = session.scalar(select(func.max(LedgerEntry.seq) + 1).where(LedgerEntry.ts < END))
        total_entries = session.scalar(text("SELECT count(*) FROM ledger_entries"))
    assert integrity["ledger_size_at_end"] == size_at_end >= 8 + 30 + 3
    assert integrity["verification"]["entries"] == total_entries
    checkpoint = integrity["checkpoint"]
    signed = open_checkpoint(checkpoint["note"], read_public_keys("\n".join(notary(app).public_keys())))
    assert signed.tree_size == checkpoint["tree_size"] >= integrity["ledger_size_at_end"]
    assert signed.root_hash.hex() == checkpoint["root_hash"]
    assert checkpoint["signer"].startswith(f"{checkpoint['key_name']}+{checkpoint['key_id']}+")


def test_kpis_from_the_reported_events(app: Any, seeded: dict[str, Any]) -> None:
    kpis = _figures(app)["kpis"]
    late_by = (date(2026, 11, 24) - date.fromisoformat(seeded["paid_late"]["invoice"]["due_on"])).days
    assert late_by > 4
    assert kpis["on_time_rate"]["payments"] == 2
    assert kpis["on_time_rate"]["on_time"] == 1 and kpis["on_time_rate"]["value"] == 0.5
    assert kpis["avg_days_late"]["value"] == pytest.approx(late_by / 2)
    assert kpis["ptp_kept_rate"] == {"value": 0.0, "kept": 0, "due": 1, "not_yet_due": 0, "computable": True}
    with app.extensions["fairdun"].db.reading() as session:
        claims = session.scalar(select(func.count(distinct(DecisionRow.claim_id))).where(_in_period()))
        dunned = session.scalar(select(func.count(distinct(DecisionRow.claim_id))).where(
            _in_period(), DecisionRow.status == "decided", DecisionRow.action_kind != "none"))
    assert (kpis["dunning_rate"]["claims"], kpis["dunning_rate"]["dunned_claims"]) == (claims, dunned)
    assert kpis["dso"]["computable"] is True and kpis["recovered"]["computable"] is True
    assert {c["currency"] for c in kpis["cei"]["by_currency"]} == {r["invoice"]["currency"] for r in seeded["during"]}


def test_the_pdf_shows_the_figures_and_embeds_them(app: Any, seeded: Any) -> None:
    figures = _figures(app)
    pdf = render_audit_report(figures)
    attachments = pdf_attachments(pdf)
    assert sorted(attachments) == ["checkpoint.txt", "figures.json"]
    assert json.loads(attachments["figures.json"]) == json.loads(json.dumps(figures))
    assert attachments["checkpoint.txt"].decode() == figures["integrity"]["checkpoint"]["note"]
    meta = pdf_meta(pdf)
    assert 'pdfaid:part="3"' in meta and "2026-11-26T12:00:00Z" in meta
    words = " ".join(pdf_text(pdf).split())
    d = figures["decisions"]
    status_line = ", ".join(f"{r['count']} {r['value'].replace('_', ' ')}" for r in d["by_status"])
    assert f"Decisions {d['total']}: {status_line}" in words
    assert "Contents" in words and "Appendix A: KPI formulas" in words and "Page 3 / " in words
    assert "Verified. The whole ledger" in words
    assert figures["integrity"]["checkpoint"]["root_hash"] in words.replace(" ", "")
    for refusal in figures["policy"]["refusals"]:
        assert refusal["rule"] in words
    layout = pdf_text(pdf, layout=True)
    for row in d["by_jurisdiction"]:
        assert any(line.split()[:2] == [row["value"], str(row["count"])] for line in layout.splitlines()
                   if line.strip()), row


def test_same_ledger_period_and_now_give_identical_bytes_across_processes(app: Any, seeded: Any, tmp_path: Path,
                                                                         database_url: str) -> None:
    env = {**os.environ, "FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    outputs = []
    for name in ("one.pdf", "two.pdf"):
        out = tmp_path / name
        result = subprocess.run([sys.executable, "-m", "service.cli", "report", "audit", "--from", "2026-11-23",
                                 "--to", "2026-11-24", "--now", "2026-11-26T12:00:00Z", "-o", str(out)],
                                env=env, capture_output=True, text=True, cwd=Path(__file__).parents[2])
        assert result.returncode == 0, result.stderr
        assert "ledger verified" in result.stdout
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    # and the in-process render of the same figures is the same document
    assert render_audit_report(_figures(app)) == outputs[0]


def test_a_tampered_ledger_gets_no_report(app: Any, client: Any, auth: Any, seeded: Any, tmp_path: Path,
                                          database_url: str) -> None:
    tamper(app.extensions["fairdun"].db, "UPDATE ledger_entries SET entry = replace(entry, '\"as_of\":\"2026', "
                                         "'\"as_of\":\"2025') WHERE seq = 12")
    with pytest.raises(Conflict, match="does not verify at seq 12") as refused:
        _figures(app)
    assert refused.value.code == "ledger_unverified"
    response = client.get("/v1/reports/audit?from=2026-11-23&to=2026-11-24", headers=auth("compliance_officer"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "ledger_unverified"
    env = {**os.environ, "FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    out = tmp_path / "t.pdf"
    result = subprocess.run([sys.executable, "-m", "service.cli", "report", "audit", "--from", "2026-11-23",
                             "--to", "2026-11-24", "--now", "2026-11-26T12:00:00Z", "-o", str(out)],
                            env=env, capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 1 and "does not verify at seq 12" in result.stderr and not out.exists()


def test_entries_after_the_period_do_not_change_its_figures(app: Any, client: Any, auth: Any, clock: Any,
                                                            seeded: Any) -> None:
    first = _figures(app)
    clock.now = datetime(2026, 11, 26, 10, tzinfo=UTC)
    _decide_all(client, auth, list(generate_portfolio(3, seed=9, as_of=clock.now)))
    clock.now = NOW
    second = _figures(app)
    assert second["integrity"]["verification"]["entries"] == first["integrity"]["verification"]["entries"] + 3
    for key in ("decisions", "policy", "kpis", "model"):
        assert second[key] == first[key], key
    assert second["integrity"]["checkpoint"] == first["integrity"]["checkpoint"]


def test_http_audit_report_roles_and_validation(client: Any, auth: Any, seeded: Any, clock: Any) -> None:
    clock.now = NOW
    for role in ("auditor", "compliance_officer"):
        response = client.get("/v1/reports/audit?from=2026-11-23&to=2026-11-24", headers=auth(role))
        assert response.status_code == 200, response.json
        assert response.mimetype == "application/pdf"
        assert "audit-report-2026-11-23-2026-11-24.pdf" in response.headers["Content-Disposition"]
        assert pdf_json(response.data, "figures.json")["decisions"]["total"] == len(seeded["during"])
    for role in ("ar_system", "reviewer", "admin"):
        assert client.get("/v1/reports/audit?from=2026-11-23&to=2026-11-24", headers=auth(role)).status_code == 403
    assert client.get("/v1/reports/audit?from=2026-11-23&to=2026-11-24").status_code == 401
    for query, field in (("to=2026-11-24", "from"), ("from=2026-11-23", "to"), ("from=23.11.2026&to=2026-11-24", "from"),
                         ("from=2026-11-23&to=2026-11-24&extra=1", "extra"), ("from=2026-11-25&to=2026-11-24", "to"),
                         ("from=2026-12-23&to=2026-12-24", "from"), ("from=1900-01-01&to=2026-11-24", "from")):
        response = client.get(f"/v1/reports/audit?{query}", headers=auth("auditor"))
        assert response.status_code == 422, (query, response.status_code)
        assert field in response.json["error"]["fields"], (query, response.json)


def test_embedded_figures_can_be_rechecked_from_a_ledger_export(app: Any, seeded: Any, tmp_path: Path) -> None:
    """What Appendix B tells an auditor to do: counts from entries.jsonl equal figures.json."""
    pdf = render_audit_report(_figures(app))
    figures = pdf_json(pdf, "figures.json")
    exported = notary(app).export(tmp_path / "export")
    statuses: Counter[str] = Counter()
    jurisdictions: Counter[str] = Counter()
    for line in (exported.directory / "entries.jsonl").read_text().splitlines():
        entry = json.loads(json.loads(line)["entry"])
        ts = datetime.fromisoformat(entry["ts"].replace("Z", "+00:00"))
        if entry["kind"] == "decision" and START <= ts < END:
            statuses[entry["body"]["status"]] += 1
            jurisdictions[entry["body"]["facts"]["jurisdiction"]] += 1
    assert {r["value"]: r["count"] for r in figures["decisions"]["by_status"]} == statuses
    assert {r["value"]: r["count"] for r in figures["decisions"]["by_jurisdiction"]} == jurisdictions
    checkpoint = pdf_attachments(pdf)["checkpoint.txt"].decode()
    keys = read_public_keys((exported.directory / "public-keys.txt").read_text())
    assert open_checkpoint(checkpoint, keys).tree_size <= exported.entries


def test_cli_refuses_bad_options_with_a_message(tmp_path: Path, database_url: str) -> None:
    from click.testing import CliRunner

    from service.cli import main

    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    out = tmp_path / "r.pdf"
    for args, message in ((["--from", "2026-13-01", "--to", "2026-11-24"], "--from"),
                          (["--from", "2026-11-23", "--to", "2026-11-24", "--now", "yesterday"], "--now"),
                          (["--from", "2026-11-25", "--to", "2026-11-24", "--now", "2026-11-26T00:00:00Z"],
                           "the period ends before it begins")):
        result = CliRunner().invoke(main, ["report", "audit", *args, "-o", str(out)], env=env)
        assert result.exit_code == 2 and message in result.output, result.output
        assert not out.exists()


def test_the_report_monitors_the_model_from_the_verified_decisions(app: Any, seeded: Any) -> None:
    from explain import default_artifact_path

    figures = _figures(app)
    monitoring = figures["monitoring"]
    scored = sum(r["count"] for r in figures["decisions"]["by_risk_band"] if r["value"] in ("low", "medium", "high"))
    [model] = monitoring["models"]
    assert model["decisions"] == scored > 0 and model["available"]
    reference = json.loads(default_artifact_path().read_bytes())["reference"]["features"]
    assert [d["feature"] for d in model["drift"]] == list(reference)
    assert all(d["n"] == scored and sum(d["live_counts"]) == scored and d["psi"] is not None for d in model["drift"])
    # every decision of 23 November resolves on the 30th at the earliest: none before the period's end
    calibration = model["calibration"]
    assert (calibration["resolved"], calibration["unresolved"]) == (0, scored)
    words = " ".join(pdf_text(render_audit_report(figures)).split())
    assert "7.4 Live monitoring" in words and "no resolved decision" in words
    for feature in reference:
        assert feature in words
