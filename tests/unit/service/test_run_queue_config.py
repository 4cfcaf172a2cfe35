"""The run queue's configuration: it lives in PostgreSQL, and a setting it cannot use stops the start."""

from __future__ import annotations

from typing import Any

import pytest

from service.run_queue import QueueNeedsPostgres, QueueSettings, conninfo, run_queue_of

SETTINGS = {"RUN_CHUNK_SIZE": 1000, "WORKER_HEARTBEAT_SECONDS": 10, "WORKER_STALLED_SECONDS": 30}


def test_the_queue_connects_with_libpq_to_the_services_own_database() -> None:
    url = "postgresql+psycopg://fd:secret@db.internal:5433/fairdun?options=-csearch_path%3Druns"
    assert conninfo(url) == "postgresql://fd:secret@db.internal:5433/fairdun?options=-csearch_path%3Druns"


def test_the_queue_refuses_sqlite() -> None:
    with pytest.raises(QueueNeedsPostgres, match="needs PostgreSQL"):
        run_queue_of({"RUN_QUEUE": "procrastinate", "DATABASE_URL": "sqlite:///instance/fairdun.sqlite3",
                      **SETTINGS}, runs=None)  # type: ignore[arg-type]


def test_without_a_queue_runs_stay_in_the_web_process() -> None:
    assert run_queue_of({"RUN_QUEUE": None, "DATABASE_URL": "sqlite:///x.sqlite3", **SETTINGS},
                        runs=None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("config", [{"RUN_QUEUE": "celery"}, {"RUN_QUEUE": "procrastinate", "RUN_CHUNK_SIZE": 0},
                                    {"RUN_QUEUE": "procrastinate", "WORKER_STALLED_SECONDS": 5,
                                     "WORKER_HEARTBEAT_SECONDS": 10}])
def test_a_setting_the_queue_cannot_use_stops_the_start(config: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="FAIRDUN_RUN_QUEUE|FAIRDUN_RUN_CHUNK_SIZE"):
        run_queue_of({"DATABASE_URL": "postgresql+psycopg://fd@db/fairdun", **SETTINGS, **config},
                      runs=None)  # type: ignore[arg-type]


def test_settings_are_read_from_the_environments_text() -> None:
    settings = QueueSettings.of({"RUN_CHUNK_SIZE": "250", "WORKER_HEARTBEAT_SECONDS": "0.5",
                                 "WORKER_STALLED_SECONDS": "3"})
    assert settings == QueueSettings(chunk_size=250, heartbeat_seconds=0.5, stalled_seconds=3.0)
