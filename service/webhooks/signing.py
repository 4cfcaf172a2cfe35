"""Signing secrets and signatures, as the Standard Webhooks specification has them
(https://www.standardwebhooks.com/, ``spec/standard-webhooks.md``), with its reference library.

- A secret is 32 random bytes, shown to the admin once as ``whsec_`` + base64 (the spec: 24 to
  64 bytes; the ``whsec_`` prefix marks a symmetric secret).
- Every delivery carries ``webhook-id`` (the event's id: the same on every retry, the receiver's
  idempotency key), ``webhook-timestamp`` (the attempt's time, integer seconds since the epoch,
  which receivers compare with their clock against replays) and ``webhook-signature``:
  ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``, space-separated when several secrets
  sign (the spec's way of rotating a secret without a gap: the old one signs too during the grace
  period).
- Stored secrets are sealed with AES-256-GCM under the instance's webhook key
  (``FAIRDUN_WEBHOOK_KEY`` or ``<instance>/keys/webhook.key``), bound to their endpoint's id: a copy
  of the database alone does not sign anything.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from math import floor

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from standardwebhooks import Webhook

__all__ = ["SECRET_BYTES", "SECRET_PREFIX", "SecretBox", "SecretUnreadable", "new_secret", "whsec",
           "signature_headers"]

SECRET_BYTES = 32          # Standard Webhooks: between 24 and 64 bytes
SECRET_PREFIX = "whsec_"
_NONCE = 12                # NIST SP 800-38D §8.2: 96-bit nonces for AES-GCM


class SecretUnreadable(Exception):
    """A stored secret does not open under the instance's webhook key (another key, or changed)."""


def new_secret(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> bytes:
    return random_bytes(SECRET_BYTES)


def whsec(secret: bytes) -> str:
    """The secret as shown once, in the form receivers' libraries take."""
    return SECRET_PREFIX + base64.b64encode(secret).decode("ascii")


class SecretBox:
    def __init__(self, key: bytes, *, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._aead = AESGCM(key)
        self._random = random_bytes

    def seal(self, secret: bytes, *, endpoint_id: str) -> bytes:
        nonce = self._random(_NONCE)
        return nonce + self._aead.encrypt(nonce, secret, endpoint_id.encode("ascii"))

    def open(self, sealed: bytes, *, endpoint_id: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], endpoint_id.encode("ascii"))
        except (InvalidTag, ValueError) as exc:
            raise SecretUnreadable(f"the signing secret of webhook endpoint {endpoint_id} does not open under "
                                   "this instance's webhook key") from exc


def signature_headers(*, message_id: str, at: datetime, body: bytes,
                      signing_secrets: Sequence[bytes]) -> dict[str, str]:
    """The three headers of one delivery attempt, signed with every secret in ``signing_secrets``."""
    if not signing_secrets:
        raise ValueError("a delivery is signed with at least one secret")
    return {"webhook-id": message_id, "webhook-timestamp": str(floor(at.timestamp())),
            "webhook-signature": " ".join(Webhook(secret).sign(message_id, at, body) for secret in signing_secrets)}
