"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and the hashes built on it."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

__all__ = ["canonical_json", "sha256_hex", "leaf_hash"]

# RFC 9162 §2.1.1: the hash of a leaf is SHA-256(0x00 || leaf data).
LEAF_PREFIX = b"\x00"


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8 bytes). Refuses NaN and infinities."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaf_hash(entry: bytes) -> str:
    return hashlib.sha256(LEAF_PREFIX + entry).hexdigest()
