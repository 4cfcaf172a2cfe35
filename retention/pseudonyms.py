"""Pseudonyms: keyed hashes that stand in for debtor and invoice references.

The ledger, projections and logs carry only these; the reference itself lives
in sealed blobs. HMAC keeps a pseudonym from being recomputed by anyone
without the instance's pseudonym key (a plain hash of a customer number could be
brute-forced).
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["Pseudonymizer"]


class Pseudonymizer:
    def __init__(self, *, key: bytes) -> None:
        self._key = key

    def _derive(self, purpose: str, *parts: str) -> str:
        message = "\x1f".join((purpose, *parts)).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def subject(self, debtor_ref: str) -> str:
        return self._derive("subject", debtor_ref)

    def claim(self, debtor_ref: str, invoice_ref: str) -> str:
        return self._derive("claim", debtor_ref, invoice_ref)
