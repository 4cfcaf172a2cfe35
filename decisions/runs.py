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
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ledger import Sealed
from retention import VaultError, key_id

from . import outbox
from .activity import ClaimMemory
from .case import Case
from .decider import AS_OF_TOO_FAR_AHEAD, Services, decide_in_session, too_far_ahead
from .documents import documents_of
from .effective import effective_of
from .errors import NotFound, StorageUnavailable, storage_guard
from .idempotency import ClaimConflict, IdempotencyKey, claim_decisions, claim_replay, remember_response, replay_among
from .metadata import metadata_of
from .pipeline import Decision, DecisionContext, Job, evaluate_jobs
from .recording import record_facts, record_or_hold
from .rights.status import rights_facts
from .tables import DecisionRow, RunItemRow, RunRow

__all__ = ["RunItem", "Runs", "BatchEvaluator", "ITEM_STATES", "MAX_PAGE", "item_error", "validation_error"]

BatchEvaluator = Callable[[list[Job], DecisionContext], list[Decision]]
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

    def stored_requests(self, run_id: str) -> Iterator[tuple[int, dict[str, Any]]]:
        with storage_guard("the run"), self._db.reading() as session:
            rows = session.execute(select(RunItemRow.item, RunItemRow.subject_id, RunItemRow.sealed)
                                   .where(RunItemRow.run_id == run_id, RunItemRow.sealed.is_not(None),
                                          RunItemRow.error.is_(None), RunItemRow.decision_id.is_(None))
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
        about the same claim is decided after it, so it sees what was just decided.
        An item that repeats a decision recorded before (the same claim, ``as_of`` and request),
        or contradicts the claim's decisions, is answered without one (``_answer_recorded``)."""
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
            memory.prefetch(list(claims.values()))   # locks every claim of the batch
            recorded = claim_decisions(session, claims.values())
            unanswered = []
            for item in firsts:
                assert item.case is not None and item.request_json is not None
                if not self._answer_recorded(session, run_id, item.index, partial(
                        replay_among, session, services.vault, recorded[claims[item.index]], as_of=item.case.as_of,
                        request_json=item.request_json)):
                    unanswered.append(item)
            firsts = unanswered
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
                               memory=memory, now=services.clock(), run=(run_id, item.index), rights=services.rights,
                               messages=services.messages)
            for item in repeats:
                assert item.case is not None and item.request_json is not None
                if self._answer_recorded(session, run_id, item.index, partial(
                        claim_replay, session, services.vault, claim_id=claims[item.index], as_of=item.case.as_of,
                        request_json=item.request_json)):
                    continue
                decide_in_session(session, item.case, item.request_json, decision_id=services.new_id(),
                                  services=services, memory=memory, context=context, run=(run_id, item.index))
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

    def _record_invalid(self, run_id: str, item: RunItem) -> None:
        assert item.error is not None
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            _item_row(uow.session, run_id, item.index).error = json.dumps(validation_error(item.error))
            uow.commit()

    # -- reading ---------------------------------------------------------------------------

    def _done_items(self, run_id: str) -> set[int]:
        with storage_guard("the run"), self._db.reading() as session:
            decided = session.scalars(select(DecisionRow.run_item).where(DecisionRow.run_id == run_id))
            answered = session.scalars(select(RunItemRow.item).where(
                RunItemRow.run_id == run_id, (RunItemRow.error.is_not(None)) | (RunItemRow.decision_id.is_not(None))))
            return {item for item in (*decided, *answered) if item is not None}

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

    def _finish(self, run_id: str) -> dict[str, Any]:
        with storage_guard("the run"), self._db.unit_of_work() as uow:
            session = uow.session
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


def _item_row(session: Session, run_id: str, index: int) -> RunItemRow:
    """The item's row, created if the run keeps none for it (runs from a file)."""
    row = session.get(RunItemRow, (run_id, index))
    if row is None:
        row = RunItemRow(run_id=run_id, item=index)
        session.add(row)
    return row
