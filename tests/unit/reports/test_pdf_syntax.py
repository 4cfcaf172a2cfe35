"""Every PDF fairdun writes is well-formed for qpdf and for the two rules weasyprint's PDF/A-3
output breaks on its own: a sorted embedded-files name tree and each associated file once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pdf_tools import pdf_attachments, pdf_check

from reports import _pdf
from reports._pdf import Evidence, render_pdf

# out of order on purpose: the name tree must come out sorted whatever order they are given in
EVIDENCE = (Evidence("figures.json", b"{}\n", "the figures"), Evidence("checkpoint.txt", b"cp\n", "a checkpoint"),
            Evidence("access-export.json", b"[]\n", "an export"))


def _render() -> bytes:
    return render_pdf("base.html", {}, title="syntax", created=datetime(2026, 11, 22, tzinfo=UTC), evidence=EVIDENCE)


def test_attachments_are_listed_sorted_and_once() -> None:
    data = _render()
    pdf_check(data)
    assert sorted(pdf_attachments(data)) == ["access-export.json", "checkpoint.txt", "figures.json"]


def test_the_check_finds_what_weasyprint_writes_unmended(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pdf, "_tidy_attachments", lambda document, pdf: None)
    with pytest.raises(AssertionError, match="lists a file twice|not sorted"):
        pdf_check(_render())
