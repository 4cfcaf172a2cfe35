"""A single decision requested while a run records waits for one slice at most (issue 15).

SQLite has one write lock: the request waits for the slice being recorded, and the run's next
slice waits for the request (``ledger.handover``). PostgreSQL locks claims: a request for another
claim does not wait for the slice at all."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fakes import request_with
from lock_support import lock_held, until

from decisions.pipeline import evaluate_jobs
from decisions.runs import RunItem
from service.schemas import DecisionRequestSchema

_schema = DecisionRequestSchema()


def _item(index: int) -> RunItem:
    request = request_with(**{"debtor.ref": f"C-RUN{index}", "invoice.ref": f"INV-RUN{index}"})
    return RunItem(index=index, request_json=request, case=_schema.load(request))


def test_a_request_during_a_run_waits_for_one_slice_at_most(make_app: Any, auth: Any, database_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(RUNS_BATCH_SIZE=6, RUNS_SLICE_SIZE=2)
    runtime = app.extensions["fairdun"]
    headers = auth("ar_system")
    answers: list[Any] = []
    request = threading.Thread(target=lambda: answers.append(app.test_client().post(
        "/v1/decisions", json=request_with(**{"debtor.ref": "C-LIVE", "invoice.ref": "INV-LIVE"}),
        headers=headers)), daemon=True)
    vault = runtime.runs._services.vault
    preload = vault.preload
    slices: list[int] = []

    def in_a_slice(session: Any, key_ids: Any) -> None:
        """Runs inside each slice's transaction, its claims locked, before it appends."""
        slices.append(len(slices) + 1)
        if slices == [1]:
            request.start()
            if runtime.db.is_sqlite:   # the request queues for this slice's commit
                until(lambda: lock_held(f"{runtime.db.engine.url.database}-writers"))
                assert not answers
            else:                      # another claim: it does not wait for this slice
                request.join(60)
                assert answers and answers[0].status_code == 201
        preload(session, key_ids)

    monkeypatch.setattr(vault, "preload", in_a_slice)
    runs = runtime.runs
    runs.open(run_id="run-fair", source_sha256="0" * 64, as_of=None, total=6)
    assert runs.execute("run-fair", [_item(i) for i in range(6)], evaluate_batch=evaluate_jobs)["decisions"] == 6
    request.join(60)
    assert slices == [1, 2, 3] and answers[0].status_code == 201, answers[0].json
    live = answers[0].json["ledger"]["seq"]
    with runtime.db.reading() as session:
        from decisions.documents import documents_of
        from decisions.tables import DecisionRow

        items = dict(session.query(DecisionRow.decision_id, DecisionRow.run_item).filter_by(run_id="run-fair").all())
        seqs = {items[d]: doc["ledger"]["seq"] for d, doc in documents_of(session, items).items()}
    by_slice = [sorted(seqs[i] for i in (2 * k, 2 * k + 1)) for k in range(3)]
    if runtime.db.is_sqlite:   # after the slice it waited for, before the next
        assert by_slice[0][-1] < live < by_slice[1][0]
    else:                      # before the slice it did not wait for
        assert live < by_slice[0][0]
