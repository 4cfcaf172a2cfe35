"""A validation notice (12 CFR 1006.34) released by a review counts as sent: the upheld message
carried it, so the next decision's policy input knows its day and the five-day deadline no longer
holds collection."""

from __future__ import annotations

from typing import Any

import pytest

from decisions import rights

FIRST = {"creditor": {"role": "debt_collector", "name": "Acme Collections LLC",
                      "contact": {"address": "1 Main St, Albany, NY 12207", "email": "help@acme.example"}},
         "debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "debtor.language": "en",
         "invoice.currency": "USD", "history.dunning": [], "history.contacts": []}


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(GLOBAL_STOP=True)   # every decision goes to a person first


def test_an_upheld_message_with_the_validation_notice_counts_as_sent(runtime: Any, decide: Any, clock: Any) -> None:
    first = decide(**FIRST)
    assert first["status"] == "needs_review" and "validation_notice" in first["action"]["notices"]
    [case] = rights.review_queue(runtime.rights)
    rights.record_outcome(runtime.rights, case["case_id"], outcome="uphold", rationale="checked",
                          explanation_opened=True, action=None, actor="staff:1")

    clock.advance(days=20)
    later = decide(**{**FIRST, "as_of": "2026-12-12T15:00:00Z"})
    # without the remembered notice the first message, 20 days back, would hold everything
    assert "US-REGF-1006.34-a" not in {p["rule"] for p in later["explanation"]["policy"]}
    assert "debt_collector_disclosure" in later["action"]["notices"], (later["action"], later["explanation"]["policy"])
