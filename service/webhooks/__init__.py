"""Webhooks (the Standard Webhooks specification): endpoints an admin registers, and the
dispatcher that delivers the outbox's events to them (``decisions.outbox``).

Settings (``FAIRDUN_`` + name; ``app.config`` in tests):

- ``WEBHOOK_ALLOW_HTTP_HOSTS`` (none): hosts allowed plain http and non-public addresses (``urls``).
- ``WEBHOOK_DEADLINE_NEAR_DAYS`` (7): ``request.deadline_near`` this many days before a deadline.
- ``WEBHOOK_DISABLE_AFTER_DAYS`` (5): an endpoint whose attempts all failed this long is disabled.
- ``WEBHOOK_TIMEOUT`` (5): seconds to connect, and for each read, per attempt.
- ``WEBHOOK_DISPATCH`` (true): ``fairdun serve`` runs a dispatcher in every worker process; false
  when ``fairdun webhooks dispatch`` runs apart.
- ``WEBHOOK_POLL_SECONDS`` (1): how long a dispatcher with nothing to do waits before looking again.
- ``WEBHOOK_TRANSPORT``, ``WEBHOOK_RESOLVER`` (tests only): the HTTP client and the name resolver.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from retention import load_or_create_key

from .dispatcher import Dispatcher, DispatchReport
from .signing import SecretBox
from .transport import HttpTransport, Transport
from .urls import AllowList, Resolver, system_resolver

__all__ = ["WebhookSettings", "Webhooks", "webhooks_of", "dispatcher_for", "start_dispatcher", "Dispatcher",
           "DispatchReport", "EXTENSION"]

log = logging.getLogger(__name__)
EXTENSION = "fairdun.webhooks"
_TRUE = ("1", "true", "yes", "on")


def _number(config: Any, name: str, default: float, *, low: float, high: float) -> float:
    raw = config.get(name, default)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not low <= value <= high:   # (NaN fails too)
        raise ValueError(f"FAIRDUN_{name} must be a number from {low:g} to {high:g} (got {raw!r})")
    return value


@dataclass(frozen=True)
class WebhookSettings:
    allow: AllowList
    deadline_within: timedelta
    disable_after: timedelta
    timeout: float
    dispatch_in_serve: bool
    poll_seconds: float

    @classmethod
    def of(cls, config: Any) -> WebhookSettings:
        dispatch = config.get("WEBHOOK_DISPATCH", True)
        return cls(allow=AllowList.parse(config.get("WEBHOOK_ALLOW_HTTP_HOSTS")),
                   deadline_within=timedelta(days=_number(config, "WEBHOOK_DEADLINE_NEAR_DAYS", 7, low=0, high=90)),
                   disable_after=timedelta(days=_number(config, "WEBHOOK_DISABLE_AFTER_DAYS", 5, low=1, high=90)),
                   timeout=_number(config, "WEBHOOK_TIMEOUT", 5, low=0.1, high=30),
                   dispatch_in_serve=dispatch is True or str(dispatch).strip().lower() in _TRUE,
                   poll_seconds=_number(config, "WEBHOOK_POLL_SECONDS", 1, low=0.05, high=60))


@dataclass(frozen=True)
class Webhooks:
    """What the API and the dispatcher share: the settings and the key that seals secrets."""

    settings: WebhookSettings
    box: SecretBox


def webhooks_of(app: Flask) -> Webhooks:
    """The app's webhook wiring, built once (the key is created on first use, like the others)."""
    wiring = app.extensions.get(EXTENSION)
    if wiring is None:
        key = load_or_create_key(Path(app.config["INSTANCE_PATH"]), "webhook")
        wiring = app.extensions[EXTENSION] = Webhooks(settings=WebhookSettings.of(app.config), box=SecretBox(key))
    return wiring


def dispatcher_for(app: Flask) -> Dispatcher:
    runtime = app.extensions["fairdun"]
    wiring = webhooks_of(app)
    transport: Transport = app.config.get("WEBHOOK_TRANSPORT") or HttpTransport(timeout=wiring.settings.timeout)
    resolver: Resolver = app.config.get("WEBHOOK_RESOLVER") or system_resolver
    return Dispatcher(db=runtime.db, clock=runtime.clock, new_id=runtime.new_id, box=wiring.box,
                      allow=wiring.settings.allow, transport=transport, resolver=resolver,
                      deadline_within=wiring.settings.deadline_within, disable_after=wiring.settings.disable_after)


def start_dispatcher(app: Flask) -> threading.Event | None:
    """Run a dispatcher in a daemon thread of this process (``fairdun serve``: one per worker),
    unless ``WEBHOOK_DISPATCH`` is off. Returns the event that stops it."""
    wiring = webhooks_of(app)
    if not wiring.settings.dispatch_in_serve:
        return None
    stop = threading.Event()
    dispatcher = dispatcher_for(app)
    threading.Thread(target=dispatcher.run_forever, args=(stop,), kwargs={"interval": wiring.settings.poll_seconds},
                     name="fairdun-webhooks", daemon=True).start()
    log.info("webhook dispatcher started")
    return stop
