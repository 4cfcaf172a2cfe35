"""Signatures as the Standard Webhooks library checks them, and secrets sealed at rest."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.webhooks.signing import SecretBox, SecretUnreadable, new_secret, signature_headers, whsec

BODY = b'{"data":{"decision_id":"d"},"timestamp":"2026-12-06T10:00:00Z","type":"decision.held"}'


def test_a_delivery_verifies_with_the_library_under_each_secret_that_signed_it() -> None:
    old, new, other = new_secret(), new_secret(), new_secret()
    now = datetime.now(UTC)
    headers = signature_headers(message_id="evt-1", at=now, body=BODY, signing_secrets=[new, old])
    assert headers["webhook-id"] == "evt-1" and headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert [s.split(",")[0] for s in headers["webhook-signature"].split(" ")] == ["v1", "v1"]
    for secret in (old, new):
        assert Webhook(whsec(secret)).verify(BODY, headers)["type"] == "decision.held"
    with pytest.raises(WebhookVerificationError):
        Webhook(whsec(other)).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(whsec(new)).verify(BODY.replace(b'"d"', b'"e"'), headers)
    with pytest.raises(ValueError):
        signature_headers(message_id="evt-1", at=now, body=BODY, signing_secrets=[])


def test_secrets_are_32_random_bytes_shown_as_whsec() -> None:
    secret = new_secret(lambda n: bytes(range(n)))
    assert len(secret) == 32 and whsec(secret).startswith("whsec_")
    assert Webhook(whsec(secret)).sign("m", datetime(2026, 12, 6, tzinfo=UTC), b"x") == \
        Webhook(secret).sign("m", datetime(2026, 12, 6, tzinfo=UTC), b"x")


def test_a_sealed_secret_opens_only_under_its_key_and_for_its_endpoint() -> None:
    box = SecretBox(os.urandom(32))
    secret = new_secret()
    sealed = box.seal(secret, endpoint_id="e-1")
    assert secret not in sealed and box.open(sealed, endpoint_id="e-1") == secret
    for opener, endpoint in ((box, "e-2"), (SecretBox(os.urandom(32)), "e-1")):
        with pytest.raises(SecretUnreadable):
            opener.open(sealed, endpoint_id=endpoint)
    with pytest.raises(SecretUnreadable):
        box.open(sealed[:-1] + bytes([sealed[-1] ^ 1]), endpoint_id="e-1")
