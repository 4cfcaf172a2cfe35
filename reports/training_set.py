"""A leak-free training set from fairdun's own ledger (``fairdun model dataset --from-ledger``).

One row per scored decision among the first ``size`` ledger entries (the verified ones) recorded
before ``end``: the model's inputs as the decision saw them (``risk.inputs``, so only what was
known then), and the label the live calibration uses (``reports.monitoring.outcome``, one code
path): late (1) unless a reported full payment is dated on or before the later of ``due +
late_after_days`` and ``decision + horizon_days``. The label is known the day after that day
(``label_known_on``), which time-ordered splits use so that no training label comes from after a
cutoff. A row whose day has not ended before ``end`` is *open*: left out, or kept with an empty
label with ``include_open`` (to score, never to train).

Subjects are left out entirely when any of their keys was shredded (erasure or the end of
retention), when they asked for erasure, objected to profiling (Art. 21: training a model on them
is profiling's processing too) or have their processing restricted (Art. 18). Rows name the
decision, the claim and the subject only by their pseudonyms (the subject clusters evaluation
intervals; it is never a feature), and carry the target they were labelled for. The columns are
``explain.ledger_set``'s, which trains a challenger on them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from decisions.rights.tables import SubjectStatusRow
from explain.features import FEATURE_NAMES
from explain.ledger_set import COLUMNS
from ledger.offline import SHREDDED_KIND
from ledger.tables import LedgerEntry
from ledger.timestamps import as_utc

from .monitoring import outcome, read_scored, resolved_on

__all__ = ["TrainingSet", "training_set", "excluded_subjects"]

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class TrainingSet:
    """The rows as CSV text (what is written and hashed) and what they are."""

    csv: bytes
    rows: int
    open_rows: int          # kept with an empty label (``include_open``)
    left_open: int          # label not yet known, left out
    excluded_subjects: int
    excluded_rows: int
    late: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.csv).hexdigest()

    def summary(self) -> dict[str, Any]:
        return {"rows": self.rows, "late": self.late, "open_rows": self.open_rows, "left_open": self.left_open,
                "excluded_subjects": self.excluded_subjects, "excluded_rows": self.excluded_rows,
                "sha256": self.sha256}


def excluded_subjects(session: Session, size: int) -> set[str]:
    """Subjects whose data no longer trains a model: shredded keys, erasure asked, objection,
    restriction (the verified ``subject_status`` read model and the verified shredding entries)."""
    status = select(SubjectStatusRow.subject_id).where(or_(
        SubjectStatusRow.erasure_requested_at.is_not(None), SubjectStatusRow.objected_at.is_not(None),
        SubjectStatusRow.retention_restricted_at.is_not(None), SubjectStatusRow.open_rectifications > 0))
    subjects = set(session.scalars(status))
    shredded = select(LedgerEntry.entry).where(LedgerEntry.seq < size, LedgerEntry.kind == SHREDDED_KIND)
    for entry in session.scalars(shredded):
        subject = (json.loads(entry).get("body") or {}).get("subject")
        if subject:
            subjects.add(str(subject))
    return subjects


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def training_set(session: Session, *, size: int, end: datetime, target: Mapping[str, Any],
                 include_open: bool = False) -> TrainingSet:
    """The training set of every scored decision before ``end`` in the first ``size`` entries;
    ``target`` holds ``late_after_days`` and ``horizon_days`` (the champion's, or chosen)."""
    end = as_utc(end)
    scored, paid = read_scored(session, size, as_utc(_EPOCH), end)
    excluded = excluded_subjects(session, size)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = open_rows = left_open = excluded_rows = late = 0
    for case in sorted(scored, key=lambda c: (c.decided_on, c.decision_id)):
        if case.subject in excluded:
            excluded_rows += 1
            continue
        label = outcome(case, paid, target, end)
        day = resolved_on(case, target)
        if label is None:
            if not include_open or day is None:
                left_open += 1
                continue
            open_rows += 1
        late += label or 0
        rows += 1
        known_on = (day + timedelta(days=1)).isoformat() if label is not None and day is not None else ""
        writer.writerow([case.decided_on.isoformat(), case.decision_id, case.claim, case.subject, case.jurisdiction,
                         case.model, _cell(case.p_late), *(_cell(case.inputs.get(name)) for name in FEATURE_NAMES),
                         "" if label is None else label, known_on, target["late_after_days"],
                         target["horizon_days"]])
    return TrainingSet(csv=buffer.getvalue().encode("utf-8"), rows=rows, open_rows=open_rows, left_open=left_open,
                       excluded_subjects=len(excluded), excluded_rows=excluded_rows, late=late)

