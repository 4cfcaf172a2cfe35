"""The outbox: what an AR system must act on, written in the transaction that records it.

Every change an AR system is told about (by signed webhooks, ``service.webhooks``, and by the pull
feed, ``GET /v1/feed``) is first an outbox row written in the same database transaction as what it
reports, so nothing is delivered that was not recorded, and nothing recorded goes untold (the
dispatcher delivers every row at least once, and the feed serves every row):

============================  ======================================  ==========================
event                         written where                           it projects
============================  ======================================  ==========================
``decision.held``             a held decision is recorded             its ``decision`` entry
``decision.reviewed``         a review outcome is recorded            its ``review_outcome`` entry
``review.requested``          a debtor asks for a review              its ``subject_request_received``
``run.completed``             a batch run finishes                    the run's decisions (``runs``)
``request.deadline_near``     the dispatcher finds a request's        the request's entries
                              deadline within N days, still open
============================  ======================================  ==========================

The last two are derived from entries rather than projecting one of their own: a run's end and a
deadline drawing near change nothing the ledger does not already say (the decisions of the run;
the request and its deadline, as received or extended), and ledgering a timer's observation would
make the ledger depend on when a dispatcher happened to look. Verification checks them against
the entries all the same (``read_models``).

A payload is the Standard Webhooks shape, ``{"type", "timestamp", "data"}``: ``timestamp`` is when
it happened (the entry's time), ``data`` carries ids, codes, times and the decision's ``effective``
status and action (``decisions.effective``) — never a name, contact data, a debtor's or invoice's
reference, a statement, a rationale or who reviewed. Built by the functions below from the ledger
bodies, so verification rebuilds each payload from the entries and compares it byte for byte.

Event ids derive from what the event is about (one ``decision.held`` per decision entry, one
``run.completed`` per run, one ``request.deadline_near`` per request and deadline), so an event is
never written twice. ``position`` (the feed's order) is taken under the ledger's append lock, held
until commit: positions are in commit order, and a reader that sees one sees every lower one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ledger import Database
from ledger.chain import lock_head
from ledger.timestamps import as_utc, rfc3339

from .effective import ReviewOutcome, effective
from .errors import StorageUnavailable
from .outbox_tables import EVENT_TYPES, OutboxEventRow
from .rights.requests import effective_due_at
from .rights.tables import SubjectRequestRow
from .tables import DecisionRow, RunItemRow, RunRow

__all__ = ["EVENT_TYPES", "FeedEvent", "event_id", "payload_text", "emit", "decision_recorded",
           "review_outcome_recorded", "review_requested", "run_finished", "announce_deadlines", "feed", "read_feed",
           "held_data", "reviewed_data", "review_requested_data", "run_completed_data", "deadline_near_data"]

# The namespace of event ids (uuid5 of "<type>:<what it is about>").
_EVENTS = uuid.UUID("5b0c8e52-7a43-4d0e-9f6b-1c2d3e4f5a60")
_POSITION_KEY = "fairdun.outbox_position"
_LEDGER_ONLY = ("subject", "claim", "facts", "run")


def event_id(type_: str, *about: str) -> str:
    return str(uuid.uuid5(_EVENTS, ":".join((type_, *about))))


def payload_text(type_: str, at: datetime, data: Mapping[str, Any]) -> str:
    """The body every delivery sends and the feed serves: ``{type, timestamp, data}``, compact, keys
    sorted (the same text whether the data was read from an entry or from its projection)."""
    return json.dumps({"type": type_, "timestamp": rfc3339(as_utc(at)), "data": data}, separators=(",", ":"),
                      sort_keys=True)


def _next_position(session: Session) -> int:
    """The next feed position: read once per transaction under the append lock, then counted on."""
    transaction = session.get_transaction()
    cached = session.info.get(_POSITION_KEY)
    if cached is not None and cached[0] is transaction:
        position = cached[1] + 1
    else:
        position = (session.scalar(select(func.max(OutboxEventRow.position))) or 0) + 1
    session.info[_POSITION_KEY] = (transaction, position)
    return position


def emit(session: Session, *, type_: str, about: str, data: Mapping[str, Any], at: datetime, event: str,
         ledger_seq: int | None = None) -> OutboxEventRow | None:
    """Write one event in the session's transaction (None if the event ``event`` exists already)."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    lock_head(session)   # positions in commit order: taken under the append lock, held until commit
    if ledger_seq is None and session.get(OutboxEventRow, event) is not None:   # (an entry just appended has none)
        return None
    row = OutboxEventRow(event_id=event, position=_next_position(session), type=type_, about=about,
                         ledger_seq=ledger_seq, occurred_at=at, payload=payload_text(type_, at, data),
                         fanned_out=False)
    session.add(row)
    return row


