"""Batch runs: over the API (asynchronous) and from a file (CLI), interrupted and resumed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes import request_with, verify

from decisions.portfolio import generate_portfolio, write_csv, write_jsonl

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)


def run_decisions(app: Any, run_id: str) -> list[tuple[int, str]]:
    from decisions.tables import DecisionRow

    with app.extensions["fairdun"].db.reading() as session:
        return [(item, decision_id) for item, decision_id in
                session.query(DecisionRow.run_item, DecisionRow.decision_id).filter_by(run_id=run_id)]


def _review_cases(app: Any) -> int:
    """Review cases opened by decisions that need review (one ledger entry each)."""
    from decisions.rights.tables import ReviewCaseRow

    with app.extensions["fairdun"].db.reading() as session:
        return session.query(ReviewCaseRow).count()


def test_an_api_run_decides_every_item_once_and_reports_progress(client: Any, auth: Any, app: Any) -> None:
    items = list(generate_portfolio(30, seed=7, as_of=AS_OF))
    response = client.post("/v1/runs", json={"items": items}, headers=auth("ar_system"))
    assert response.status_code == 202, response.json
    run_id = response.json["run_id"]
    summary = app.extensions["fairdun"].runner.join(run_id, timeout=120)
    status = client.get(f"/v1/runs/{run_id}", headers=auth("compliance_officer")).json
    assert status["status"] == "finished" and status["done"] == status["total"] == 30
    assert status["summary"] == summary
    assert summary["decisions"] == 30 and sum(summary["by_status"].values()) == 30
    decided = run_decisions(app, run_id)
    assert sorted(item for item, _ in decided) == list(range(30))
    assert verify(app).entries == 30 + summary["by_status"].get("needs_review", 0)   # + their review cases


def test_with_on_invalid_reject_one_invalid_item_rejects_the_whole_run(client: Any, auth: Any, app: Any) -> None:
    items = [request_with(), request_with(**{"debtor.timezone": "Atlantis/Capital"})]
    response = client.post("/v1/runs", json={"items": items, "on_invalid": "reject"}, headers=auth("ar_system"))
    assert response.status_code == 422
    assert "items.1.debtor.timezone" in response.json["error"]["fields"]
    assert verify(app).entries == 0


def test_run_as_of_replaces_each_items_own(client: Any, auth: Any, app: Any) -> None:
    response = client.post("/v1/runs", json={"as_of": "2026-11-23T09:00:00Z", "items": [request_with()]},
                           headers=auth("ar_system"))
    run_id = response.json["run_id"]
    app.extensions["fairdun"].runner.join(run_id, timeout=60)
    [(_, decision_id)] = run_decisions(app, run_id)
    decision = client.get(f"/v1/decisions/{decision_id}", headers=auth("ar_system")).json
    assert decision["as_of"] == "2026-11-23T09:00:00Z"


def test_runs_need_the_ar_system_role(client: Any, auth: Any) -> None:
    assert client.post("/v1/runs", json={"items": [request_with()]}, headers=auth("auditor")).status_code == 403


def _file(tmp_path: Path, n: int, kind: str) -> Path:
    path = tmp_path / f"portfolio.{kind}"
    requests = generate_portfolio(n, seed=11, as_of=AS_OF)
    (write_jsonl if kind == "jsonl" else write_csv)(requests, path)
    return path


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_file_run_interrupted_mid_way_resumes_without_duplicates_or_gaps(make_app: Any, tmp_path: Path,
                                                                           kind: str) -> None:
    from service.commands import run_file

    app = make_app(RUNS_BATCH_SIZE=10)
    path = _file(tmp_path, 45, kind)

    # Interrupt while the third batch is being decided (as Ctrl-C would).
    runs = app.extensions["fairdun"].runs
    original = runs._record
    calls = Counter()

    def interrupted(*args: Any) -> None:
        calls["batches"] += 1
        if calls["batches"] == 3:
            raise KeyboardInterrupt
        original(*args)

    runs._record = interrupted
    with pytest.raises(KeyboardInterrupt):
        run_file(app, path, progress=False)
    runs._record = original

    from service.commands import file_sha256, run_id_for
    run_id = run_id_for(file_sha256(path), None)
    assert runs.status(run_id)["status"] == "interrupted"
    assert len(run_decisions(app, run_id)) == 20

    summary = run_file(app, path, progress=False)
    assert summary["resumed"] is True and summary["decisions"] == 45
    items = [item for item, _ in run_decisions(app, run_id)]
    assert sorted(items) == sorted(set(items)) and len(items) == 45
    entries = 45 + summary["by_status"].get("needs_review", 0)   # each needing review opened a case
    assert verify(app).entries == entries
    # Running the finished file again decides nothing new.
    assert run_file(app, path, progress=False)["decisions"] == 45
    assert verify(app).entries == entries


def test_invalid_rows_are_reported_and_skipped_not_fatal(make_app: Any, tmp_path: Path) -> None:
    from service.commands import run_file

    app = make_app()
    path = tmp_path / "mixed.jsonl"
    good = request_with()
    path.write_text("\n".join([json.dumps(good), "{broken", json.dumps({**good, "as_of": "yesterday"})]) + "\n")
    summary = run_file(app, path, progress=False)
    assert summary["decisions"] == 1 and summary["invalid"] == 2 and summary["invalid_items"] == [2, 3]


def test_a_run_killed_mid_transaction_leaves_no_partial_entry_and_resumes(make_app: Any, tmp_path: Path,
                                                                           database_url: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from service.commands import file_sha256, run_file, run_id_for

    app = make_app()
    path = _file(tmp_path, 1000, "jsonl")
    env = {**os.environ, "FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_RUNS_BATCH_SIZE": "25", "FAIRDUN_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "run", str(path), "--no-progress"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run_id = run_id_for(file_sha256(path), None)
    try:
        # Wait for the condition "some batches committed, the run not finished", then kill -9.
        deadline = time.monotonic() + 120
        while len(run_decisions(app, run_id)) < 50:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no batch was committed within two minutes"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    committed = len(run_decisions(app, run_id))
    assert committed % 25 == 0 and committed < 1000       # whole batches only
    assert verify(app).entries == committed + _review_cases(app)

    summary = run_file(app, path, progress=False)
    items = [item for item, _ in run_decisions(app, run_id)]
    assert summary["decisions"] == len(items) == len(set(items)) == 1000
    assert verify(app).entries == 1000 + summary["by_status"].get("needs_review", 0) == 1000 + _review_cases(app)


def test_worker_processes_decide_exactly_as_the_run_process_would() -> None:
    from decisions.pipeline import DecisionContext, Job, evaluate_jobs
    from decisions.strategy import load_ladder
    from service.parallel import ProcessEvaluator
    from service.runtime import load_policy_engine, load_risk_model
    from service.schemas import DecisionRequestSchema

    schema = DecisionRequestSchema()
    jobs = [Job(case=schema.load(r), decision_id=f"d-{i}", remembered=())
            for i, r in enumerate(generate_portfolio(30, seed=5, as_of=AS_OF))]
    context = DecisionContext(model=load_risk_model({}), policy=load_policy_engine({}), ladder=load_ladder())
    with ProcessEvaluator({}, workers=2) as pool:
        parallel = pool(jobs, context)
    assert [d.document() for d in parallel] == [d.document() for d in evaluate_jobs(jobs, context)]


def test_a_run_evaluated_in_worker_processes_is_complete_and_verifies(make_app: Any, tmp_path: Path) -> None:
    from service.commands import run_file

    app = make_app(RUNS_BATCH_SIZE=15)
    summary = run_file(app, _file(tmp_path, 40, "jsonl"), progress=False, workers=2, parallel_from=1)
    assert summary["decisions"] == 40 and sum(summary["by_status"].values()) == 40
    assert verify(app).entries == 40 + summary["by_status"].get("needs_review", 0)


def test_items_dated_far_ahead_are_refused_by_the_api_and_skipped_by_file_runs(client: Any, auth: Any,
                                                                               make_app: Any,
                                                                               tmp_path: Path) -> None:
    from service.commands import run_file

    ahead = request_with(as_of="2026-12-24T09:00:00Z")
    response = client.post("/v1/runs", json={"items": [request_with(), ahead], "on_invalid": "reject"},
                           headers=auth("ar_system"))
    assert response.status_code == 422 and "items.1.as_of" in response.json["error"]["fields"]
    path = tmp_path / "ahead.jsonl"
    path.write_text(json.dumps(request_with()) + "\n" + json.dumps(ahead) + "\n")
    summary = run_file(make_app(), path, progress=False)
    assert (summary["decisions"], summary["invalid_items"]) == (1, [2])
