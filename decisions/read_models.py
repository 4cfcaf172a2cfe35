"""The read models verified against the ledger: every row that the API serves, a report
counts or a later decision relies on instead of the ledger entries must say what the entries
say. ``fairdun ledger verify``, the console's verification and the audit report run this after
the ledger itself verified (``ledger.verify``), so the entries compared with are the true ones.

What is compared, per table (each row is a projection of entries written in its transaction):

- ``decisions``: one row per ``decision`` entry and no other; every column repeats the body
  (status, action, hold, run, times). The contract document is not a column: it is read from
  the entry itself (``decisions.documents``).
- ``claim_activity``: each row names the claim, subject and decision or event of the entry it
  points at, at the time that entry gives; every ``event`` entry has its row (frequency caps and
  the ladder read them for the next decision).
- ``review_cases`` and ``subject_requests``: each row matches the entry that opened it, and is
  closed exactly by the entry that closed it (outcome, reviewer, times, a modify's action: what
  a decision's ``effective`` action is read from); a review case's assignee is its latest
  ``review_case_assigned`` entry's.
- ``subject_status``: rebuilt from the rights entries (objection to profiling and its withdrawal, documented
  grounds, restrictions, erasure request) and compared field by field.
- ``model_versions`` and ``policy_activations``: the model registry's statuses (and each
  version's latest sign-off) and the policy bundle activations, rebuilt from their governance
  entries.
- ``outbox_events`` (what webhooks deliver and the feed serves): each payload rebuilt from the
  entries it tells of and compared byte for byte; every held decision, review outcome and debtor's
  review request since the outbox's origin has its event, and every finished run its
  ``run.completed`` (``decisions.outbox``).

A difference raises ``ChainBroken`` with reason ``read_model_mismatch`` at the seq of the
entry the row disagrees with (the lowest, if several do), naming table, key and column.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from explain.tables import ModelVersionRow
from ledger import ChainBroken
from ledger.tables import LedgerEntry
from ledger.timestamps import as_utc, parse_rfc3339, rfc3339

from . import outbox
from .documents import READ_MODEL_MISMATCH
from .outbox_tables import OutboxEventRow, OutboxOriginRow
from .policy.activation import ACTIVATION_EVENT
from .policy.tables import PolicyActivationRow
from .rights.tables import ReviewCaseRow, SubjectRequestRow, SubjectStatusRow
from .tables import ClaimActivityRow, DecisionRow, RunRow

__all__ = ["READ_MODEL_MISMATCH", "ReadModelReport", "verify_read_models"]

_BATCH = 2000


@dataclass(frozen=True)
class ReadModelReport:
    rows: Counter[str]      # rows compared, by table


class _Findings:
    """The differences found; the one at the lowest seq is reported."""

    def __init__(self) -> None:
        self.first: tuple[int, str] | None = None
        self.count = 0
        self.rows: Counter[str] = Counter()

    def compare(self, seq: int, where: str, column: str, stored: Any, written: Any) -> None:
        if stored != written:
            self.add(seq, f"{where}: column {column} holds {stored!r}, the ledger says {written!r}")

    def add(self, seq: int, detail: str) -> None:
        self.count += 1
        if self.first is None or seq < self.first[0]:
            self.first = (seq, detail)


def verify_read_models(session: Session) -> ReadModelReport:
    """Compare every read model with the entries; raises ``ChainBroken`` on the first difference."""
    found = _Findings()
    _decisions(session, found)
    _claim_activity(session, found)
    _review_cases(session, found)
    _subject_requests(session, found)
    _subject_status(session, found)
    _model_versions(session, found)
    _policy_activations(session, found)
    _outbox(session, found)
    if found.first is not None:
        seq, detail = found.first
        more = f" ({found.count - 1} more difference(s))" if found.count > 1 else ""
        raise ChainBroken(seq, READ_MODEL_MISMATCH, detail + more)
    return ReadModelReport(rows=found.rows)


def _moment(value: datetime | None) -> str | None:
    return rfc3339(as_utc(value)) if value is not None else None


def _json(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value   # not JSON: reported as it is stored


def _bodies(session: Session, kinds: Iterable[str]) -> Iterable[tuple[int, str, str, dict[str, Any]]]:
    """(seq, kind, ts, body) of every entry of ``kinds``, in ledger order."""
    query = (select(LedgerEntry.seq, LedgerEntry.kind, LedgerEntry.ts, LedgerEntry.entry)
             .where(LedgerEntry.kind.in_(sorted(kinds))).order_by(LedgerEntry.seq)
             .execution_options(yield_per=_BATCH))
    for seq, kind, ts, entry in session.execute(query):
        yield seq, kind, _moment(ts) or "", json.loads(entry)["body"]


def _stream(session: Session, query: Any) -> Iterable[Any]:
    return session.execute(query.execution_options(yield_per=_BATCH))


# ------------------------------------------------------------------------------------ decisions


def _decisions(session: Session, found: _Findings) -> None:
    # (1) every decision entry with its row
    query = (select(LedgerEntry.seq, LedgerEntry.ts, LedgerEntry.leaf_hash, LedgerEntry.entry, DecisionRow)
             .outerjoin(DecisionRow, DecisionRow.ledger_seq == LedgerEntry.seq)
             .where(LedgerEntry.kind == "decision").order_by(LedgerEntry.seq))
    for seq, ts, leaf_hash, entry, row in _stream(session, query):
        body = json.loads(entry)["body"]
        if row is None:
            found.add(seq, f"decisions: no row for decision {body.get('decision_id')!r} of this entry")
            continue
        found.rows["decisions"] += 1
        where = f"decisions row {row.decision_id}"
        action = body.get("action") or {}
        hold = body.get("hold") or {}
        run = body.get("run") or {}
        experiment = body.get("experiment") or {}
        for column, stored, written in (
                ("decision_id", row.decision_id, body.get("decision_id")),
                ("entry_hash", row.entry_hash, leaf_hash),
                ("subject_id", row.subject_id, body.get("subject")),
                ("claim_id", row.claim_id, body.get("claim")),
                ("status", row.status, body.get("status")),
                ("as_of", _moment(row.as_of), body.get("as_of")),
                ("recorded_at", _moment(row.recorded_at), _moment(ts)),
                ("action_kind", row.action_kind, action.get("kind") or "none"),
                ("level", row.level, action.get("level")),
                ("channel", row.channel, action.get("channel")),
                ("send_at", _moment(row.send_at), action.get("send_at")),
                ("hold_code", row.hold_code, hold.get("code")),
                ("run_id", row.run_id, run.get("run_id")),
                ("run_item", row.run_item, run.get("item")),
                ("experiment_id", row.experiment_id, experiment.get("id")),
                ("experiment_arm", row.experiment_arm, experiment.get("arm"))):
            found.compare(seq, where, column, stored, written)
    # (2) no row without its entry
    orphans = (select(DecisionRow.decision_id, DecisionRow.ledger_seq)
               .outerjoin(LedgerEntry, and_(LedgerEntry.seq == DecisionRow.ledger_seq, LedgerEntry.kind == "decision"))
               .where(LedgerEntry.seq.is_(None)))
    for decision_id, seq in session.execute(orphans):
        found.add(seq, f"decisions row {decision_id}: ledger_seq {seq} is not a decision entry")


# ------------------------------------------------------------------------------- claim activity


def _claim_activity(session: Session, found: _Findings) -> None:
    query = (select(ClaimActivityRow, LedgerEntry.kind, LedgerEntry.entry)
             .outerjoin(LedgerEntry, LedgerEntry.seq == ClaimActivityRow.ledger_seq).order_by(ClaimActivityRow.id))
    recorded_events: set[int] = set()
    for row, kind, entry in _stream(session, query):
        found.rows["claim_activity"] += 1
        where = f"claim_activity row {row.id}"
        if entry is None:
            found.add(row.ledger_seq, f"{where}: ledger_seq {row.ledger_seq} is no entry")
            continue
        body = json.loads(entry)["body"]
        seq = row.ledger_seq
        found.compare(seq, where, "claim_id", row.claim_id, body.get("claim"))
        found.compare(seq, where, "subject_id", row.subject_id, body.get("subject"))
        if kind == "event":
            recorded_events.add(seq)
            found.compare(seq, where, "source_id", row.source_id, body.get("event_id"))
            found.compare(seq, where, "activity", row.activity, body.get("type"))
            found.compare(seq, where, "at", _moment(row.at), body.get("at"))
        elif kind in ("decision", "review_outcome"):
            # a decision carried out, or released by its review (uphold, modify)
            found.compare(seq, where, "source_id", row.source_id, body.get("decision_id"))
            found.compare(seq, where, "decision_id", row.decision_id, body.get("decision_id"))
            found.compare(seq, where, "activity", row.activity, "dunning")
            if row.notices is not None:   # NULL: remembered before migration 0013, read as "none carried"
                carried = (body.get("action") or {}) if kind == "decision" or "action" in body \
                    else _decided_action(session, body.get("decision_id"))      # an upheld decision's
                found.compare(seq, where, "notices", _json(row.notices), sorted(carried.get("notices") or []))
            if kind == "decision":
                action = body.get("action") or {}
                found.compare(seq, where, "at", _moment(row.at), action.get("send_at"))
                found.compare(seq, where, "kind", row.kind, action.get("kind"))
                found.compare(seq, where, "level", row.level, action.get("level"))
                found.compare(seq, where, "channel", row.channel, action.get("channel"))
        else:
            found.add(seq, f"{where}: points at a {kind} entry, not a decision or event")
    for seq, _, _, body in _bodies(session, ("event",)):
        if seq not in recorded_events:
            found.add(seq, f"claim_activity: no row for event {body.get('event_id')!r} of this entry")


def _decided_action(session: Session, decision_id: Any) -> dict[str, Any]:
    entry = session.scalar(select(LedgerEntry.entry).join(DecisionRow, DecisionRow.ledger_seq == LedgerEntry.seq)
                           .where(DecisionRow.decision_id == decision_id))
    return (json.loads(entry)["body"].get("action") or {}) if entry is not None else {}


# ---------------------------------------------------------------------------------- review cases


def _review_cases(session: Session, found: _Findings) -> None:
    cases = {row.case_id: row for row in session.scalars(select(ReviewCaseRow))}
    found.rows["review_cases"] += len(cases)
    opened: set[str] = set()
    closed_by: dict[str, int] = {}
    due: dict[str, tuple[int, Any]] = {}     # the due_at in force: the opening's, or a later join's
    assigned: dict[str, tuple[int, str, Any]] = {}   # the latest assignment: (seq, ts, assignee)
    for seq, kind, ts, body in _bodies(session, ("review_case_opened", "review_case_joined", "review_outcome",
                                                  "review_case_assigned")):
        case_id = str(body.get("case_id"))
        row = cases.get(case_id)
        where = f"review_cases row {case_id}"
        if row is None:
            found.add(seq, f"review_cases: no row for case {case_id!r} of this {kind} entry")
            continue
        if kind == "review_case_opened":
            opened.add(case_id)
            for column, stored, written in (
                    ("opened_seq", row.opened_seq, seq), ("decision_id", row.decision_id, body.get("decision_id")),
                    ("decision_seq", row.decision_seq, body.get("decision_seq")),
                    ("subject_id", row.subject_id, body.get("subject")), ("claim_id", row.claim_id, body.get("claim")),
                    ("origin", row.origin, body.get("origin")), ("opened_at", _moment(row.opened_at),
                                                                 body.get("opened_at"))):
                found.compare(seq, where, column, stored, written)
            due[case_id] = (seq, body.get("due_at"))
        elif kind == "review_case_joined":
            due[case_id] = (seq, body.get("due_at"))
        elif kind == "review_case_assigned":
            assigned[case_id] = (seq, ts, body.get("assignee"))
        else:
            closed_by[case_id] = seq
            for column, stored, written in (
                    ("outcome_seq", row.outcome_seq, seq), ("status", row.status, "closed"),
                    ("outcome", row.outcome, body.get("outcome")), ("reviewer", row.reviewer, body.get("reviewer")),
                    ("explanation_opened", row.explanation_opened, body.get("explanation_opened")),
                    ("closed_at", _moment(row.closed_at), ts),
                    # a modify's action is what ``effective`` tells the AR system to do
                    ("outcome_action", _json(row.outcome_action), body.get("action"))):
                found.compare(seq, where, column, stored, written)
    for case_id, row in cases.items():
        where = f"review_cases row {case_id}"
        if case_id not in opened:
            found.add(row.opened_seq, f"{where}: no review_case_opened entry opened it")
            continue
        due_seq, due_at = due[case_id]
        found.compare(due_seq, where, "due_at", _moment(row.due_at), due_at)
        # who reviews it (migration 0014): the latest review_case_assigned entry, or nobody
        assign_seq, assign_ts, assignee = assigned.get(case_id, (row.opened_seq, None, None))
        for column, stored, written in (("assignee", row.assignee, assignee),
                                        ("assigned_at", _moment(row.assigned_at), assign_ts),
                                        ("assigned_seq", row.assigned_seq, assign_seq if case_id in assigned else None)):
            found.compare(assign_seq, where, column, stored, written)
        if case_id not in closed_by:
            found.compare(row.opened_seq, where, "status", row.status, "open")
            found.compare(row.opened_seq, where, "outcome_seq", row.outcome_seq, None)


# ----------------------------------------------------------------------------- subject requests


def _subject_requests(session: Session, found: _Findings) -> None:
    requests = {row.request_id: row for row in session.scalars(select(SubjectRequestRow))}
    found.rows["subject_requests"] += len(requests)
    received: set[str] = set()
    fulfilled: set[str] = set()
    for seq, kind, ts, body in _bodies(session, ("subject_request_received", "subject_request_extended",
                                                  "subject_request_fulfilled")):
        request_id = str(body.get("request_id"))
        row = requests.get(request_id)
        where = f"subject_requests row {request_id}"
        if row is None:
            found.add(seq, f"subject_requests: no row for request {request_id!r} of this {kind} entry")
            continue
        if kind == "subject_request_received":
            received.add(request_id)
            for column, stored, written in (
                    ("ledger_seq", row.ledger_seq, seq), ("type", row.type, body.get("type")),
                    ("subject_id", row.subject_id, body.get("subject")), ("channel", row.channel, body.get("channel")),
                    ("received_at", _moment(row.received_at), body.get("received_at")),
                    ("due_on", row.due_on.isoformat(), body.get("due_on")),
                    ("due_at", _moment(row.due_at), body.get("due_at")),
                    ("decision_id", row.decision_id, body.get("decision_id")),
                    ("concerns", row.concerns, body.get("concerns"))):
                found.compare(seq, where, column, stored, written)
        elif kind == "subject_request_extended":
            for column, stored, written in (
                    ("extended_to", row.extended_to.isoformat() if row.extended_to else None, body.get("extended_to")),
                    ("extended_due_at", _moment(row.extended_due_at), body.get("due_at")),
                    ("extension_reason", row.extension_reason, body.get("reason")),
                    ("extended_at", _moment(row.extended_at), ts)):
                found.compare(seq, where, column, stored, written)
        else:
            fulfilled.add(request_id)
            detail = json.loads(row.detail) if row.detail else None
            for column, stored, written in (
                    ("fulfilled_seq", row.fulfilled_seq, seq), ("status", row.status, "fulfilled"),
                    ("outcome", row.outcome, body.get("outcome")),
                    ("fulfilled_at", _moment(row.fulfilled_at), body.get("fulfilled_at")),
                    ("detail", detail, body.get("detail") or None)):
                found.compare(seq, where, column, stored, written)
    for request_id, row in requests.items():
        where = f"subject_requests row {request_id}"
        if request_id not in received:
            found.add(row.ledger_seq, f"{where}: no subject_request_received entry received it")
        elif request_id not in fulfilled:
            found.compare(row.ledger_seq, where, "status", row.status, "open")
            found.compare(row.ledger_seq, where, "fulfilled_seq", row.fulfilled_seq, None)
        if row.extended_to is not None and row.extended_at is None:
            found.add(row.ledger_seq, f"{where}: column extended_to is set without its extension entry")


# ------------------------------------------------------------------------------- subject status


@dataclass
class _Status:
    seq: int                                           # the subject's latest rights entry
    set_at: dict[str, int] = field(default_factory=dict)  # column -> seq of the entry that set it last
    objected_at: str | None = None
    grounds_documented_at: str | None = None
    grounds_basis: str | None = None
    open_rectifications: int = 0
    retention_restricted_at: str | None = None
    erasure_requested_at: str | None = None


_STATUS_KINDS = ("objection_recorded", "compelling_grounds_documented", "restriction_started", "restriction_lifted",
                 "subject_request_received", "objection_withdrawn")


def _subject_status(session: Session, found: _Findings) -> None:
    """``subject_status`` rebuilt from the rights entries (``decisions.rights.subjects``)."""
    rebuilt: dict[str, _Status] = {}
    for seq, kind, ts, body in _bodies(session, _STATUS_KINDS):
        subject = str(body.get("subject"))
        if kind == "subject_request_received" and body.get("type") != "erasure":
            continue
        status = rebuilt.setdefault(subject, _Status(seq))
        status.seq = seq
        reason = body.get("reason")
        if kind == "objection_recorded":
            if status.objected_at is None:
                status.objected_at = body.get("effective_at")
                status.grounds_documented_at = status.grounds_basis = None
                status.set_at.update(objected_at=seq, grounds_documented_at=seq, grounds_basis=seq)
        elif kind == "objection_withdrawn":   # the debtor withdrew it in the portal: profiled again
            status.objected_at = status.grounds_documented_at = status.grounds_basis = None
            status.set_at.update(objected_at=seq, grounds_documented_at=seq, grounds_basis=seq)
        elif kind == "compelling_grounds_documented":
            status.grounds_documented_at, status.grounds_basis = ts, body.get("basis")
            status.set_at.update(grounds_documented_at=seq, grounds_basis=seq)
        elif kind in ("restriction_started", "restriction_lifted") and reason == "accuracy_contested":
            change = 1 if kind == "restriction_started" else -1
            status.open_rectifications = max(0, status.open_rectifications + change)
            status.set_at["open_rectifications"] = seq
        elif kind in ("restriction_started", "restriction_lifted") and reason == "retention_duty":
            started = kind == "restriction_started"
            status.retention_restricted_at = (status.retention_restricted_at or ts) if started else None
            status.set_at["retention_restricted_at"] = seq
        elif kind == "subject_request_received":
            status.erasure_requested_at = body.get("received_at")
            status.set_at["erasure_requested_at"] = seq
    for row in session.scalars(select(SubjectStatusRow)):
        found.rows["subject_status"] += 1
        expected = rebuilt.pop(row.subject_id, None) or _Status(seq=0)
        where = f"subject_status row {row.subject_id}"
        for column, stored, written in (
                ("objected_at", _moment(row.objected_at), expected.objected_at),
                ("grounds_documented_at", _moment(row.grounds_documented_at), expected.grounds_documented_at),
                ("grounds_basis", row.grounds_basis, expected.grounds_basis),
                ("open_rectifications", row.open_rectifications, expected.open_rectifications),
                ("retention_restricted_at", _moment(row.retention_restricted_at), expected.retention_restricted_at),
                ("erasure_requested_at", _moment(row.erasure_requested_at), expected.erasure_requested_at)):
            found.compare(expected.set_at.get(column, expected.seq), where, column, stored, written)
    for subject, expected in rebuilt.items():
        found.add(expected.seq, f"subject_status: no row for subject {subject!r} whose rights entries set its status")


# --------------------------------------------------------------------------- models and policies


def _model_versions(session: Session, found: _Findings) -> None:
    rows = {row.model_id: row for row in session.scalars(select(ModelVersionRow))}
    found.rows["model_versions"] += len(rows)
    status: dict[str, tuple[int, str]] = {}     # model id -> (seq, status) after its latest entry
    signed: dict[str, tuple[int, str, Any]] = {}   # model id -> the latest sign-off (seq, time, by)
    kinds = ("model_registered", "model_signed_off", "model_approved", "model_retired")
    for seq, kind, ts, body in _bodies(session, kinds):
        model_id = str(body.get("model_id"))
        row = rows.get(model_id)
        where = f"model_versions row {model_id}"
        if row is None:
            found.add(seq, f"model_versions: no row for model {model_id!r} of this {kind} entry")
            continue
        found.compare(seq, where, "sha256", row.sha256, body.get("sha256"))
        if kind == "model_registered":
            status[model_id] = (seq, "candidate")
            found.compare(seq, where, "registered_seq", row.registered_seq, seq)
            found.compare(seq, where, "registered_at", _moment(row.registered_at), ts)
            found.compare(seq, where, "source", row.source, body.get("source"))
        elif kind == "model_signed_off":
            signed[model_id] = (seq, ts, body.get("signed_off_by"))
        elif kind == "model_approved":
            status[model_id] = (seq, "approved")
            found.compare(seq, where, "approved_seq", row.approved_seq, seq)
            found.compare(seq, where, "approved_at", _moment(row.approved_at), ts)
        else:
            status[model_id] = (seq, "retired")
            found.compare(seq, where, "retired_seq", row.retired_seq, seq)
            found.compare(seq, where, "retired_at", _moment(row.retired_at), ts)
    for model_id, row in rows.items():
        if model_id not in status:
            found.add(row.registered_seq, f"model_versions row {model_id}: no model_registered entry registered it")
            continue
        seq, expected = status[model_id]
        found.compare(seq, f"model_versions row {model_id}", "status", row.status, expected)
        sign_off = signed.get(model_id)
        stored = (row.signed_off_seq, _moment(row.signed_off_at), row.signed_off_by)
        if sign_off is None and stored != (None, None, None):
            found.add(row.registered_seq, f"model_versions row {model_id}: a sign-off ({row.signed_off_seq}) no "
                                          "model_signed_off entry recorded")
        elif sign_off is not None:
            for column, value, written in zip(("signed_off_seq", "signed_off_at", "signed_off_by"), stored, sign_off,
                                              strict=True):
                found.compare(sign_off[0], f"model_versions row {model_id}", column, value, written)


def _policy_activations(session: Session, found: _Findings) -> None:
    rows = {row.ledger_seq: row for row in session.scalars(select(PolicyActivationRow))}
    found.rows["policy_activations"] += len(rows)
    query = select(LedgerEntry.seq, LedgerEntry.leaf_hash).where(LedgerEntry.kind == ACTIVATION_EVENT)
    hashes: dict[int, str] = dict(session.execute(query).all())
    for seq, _, ts, body in _bodies(session, (ACTIVATION_EVENT,)):
        row = rows.pop(seq, None)
        where = f"policy_activations row {seq}"
        if row is None:
            found.add(seq, f"policy_activations: no row for the activation of bundle "
                           f"{str(body.get('bundle_sha256'))[:12]} in this entry")
            continue
        for column, stored, written in (
                ("bundle_sha256", row.bundle_sha256, body.get("bundle_sha256")),
                ("engine", row.engine, body.get("engine")), ("source", row.source, body.get("source")),
                ("activated_at", _moment(row.activated_at), ts), ("entry_hash", row.entry_hash, hashes.get(seq))):
            found.compare(seq, where, column, stored, written)
    for seq in rows:
        found.add(seq, f"policy_activations row {seq}: no activation entry at this seq")


# ------------------------------------------------------------------------------------- outbox

# The entry kind each ledger-tied event projects.
_TOLD_BY = {"decision.held": "decision", "decision.reviewed": "review_outcome",
            "review.requested": "subject_request_received"}


def _entries_at(session: Session, seqs: Iterable[int]) -> dict[int, tuple[str, str, dict[str, Any]]]:
    """(kind, ts, body) of the entries at ``seqs``, as the entries themselves say."""
    wanted = sorted(set(seqs))
    found: dict[int, tuple[str, str, dict[str, Any]]] = {}
    for start in range(0, len(wanted), 500):
        query = select(LedgerEntry.seq, LedgerEntry.entry).where(LedgerEntry.seq.in_(wanted[start:start + 500]))
        for seq, entry in session.execute(query):
            document = json.loads(entry)
            found[seq] = (document.get("kind"), document.get("ts"), document.get("body") or {})
    return found


def _outbox(session: Session, found: _Findings) -> None:
    """Every event is what its entries say (its payload rebuilt from them, byte for byte), and
    every entry that must be told (a held decision, a review outcome, a debtor's review request)
    and every finished run has its event, from the outbox's origin on."""
    origin = session.get(OutboxOriginRow, 1)
    if origin is None:
        found.add(0, "outbox_origin: the row saying where the outbox begins is missing")
        return
    first = origin.first_seq
    events = list(session.scalars(select(OutboxEventRow).order_by(OutboxEventRow.position)))
    found.rows["outbox_events"] += len(events)
    entries = _entries_at(session, [e.ledger_seq for e in events if e.ledger_seq is not None])
    reviewed = [body for kind, _, body in entries.values() if kind == "review_outcome"]
    entries.update(_entries_at(session, [b["decision_seq"] for b in reviewed if isinstance(b.get("decision_seq"), int)]))
    cases = {str(body.get("request_id")): body.get("case_id")
             for _, _, _, body in _bodies(session, ("review_case_opened", "review_case_joined"))
             if body.get("request_id")}
    told: dict[int, str] = {}
    runs_told: set[str] = set()
    for event in events:
        where = f"outbox_events row {event.event_id}"
        seq = event.ledger_seq if event.ledger_seq is not None else 0
        try:
            kind_expected = _TOLD_BY.get(event.type)
            if kind_expected is not None:
                told[seq] = event.type
                expected = _told_payload(event, entries, cases, first, kind_expected)
            elif event.type == "run.completed":
                runs_told.add(event.about)
                expected = _run_payload(session, event)
            else:
                seq, expected = _deadline_payload(session, event)
        except _Untold as exc:
            found.add(seq, f"{where}: {exc}")
            continue
        found.compare(seq, where, "payload", event.payload, expected)
    # (2) every entry that must be told has its event
    must: list[tuple[int, str, str]] = [
        (seq, "decision.held", "held decision") for seq in session.scalars(
            select(DecisionRow.ledger_seq).where(DecisionRow.status == "held", DecisionRow.ledger_seq >= first))]
    for seq, kind, _, body in _bodies(session, ("review_outcome", "subject_request_received")):
        if seq >= first and kind == "review_outcome":
            must.append((seq, "decision.reviewed", "review outcome"))
        elif seq >= first and body.get("type") == "review":
            must.append((seq, "review.requested", "review request"))
    for seq, type_, what in must:
        if told.get(seq) != type_:
            found.add(seq, f"outbox_events: no {type_} event for the {what} of this entry")
    # (3) every finished run since the origin has its run.completed
    finished = session.execute(select(RunRow.run_id, func.min(DecisionRow.ledger_seq), func.max(DecisionRow.ledger_seq))
                               .outerjoin(DecisionRow, DecisionRow.run_id == RunRow.run_id)
                               .where(RunRow.status == "finished").group_by(RunRow.run_id))
    for run_id, _, last in finished:
        since_origin = first == 0 or (last is not None and last >= first)
        if since_origin and run_id not in runs_told:
            found.add(last or 0, f"outbox_events: no run.completed event for the finished run {run_id}")


class _Untold(Exception):
    """An event that names no entry (or run, or request) it could tell of."""


def _told_payload(event: OutboxEventRow, entries: dict[int, tuple[str, str, dict[str, Any]]],
                  cases: dict[str, Any], first: int, kind_expected: str) -> str:
    seq = event.ledger_seq
    if seq is None or seq not in entries:
        raise _Untold(f"ledger_seq {seq} is no entry")
    if seq < first:
        raise _Untold(f"ledger_seq {seq} lies before the outbox's origin ({first})")
    kind, ts, body = entries[seq]
    if kind != kind_expected:
        raise _Untold(f"a {event.type} event points at a {kind} entry")
    if event.event_id != outbox.event_id(event.type, str(seq)):
        raise _Untold(f"event_id is not the one of a {event.type} event of this entry")
    at = parse_rfc3339(ts)
    if event.type == "decision.held":
        if body.get("status") != "held":
            raise _Untold("a decision.held event for a decision that is not held")
        data = outbox.held_data(body)
    elif event.type == "decision.reviewed":
        decision = entries.get(body.get("decision_seq"))   # type: ignore[arg-type]
        if decision is None or decision[0] != "decision":
            raise _Untold("the review outcome's decision_seq is no decision entry")
        data = outbox.reviewed_data(body, seq=seq, at=at, decision=decision[2])
    else:
        if body.get("type") != "review" or body.get("request_id") not in cases:
            raise _Untold("a review.requested event for a request that is no review request with its case")
        data = outbox.review_requested_data(body, case_id=cases[body["request_id"]])
    about = body.get("request_id") if event.type == "review.requested" else body.get("decision_id")
    if event.about != about:
        raise _Untold(f"column about holds {event.about!r}, the entry is about {about!r}")
    return outbox.payload_text(event.type, at, data)


def _run_payload(session: Session, event: OutboxEventRow) -> str:
    run = session.get(RunRow, event.about)
    if event.ledger_seq is not None or run is None or run.status != "finished":
        raise _Untold(f"a run.completed event for {event.about!r}, which is no finished run")
    if event.event_id != outbox.event_id("run.completed", event.about):
        raise _Untold("event_id is not the one of this run's run.completed event")
    return outbox.payload_text(event.type, as_utc(event.occurred_at), outbox.run_completed_data(session, event.about))


def _deadline_payload(session: Session, event: OutboxEventRow) -> tuple[int, str]:
    """A deadline told of an open request (``subject_requests``, itself checked against its
    entries), with a deadline it had (as received or as extended), before it was fulfilled."""
    request = session.get(SubjectRequestRow, event.about)
    if event.ledger_seq is not None or request is None:
        raise _Untold(f"a request.deadline_near event for {event.about!r}, which is no request")
    occurred = as_utc(event.occurred_at)
    if request.fulfilled_at is not None and as_utc(request.fulfilled_at) < occurred:
        raise _Untold("a request.deadline_near event for a request fulfilled before it")
    deadlines = {_moment(d) for d in (request.due_at, request.extended_due_at) if d is not None}
    told = _json(event.payload)
    due = (told.get("data") or {}).get("due_at") if isinstance(told, dict) else None
    if due not in deadlines or event.event_id != outbox.event_id("request.deadline_near", request.request_id, str(due)):
        raise _Untold(f"due_at {due!r} is no deadline of request {request.request_id}")
    data = {**outbox.deadline_near_data(request), "due_at": due}
    return request.ledger_seq, outbox.payload_text(event.type, occurred, data)
