"""Batch dunning runs: every open invoice of a portfolio evaluated and ledgered,
one entry per decision, group-committed, resumable after an interruption.

Resumption needs no bookkeeping of its own: a run's decisions carry
``(run_id, run_item)`` under a unique constraint, so the items already decided
are exactly those rows, and a batch that was cut off mid-transaction left none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from ledger import Sealed
from retention import key_id

from .activity import ClaimMemory
from .case import Case
from .decider import AS_OF_TOO_FAR_AHEAD, Services, decide_in_session, too_far_ahead
from .errors import NotFound, StorageUnavailable, storage_guard
from .idempotency import IdempotencyKey, remember_response
from .pipeline import Decision, DecisionContext, Job, evaluate_jobs
from .recording import record_facts, record_or_hold
from .rights.status import rights_facts
from .tables import DecisionRow, RunItemRow, RunRow

__all__ = ["RunItem", "Runs", "BatchEvaluator"]

BatchEvaluator = Callable[[list[Job], DecisionContext], list[Decision]]


@dataclass(frozen=True, slots=True)
class RunItem:
    """One input of a run: a validated case with its request, or the reason it is invalid."""

    index: int
    request_json: dict[str, Any] | None = None
    case: Case | None = None
    error: dict[str, Any] | None = None


class Runs:
    def __init__(self, services: Services, *, batch_size: int = 250) -> None:
        self._services = services
        self._db = services.db
        self._clock = services.clock
        self._batch_size = batch_size

    # -- creating --------------------------------------------------------------------------

    def open(self, *, run_id: str, source_sha256: str, as_of: datetime | None, total: int) -> RunRow:
        """The run with ``run_id``, created if new (a CLI run's id derives from its file)."""
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            run = uow.session.get(RunRow, run_id)
            if run is None:
                run = RunRow(run_id=run_id, source_sha256=source_sha256, as_of=as_of, status="pending",
                             total=total, invalid=0, created_at=self._clock())
                uow.session.add(run)
                uow.commit()
            return run

    def create_stored(self, items: list[RunItem], *, as_of: datetime | None, source_sha256: str,
                      idempotency: IdempotencyKey | None = None) -> dict[str, Any]:
        """A run whose validated items are kept in the database, sealed per subject
        (they hold contact data), so any process can execute or resume it.
        Returns the new run's status document."""
        run_id = self._services.new_id()
        now = self._clock()
        document = {"run_id": run_id, "status": "pending", "total": len(items), "done": 0, "decided": 0,
                    "invalid": 0, "summary": None}
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
            session.add(RunRow(run_id=run_id, source_sha256=source_sha256, as_of=as_of, status="pending",
                               total=len(items), invalid=0, created_at=now))
            placement = self._services.rights.schedule.place("run_item", at=now)
            for item in items:
                assert item.case is not None and item.request_json is not None
                subject_id = self._services.pseudonyms.subject(item.case.debtor.ref)
                sealed = self._services.vault.seal(session, subject_id, json.dumps(item.request_json).encode(), now=now,
                                                   category=placement.category, scope=placement.scope)
                # the row names the key it is sealed under (the subject's key for batch inputs)
                session.add(RunItemRow(run_id=run_id, item=item.index, subject_id=sealed.subject_id, sealed=sealed.data))
            remember_response(session, idempotency, resource_id=run_id, response=document, now=now)
            uow.commit()
        return document

    def stored_requests(self, run_id: str) -> Iterator[tuple[int, dict[str, Any]]]:
        with storage_guard("the run"), self._db.reading() as session:
            rows = session.execute(select(RunItemRow.item, RunItemRow.subject_id, RunItemRow.sealed)
                                   .where(RunItemRow.run_id == run_id, RunItemRow.sealed.is_not(None))
                                   .order_by(RunItemRow.item)).all()
            for row in rows:
                plain = self._services.vault.unseal(session, Sealed(subject_id=row.subject_id, data=row.sealed))
                yield row.item, json.loads(plain)

    # -- executing -------------------------------------------------------------------------

    def execute(self, run_id: str, items: Iterable[RunItem], progress: Callable[[int], None] | None = None,
                evaluate_batch: BatchEvaluator = evaluate_jobs) -> dict[str, Any]:
        """Decide every item not decided yet; return the run's summary.

        ``evaluate_batch`` may spread a batch's evaluations over processes; recording
        stays here, in one transaction per batch."""
        done = self._done_items(run_id)
        self._set_status(run_id, "running")
        batch: list[RunItem] = []
        try:
            for item in items:
                if item.index in done:
                    continue
                if item.case is not None and too_far_ahead(item.case.as_of, self._clock()):
                    item = RunItem(index=item.index, error={"as_of": [AS_OF_TOO_FAR_AHEAD]})
                if item.error is not None:
                    self._record_invalid(run_id, item)
                    if progress:
                        progress(1)
                    continue
                batch.append(item)
                if len(batch) >= self._batch_size:
                    self._decide_batch(run_id, batch, evaluate_batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._decide_batch(run_id, batch, evaluate_batch)
                if progress:
                    progress(len(batch))
        except BaseException:
            self._set_status(run_id, "interrupted", quiet=True)
            raise
        return self._finish(run_id)

    def _decide_batch(self, run_id: str, batch: list[RunItem], evaluate_batch: BatchEvaluator) -> None:
        """One transaction for the whole batch (group commit).

        The first item of each claim is evaluated with the batch; a further item
        about the same claim is decided after it, so it sees what was just decided."""
        services = self._services
        context = services.context()   # one context for the whole batch
        claims = {item.index: services.pseudonyms.claim(item.case.debtor.ref, item.case.invoice.ref)
                  for item in batch if item.case is not None}
        firsts: list[RunItem] = []
        repeats: list[RunItem] = []
        seen: set[str] = set()
        for item in batch:
            (repeats if claims[item.index] in seen else firsts).append(item)
            seen.add(claims[item.index])
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
            memory = ClaimMemory(session)
            memory.prefetch(list(claims.values()))
            subjects = {item.index: services.pseudonyms.subject(item.case.debtor.ref) for item in batch
                        if item.case is not None}
            # the rights facts are looked up here and shipped with each job: workers have no database
            facts = rights_facts(session, subjects.values(), claims.values())
            jobs = [Job(case=item.case, decision_id=services.new_id(),
                        remembered=memory.before(claims[item.index], item.case.as_of),
                        profiling=facts.profiling(subjects[item.index]),
                        rights=facts.status(subjects[item.index], claims[item.index]))
                    for item in firsts if item.case is not None]
            decisions = evaluate_batch(jobs, context)
            now = services.clock()
            schedule = services.rights.schedule
            services.vault.preload(session, [
                key_id(subjects[item.index], placement.category, placement.scope)
                for item, decision in zip(firsts, decisions, strict=True)
                for placement in [schedule.place("decision", record_facts(decision), at=now,
                                                 claim_id=claims[item.index])]])
            for item, decision in zip(firsts, decisions, strict=True):
                assert item.case is not None and item.request_json is not None
                record_or_hold(session, decision, request_json=item.request_json,
                               subject_id=subjects[item.index], claim_id=claims[item.index], vault=services.vault,
                               memory=memory, now=services.clock(), run=(run_id, item.index), rights=services.rights)
            for item in repeats:
                assert item.case is not None and item.request_json is not None
                decide_in_session(session, item.case, item.request_json, decision_id=services.new_id(),
                                  services=services, memory=memory, context=context, run=(run_id, item.index))
            uow.commit()

    def _record_invalid(self, run_id: str, item: RunItem) -> None:
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            uow.session.merge(RunItemRow(run_id=run_id, item=item.index, error=json.dumps(item.error)))
            uow.commit()

    # -- reading ---------------------------------------------------------------------------

    def _done_items(self, run_id: str) -> set[int]:
        with storage_guard("the run"), self._db.reading() as session:
            decided = session.scalars(select(DecisionRow.run_item).where(DecisionRow.run_id == run_id))
            invalid = session.scalars(select(RunItemRow.item).where(RunItemRow.run_id == run_id,
                                                                    RunItemRow.error.is_not(None)))
            return {item for item in (*decided, *invalid) if item is not None}

    def status(self, run_id: str) -> dict[str, Any]:
        with storage_guard("the run"), self._db.reading() as session:
            run = session.get(RunRow, run_id)
            if run is None:
                raise NotFound("no run with this id")
            decided = session.scalar(select(func.count()).where(DecisionRow.run_id == run_id)) or 0
            invalid = session.scalar(select(func.count()).where(RunItemRow.run_id == run_id,
                                                                RunItemRow.error.is_not(None))) or 0
            return {
                "run_id": run.run_id, "status": run.status, "total": run.total,
                "done": decided + invalid, "decided": decided, "invalid": invalid,
                "summary": json.loads(run.summary) if run.summary else None,
            }

    def _finish(self, run_id: str) -> dict[str, Any]:
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
            rows = session.execute(
                select(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code, func.count())
                .where(DecisionRow.run_id == run_id)
                .group_by(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code)
            ).all()
            invalid = session.scalars(select(RunItemRow.item).where(RunItemRow.run_id == run_id,
                                                                    RunItemRow.error.is_not(None))).all()
            summary: dict[str, Any] = {"decisions": 0, "by_status": {}, "by_action": {}, "held_reasons": {},
                                       "invalid": len(invalid), "invalid_items": sorted(invalid)[:100]}
            for status, action, hold, count in rows:
                summary["decisions"] += count
                summary["by_status"][status] = summary["by_status"].get(status, 0) + count
                summary["by_action"][action] = summary["by_action"].get(action, 0) + count
                if hold:
                    summary["held_reasons"][hold] = summary["held_reasons"].get(hold, 0) + count
            session.execute(update(RunRow).where(RunRow.run_id == run_id).values(
                status="finished", finished_at=self._clock(), invalid=len(invalid),
                summary=json.dumps(summary, sort_keys=True)))
            uow.commit()
        return summary

    def _set_status(self, run_id: str, status: str, *, quiet: bool = False) -> None:
        try:
            with storage_guard("the run"), self._db.unit_of_work() as uow:
                uow.session.execute(update(RunRow).where(RunRow.run_id == run_id).values(status=status))
                uow.commit()
        except StorageUnavailable:
            if not quiet:
                raise
