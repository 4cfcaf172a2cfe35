"""Data-subject requests and their deadlines (GDPR Art. 12(3)): receiving, extending once with a
reasoned notice inside the first month, fulfilling; the queue with overdue flags.

A request's statement (and an extension's notice) is sealed under the subject's rights key;
the ledger bodies carry ids, types, dates and codes only.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.timestamps import as_utc

from ..errors import Conflict, InvalidInput, NotFound, storage_guard
from ._common import RightsContext, iso, seal_text, unseal_entry
from .deadlines import EXTENSION_MONTHS, MONTHS, deadline, sla_state
from .tables import REQUEST_TYPES, SubjectRequestRow, SubjectStatusRow

__all__ = ["EXTENSION_REASONS", "receive_request", "fulfil_request", "extend_request", "request_document",
           "request_queue", "requests_of", "get_request"]

# Art. 12(3) sentence 2: "taking into account the complexity and number of the requests"
EXTENSION_REASONS = ("complexity", "number_of_requests")


def receive_request(session: Session, ctx: RightsContext, *, subject_id: str, type_: str, channel: str,
                    now: datetime, statement: str | None = None, decision_id: str | None = None,
                    concerns: str | None = None, actor: str) -> SubjectRequestRow:
    """Record a request received now: ``subject_request_received`` and its projection."""
    if type_ not in REQUEST_TYPES:
        raise InvalidInput(f"a request is one of: {', '.join(REQUEST_TYPES)}", field="type")
    due = deadline(now, months=MONTHS, calendar=ctx.calendar)
    request_id = ctx.new_id()
    sealed = seal_text(session, ctx, subject_id, {"statement": statement}, now=now) if statement else None
    body: dict[str, Any] = {"request_id": request_id, "type": type_, "subject": subject_id, "channel": channel,
                            "received_at": iso(now), "due_on": due.last_day.isoformat(), "due_at": iso(due.ends_at),
                            "actor": actor}
    if decision_id is not None:
        body["decision_id"] = decision_id
    if concerns is not None:
        body["concerns"] = concerns
    appended = append(session, kind="subject_request_received", body=body, ts=now, sealed=sealed)
    row = SubjectRequestRow(request_id=request_id, subject_id=subject_id, type=type_, channel=channel,
                            received_at=now, due_on=due.last_day, due_at=due.ends_at, status="open",
                            decision_id=decision_id, concerns=concerns, ledger_seq=appended.seq)
    session.add(row)
    return row


def effective_due_at(row: SubjectRequestRow) -> datetime:
    return as_utc(row.extended_due_at or row.due_at)


def fulfil_request(session: Session, row: SubjectRequestRow, *, now: datetime, outcome: str,
                   detail: dict[str, Any] | None = None, actor: str) -> None:
    """Close ``row``: ``subject_request_fulfilled`` with whether the deadline was kept."""
    if row.status != "open":
        raise Conflict("this request is closed already", code="request_closed")
    on_time = now < effective_due_at(row)
    body: dict[str, Any] = {"request_id": row.request_id, "type": row.type, "subject": row.subject_id,
                            "outcome": outcome, "fulfilled_at": iso(now), "on_time": on_time, "actor": actor}
    if detail:
        body["detail"] = detail
    appended = append(session, kind="subject_request_fulfilled", body=body, ts=now)
    row.status, row.outcome, row.fulfilled_at, row.fulfilled_seq = "fulfilled", outcome, now, appended.seq
    row.detail = json.dumps(detail, sort_keys=True) if detail else None


def extend_request(ctx: RightsContext, request_id: str, *, reason: str, notice: str, until: date | None,
                   actor: str) -> dict[str, Any]:
    """Extend an open request once, by up to two further months, with a reasoned notice that is
    recorded (sealed) before the first month ends (Art. 12(3) sentence 3)."""
    if reason not in EXTENSION_REASONS:
        raise InvalidInput(f"the reason is one of: {', '.join(EXTENSION_REASONS)}", field="reason")
    now = ctx.clock()
    with storage_guard("the extension"), ctx.db.unit_of_work() as uow:
        session = uow.session
        row = _request(session, request_id)
        if row.status != "open":
            raise Conflict("this request is closed already", code="request_closed")
        if row.extended_to is not None:
            raise Conflict("a request can be extended once only", code="already_extended")
        if now >= as_utc(row.due_at):
            raise Conflict("an extension must be notified within the first month", code="extension_too_late")
        longest = deadline(as_utc(row.received_at), months=MONTHS + EXTENSION_MONTHS, calendar=ctx.calendar)
        last_day = longest.last_day if until is None else ctx.calendar.working_day_from(until)
        if until is not None and not row.due_on < until <= longest.last_day:
            raise InvalidInput(f"the extended deadline lies after {row.due_on.isoformat()} and no later than "
                               f"{longest.last_day.isoformat()}", field="until")
        ends_at = ctx.calendar.end_of(last_day)
        sealed = seal_text(session, ctx, row.subject_id, {"extension_notice": notice}, now=now)
        append(session, kind="subject_request_extended", ts=now, sealed=sealed, body={
            "request_id": row.request_id, "type": row.type, "subject": row.subject_id, "reason": reason,
            "extended_to": last_day.isoformat(), "due_at": iso(ends_at), "actor": actor})
        row.extended_to, row.extended_due_at, row.extension_reason, row.extended_at = last_day, ends_at, reason, now
        uow.commit()
        return request_document(row, now=now)


def request_document(row: SubjectRequestRow, *, now: datetime, texts: dict[str, Any] | None = None) -> dict[str, Any]:
    due_at = effective_due_at(row)
    document: dict[str, Any] = {
        "request_id": row.request_id, "type": row.type, "channel": row.channel, "status": row.status,
        "received_at": iso(row.received_at), "due_on": row.due_on.isoformat(), "due_at": iso(row.due_at),
        "extended_to": row.extended_to.isoformat() if row.extended_to else None,
        "extension_reason": row.extension_reason, "extended_at": iso(row.extended_at),
        "effective_due_at": iso(due_at),
        "overdue": row.status == "open" and now >= due_at,
        "sla": sla_state(as_utc(row.received_at), due_at, now) if row.status == "open" else None,
        "outcome": row.outcome, "fulfilled_at": iso(row.fulfilled_at),
        "decision_id": row.decision_id, "case_id": row.case_id, "concerns": row.concerns,
        "detail": json.loads(row.detail) if row.detail else None,
    }
    if texts is not None:
        document.update(texts)
    return document


def get_request(ctx: RightsContext, request_id: str) -> dict[str, Any]:
    with storage_guard("the request"), ctx.db.reading() as session:
        row = _request(session, request_id)
        texts = {"statement": (unseal_entry(session, ctx.vault, row.ledger_seq) or {}).get("statement"),
                 "subject": row.subject_id}
        return request_document(row, now=ctx.clock(), texts=texts)


def request_queue(ctx: RightsContext, *, status: str = "open", type_: str | None = None) -> list[dict[str, Any]]:
    """Requests by effective deadline, soonest first (``status`` open, overdue, fulfilled or all)."""
    now = ctx.clock()
    with storage_guard("the requests"), ctx.db.reading() as session:
        query = select(SubjectRequestRow)
        if status in ("open", "overdue"):
            query = query.where(SubjectRequestRow.status == "open")
        elif status == "fulfilled":
            query = query.where(SubjectRequestRow.status == "fulfilled")
        if type_ is not None:
            query = query.where(SubjectRequestRow.type == type_)
        rows = session.scalars(query).all()
        documents = [{**request_document(r, now=now), "subject": r.subject_id} for r in rows]
    if status == "overdue":
        documents = [d for d in documents if d["overdue"]]
    return sorted(documents, key=lambda d: (d["effective_due_at"], d["request_id"]))


def requests_of(ctx: RightsContext, subject_id: str) -> list[dict[str, Any]]:
    """A subject's own requests, newest first, with their own statements (the portal's list). An
    objection that was in force and has since been withdrawn (the subject's status names no
    objection, or a later one) reads ``withdrawn``: the debtor sees where it stands now."""
    now = ctx.clock()
    with storage_guard("the requests"), ctx.db.reading() as session:
        rows = session.scalars(select(SubjectRequestRow).where(SubjectRequestRow.subject_id == subject_id)
                               .order_by(SubjectRequestRow.received_at.desc(), SubjectRequestRow.request_id)).all()
        status = session.get(SubjectStatusRow, subject_id)
        objected_at = as_utc(status.objected_at) if status is not None and status.objected_at else None
        documents = []
        for row in rows:
            document = request_document(row, now=now, texts={
                "statement": (unseal_entry(session, ctx.vault, row.ledger_seq) or {}).get("statement")})
            if row.type == "objection" and row.outcome == "in_force" and (
                    objected_at is None or as_utc(row.received_at) < objected_at):
                document["outcome"] = "withdrawn"
            documents.append(document)
        return documents


def _request(session: Session, request_id: str) -> SubjectRequestRow:
    row = session.get(SubjectRequestRow, request_id)
    if row is None:
        raise NotFound("no request with this id")
    return row