# ------------------------------------------------------------------------------ payload data


def held_data(body: Mapping[str, Any]) -> dict[str, Any]:
    """``decision.held``, from the ``decision`` entry's body."""
    run = body.get("run") or None
    return {"decision_id": body["decision_id"], "as_of": body["as_of"],
            "hold": {"code": (body.get("hold") or {}).get("code")},
            "run": {"run_id": run["run_id"], "item": run["item"]} if run else None,
            "effective": effective(body, None)}


def reviewed_data(body: Mapping[str, Any], *, seq: int, at: datetime, decision: Mapping[str, Any]) -> dict[str, Any]:
    """``decision.reviewed``, from the ``review_outcome`` entry (``seq``, ``at``) and the decision's
    document or entry body: the outcome and what the decision means now."""
    outcome = ReviewOutcome(case_id=body["case_id"], outcome=body["outcome"], outcome_seq=seq, closed_at=at,
                            action=body.get("action") if body["outcome"] == "modify" else None)
    return {"decision_id": body["decision_id"], "case_id": body["case_id"], "outcome": body["outcome"],
            "effective": effective(decision, outcome)}


def review_requested_data(body: Mapping[str, Any], *, case_id: str) -> dict[str, Any]:
    """``review.requested``, from the ``subject_request_received`` entry and the case it opened or joined."""
    return {"decision_id": body["decision_id"], "request_id": body["request_id"], "case_id": case_id,
            "channel": body["channel"], "received_at": body["received_at"], "due_at": body["due_at"]}


def run_completed_data(session: Session, run_id: str) -> dict[str, Any]:
    """``run.completed``: the run's counts, from its recorded decisions and invalid items."""
    run = session.get(RunRow, run_id)
    rows = session.execute(
        select(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code, func.count())
        .where(DecisionRow.run_id == run_id)
        .group_by(DecisionRow.status, DecisionRow.action_kind, DecisionRow.hold_code)).all()
    invalid = session.scalar(select(func.count()).where(RunItemRow.run_id == run_id,
                                                        RunItemRow.error.is_not(None))) or 0
    by_status: dict[str, int] = {}
    by_action: dict[str, int] = {}
    held: dict[str, int] = {}
    for status, action, hold, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        by_action[action] = by_action.get(action, 0) + count
        if hold:
            held[hold] = held.get(hold, 0) + count
    return {"run_id": run_id, "total": run.total if run is not None else None,
            "decided": sum(by_status.values()), "invalid": invalid,
            "by_status": dict(sorted(by_status.items())), "by_action": dict(sorted(by_action.items())),
            "held_reasons": dict(sorted(held.items()))}


def deadline_near_data(row: SubjectRequestRow) -> dict[str, Any]:
    """``request.deadline_near``: the open request and the deadline in force."""
    return {"request_id": row.request_id, "type": row.type, "received_at": rfc3339(as_utc(row.received_at)),
            "due_at": rfc3339(effective_due_at(row)), "decision_id": row.decision_id, "case_id": row.case_id}


# ---------------------------------------------------------------------- where events are written


