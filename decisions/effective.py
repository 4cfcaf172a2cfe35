"""What a decision means now: its ``effective`` status and action, after its latest human review.

A decision is never edited (the ledger is the system of record); a review outcome is a new entry
naming it. An AR system acting on a decision needs the two read together, so every answer that
carries a decision (``GET /v1/decisions/{id}``, run items, the feed, webhooks) carries
``effective = {status, action, because}``:

- **no review outcome** (never reviewed, or a review still open): the decision's own ``status``
  and ``action``, ``because: null``. An open review changes nothing here: the decision's
  ``review`` says it is open, and a ``needs_review`` decision stays ``needs_review``.
- **overturn**: ``{"status": "set_aside", "action": null}``: not to be carried out (withdrawn if
  it was; its fees are not owed).
- **modify**: ``{"status": "decided", "action": <the reviewer's action>}``, checked by the policy
  gate when it was recorded (``rights.reviews``).
- **uphold**: the decision's own action, and a ``needs_review`` decision becomes ``decided``: a
  person reviewed it, which is what it waited for, so it may now be carried out (the same rule
  ``rights.reviews`` applies when it counts the upheld message as sent). A ``held`` decision
  stays ``held``: upholding it does not invent an action.

``because`` names what made it so: ``{case_id, outcome, outcome_seq, closed_at}`` of the review
case whose outcome applies (the latest one recorded, by ledger seq). Only ids, codes, a seq and a
time: nothing personal, so it may travel in webhook payloads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.timestamps import as_utc, rfc3339

from .documents import documents_of

if TYPE_CHECKING:
    from .rights.tables import ReviewCaseRow

__all__ = ["EFFECTIVE_STATUSES", "ReviewOutcome", "effective", "effective_of", "outcome_of_case", "outcomes_of"]

EFFECTIVE_STATUSES = ("decided", "needs_review", "held", "set_aside")
OUTCOMES = ("uphold", "modify", "overturn")   # as decisions.rights.tables (imported late: rights imports this)
_CHUNK = 500   # ids per IN (...) query: well inside every engine's bound-parameter limit


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """The outcome of one closed review case, as ``review_cases`` projects its ledger entry."""

    case_id: str
    outcome: str                              # uphold | modify | overturn
    outcome_seq: int                          # the ledger seq of the review_outcome entry
    closed_at: datetime
    action: Mapping[str, Any] | None = None   # modify: the reviewer's action

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"review case {self.case_id}: unknown outcome {self.outcome!r}")
        if (self.outcome == "modify") != (self.action is not None):
            raise ValueError(f"review case {self.case_id}: an action is recorded exactly for a modify outcome")

    def because(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "outcome": self.outcome, "outcome_seq": self.outcome_seq,
                "closed_at": rfc3339(as_utc(self.closed_at))}


def effective(document: Mapping[str, Any], outcome: ReviewOutcome | None) -> dict[str, Any]:
    """``{status, action, because}`` of the decision ``document`` (the contract document as
    recorded) after ``outcome`` (its latest review outcome, or None)."""
    status, action = document["status"], document.get("action")
    if outcome is None:
        return {"status": status, "action": action, "because": None}
    if outcome.outcome == "overturn":
        return {"status": "set_aside", "action": None, "because": outcome.because()}
    if outcome.outcome == "modify":
        assert outcome.action is not None   # ReviewOutcome checks it
        return {"status": "decided", "action": dict(outcome.action), "because": outcome.because()}
    # uphold
    return {"status": "decided" if status in ("decided", "needs_review") else status, "action": action,
            "because": outcome.because()}


def outcome_of_case(case: ReviewCaseRow) -> ReviewOutcome | None:
    """The outcome of ``case`` (None while it is open)."""
    if case.status != "closed" or case.outcome is None or case.outcome_seq is None or case.closed_at is None:
        return None
    return ReviewOutcome(case_id=case.case_id, outcome=case.outcome, outcome_seq=case.outcome_seq,
                         closed_at=case.closed_at,
                         action=json.loads(case.outcome_action) if case.outcome_action else None)


def outcomes_of(session: Session, decision_ids: Iterable[str]) -> dict[str, ReviewOutcome]:
    """The latest review outcome of each decision that has one (one query per 500 ids)."""
    from .rights.tables import ReviewCaseRow

    ids = sorted(set(decision_ids))
    latest: dict[str, ReviewOutcome] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (select(ReviewCaseRow)
                 .where(ReviewCaseRow.decision_id.in_(ids[start:start + _CHUNK]), ReviewCaseRow.status == "closed")
                 .order_by(ReviewCaseRow.outcome_seq))
        for case in session.scalars(query):
            outcome = outcome_of_case(case)
            if outcome is not None:
                latest[case.decision_id] = outcome   # ascending seq: the last one wins
    return latest


def effective_of(session: Session, decision_ids: Iterable[str],
                 documents: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """``effective`` of each recorded decision in ``decision_ids`` (unknown ids are left out).
    ``documents`` (decision id → contract document) spares reading ``decisions`` when the caller
    holds them already."""
    ids = sorted(set(decision_ids))
    known: dict[str, Mapping[str, Any]] = dict(documents or {})
    missing = [i for i in ids if i not in known]
    known.update(documents_of(session, missing))
    outcomes = outcomes_of(session, [i for i in ids if i in known])
    return {i: effective(known[i], outcomes.get(i)) for i in ids if i in known}
