"""Batch dunning runs: every open invoice of a portfolio evaluated and ledgered,
one entry per decision, group-committed, resumable after an interruption.

Resumption needs no bookkeeping of its own: a run's decisions carry
``(run_id, run_item)`` under a unique constraint, so the items already decided
are exactly those rows, and a batch that was cut off mid-transaction left none.

Every item ends in one of three ways, and ``items`` lists them page by page:

- **decided**: a decision of its own (``decisions.run_id``/``run_item``);
- **replayed**: it repeats a decision recorded before, by a single request or any run (the same
  claim, ``as_of`` and request: ``idempotency.claim_replay``), which answers it
  (``run_items.decision_id``): a claim is never decided twice for the same ``as_of``;
- **error**: it is invalid (422 ``validation_error``, naming its fields), or it contradicts the
  claim's decisions (409 ``duplicate_decision``: the same claim and ``as_of`` from another
  request; 409 ``as_of_before_latest``) (``run_items.error``, shaped like the API's error body).

Items not reached yet are ``pending``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ledger import Sealed
from ledger.timestamps import as_utc
from retention import VaultError, key_id

from . import outbox
from .activity import ClaimMemory
from .case import Case
from .decider import AS_OF_TOO_FAR_AHEAD, Services, decide_in_session, too_far_ahead
from .documents import documents_of
from .effective import effective_of
from .errors import NotFound, StorageUnavailable, storage_guard
from .idempotency import ClaimConflict, IdempotencyKey, claim_decisions, claim_replay, remember_response
from .metadata import metadata_of
from .pipeline import Decision, DecisionContext, Job, evaluate_jobs
from .recording import record_facts, record_or_hold
from .rights.status import rights_facts
from .tables import DecisionRow, RunItemRow, RunRow

__all__ = ["RunItem", "Runs", "BatchEvaluator", "Evaluation", "ITEM_STATES", "MAX_PAGE", "item_error", "validation_error"]

BatchEvaluator = Callable[[list[Job], DecisionContext], list[Decision]]


class Evaluation(Protocol):
    """A batch's evaluation under way (``service.parallel.ProcessEvaluator.submit``)."""

    def result(self) -> list[Decision]: ...

    def cancel(self) -> None: ...
ITEM_STATES = ("pending", "decided", "replayed", "error")
MAX_PAGE = 1000
INVALID_ITEM = "the item is not valid"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class RunItem:
    """One input of a run: a validated case with its request, or the reason it is invalid
    (``error``: messages per field; ``request_json`` then holds the item as sent, if an object)."""

    index: int
    request_json: dict[str, Any] | None = None
    case: Case | None = None
    error: dict[str, Any] | None = None


def validation_error(fields: dict[str, Any]) -> dict[str, Any]:
    """An invalid item's error, shaped like the API's error body."""
    return {"status": 422, "code": "validation_error", "message": INVALID_ITEM, "fields": fields}


def _refusal(exc: ClaimConflict) -> dict[str, Any]:
    return {"status": 409, "code": exc.code, "message": str(exc), "fields": exc.fields}


def item_error(stored: str) -> dict[str, Any]:
    """``run_items.error`` as the error body (rows written before it held the body held the
    invalid fields' messages alone)."""
    error = json.loads(stored)
    if isinstance(error, dict) and isinstance(error.get("status"), int) and isinstance(error.get("code"), str):
        return error
    return validation_error(error)


def _readable_ref(value: Any) -> str | None:
    """A reference as sent, if it is one a request could carry (an invalid item's may not be)."""
    if isinstance(value, str) and 1 <= len(value) <= 100 and not _CONTROL.search(value):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return value
    return None


def _refs(request: Any) -> tuple[str | None, str | None]:
    if not isinstance(request, dict):
        return None, None
    debtor, invoice = request.get("debtor"), request.get("invoice")
    return (_readable_ref(debtor.get("ref")) if isinstance(debtor, dict) else None,
            _readable_ref(invoice.get("ref")) if isinstance(invoice, dict) else None)


