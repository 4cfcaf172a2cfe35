"""``POST /v1/runs`` on an instance configured for the run queue (``FAIRDUN_RUN_QUEUE=procrastinate``):
the run's chunks are queued, not executed by the web process; a worker executes them, and the
run is finished exactly once however many chunks try."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from decisions.portfolio import generate_portfolio

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(RUN_QUEUE="procrastinate", RUN_CHUNK_SIZE=10, WORKER_HEARTBEAT_SECONDS=0.5,
                    WORKER_STALLED_SECONDS=3)


def _jobs(app: Any) -> list[dict[str, Any]]:
    with app.extensions["fairdun"].db.reading() as session:
        return list(session.execute(text("SELECT args FROM procrastinate_jobs WHERE task_name = 'fairdun.run_chunk' "
                                          "ORDER BY id")).scalars())


def _completed(app: Any, run_id: str) -> int:
    with app.extensions["fairdun"].db.reading() as session:
        return int(session.execute(text("SELECT count(*) FROM outbox_events WHERE type = 'run.completed' "
                                        "AND about = :run"), {"run": run_id}).scalar_one())


def _finished_at(app: Any, run_id: str) -> Any:
    with app.extensions["fairdun"].db.reading() as session:
        return session.execute(text("SELECT finished_at FROM runs WHERE run_id = :run"), {"run": run_id}).scalar_one()


def test_an_api_run_is_queued_in_chunks_and_a_worker_decides_it(client: Any, auth: Any, app: Any) -> None:
    from service.worker import run_worker

    items = [*generate_portfolio(25, seed=5, as_of=AS_OF), {"debtor": {"ref": "C-BROKEN"}}]
    response = client.post("/v1/runs", json={"items": items}, headers=auth("ar_system"))
    assert response.status_code == 202, response.json
    run_id = response.json["run_id"]
    # queued, not decided: three chunks of the 25 valid items, carrying nothing but the range
    assert _jobs(app) == [{"run_id": run_id, "first": 0, "last": 9}, {"run_id": run_id, "first": 10, "last": 19},
                          {"run_id": run_id, "first": 20, "last": 24}]
    status = client.get(f"/v1/runs/{run_id}", headers=auth("ar_system")).json
    assert (status["status"], status["decided"], status["invalid"]) == ("pending", 0, 1)
    # a resume while its chunks are queued adds none
    assert client.post(f"/v1/runs/{run_id}/resume", headers=auth("ar_system")).status_code == 202
    assert len(_jobs(app)) == 3

    run_worker(app, burst=True)

    status = client.get(f"/v1/runs/{run_id}", headers=auth("ar_system")).json
    assert (status["status"], status["decided"], status["done"], status["total"]) == ("finished", 25, 26, 26)
    assert status["summary"]["decisions"] == 25 and _completed(app, run_id) == 1
    assert _jobs(app) == []   # done chunks are not kept
    # a resume of the finished run queues nothing and finishes nothing again
    assert client.post(f"/v1/runs/{run_id}/resume", headers=auth("ar_system")).json["status"] == "finished"
    assert _jobs(app) == [] and _completed(app, run_id) == 1


def test_of_chunks_completing_the_run_at_once_one_finishes_it(client: Any, auth: Any, app: Any, clock: Any) -> None:
    from service.runner import parse_items
    from service.worker import ChunkExecutor

    runs = app.extensions["fairdun"].runs
    response = client.post("/v1/runs", json={"items": list(generate_portfolio(12, seed=6, as_of=AS_OF))},
                           headers=auth("ar_system"))
    run_id = response.json["run_id"]
    assert runs.finish(run_id) is None   # every item remains: not finished
    with app.extensions["fairdun"].db.unit_of_work() as uow:   # the queued chunks taken away ...
        uow.session.execute(text("DELETE FROM procrastinate_jobs"))
        uow.commit()
    for first, last in ((0, 9), (10, 11)):   # ... and decided here, chunk by chunk, the run left unfinished
        chunk = list(runs.stored_requests(run_id, first=first, last=last))
        assert [index for index, _ in chunk] == list(range(first, last + 1))
        runs.execute(run_id, parse_items(chunk, as_of=None), finish=False)
    assert runs.status(run_id)["status"] == "running"

    barrier = threading.Barrier(4)
    results: list[Any] = []

    def finish() -> None:   # four chunks completing the run at the same moment
        barrier.wait()
        results.append(runs.finish(run_id))

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 4 and sum(result is not None for result in results) == 1
    assert runs.status(run_id)["status"] == "finished" and _completed(app, run_id) == 1
    # a chunk retried after the run ended (its worker died before acknowledging it) decides nothing
    # and leaves the run as it finished
    finished = _finished_at(app, run_id)
    clock.advance(minutes=5)
    ChunkExecutor(runs, app.extensions["fairdun"].db)(run_id, 0, 9)
    assert runs.status(run_id)["status"] == "finished" and runs.status(run_id)["decided"] == 12
    assert _finished_at(app, run_id) == finished and _completed(app, run_id) == 1
