"""Batch runs evaluate a batch while the one before it is recorded (issue 15): what an
evaluation made ahead read is checked again when it is recorded, and items of a claim still in
flight wait for it, so every decision is the one a run without overlap would have made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fakes import request_with, verify

from decisions.pipeline import Decision, DecisionContext, Job, evaluate_jobs
from decisions.runs import RunItem
from ledger.timestamps import rfc3339
from service.schemas import DecisionRequestSchema

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
_schema = DecisionRequestSchema()


class _Ahead:
    """An evaluator that, like the worker processes, returns before its batch is recorded;
    ``meanwhile`` runs after the evaluation (as another request would, while the run records)."""

    def __init__(self, meanwhile: Any = None) -> None:
        self.meanwhile = meanwhile
        self.batches = 0

    def submit(self, jobs: list[Job], context: DecisionContext) -> Any:
        self.batches += 1
        decisions = evaluate_jobs(jobs, context)
        if self.meanwhile is not None:
            self.meanwhile(jobs)
        return _Evaluated(decisions)

    def __call__(self, jobs: list[Job], context: DecisionContext) -> list[Decision]:
        return self.submit(jobs, context).result()


class _Evaluated:
    def __init__(self, decisions: list[Decision]) -> None:
        self._decisions = decisions

    def result(self) -> list[Decision]:
        return self._decisions

    def cancel(self) -> None:
        pass


def _item(index: int, request: dict[str, Any]) -> RunItem:
    return RunItem(index=index, request_json=request, case=_schema.load(request))


def _documents(app: Any, run_id: str) -> dict[int, dict[str, Any]]:
    from decisions.documents import documents_of
    from decisions.tables import DecisionRow

    with app.extensions["fairdun"].db.reading() as session:
        items = dict(session.query(DecisionRow.decision_id, DecisionRow.run_item).filter_by(run_id=run_id).all())
        return {items[decision_id]: document for decision_id, document in documents_of(session, items).items()}


def _run(app: Any, run_id: str, items: list[RunItem], evaluator: Any) -> dict[str, Any]:
    runs = app.extensions["fairdun"].runs
    runs.open(run_id=run_id, source_sha256="0" * 64, as_of=None, total=len(items))
    return runs.execute(run_id, items, evaluate_batch=evaluator)


def test_a_dispute_reported_while_its_claim_is_evaluated_is_seen_by_the_decision(make_app: Any, client: Any,
                                                                                    auth: Any) -> None:
    app = make_app(RUNS_BATCH_SIZE=2)
    client = app.test_client()
    disputed = request_with(**{"debtor.ref": "C-DISPUTE", "invoice.ref": "INV-D"})
    untouched = request_with(**{"debtor.ref": "C-QUIET", "invoice.ref": "INV-Q"})

    def dispute(jobs: list[Job]) -> None:
        if any(job.case.debtor.ref == "C-DISPUTE" for job in jobs):
            response = client.post("/v1/events", json={"debtor_ref": "C-DISPUTE", "invoice_ref": "INV-D",
                                                       "type": "dispute_opened", "at": "2026-11-22T08:00:00Z"},
                                   headers=auth("ar_system"))
            assert response.status_code == 201, response.json

    evaluator = _Ahead(meanwhile=dispute)
    summary = _run(app, "run-dispute", [_item(0, disputed), _item(1, untouched)], evaluator)
    documents = _documents(app, "run-dispute")
    assert summary["decisions"] == 2 and evaluator.batches == 1
    # evaluated ahead without the dispute, decided again under the claim's lock with it
    assert documents[0]["action"]["kind"] == "none"
    assert any(p["effect"] == "deny" and p["action"] == "reminder" for p in documents[0]["explanation"]["policy"])
    assert documents[1]["action"]["kind"] == "reminder"   # its claim did not change: recorded as evaluated
    assert verify(app).entries == 3 + summary["by_status"].get("needs_review", 0)   # 2 decisions and the event


def test_items_of_a_claim_in_flight_are_decided_after_it_as_a_sequential_run_would(make_app: Any,
                                                                                      client: Any,
                                                                                      auth: Any) -> None:
    app = make_app(RUNS_BATCH_SIZE=2)
    client = app.test_client()

    def pair(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        first = request_with(**{"debtor.ref": f"C-{name}", "invoice.ref": f"INV-{name}",
                                "as_of": rfc3339(AS_OF)})
        return first, {**first, "as_of": rfc3339(AS_OF + timedelta(days=1))}

    # batches of two: each claim's second item arrives while its first is still being evaluated
    pairs = [pair(name) for name in "ABCD"]
    order = [pairs[0][0], pairs[1][0], pairs[0][1], pairs[1][1], pairs[2][0], pairs[3][0], pairs[2][1], pairs[3][1]]
    evaluator = _Ahead()
    summary = _run(app, "run-pairs", [_item(i, request) for i, request in enumerate(order)], evaluator)
    assert summary["decisions"] == 8
    overlapped = _documents(app, "run-pairs")

    # the same claims decided one request at a time (other references: other claims)
    sequential = []
    for first, second in pairs:
        for request in (first, second):
            request = {**request, "debtor": {**request["debtor"], "ref": "S" + request["debtor"]["ref"]}}
            response = client.post("/v1/decisions", json=request, headers=auth("ar_system"))
            assert response.status_code == 201, response.json
            sequential.append(response.json)
    by_claim = [overlapped[i] for i in (0, 2, 1, 3, 4, 6, 5, 7)]
    assert [(d["status"], d["action"]) for d in by_claim] == [(d["status"], d["action"]) for d in sequential]
    # the second decision of a claim knows the first: its reminder counts against the claim
    assert any(d["action"] != s["action"] for d, s in zip(by_claim[1::2], by_claim[0::2], strict=True))


def test_a_batch_is_recorded_in_slices_each_its_own_transaction(make_app: Any) -> None:
    app = make_app(RUNS_BATCH_SIZE=10, RUNS_SLICE_SIZE=3)
    runs = app.extensions["fairdun"].runs
    original = runs._record_slice
    calls = []

    def second_fails(*args: Any) -> None:
        calls.append(len(args[2]))
        if len(calls) == 2:
            raise KeyboardInterrupt
        original(*args)

    runs._record_slice = second_fails
    items = [_item(i, request_with(**{"debtor.ref": f"C-S{i}", "invoice.ref": f"INV-S{i}"})) for i in range(10)]
    try:
        _run(app, "run-slices", items, evaluate_jobs)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the run was not interrupted")
    assert calls == [3, 3]
    assert sorted(_documents(app, "run-slices")) == [0, 1, 2]   # the first slice committed, alone
    runs._record_slice = original
    assert _run(app, "run-slices", items, evaluate_jobs)["decisions"] == 10
