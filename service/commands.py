"""Plain functions behind the CLI commands (tests call them directly)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from flask import Flask
from marshmallow import ValidationError
from tqdm import tqdm

from decisions.idempotency import ClaimConflict
from decisions.pipeline import evaluate_jobs
from decisions.runs import BatchEvaluator, RunItem
from ledger.timestamps import parse_rfc3339

from .errors import flatten_messages
from .parallel import ProcessEvaluator
from .run_files import file_rows, parse_row
from .schemas import DecisionRequestSchema

__all__ = ["decide_file", "run_file", "queue_file", "run_id_for", "InvalidCase"]

# Starting worker processes (each loads the model and compiles the bundle) pays off
# only for a run of some size.
PARALLEL_FROM = 2000
# Runs started from a file get an id derived from the file's content and as_of,
# so running the same file again resumes the same run.
_RUNS_NAMESPACE = uuid.UUID("5b0e7c1e-2f4a-4c8e-9a57-6a2d3f1e0b11")


class InvalidCase(Exception):
    """The case is refused: invalid (``validation_error``), or it contradicts its claim's recorded
    decisions (``duplicate_decision``, ``as_of_before_latest``: ``decisions.idempotency``)."""

    def __init__(self, fields: dict[str, list[str]], code: str = "validation_error") -> None:
        super().__init__("the case is not valid" if code == "validation_error" else "the case is refused")
        self.fields = fields
        self.code = code


def decide_file(app: Flask, handle: IO[str]) -> dict[str, Any]:
    try:
        body = json.load(handle)
        case = DecisionRequestSchema().load(body)
    except ValueError as exc:
        raise InvalidCase({"_body": [f"not JSON: {exc}"]}) from exc
    except ValidationError as exc:
        raise InvalidCase(flatten_messages(exc.messages)) from exc
    try:
        return app.extensions["fairdun"].decider.decide(case, body).document
    except ClaimConflict as exc:
        raise InvalidCase(exc.fields, code=exc.code) from exc


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_id_for(source_sha256: str, as_of: str | None) -> str:
    return str(uuid.uuid5(_RUNS_NAMESPACE, f"{source_sha256}/{as_of or ''}"))


def run_file(app: Flask, path: Path, *, as_of: str | None = None, progress: bool = True,
             workers: int = 1, parallel_from: int = PARALLEL_FROM) -> dict[str, Any]:
    """Run (or resume) the batch in ``path``; returns the run's summary. With
    ``workers`` > 1 and enough to do, evaluations run in that many processes."""
    runtime = app.extensions["fairdun"]
    source = file_sha256(path)
    run_id = run_id_for(source, as_of)
    total = sum(1 for _ in file_rows(path))
    runs = runtime.runs
    runs.open(run_id=run_id, source_sha256=source, as_of=parse_rfc3339(as_of) if as_of else None, total=total)
    status = runs.status(run_id)
    if status["status"] == "finished":
        return {"run_id": run_id, "resumed": False, **status["summary"]}
    pending = total - status["done"]
    moment = parse_rfc3339(as_of) if as_of else None
    with ExitStack() as stack:
        evaluate_batch: BatchEvaluator = evaluate_jobs
        items: Iterator[RunItem] = (parse_row(row, as_of=moment) for row in file_rows(path))
        if workers > 1 and pending >= parallel_from:
            evaluator = stack.enter_context(ProcessEvaluator(app.config, workers=workers))
            evaluate_batch, items = evaluator, evaluator.parsed(file_rows(path), as_of=moment)
        bar = stack.enter_context(tqdm(total=total, initial=status["done"], unit="invoice", disable=not progress,
                                       desc=f"run {run_id[:8]}"))
        summary = runs.execute(run_id, items, progress=bar.update, evaluate_batch=evaluate_batch)
    return {"run_id": run_id, "resumed": status["done"] > 0, **summary}


def queue_file(app: Flask, path: Path, *, as_of: str | None = None, chunk_size: int | None = None) -> dict[str, Any]:
    """Store the batch in ``path`` as a run (its items sealed in the database, the invalid ones with
    their errors) and queue its chunks for ``fairdun worker``; returns the run's status with the
    number of chunks queued. Nothing is decided here."""
    from .run_queue import QueueSettings, RunQueue

    runtime = app.extensions["fairdun"]
    queue = RunQueue(database_url=app.config["DATABASE_URL"], runs=runtime.runs,
                     chunk_size=QueueSettings.of(app.config).chunk_size)
    moment = parse_rfc3339(as_of) if as_of else None
    document = runtime.runs.create_stored([parse_row(row, as_of=moment) for row in file_rows(path)], as_of=moment,
                                          source_sha256=file_sha256(path))
    chunks = queue.defer(document["run_id"], chunk_size=chunk_size)
    return {**runtime.runs.status(document["run_id"]), "chunks": chunks}
