"""``metadata``: the AR system's own key-value pairs on a decision request (its record ids, a
batch name, …). Sealed with the request under the debtor's key, since an AR system may put
anything there; never in a ledger body, a log or a webhook; returned as sent; never read by a
decision (``Case`` does not carry it, so two requests that differ only in metadata are decided
alike)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MAX_PAIRS", "MAX_KEY", "MAX_VALUE", "KEY_PATTERN", "metadata_of"]

MAX_PAIRS = 20
MAX_KEY = 40
MAX_VALUE = 500
KEY_PATTERN = re.compile(rf"\A[A-Za-z0-9_.-]{{1,{MAX_KEY}}}\Z")   # anchored: marshmallow's Regexp only matches


def metadata_of(request_json: Any) -> dict[str, str] | None:
    """The ``metadata`` of a decision request as sent: ``{}`` when it sent none; None when the
    request cannot be read (erased) or its metadata is not valid (an invalid run item)."""
    if not isinstance(request_json, dict):
        return None
    metadata = request_json.get("metadata")
    if metadata is None:
        return {}
    if not (isinstance(metadata, dict) and len(metadata) <= MAX_PAIRS
            and all(isinstance(k, str) and KEY_PATTERN.fullmatch(k) and isinstance(v, str) and len(v) <= MAX_VALUE
                    for k, v in metadata.items())):
        return None
    return dict(metadata)
