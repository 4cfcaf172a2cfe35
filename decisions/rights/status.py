"""The rights facts a decision reads before it is evaluated (the same transaction, so a request
recorded a moment ago counts at once):

- the subject objected (Art. 21) → the decision runs without profiling (``profiling=False``);
- ``RightsStatus.compelling_grounds_documented``: after the objection a person documented
  compelling grounds or a legal claim;
- ``processing_restricted``: a rectification is open (Art. 18(1)(a)), or the subject asked for
  erasure and what is left is kept only for a retention duty (Art. 17(3)(b));
- ``human_review_completed``: the claim's last review ended in ``uphold`` or ``modify`` and
  none is open;
- ``escalation_paused``: a review of the claim is open, or the last one ended in ``overturn``
  and no one has resumed escalation since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.timestamps import as_utc

from ..policy_input import RightsStatus
from .tables import ReviewCaseRow, SubjectStatusRow

__all__ = ["RightsFacts", "rights_facts"]

_CHUNK = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)   # (a closed case always has its closing time)


@dataclass(frozen=True)
class RightsFacts:
    subjects: dict[str, SubjectStatusRow]
    cases: dict[str, list[ReviewCaseRow]]   # per claim, oldest first

    def profiling(self, subject_id: str) -> bool:
        row = self.subjects.get(subject_id)
        return row is None or row.objected_at is None

    def status(self, subject_id: str, claim_id: str) -> RightsStatus:
        row = self.subjects.get(subject_id)
        cases = self.cases.get(claim_id, [])
        open_case = any(c.status == "open" for c in cases)
        closed = [c for c in cases if c.status == "closed"]
        last = max(closed, key=lambda c: (as_utc(c.closed_at or _EPOCH), c.case_id)) if closed else None
        overturned = last is not None and last.outcome == "overturn" and last.resumed_at is None
        return RightsStatus(
            compelling_grounds_documented=row is not None and row.objected_at is not None
            and row.grounds_documented_at is not None,
            processing_restricted=row is not None and (row.open_rectifications > 0
                                                       or row.retention_restricted_at is not None),
            human_review_completed=not open_case and last is not None and last.outcome in ("uphold", "modify"),
            escalation_paused=open_case or overturned,
        )


def rights_facts(session: Session, subject_ids: Iterable[str], claim_ids: Iterable[str]) -> RightsFacts:
    """The facts of ``subject_ids`` and ``claim_ids``, in one query per table and 500 ids."""
    subjects: dict[str, SubjectStatusRow] = {}
    cases: dict[str, list[ReviewCaseRow]] = {}
    wanted_subjects, wanted_claims = sorted(set(subject_ids)), sorted(set(claim_ids))
    for start in range(0, len(wanted_subjects), _CHUNK):
        for row in session.scalars(select(SubjectStatusRow).where(
                SubjectStatusRow.subject_id.in_(wanted_subjects[start:start + _CHUNK]))):
            subjects[row.subject_id] = row
    for start in range(0, len(wanted_claims), _CHUNK):
        for case in session.scalars(select(ReviewCaseRow).where(
                ReviewCaseRow.claim_id.in_(wanted_claims[start:start + _CHUNK])).order_by(ReviewCaseRow.opened_at)):
            cases.setdefault(case.claim_id, []).append(case)
    return RightsFacts(subjects=subjects, cases=cases)
