"""ledger.handover: a batch run's slices let the interactive writers that queued during the last
slice go first, and an interactive writer waits for one slice at most (issue 15). Threads stand
for requests and runs; each check waits for a lock state, never for time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from lock_support import lock_held, until

from ledger.handover import Handover


def _thread(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def handover(tmp_path: Path) -> Handover:
    return Handover(str(tmp_path / "fairdun.db"))


def test_a_writer_arriving_during_a_slice_waits_for_its_commit(handover: Handover) -> None:
    events: list[str] = []

    def request() -> None:
        with handover.interactive():
            events.append("request")

    with handover.run_slice():
        events.append("slice")
        writer = _thread(request)
        until(lambda: lock_held(handover.writers_path))   # it has queued ...
        assert events == ["slice"]                         # ... and waits for this slice
    writer.join(60)
    assert events == ["slice", "request"]


def test_the_next_slice_begins_only_after_the_queued_writer_ends(handover: Handover) -> None:
    order: list[str] = []
    queued = threading.Event()

    def request() -> None:
        with handover.interactive():
            order.append("request")
        queued.set()

    with handover.run_slice():
        writer = _thread(request)
        until(lambda: lock_held(handover.writers_path))
    with handover.run_slice():
        order.append("slice 2")
    writer.join(60)
    assert order == ["request", "slice 2"] and queued.is_set()


def test_interactive_writers_do_not_wait_for_each_other(handover: Handover) -> None:
    inside = threading.Barrier(2, timeout=60)

    def request() -> None:
        with handover.interactive():
            inside.wait()   # both are inside at once, or this times out

    other = _thread(request)
    request()
    other.join(60)
    assert not other.is_alive()


def test_a_unit_of_work_opened_inside_another_does_not_wait_for_itself(handover: Handover) -> None:
    with handover.run_slice(), handover.interactive(), handover.run_slice():
        pass
    with handover.interactive(), handover.run_slice(), handover.interactive():
        pass
    assert not lock_held(handover.writers_path) and not lock_held(handover.slice_path)


def test_a_failed_transaction_releases_its_locks(handover: Handover) -> None:
    for hold in (handover.interactive, handover.run_slice):
        with pytest.raises(RuntimeError), hold():
            raise RuntimeError("rolled back")
        assert not lock_held(handover.writers_path) and not lock_held(handover.slice_path)


def test_a_database_folder_that_is_gone_leaves_the_error_to_the_database(tmp_path: Path) -> None:
    gone = Handover(str(tmp_path / "gone" / "fairdun.db"))
    for hold in (gone.interactive, gone.run_slice):
        with hold():
            pass
