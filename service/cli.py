"""The ``fairdun`` command line: thin click wrappers over plain functions.

Every command reads the same ``FAIRDUN_INSTANCE_PATH`` and ``FAIRDUN_DATABASE_URL``
as the server, so commands and ``fairdun serve`` share one installation.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy.engine import make_url

from .cli_keys import api_key_group
from .cli_ledger import ledger_group
from .cli_model import model_group
from .cli_policy import policy_group
from .cli_report import report_group
from .cli_rights import requests_command, retention_group, reviews_command, user_group
from .cli_webhooks import webhooks_group
from .schema import upgrade

__all__ = ["main"]


def open_app(config: dict[str, Any] | None = None) -> Flask:
    """The app of this installation, its database migrated to head."""
    from .app import create_app

    app = create_app(config)
    upgrade(app.extensions["fairdun"].db.engine)
    return app


# Exit code of a command refused because no policy engine can decide (the bundle does not load,
# does not compile, or fails or lacks its Rego tests on the configured engine).
EXIT_POLICY_UNAVAILABLE = 3


def deciding_app(config: dict[str, Any] | None = None) -> Flask:
    """``open_app`` for the commands that decide (serve, decide, run, demo): they refuse to start
    when the policy gate cannot decide, rather than holding every decision."""
    app = open_app(config)
    _refuse_if(_policy_refusal(app))
    return app


def _policy_refusal(app: Flask) -> str | None:
    """Why the app's policy gate cannot decide, or None."""
    policy = app.extensions["fairdun"].context.policy
    return None if getattr(policy, "available", True) else str(policy.reason)


def _refuse_if(reason: str | None) -> None:
    if reason is not None:
        click.echo(f"FAILED the policy gate cannot decide: {reason}", err=True)
        sys.exit(EXIT_POLICY_UNAVAILABLE)


@click.group(help="fairdun: compliance-first, explainable, auditable dunning decisions.")
def main() -> None:
    pass


@main.command("init-db", help="Create or upgrade the database schema (Alembic upgrade head).")
def init_db_command() -> None:
    app = open_app()
    click.echo(f"database at head: {app.extensions['fairdun'].db.engine.url.render_as_string(hide_password=True)}")


@main.command("serve", help="Serve the API with gunicorn.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    from .serve import serve

    _apart(_check_deciding)   # migrate, create keys and test the policy bundle once, before workers start
    serve(host=host, port=port, workers=workers, threads=threads)


def _apart(target: Callable[..., str | None], *args: Any) -> None:
    """Run ``target`` in a spawned process of its own; it returns why the policy gate cannot
    decide (the command is then refused here) or None. What decides starts OPA's Go runtime,
    whose threads a fork does not copy: gunicorn's workers, forked from this process, would hang
    on their first policy evaluation."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as apart:
        _refuse_if(apart.submit(target, *args).result())


def _check_deciding() -> str | None:
    return _policy_refusal(open_app())


def _seed_demo(invoices: int, port: int) -> str | None:
    from .demo import seed_demo

    app = open_app()
    refusal = _policy_refusal(app)
    if refusal is None:
        seed_demo(app, invoices=invoices, port=port, echo=click.echo)
    return refusal


@main.command("decide", help="Decide one case (a decision request as JSON) and print the decision.")
@click.argument("case_file", type=click.File("r"))
def decide_command(case_file: Any) -> None:
    from .commands import InvalidCase, decide_file

    try:
        document = decide_file(deciding_app(), case_file)
    except InvalidCase as exc:
        click.echo(json.dumps({"error": {"code": exc.code, "fields": exc.fields}}, indent=2), err=True)
        sys.exit(2)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@main.command("run", help="A batch dunning run over INVOICES (.csv or .jsonl); rerun the same file to resume.")
@click.argument("invoices", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", default=None, help="RFC 3339 time that replaces every row's as_of.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--workers", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(min=1),
              help="processes that evaluate decisions (runs of 2,000 invoices or more)")
@click.option("--queue", "queued", is_flag=True,
              help="store the run and queue its chunks for `fairdun worker` (PostgreSQL); print its status and exit")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="invoices per queued chunk (with --queue; default FAIRDUN_RUN_CHUNK_SIZE)")
def run_command(invoices: Path, as_of: str | None, progress: bool, workers: int, queued: bool,
                chunk_size: int | None) -> None:
    from .commands import queue_file, run_file

    if not queued:
        if chunk_size is not None:
            raise click.UsageError("--chunk-size goes with --queue")
        summary = run_file(deciding_app(), invoices, as_of=as_of, progress=progress, workers=workers)
        click.echo(json.dumps(summary, indent=2))
        return
    _refuse_without_postgres()
    click.echo(json.dumps(queue_file(open_app(), invoices, as_of=as_of, chunk_size=chunk_size), indent=2))


@main.command("worker", help="Execute queued run chunks (`run --queue`, or FAIRDUN_RUN_QUEUE); start one on each "
                             "host that shares the PostgreSQL database.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1),
              help="chunks this worker executes at once (threads of this process)")
@click.option("--burst", is_flag=True, help="exit once no chunk is left queued or running")
def worker_command(concurrency: int, burst: bool) -> None:
    from .worker import run_worker, worker_name

    url = _refuse_without_postgres()
    # the worker's connections carry its name: `pg_stat_activity` shows which worker holds what
    app = deciding_app({"DATABASE_URL": make_url(url).update_query_dict({"application_name": worker_name()})
                        .render_as_string(hide_password=False)})
    run_worker(app, concurrency=concurrency, burst=burst)


def _refuse_without_postgres() -> str:
    """The configured database URL; exits (status 2) before anything is opened when it is not
    PostgreSQL, on which the run queue lives."""
    from .config import configure
    from .run_queue import QueueNeedsPostgres, conninfo

    bare = Flask("fairdun")
    configure(bare, None)
    try:
        conninfo(bare.config["DATABASE_URL"])
    except QueueNeedsPostgres as exc:
        raise click.UsageError(str(exc)) from exc
    return str(bare.config["DATABASE_URL"])


@main.command("demo", help="Seed a synthetic portfolio, create demo API keys and serve on 127.0.0.1:8000.")
@click.option("--invoices", default=300, show_default=True, type=int)
@click.option("--serve/--no-serve", "serve_after", default=True, show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo_command(invoices: int, serve_after: bool, port: int) -> None:
    from .demo import demo_message_settings
    from .serve import serve

    # The demo serves plain HTTP on loopback: its session cookie cannot be Secure (a deployment
    # behind TLS keeps the default), unless the operator said otherwise.
    os.environ.setdefault("FAIRDUN_WEB_COOKIE_SECURE", "false")
    # A demo creditor, so that the demo's messages have their text (the operator's settings win).
    for name, value in demo_message_settings(port).items():
        os.environ.setdefault(f"FAIRDUN_{name}", value)
    _apart(_seed_demo, invoices, port)   # apart: see _apart (the demo serves from this process next)
    if serve_after:
        serve(host="127.0.0.1", port=port, workers=2, threads=4)


main.add_command(api_key_group)
main.add_command(ledger_group)
main.add_command(model_group)
main.add_command(policy_group)
main.add_command(report_group)
main.add_command(user_group)
main.add_command(retention_group)
main.add_command(requests_command)
main.add_command(reviews_command)
main.add_command(webhooks_group)


if __name__ == "__main__":
    main()
