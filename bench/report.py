"""Audit report benchmark: the report of a period holding 100,000 decisions (target <= 30 s).

The ledger is built with the ledger benchmark's bulk writer: decision entries with a recorded
decision's body and claim facts (varied status, action, jurisdiction and refusals), plus
payment and promise events, all inside the period. A checkpoint is signed once before timing,
as the checkpointer does while entries arrive. Timed: ``audit_figures`` (one pass over the
period's entries, whole-ledger verification, model card) and ``render_audit_report`` (HTML,
charts, PDF/A-3b) separately, as ``fairdun report audit`` runs them."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ledger import append

from ._common import database
from .ledger import decision_body

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)
_JURISDICTIONS = ("DE", "DE", "DE", "GB", "US-CA", "US-NY", "US-MA", "FR", "NL", "AT")
_ACTIONS = (("reminder", 1, "email"), ("reminder", 2, "letter"), ("final_notice", 3, "letter"),
            ("none", None, None), ("none", None, None), ("payment_plan_offer", 2, "email"))


def _decision(i: int, rng: random.Random) -> dict[str, Any]:
    body = decision_body(i)
    kind, level, channel = rng.choice(_ACTIONS)
    status = rng.choices(("decided", "needs_review", "held"), weights=(90, 7, 3))[0]
    body["status"] = status
    body["action"].update(kind=kind, level=level, channel=channel)
    if status == "held":
        body["hold"] = {"code": rng.choice(("policy_error", "no_lawful_action")), "detail": "benchmark"}
    body["claim"] = f"{i % 60_000:064x}"
    body["facts"] = {"jurisdiction": rng.choice(_JURISDICTIONS), "debtor_kind": "consumer", "currency": "EUR",
                     "amount": "120.00", "open_amount": f"{rng.randint(20, 900)}.00",
                     "due_on": (date(2026, 10, 1) + timedelta(days=rng.randint(0, 60))).isoformat()}
    return body


def _event(i: int, rng: random.Random, ts: datetime) -> dict[str, Any]:
    kind = rng.choice(("payment_received", "partial_payment", "promise_to_pay"))
    details: dict[str, Any] = {"on_date": (ts.date() + timedelta(days=rng.randint(-2, 5))).isoformat()}
    if kind != "promise_to_pay":
        details.update(amount="50.00", currency="EUR")
    return {"event_id": f"e{i}", "type": kind, "subject": f"{i % 9973:064x}", "claim": f"{i % 60_000:064x}",
            "at": ts.isoformat().replace("+00:00", "Z"), "details": details}


def _project_decision(session: Any, body: dict[str, Any], appended: Any) -> None:
    """The read model row recording a decision writes (``decisions.recording``): the report
    verifies it against the entry, as it verifies everything it rests on."""
    from decisions.tables import DecisionRow
    from ledger.timestamps import parse_rfc3339

    action, hold = body["action"], body.get("hold") or {}
    document = {k: v for k, v in body.items() if k not in ("subject", "claim", "facts", "run")}
    document["ledger"] = {"seq": appended.seq, "entry_hash": appended.entry_hash}
    session.add(DecisionRow(
        decision_id=body["decision_id"], ledger_seq=appended.seq, entry_hash=appended.entry_hash,
        subject_id=body["subject"], claim_id=body["claim"], as_of=parse_rfc3339(body["as_of"]),
        recorded_at=appended.ts, status=body["status"], action_kind=action["kind"], level=action["level"],
        channel=action["channel"], send_at=parse_rfc3339(action["send_at"]) if action["send_at"] else None,
        hold_code=hold.get("code"), document=json.dumps(document, separators=(",", ":"))))


def _project_event(session: Any, body: dict[str, Any], appended: Any) -> None:
    from decisions.tables import ClaimActivityRow
    from ledger.timestamps import parse_rfc3339

    session.add(ClaimActivityRow(claim_id=body["claim"], subject_id=body["subject"], source_id=body["event_id"],
                                 ledger_seq=appended.seq, at=parse_rfc3339(body["at"]), activity=body["type"]))


def build(db: Any, decisions: int, events: int, *, batch: int = 1000) -> float:
    rng = random.Random(7)
    start = datetime.combine(PERIOD[0], datetime.min.time(), tzinfo=UTC)
    span = (PERIOD[1] - PERIOD[0]).days * 86400
    written, started = 0, time.perf_counter()
    total = decisions + events
    while written < total:
        with db.unit_of_work() as uow:
            for i in range(written, min(total, written + batch)):
                ts = start + timedelta(seconds=span * i // total)
                if i % (total // events if events else total + 1) == 0 and events:
                    body = _event(i, rng, ts)
                    _project_event(uow.session, body, append(uow.session, kind="event", body=body, ts=ts))
                else:
                    body = _decision(i, rng)
                    _project_decision(uow.session, body, append(uow.session, kind="decision", body=body, ts=ts))
            uow.commit()
        written = min(total, written + batch)
    return time.perf_counter() - started


def measure(backend: str, decisions: int = 100_000, events: int = 10_000) -> dict[str, Any]:
    from reports import render_audit_report
    from service.api_ledger import notary
    from service.api_reports import verified_audit_figures
    from service.app import close_app, create_app
    from service.schema import upgrade

    with database(backend) as url, tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
        app = create_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                          "CLOCK": lambda: NOW})
        runtime = app.extensions["fairdun"]
        upgrade(runtime.db.engine)
        build_s = build(runtime.db, decisions, events)
        notary(app).checkpoint()
        started = time.perf_counter()
        figures = verified_audit_figures(app, first_day=PERIOD[0], last_day=PERIOD[1], now=NOW)
        figures_s = time.perf_counter() - started
        started = time.perf_counter()
        pdf = render_audit_report(figures)
        render_s = time.perf_counter() - started
        close_app(app)
    return {"backend": backend, "decisions": figures["decisions"]["total"], "entries": figures["integrity"]
            ["period_entries"]["count"], "build_s": build_s, "figures_s": figures_s, "render_s": render_s,
            "total_s": figures_s + render_s, "pdf_bytes": len(pdf), "verified": figures["integrity"]["verification"]["ok"]}


def markdown(results: list[dict[str, Any]]) -> list[str]:
    lines = ["", "## Audit report (target: a period of 100,000 decisions in <= 30 s)", "",
             "Decisions and events in one 30-day period; the checkpoint already signed. Figures: one pass over the "
             "period's entries, verification of the whole ledger, the model card; render: HTML, charts, PDF/A-3b.", "",
             "| backend | decisions | ledger entries | figures s | render s | total s | PDF bytes |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['backend']} | {r['decisions']:,} | {r['entries']:,} | {r['figures_s']:.1f} | "
                     f"{r['render_s']:.1f} | {r['total_s']:.1f} | {r['pdf_bytes']:,} |")
    return lines


def main(backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[str]:
    return markdown([measure(backend) for backend in backends])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--decisions", type=int, default=100_000)
    args = parser.parse_args()
    results = []
    for backend in args.backend or ("sqlite", "postgresql"):
        results.append(measure(backend, args.decisions, args.decisions // 10))
        print(json.dumps(results[-1]), flush=True)
    print("\n".join(markdown(results)))
