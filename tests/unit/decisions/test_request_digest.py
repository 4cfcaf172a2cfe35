"""``request_digest``: the identity of a request body, as the duplicate rule compares them."""

from __future__ import annotations

import json

from decisions.idempotency import request_digest


def test_the_same_document_in_any_key_order_or_spacing_has_one_digest() -> None:
    a = json.loads('{"as_of": "2026-11-22T09:00:00Z", "debtor": {"ref": "C-1", "kind": "consumer"}, "n": 4.50}')
    b = json.loads('{ "debtor" : {"kind":"consumer","ref":"C-1"}, "n": 4.5, "as_of":"2026-11-22T09:00:00Z"}')
    assert request_digest(a) == request_digest(b)
    assert request_digest(a) != request_digest({**a, "metadata": {"erp": "1"}})


def test_a_document_rfc_8785_cannot_write_still_has_a_digest_of_its_own() -> None:
    big = {"as_of": 9_007_199_254_740_993, "note": "\u00e4"}     # beyond I-JSON's integers
    assert request_digest(big) == request_digest(dict(reversed(list(big.items()))))
    assert request_digest(big) != request_digest({**big, "as_of": 9_007_199_254_740_995})
