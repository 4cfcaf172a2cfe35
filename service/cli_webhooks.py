"""``fairdun webhooks dispatch``: the webhook dispatcher on its own, for deployments that run it
apart from the web workers (``FAIRDUN_WEBHOOK_DISPATCH=false`` for ``fairdun serve`` then), on
as many hosts as wanted (deliveries are claimed safely across processes). ``--once`` makes one
pass and prints what it did as JSON (tests, cron)."""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click

__all__ = ["webhooks_group", "dispatch"]


def dispatch(app: Any, *, once: bool, interval: float | None = None) -> dict[str, Any] | None:
    """One pass (its report) or passes until SIGINT/SIGTERM."""
    from .webhooks import dispatcher_for, webhooks_of

    dispatcher = dispatcher_for(app)
    if once:
        return dispatcher.run_once().as_dict()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    dispatcher.run_forever(stop, interval=interval or webhooks_of(app).settings.poll_seconds)
    return None


@click.group("webhooks", help="Webhook deliveries.")
def webhooks_group() -> None:
    pass


@webhooks_group.command("dispatch", help="Deliver the outbox's events to the webhook endpoints until stopped.")
@click.option("--once", is_flag=True, help="one pass: fan out, announce deadlines, deliver what is due; print JSON")
def dispatch_command(once: bool) -> None:
    from .cli import open_app  # here, not at import: service.cli imports this module

    report = dispatch(open_app(), once=once)
    if report is not None:
        click.echo(json.dumps(report))
