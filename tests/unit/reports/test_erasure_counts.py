"""Erasure counts of the audit report: subjects named by shredding entries, counted once."""

from __future__ import annotations

from datetime import UTC, datetime

from reports.review import erasure_figures

START = datetime(2026, 11, 1, tzinfo=UTC)


def test_subjects_are_counted_once_and_only_complete_erasures_as_complete() -> None:
    before, during = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 5, tzinfo=UTC)
    events = [
        ("subject_shredded", before, {"subject": "a", "complete": True}),
        ("subject_shredded", during, {"subject": "b", "complete": True}),
        ("subject_shredded", during, {"subject": "c", "complete": False}),
        ("retention_run", during, {"subjects": ["c", "d"], "counts": {}}),
        ("retention_run", before, {"subjects": ["e"], "counts": {}}),
        ("decision", during, {"subject": "z"}),
    ]
    assert erasure_figures(events, START) == {"in_period": 3, "complete_in_period": 1, "before_period_end": 5,
                                              "retention_runs_in_period": 1}
