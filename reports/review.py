"""The audit report's human-review and data-subject-request sections, and the erasure counts,
from the ledger events of the rights workflows (``decisions/rights/README.md`` lists them).

Like every figure of the report, these read only entries recorded before the period's end: a
case or request counts as closed only if its closing event was recorded by then, an extension
only if it was recorded by then, so a closed period's figures do not move later.

- Human review (GDPR Art. 22(3), AI Act Art. 14): ``review_case_opened`` in the period by
  ``origin`` (automatic: the decision needed review; debtor: on request); ``review_outcome`` in
  the period by ``outcome``; overturn rate = overturned / outcomes; time to outcome = the
  outcome's time − ``opened_at``, against the case's SLA = ``due_at`` − ``opened_at``; closed on
  time when the outcome was recorded by ``due_at``; cases open at the end (no outcome recorded
  by then) and past ``due_at`` are overdue.
- Data-subject requests (GDPR Art. 12(3)): ``subject_request_received`` in the period by
  ``type``; the deadline in force is the ``due_at`` of the request's extension when one was
  recorded before the end, else its own ``due_at``; on time: fulfilled (``fulfilled_at`` of
  ``subject_request_fulfilled``) by that deadline; late: fulfilled after it, or not fulfilled by
  the end with the deadline passed; pending: neither. Extensions recorded in the period by
  reason; objections to profiling (``objection_recorded``, newly in force).
- Erasure: subjects named by ``subject_shredded`` (``complete``: no key left) and by
  ``retention_run`` entries; counts only.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.tables import LedgerEntry
from ledger.timestamps import as_utc

__all__ = ["review_figures", "review_section", "review_events", "erasure_figures", "RIGHTS_KINDS", "REQUEST_TYPES", "OUTCOMES"]

REQUEST_TYPES = ("access", "objection", "review", "rectification", "erasure")
OUTCOMES = ("uphold", "modify", "overturn")
SHREDDING_KINDS = ("subject_shredded", "retention_run")
RIGHTS_KINDS = ("review_case_opened", "review_outcome", "subject_request_received", "subject_request_extended",
                "subject_request_fulfilled", "objection_recorded", *SHREDDING_KINDS)


def review_events(session: Session, end: datetime, size: int) -> list[tuple[str, datetime, dict[str, Any]]]:
    rows = session.execute(select(LedgerEntry.kind, LedgerEntry.ts, LedgerEntry.entry)
                           .where(LedgerEntry.seq < size, LedgerEntry.kind.in_(RIGHTS_KINDS), LedgerEntry.ts < end)
                           .order_by(LedgerEntry.seq))
    return [(kind, as_utc(ts), json.loads(entry)["body"]) for kind, ts, entry in rows]


def _moment(value: Any, default: datetime) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return default


def review_figures(session: Session, *, start: datetime, end: datetime, size: int) -> dict[str, Any]:
    """The ``review``, ``requests`` and ``erasure`` sections, from the first ``size`` entries (those verified)."""
    events = review_events(session, end, size)
    return {"review": review_section(events, start, end), "requests": _requests(events, start, end),
            "erasure": erasure_figures(events, start)}


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def review_section(events: list[tuple[str, datetime, dict[str, Any]]], start: datetime, end: datetime
                   ) -> dict[str, Any]:
    """The human-review figures of ``[start, end)`` from the rights entries recorded before
    ``end`` (the audit report's section and the dashboard's review cells). SLA met = cases
    closed in the period on time / cases closed in the period."""
    cases: dict[str, dict[str, Any]] = {}
    outcomes: list[tuple[datetime, dict[str, Any]]] = []
    for kind, ts, body in events:
        if kind == "review_case_opened":
            cases[str(body.get("case_id"))] = {"opened": _moment(body.get("opened_at"), ts),
                                               "due": _moment(body.get("due_at"), ts), "origin": body.get("origin"),
                                               "closed": None, "in_period": ts >= start}
        elif kind == "review_outcome":
            case = cases.get(str(body.get("case_id")))
            if case is not None:
                case["closed"] = ts
            if ts >= start:
                outcomes.append((ts, body))
    opened = [c for c in cases.values() if c["in_period"]]
    by_outcome = Counter(str(body.get("outcome")) for _, body in outcomes)
    closed = [c for c in cases.values() if c["closed"] is not None and c["closed"] >= start]
    taken = [_hours((c["closed"] - c["opened"]).total_seconds()) for c in closed]
    sla = [_hours((c["due"] - c["opened"]).total_seconds()) for c in closed]
    on_time = sum(c["closed"] <= c["due"] for c in closed)
    still_open = [c for c in cases.values() if c["closed"] is None]
    return {
        "recorded": bool(opened or outcomes or still_open),
        "opened": len(opened),
        "opened_by_origin": dict(sorted(Counter(str(c["origin"]) for c in opened).items())),
        "closed": len(outcomes),
        "outcomes": {outcome: by_outcome.get(outcome, 0) for outcome in OUTCOMES},
        "overturn_rate": by_outcome.get("overturn", 0) / len(outcomes) if outcomes else None,
        "explanation_opened": sum(bool(body.get("explanation_opened")) for _, body in outcomes),
        "closed_on_time": on_time,
        "closed_late": len(closed) - on_time,
        "sla_met_rate": on_time / len(closed) if closed else None,
        "hours_to_outcome": {"median": median(taken) if taken else None, "max": max(taken) if taken else None},
        "sla_hours": {"median": median(sla) if sla else None},
        "open_at_end": len(still_open),
        "overdue_at_end": sum(c["due"] < end for c in still_open),
    }


def _requests(events: list[tuple[str, datetime, dict[str, Any]]], start: datetime, end: datetime) -> dict[str, Any]:
    requests: dict[str, dict[str, Any]] = {}
    extensions: list[dict[str, Any]] = []
    objections = 0
    for kind, ts, body in events:
        request_id = str(body.get("request_id"))
        if kind == "subject_request_received":
            requests[request_id] = {"type": str(body.get("type")), "channel": str(body.get("channel")),
                                    "due": _moment(body.get("due_at"), ts), "fulfilled": None,
                                    "outcome": None, "in_period": ts >= start}
        elif kind == "subject_request_extended" and request_id in requests:
            requests[request_id]["due"] = _moment(body.get("due_at"), requests[request_id]["due"])
            if ts >= start:
                extensions.append(body)
        elif kind == "subject_request_fulfilled" and request_id in requests:
            requests[request_id]["fulfilled"] = _moment(body.get("fulfilled_at"), ts)
            requests[request_id]["outcome"] = body.get("outcome")
        elif kind == "objection_recorded" and ts >= start and not body.get("already_in_force"):
            objections += 1
    counts = {t: {"received": 0, "on_time": 0, "late": 0, "pending": 0} for t in REQUEST_TYPES}
    received = [r for r in requests.values() if r["in_period"]]
    for r in received:
        row = counts.setdefault(r["type"], {"received": 0, "on_time": 0, "late": 0, "pending": 0})
        row["received"] += 1
        if r["fulfilled"] is not None:
            row["on_time" if r["fulfilled"] <= r["due"] else "late"] += 1
        elif r["due"] < end:
            row["late"] += 1
        else:
            row["pending"] += 1
    return {
        "recorded": bool(received or extensions),
        "received": len(received),
        "by_type": [{"type": t, **c} for t, c in counts.items()],
        "on_time": sum(c["on_time"] for c in counts.values()),
        "late": sum(c["late"] for c in counts.values()),
        "pending": sum(c["pending"] for c in counts.values()),
        "by_channel": dict(sorted(Counter(r["channel"] for r in received).items())),
        "extensions": {"recorded": len(extensions),
                       "by_reason": dict(sorted(Counter(str(b.get("reason")) for b in extensions).items()))},
        "objections_in_force": objections,
    }


def erasure_figures(events: list[tuple[str, datetime, dict[str, Any]]], start: datetime) -> dict[str, Any]:
    """Subjects whose keys were shredded (counts only): in the period and up to its end;
    ``complete_in_period``: erased entirely (an erasure that left no key)."""
    in_period: set[str] = set()
    complete: set[str] = set()
    total: set[str] = set()
    runs = 0
    for kind, ts, body in events:
        if kind == "subject_shredded":
            named = [str(body.get("subject"))]
            whole = body.get("complete", True)     # entries before partial shredding existed erased all keys
        elif kind == "retention_run":
            named = [str(s) for s in body.get("subjects") or []]
            whole = False                          # a run shreds keys whose retention ended, not all of them
            runs += ts >= start
        else:
            continue
        total.update(named)
        if ts >= start:
            in_period.update(named)
            if whole:
                complete.update(named)
    return {"in_period": len(in_period), "complete_in_period": len(complete), "before_period_end": len(total),
            "retention_runs_in_period": runs}