def decision_recorded(session: Session, body: Mapping[str, Any], *, seq: int, at: datetime) -> None:
    """After a ``decision`` entry (``recording``): a held decision is told."""
    if body.get("status") == "held":
        emit(session, type_="decision.held", about=body["decision_id"], data=held_data(body), at=at,
             event=event_id("decision.held", str(seq)), ledger_seq=seq)


def review_outcome_recorded(session: Session, body: Mapping[str, Any], *, seq: int, at: datetime,
                            decision: Mapping[str, Any]) -> None:
    """After a ``review_outcome`` entry (``rights.reviews``)."""
    emit(session, type_="decision.reviewed", about=body["decision_id"],
         data=reviewed_data(body, seq=seq, at=at, decision=decision), at=at,
         event=event_id("decision.reviewed", str(seq)), ledger_seq=seq)


def review_requested(session: Session, request: SubjectRequestRow, *, at: datetime) -> None:
    """After a debtor's review request is recorded with its case (``rights.subjects``)."""
    assert request.decision_id is not None and request.case_id is not None
    body = {"decision_id": request.decision_id, "request_id": request.request_id, "channel": request.channel,
            "received_at": rfc3339(as_utc(request.received_at)), "due_at": rfc3339(as_utc(request.due_at))}
    emit(session, type_="review.requested", about=request.request_id,
         data=review_requested_data(body, case_id=request.case_id), at=at,
         event=event_id("review.requested", str(request.ledger_seq)), ledger_seq=request.ledger_seq)


def run_finished(session: Session, run_id: str, *, at: datetime) -> None:
    """When a run finishes (``runs``): once per run (a run finished again adds no event)."""
    emit(session, type_="run.completed", about=run_id, data=run_completed_data(session, run_id), at=at,
         event=event_id("run.completed", run_id))


def announce_deadlines(session: Session, *, now: datetime, within: timedelta) -> int:
    """``request.deadline_near`` for every open request whose deadline in force (as received, or as
    extended) lies within ``within`` of ``now``: once per request and deadline (an extension moves
    the deadline, and its approach is told again). Returns how many were written."""
    horizon = now + within
    candidates = session.scalars(select(SubjectRequestRow).where(
        SubjectRequestRow.status == "open",
        or_(SubjectRequestRow.due_at <= horizon, SubjectRequestRow.extended_due_at <= horizon))).all()
    due = {event_id("request.deadline_near", row.request_id, rfc3339(effective_due_at(row))): row
           for row in candidates if effective_due_at(row) <= horizon}
    if not due:
        return 0
    told = set(session.scalars(select(OutboxEventRow.event_id).where(OutboxEventRow.event_id.in_(list(due)))))
    written = 0
    for event, row in sorted(due.items(), key=lambda item: (effective_due_at(item[1]), item[1].request_id)):
        if event not in told and emit(session, type_="request.deadline_near", about=row.request_id,
                                      data=deadline_near_data(row), at=now, event=event) is not None:
            written += 1
    return written


# -------------------------------------------------------------------------------------- feed


@dataclass(frozen=True, slots=True)
class FeedEvent:
    position: int
    document: dict[str, Any]   # {id, type, timestamp, data}


def feed(session: Session, *, after: int, limit: int) -> list[FeedEvent]:
    """The events after position ``after``, oldest first, at most ``limit``."""
    rows = session.execute(select(OutboxEventRow.position, OutboxEventRow.event_id, OutboxEventRow.payload)
                           .where(OutboxEventRow.position > after).order_by(OutboxEventRow.position).limit(limit))
    return [FeedEvent(position, {"id": event, **json.loads(payload)}) for position, event, payload in rows]


def read_feed(db: Database, *, after: int, limit: int) -> list[FeedEvent]:
    """``feed`` in a session of its own; ``StorageUnavailable`` (503) when the database is."""
    try:
        with db.reading() as session:
            return feed(session, after=after, limit=limit)
    except SQLAlchemyError as exc:
        raise StorageUnavailable("the feed could not be read: the database is unavailable") from exc
