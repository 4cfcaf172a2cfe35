"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and the hashes built on it.

``rfc8785`` is the reference implementation and the fallback; it is pure Python and cost
about half of a ledger append. Most ledger bodies need none of what sets RFC 8785 apart from
the standard library's encoder with sorted keys and no spaces, so those are encoded by the
C encoder after a walk that proves it safe: keys of the Basic Multilingual Plane only (where
UTF-16 order is code-point order), integers and integral floats within ±(2**53 − 1) (printed
as integers, as ECMAScript does), other floats only where ECMAScript and Python's shortest
round-trip form agree (1e-4 <= |x| < 1e16: no exponent in either). Anything else, and any
type the walk does not know, goes to ``rfc8785``, which also raises its errors (NaN,
infinities, out-of-range integers, lone surrogates). ``tests/unit/ledger/test_canonical.py``
checks both paths against the RFC's vectors and against ``rfc8785`` on generated values.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

__all__ = ["canonical_json", "sha256_hex", "leaf_hash"]

# RFC 9162 §2.1.1: the hash of a leaf is SHA-256(0x00 || leaf data).
LEAF_PREFIX = b"\x00"
_SAFE_INTEGER = 2**53 - 1   # I-JSON (RFC 7493) and RFC 8785 §3.2.2.3
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode


class _NotPlain(Exception):
    """The value needs the reference implementation."""


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8 bytes). Refuses NaN and infinities."""
    try:
        return _encode(_plain(value)).encode("utf-8")
    except (_NotPlain, UnicodeEncodeError):
        return rfc8785.dumps(value)


def _plain(value: Any) -> Any:
    """``value`` with integral floats as integers, or ``_NotPlain``."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(map(ord, key)) <= 0xFFFF):
                raise _NotPlain
            plain[key] = item if type(item) is str else _plain(item)   # (most values are strings)
        return plain
    if kind is list or kind is tuple:
        return [item if type(item) is str else _plain(item) for item in value]
    if kind is int:
        if -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
            return value
        raise _NotPlain
    if kind is float:
        if value.is_integer():
            if -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
                return int(value)
        elif 1e-4 <= abs(value) < 1e16:
            return value
    raise _NotPlain


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaf_hash(entry: bytes) -> str:
    return hashlib.sha256(LEAF_PREFIX + entry).hexdigest()
