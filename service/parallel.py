"""Batch evaluation spread over worker processes.

The policy engine costs most of a decision, so a batch run on a machine with
several cores evaluates its batches in worker processes, each with its own model
and compiled bundle built from the same configuration (and tested: a worker's
engine passes the bundle's Rego suite like the run's own). Recording stays in the run's
process (``decisions.runs``: a transaction per slice). Each answer is checked to come from the same model, bundle and ladder
as the run's own context: a worker that loaded something else stops the run.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime
from itertools import islice
from typing import Any

from decisions.experiments import Experiment
from decisions.pipeline import Decision, DecisionContext, Job, evaluate_jobs
from decisions.runs import RunItem
from decisions.strategy import load_ladder

from .run_files import Row, parse_rows
from .runtime import global_stop_of, load_policy_engine, load_risk_model

__all__ = ["ProcessEvaluator"]

# DATABASE_URL and INSTANCE_PATH: workers load the registry's approved model version
_CONFIG_KEYS = ("MODEL_ARTIFACT", "MODEL_SHA256", "POLICY_BUNDLE", "POLICY_ENGINE", "LADDER", "DATABASE_URL",
                "INSTANCE_PATH", "OPA_URL", "OPA_TIMEOUT", "GLOBAL_STOP")
_context: DecisionContext | None = None


def _start_worker(config: dict[str, Any]) -> None:
    global _context
    _context = DecisionContext(model=load_risk_model(config), policy=load_policy_engine(config),
                               ladder=load_ladder(config.get("LADDER")), global_stop=global_stop_of(config))


def _evaluate(jobs: list[Job], experiments: tuple[Experiment, ...]) -> list[Decision]:
    assert _context is not None, "worker not started"
    # the running experiments are the run's, read from its database when the batch began
    return evaluate_jobs(jobs, replace(_context, experiments=experiments))


class ProcessEvaluator:
    """A ``BatchEvaluator`` over ``workers`` processes (spawned, so no database
    connection or lock is inherited). ``submit`` starts a batch and returns at once, so
    the run records the previous batch meanwhile; ``parsed`` validates a file's rows in
    the same processes, a few batches ahead of the run."""

    def __init__(self, config: dict[str, Any], *, workers: int) -> None:
        self._workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker,
                                         initargs=({key: config.get(key) for key in _CONFIG_KEYS},))

    def submit(self, jobs: list[Job], context: DecisionContext) -> _Evaluation:
        # a few chunks per worker, each evaluated with one policy query
        size = max(1, -(-len(jobs) // (self._workers * 4)))
        return _Evaluation([self._pool.submit(_evaluate, jobs[i:i + size], context.experiments)
                            for i in range(0, len(jobs), size)], context)

    def __call__(self, jobs: list[Job], context: DecisionContext) -> list[Decision]:
        return self.submit(jobs, context).result()

    def parsed(self, rows: Iterable[Row], *, as_of: datetime | None, chunk: int = 250,
               ahead: int = 8) -> Iterator[RunItem]:
        """The rows validated (``run_files.parse_row``) in the worker processes, in order, with at
        most ``ahead`` chunks under way (a large file is never held in memory whole)."""
        pending: deque[Future[list[RunItem]]] = deque()
        rows = iter(rows)
        while part := list(islice(rows, chunk)):
            pending.append(self._pool.submit(parse_rows, part, as_of))
            if len(pending) > ahead:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessEvaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Evaluation:
    """A batch under way in the workers (``decisions.runs.Evaluation``)."""

    def __init__(self, futures: list[Future[list[Decision]]], context: DecisionContext) -> None:
        self._futures = futures
        self._context = context

    def result(self) -> list[Decision]:
        decisions = [d for future in self._futures for d in future.result()]
        for decision in decisions:
            _check_same_context(decision, self._context)
        return decisions

    def cancel(self) -> None:
        for future in self._futures:
            future.cancel()


def _check_same_context(decision: Decision, context: DecisionContext) -> None:
    expected = ((context.policy.bundle_sha256, context.policy.name),
                {"ladder_version": context.ladder.version, "ladder_sha256": context.ladder.sha256},
                getattr(context.model, "sha256", None))
    model = decision.risk.get("model") or {}
    got = ((decision.policy.get("bundle_sha256"), decision.policy.get("engine")), decision.strategy,
           model.get("sha256", expected[2]))
    if got != expected:
        raise RuntimeError("a worker evaluated with another model, policy bundle or ladder than the run's")
