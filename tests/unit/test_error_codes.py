"""Every error code the source raises is in the OpenAPI document's enum (ERROR_CODES)."""

from __future__ import annotations

import re
from pathlib import Path

from service.schemas.error import ERROR_CODES

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r'(?:\bcode\s*=\s*|(?:ApiError|AuthRefused|error_response)\(\s*\d{3},\s*)"([a-z_]+)"')


def test_every_raised_code_is_documented() -> None:
    raised = set()
    for package in ("service", "decisions", "explain", "retention", "ledger", "reports"):
        for path in (ROOT / package).rglob("*.py"):
            raised.update(RAISED.findall(path.read_text(encoding="utf-8")))
    assert raised, "the pattern finds nothing: it no longer matches how errors are raised"
    assert sorted(raised - set(ERROR_CODES)) == []