class Runs:
    def __init__(self, services: Services, *, batch_size: int = 250, slice_size: int = 20) -> None:
        self._services = services
        self._db = services.db
        self._clock = services.clock
        self._batch_size = batch_size
        self._slice_size = slice_size

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
        """A run whose items are kept in the database, sealed per subject (they hold contact
        data), so any process can execute or resume it. An invalid item is kept with its error
        (and sealed as sent when its debtor reference is readable, so the items list can name
        it). Returns the new run's status document."""
        run_id = self._services.new_id()
        now = self._clock()
        invalid = sum(1 for item in items if item.error is not None)
        document = {"run_id": run_id, "status": "pending", "total": len(items), "done": invalid, "decided": 0,
                    "invalid": invalid, "replayed": 0, "summary": None}
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
            session.add(RunRow(run_id=run_id, source_sha256=source_sha256, as_of=as_of, status="pending",
                               total=len(items), invalid=invalid, created_at=now))
            placement = self._services.rights.schedule.place("run_item", at=now)
            for item in items:
                debtor_ref = item.case.debtor.ref if item.case is not None else _refs(item.request_json)[0]
                row = RunItemRow(run_id=run_id, item=item.index,
                                 error=json.dumps(validation_error(item.error)) if item.error is not None else None)
                if debtor_ref is not None and item.request_json is not None:
                    subject_id = self._services.pseudonyms.subject(debtor_ref)
                    sealed = self._services.vault.seal(session, subject_id, json.dumps(item.request_json).encode(),
                                                       now=now, category=placement.category, scope=placement.scope)
                    # the row names the key it is sealed under (the subject's key for batch inputs)
                    row.subject_id, row.sealed = sealed.subject_id, sealed.data
                session.add(row)
            remember_response(session, idempotency, resource_id=run_id, response=document, now=now)
            uow.commit()
        return document

    def stored_requests(self, run_id: str, *, first: int | None = None,
                        last: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """The stored items not answered yet, in index order; ``first``..``last`` (inclusive)
        narrows them to a chunk of the run (``service.run_queue``)."""
        query = select(RunItemRow.item, RunItemRow.subject_id, RunItemRow.sealed).where(*_unanswered(run_id))
        if first is not None:
            query = query.where(RunItemRow.item >= first)
        if last is not None:
            query = query.where(RunItemRow.item <= last)
        with storage_guard("the run"), self._db.reading() as session:
            rows = session.execute(query.order_by(RunItemRow.item)).all()
            for row in rows:
                plain = self._services.vault.unseal(session, Sealed(subject_id=row.subject_id, data=row.sealed))
                yield row.item, json.loads(plain)

    def pending_items(self, run_id: str) -> list[int]:
        """The indices of the stored items not done yet, in order (what chunks of the run cover)."""
        done = self._done_items(run_id)
        with storage_guard("the run"), self._db.reading() as session:
            stored = session.scalars(select(RunItemRow.item).where(*_unanswered(run_id)).order_by(RunItemRow.item))
            return [item for item in stored if item not in done]

    # -- executing -------------------------------------------------------------------------

    def execute(self, run_id: str, items: Iterable[RunItem], progress: Callable[[int], None] | None = None,
                evaluate_batch: BatchEvaluator = evaluate_jobs, *, finish: bool = True) -> dict[str, Any]:
        """Decide every item not decided yet; return the run's summary (its status when
        ``finish`` is false: a chunk of a run shared by several workers).

        Batches overlap: batch N+1 is prepared (read) and handed to ``evaluate_batch`` before
        batch N is recorded, so an evaluator with a ``submit`` method (``service.parallel``)
        evaluates N+1 in its processes while this process records N. Recording is a few short
        write transactions per batch (``slice_size`` items each), the only time the run holds
        the database's write lock. With ``finish=False`` (``items`` are one chunk of the run)
        the run is left unfinished and its status is returned: ``finish`` ends it."""
        self._set_status(run_id, "running")
        in_flight: _Prepared | None = None
        try:
            for batch in self._batches(run_id, items):
                prepared = self._prepare(batch, evaluate_batch, busy=in_flight.claims_in_flight if in_flight else frozenset())
                if in_flight is not None:
                    self._record(run_id, in_flight, progress)
                in_flight = prepared
            if in_flight is not None:
                self._record(run_id, in_flight, progress)
        except BaseException:
            if in_flight is not None:
                in_flight.evaluation.cancel()
            self._set_status(run_id, "interrupted", quiet=True)
            raise
        return self._finish(run_id) if finish else self.status(run_id)

    def _batches(self, run_id: str, items: Iterable[RunItem]) -> Iterator[list[RunItem]]:
        """The items not done yet, ``batch_size`` valid ones per batch (the invalid ones travel
        with the batch they arrive in and are recorded with it). What is done is looked up per
        ``batch_size`` items read, so a chunk of a large run reads only its own items' rows."""
        batch: list[RunItem] = []
        valid = 0
        source = iter(items)
        while read := list(islice(source, self._batch_size)):
            done = self._done_items(run_id, [item.index for item in read])
            for item in read:
                if item.index in done:
                    continue
                if item.case is not None and too_far_ahead(item.case.as_of, self._clock()):
                    item = RunItem(index=item.index, error={"as_of": [AS_OF_TOO_FAR_AHEAD]})
                batch.append(item)
                valid += item.error is None
                if valid >= self._batch_size:
                    yield batch
                    batch, valid = [], 0
        if batch:
            yield batch

    def _prepare(self, batch: list[RunItem], evaluate_batch: BatchEvaluator, *,
                 busy: frozenset[str]) -> _Prepared:
        """Read what the batch's evaluations need (no write lock) and start them.

        Evaluated ahead: the first item of each claim that has no item in the batch still
        being evaluated (``busy``) and no decision of its own at or after the item's ``as_of``.
        Every other item is decided when the batch is recorded, after what came before it."""
        services = self._services
        context = services.context()   # one context for the whole batch
        valid = [item for item in batch if item.case is not None and item.error is None]
        claims = {item.index: services.pseudonyms.claim(item.case.debtor.ref, item.case.invoice.ref)
                  for item in valid if item.case is not None}
        subjects = {item.index: services.pseudonyms.subject(item.case.debtor.ref)
                    for item in valid if item.case is not None}
        ahead: list[RunItem] = []
        seen: set[str] = set(busy)
        for item in valid:
            if claims[item.index] not in seen:
                ahead.append(item)
            seen.add(claims[item.index])
        with storage_guard("the run"), self._db.reading() as session:
            memory = ClaimMemory(session, lock=False)
            memory.prefetch([claims[item.index] for item in ahead])
            recorded = claim_decisions(session, [claims[item.index] for item in ahead])
            ahead = [item for item in ahead if item.case is not None and not any(
                as_utc(row.as_of) >= as_utc(item.case.as_of) for row in recorded[claims[item.index]])]
            # the rights facts are looked up here and shipped with each job: workers have no database
            facts = rights_facts(session, [subjects[item.index] for item in ahead],
                                 [claims[item.index] for item in ahead])
            jobs = {item.index: Job(case=item.case, decision_id=services.new_id(),
                                    remembered=memory.before(claims[item.index], item.case.as_of),
                                    profiling=facts.profiling(subjects[item.index]),
                                    rights=facts.status(subjects[item.index], claims[item.index]),
                                    claim_id=claims[item.index])
                    for item in ahead if item.case is not None}
            known = {claims[item.index]: _decision_ids(recorded[claims[item.index]]) for item in ahead}
        return _Prepared(batch=batch, context=context, claims=claims, subjects=subjects, jobs=jobs, known=known,
                         evaluation=_start(evaluate_batch, list(jobs.values()), context))

    def _record(self, run_id: str, prepared: _Prepared, progress: Callable[[int], None] | None) -> None:
        """Record the batch, ``slice_size`` items per transaction (group commit, and the longest a
        single decision waits for the run's write lock: one slice)."""
        evaluated = dict(zip(prepared.jobs, prepared.evaluation.result(), strict=True))
        for start in range(0, len(prepared.batch), self._slice_size):
            part = prepared.batch[start:start + self._slice_size]
            self._record_slice(run_id, prepared, part, evaluated)
            if progress:
                progress(len(part))

    def _record_slice(self, run_id: str, prepared: _Prepared, part: list[RunItem],
                      evaluated: dict[int, Decision]) -> None:
        """One transaction.

        An evaluation made ahead is recorded only if what it read is still so under the claims'
        locks (the claim's activity and decisions, the subject's rights facts); otherwise, like
        every item not evaluated ahead, the item is decided here, in item order, so it sees
        what was decided before it. An item that repeats a decision recorded before (the same
        claim, ``as_of`` and request), or contradicts the claim's decisions, is answered without
        one (``_answer_recorded``)."""
        services = self._services
        claims, subjects = prepared.claims, prepared.subjects
        valid = [item.index for item in part if item.error is None]
        jobs = {index: prepared.jobs[index] for index in valid if index in prepared.jobs}
        with storage_guard("the run"), self._db.unit_of_work(run_slice=True) as uow:
            session = uow.session
            memory = ClaimMemory(session)
            memory.prefetch([claims[index] for index in valid])   # locks every claim of the slice
            recorded = claim_decisions(session, [claims[index] for index in valid])
            facts = rights_facts(session, [subjects[i] for i in jobs], [claims[i] for i in jobs])
            current = {index for index, job in jobs.items()
                       if _decision_ids(recorded[claims[index]]) == prepared.known[claims[index]]
                       and memory.before(claims[index], job.case.as_of) == job.remembered
                       and facts.profiling(subjects[index]) == job.profiling
                       and facts.status(subjects[index], claims[index]) == job.rights}
            now = services.clock()
            schedule = services.rights.schedule
            services.vault.preload(session, [
                key_id(subjects[index], placement.category, placement.scope) for index in current
                for placement in [schedule.place("decision", record_facts(evaluated[index]), at=now,
                                                 claim_id=claims[index])]])
            if services.rights.portal is not None:
                services.rights.portal.preload(session, [subjects[i] for i in valid], [claims[i] for i in valid])
            for item in part:
                if item.error is not None:
                    _item_row(session, run_id, item.index).error = json.dumps(validation_error(item.error))
                elif item.index in current:
                    assert item.request_json is not None
                    record_or_hold(session, evaluated[item.index], request_json=item.request_json,
                                   subject_id=subjects[item.index], claim_id=claims[item.index],
                                   vault=services.vault, memory=memory, now=services.clock(),
                                   run=(run_id, item.index), rights=services.rights, messages=services.messages)
            for item in part:
                if item.error is not None or item.index in current:
                    continue
                assert item.case is not None and item.request_json is not None
                if self._answer_recorded(session, run_id, item.index, partial(
                        claim_replay, session, services.vault, claim_id=claims[item.index], as_of=item.case.as_of,
                        request_json=item.request_json)):
                    continue
                decide_in_session(session, item.case, item.request_json, decision_id=services.new_id(),
                                  services=services, memory=memory, context=prepared.context,
                                  run=(run_id, item.index))
            uow.commit()

    @staticmethod
    def _answer_recorded(session: Session, run_id: str, index: int,
                         replay: Callable[[], DecisionRow | None]) -> bool:
        """Whether the claim's recorded decisions answer ``item`` (``replay`` applies
        ``idempotency.replay_among``): it repeats one of them, or contradicts them."""
        try:
            prior = replay()
        except ClaimConflict as exc:
            _item_row(session, run_id, index).error = json.dumps(_refusal(exc))
            return True
        if prior is None:
            return False
        _item_row(session, run_id, index).decision_id = prior.decision_id
        return True

    # -- reading ---------------------------------------------------------------------------

    def _done_items(self, run_id: str, among: list[int] | None = None) -> set[int]:
        """The run's items decided, replayed or refused (of ``among`` only, if given)."""
        with storage_guard("the run"), self._db.reading() as session:
            decided = select(DecisionRow.run_item).where(DecisionRow.run_id == run_id)
            answered = select(RunItemRow.item).where(
                RunItemRow.run_id == run_id, (RunItemRow.error.is_not(None)) | (RunItemRow.decision_id.is_not(None)))
            if among is not None:
                decided = decided.where(DecisionRow.run_item.in_(among))
                answered = answered.where(RunItemRow.item.in_(among))
            return {item for item in (*session.scalars(decided), *session.scalars(answered)) if item is not None}

    def status(self, run_id: str) -> dict[str, Any]:
        """Progress: ``decided`` (decisions of its own), ``invalid`` (items with an error: invalid,
        or refused as contradicting their claim's decisions), ``replayed`` (answered by a decision
        recorded before)."""
        with storage_guard("the run"), self._db.reading() as session:
            run = session.get(RunRow, run_id)
            if run is None:
                raise NotFound("no run with this id")
            decided = session.scalar(select(func.count()).where(DecisionRow.run_id == run_id)) or 0
            invalid = session.scalar(select(func.count()).where(RunItemRow.run_id == run_id,
                                                                RunItemRow.error.is_not(None))) or 0
            replayed = session.scalar(select(func.count()).where(RunItemRow.run_id == run_id,
                                                                 RunItemRow.decision_id.is_not(None))) or 0
            return {
                "run_id": run.run_id, "status": run.status, "total": run.total,
                "done": decided + invalid + replayed, "decided": decided, "invalid": invalid, "replayed": replayed,
                "summary": json.loads(run.summary) if run.summary else None,
            }

    def items(self, run_id: str, *, limit: int = 100, after: int | None = None) -> tuple[list[dict[str, Any]],
                                                                                          int | None]:
        """A page of the run's items in index order, from the first after ``after``, and the index
        to continue after (None on the last page). Each item: ``index``, ``state`` (one of
        ``ITEM_STATES``), ``debtor_ref``, ``invoice_ref`` and ``metadata`` as sent (null once they
        cannot be read: erased, or never readable in an invalid item), and ``decision_id``,
        ``status``, ``effective`` (decided, replayed) or ``error`` (the API's error body)."""
        limit = max(1, min(limit, MAX_PAGE))
        start = -1 if after is None else after
        with storage_guard("the run"), self._db.reading() as session:
            if session.get(RunRow, run_id) is None:
                raise NotFound("no run with this id")
            # each source's first limit+1 indices after ``start`` hold the union's first limit+1
            rows = {row.item: row for row in session.scalars(
                select(RunItemRow).where(RunItemRow.run_id == run_id, RunItemRow.item > start)
                .order_by(RunItemRow.item).limit(limit + 1))}
            own = {item: decision_id for item, decision_id in session.execute(
                select(DecisionRow.run_item, DecisionRow.decision_id)
                .where(DecisionRow.run_id == run_id, DecisionRow.run_item > start)
                .order_by(DecisionRow.run_item).limit(limit + 1)) if item is not None}
            indices = sorted(rows.keys() | own.keys())[:limit + 1]
            page, more = indices[:limit], len(indices) > limit
            replayed = {row.decision_id for i in page if (row := rows.get(i)) is not None and row.decision_id}
            documents = documents_of(session, [own[i] for i in page if i in own] + sorted(replayed))
            effective = effective_of(session, documents, documents)
            self._services.vault.preload(session, [row.subject_id for row in rows.values() if row.subject_id])
            result = []
            for index in page:
                row = rows.get(index)
                decision_id = own.get(index, row.decision_id if row is not None else None)
                request = self._request_of(session, row)
                debtor_ref, invoice_ref = _refs(request)
                item: dict[str, Any] = {"index": index, "state": "pending", "debtor_ref": debtor_ref,
                                        "invoice_ref": invoice_ref, "metadata": metadata_of(request),
                                        "decision_id": None, "status": None, "effective": None, "error": None}
                if decision_id is not None and decision_id in documents:
                    item.update(state="decided" if index in own else "replayed", decision_id=decision_id,
                                status=documents[decision_id]["status"], effective=effective[decision_id])
                elif row is not None and row.error is not None:
                    item.update(state="error", error=item_error(row.error))
                result.append(item)
            return result, (page[-1] if more else None)

    def _request_of(self, session: Session, row: RunItemRow | None) -> dict[str, Any] | None:
        """The item as sent, sealed with the run under its debtor's key; None once that key is
        shredded (erasure, retention), for an invalid item without a readable debtor reference,
        and for runs from a file (``fairdun run``: the file is the copy, the database keeps none)."""
        if row is None or row.sealed is None or row.subject_id is None:
            return None
        try:
            request = json.loads(self._services.vault.unseal(session, Sealed(subject_id=row.subject_id,
                                                                              data=row.sealed)))
        except (VaultError, ValueError):
            return None
        return request if isinstance(request, dict) else None

    def finish(self, run_id: str) -> dict[str, Any] | None:
        """Finish the run once every item is done (its summary, and ``run.completed``); return the
        summary, or None while items remain or when the run is finished already.

        Each chunk of a run calls it when done, on whichever host. The run's row is locked before
        anything is counted, so of two chunks that complete at once the second waits, then counts
        with the first's items committed and finds the run finished: it is finished exactly once."""
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
            run = session.execute(select(RunRow.status, RunRow.total).where(RunRow.run_id == run_id)
                                  .with_for_update()).one_or_none()
            if run is None:
                raise NotFound("no run with this id")
            if run.status == "finished" or _done_count(session, run_id) < run.total:
                return None
            summary = self._summarise(session, run_id)
            uow.commit()
        return summary

    def _finish(self, run_id: str) -> dict[str, Any]:
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            summary = self._summarise(uow.session, run_id)
            uow.commit()
        return summary

    def _summarise(self, session: Session, run_id: str) -> dict[str, Any]:
        """Write the run's summary, mark it finished and emit ``run.completed``, in ``session``."""
        rows = session.execute(
            select(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code, func.count())
            .where(DecisionRow.run_id == run_id)
            .group_by(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code)
        ).all()
        answered = session.execute(select(RunItemRow.item, RunItemRow.error, RunItemRow.decision_id).where(
            RunItemRow.run_id == run_id,
            (RunItemRow.error.is_not(None)) | (RunItemRow.decision_id.is_not(None)))).all()
        invalid = [item for item, error, _ in answered if error is not None]
        errors: dict[str, int] = {}
        for _, error, _ in answered:
            if error is not None:
                code = item_error(error)["code"]
                errors[code] = errors.get(code, 0) + 1
        summary: dict[str, Any] = {"decisions": 0, "by_status": {}, "by_action": {}, "held_reasons": {},
                                   "invalid": len(invalid), "invalid_items": sorted(invalid)[:100],
                                   "errors": errors,
                                   "replayed": sum(1 for _, _, decision_id in answered if decision_id)}
        for status, action, hold, count in rows:
            summary["decisions"] += count
            summary["by_status"][status] = summary["by_status"].get(status, 0) + count
            summary["by_action"][action] = summary["by_action"].get(action, 0) + count
            if hold:
                summary["held_reasons"][hold] = summary["held_reasons"].get(hold, 0) + count
        session.execute(update(RunRow).where(RunRow.run_id == run_id).values(
            status="finished", finished_at=self._clock(), invalid=len(invalid),
            summary=json.dumps(summary, sort_keys=True)))
        outbox.run_finished(session, run_id, at=self._clock())   # run.completed (webhooks, feed), once per run
        return summary

    def _set_status(self, run_id: str, status: str, *, quiet: bool = False) -> None:
        try:
            with storage_guard("the run"), self._db.unit_of_work() as uow:
                # a finished run stays finished (a chunk retried after the run ended starts nothing)
                uow.session.execute(update(RunRow).where(RunRow.run_id == run_id, RunRow.status != "finished")
                                    .values(status=status))
                uow.commit()
        except StorageUnavailable:
            if not quiet:
                raise


@dataclass(frozen=True)
class _Done:
    """An evaluation made at once (an evaluator without ``submit``: this process)."""

    decisions: list[Decision]

    def result(self) -> list[Decision]:
        return self.decisions

    def cancel(self) -> None:
        pass


def _start(evaluate_batch: BatchEvaluator, jobs: list[Job], context: DecisionContext) -> Evaluation:
    submit = getattr(evaluate_batch, "submit", None)
    if submit is not None and jobs:
        evaluation: Evaluation = submit(jobs, context)
        return evaluation
    return _Done(evaluate_batch(jobs, context) if jobs else [])


@dataclass(frozen=True)
class _Prepared:
    """A batch read and handed to the evaluator: its items, their claims and subjects, the
    jobs evaluated ahead (by item index) and each of their claims' decisions as read then."""

    batch: list[RunItem]
    context: DecisionContext
    claims: dict[int, str]
    subjects: dict[int, str]
    jobs: dict[int, Job]
    known: dict[str, frozenset[str]]
    evaluation: Evaluation

    @property
    def claims_in_flight(self) -> frozenset[str]:
        return frozenset(self.claims.values())


def _unanswered(run_id: str) -> tuple[Any, ...]:
    """The stored items of ``run_id`` no answer was recorded in (``stored_requests``, ``pending_items``)."""
    return (RunItemRow.run_id == run_id, RunItemRow.sealed.is_not(None), RunItemRow.error.is_(None),
            RunItemRow.decision_id.is_(None))


def _decision_ids(rows: list[DecisionRow]) -> frozenset[str]:
    return frozenset(row.decision_id for row in rows)


def _done_count(session: Session, run_id: str) -> int:
    """The run's items decided, replayed or refused (``status``'s ``done``)."""
    decided = session.scalar(select(func.count()).where(DecisionRow.run_id == run_id)) or 0
    answered = session.scalar(select(func.count()).where(
        RunItemRow.run_id == run_id, (RunItemRow.error.is_not(None)) | (RunItemRow.decision_id.is_not(None)))) or 0
    return decided + answered


def _item_row(session: Session, run_id: str, index: int) -> RunItemRow:
    """The item's row, created if the run keeps none for it (runs from a file)."""
    row = session.get(RunItemRow, (run_id, index))
    if row is None:
        row = RunItemRow(run_id=run_id, item=index)
        session.add(row)
    return row
