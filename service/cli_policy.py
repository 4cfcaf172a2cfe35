"""``fairdun policy …``: run the Rego tests, write an OPA bundle, replay past decisions under a
candidate bundle, activate a bundle (a ledger event) and list the activations."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

import click

from decisions.policy import (
    ENGINE_KINDS,
    TEST_ENGINES,
    PolicyBundle,
    PolicyEngine,
    PolicyError,
    build_engine,
    engine_for,
    load_bundle,
    run_rego_tests,
    write_opa_bundle,
)

__all__ = ["policy_group"]

_BUNDLE_OPTION = click.option(
    "--bundle", "bundle_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="a policies folder (default: the configured FAIRDUN_POLICY_BUNDLE, else the shipped policies_rego/)")


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"FAILED {message}", err=True)
    sys.exit(code)


def _bundle(bundle_dir: Path | None, config: dict[str, Any] | None = None) -> PolicyBundle:
    try:
        return load_bundle(bundle_dir or (config or {}).get("POLICY_BUNDLE"))
    except PolicyError as exc:
        _fail(f"the policy bundle does not load: {exc.reason}", 2)


def _configured_bundle_dir() -> str | None:
    """FAIRDUN_POLICY_BUNDLE, read without the service's other settings (a bundle can be tested or
    written where no controller or creditor is configured)."""
    from flask import Flask

    from .config import read_config

    app = Flask("fairdun-policy-cli")
    read_config(app, None)
    return app.config.get("POLICY_BUNDLE")


@click.group("policy", help="The policy bundle: Rego tests, OPA bundles, impact replay, activation.")
def policy_group() -> None:
    pass


@policy_group.command("test", help="Run every Rego test of the bundle on each shipped engine (the real OPA, regopy); "
                                   "exit 0 only if all pass on every engine asked for.")
@_BUNDLE_OPTION
@click.option("--engine", "engines", type=click.Choice(list(TEST_ENGINES)), multiple=True,
              help="run on this engine only (repeatable; default: every shipped engine)")
@click.option("--quiet", is_flag=True, help="print only failures and the summary")
def test_command(bundle_dir: Path | None, engines: tuple[str, ...], quiet: bool) -> None:
    bundle = _bundle(bundle_dir, {"POLICY_BUNDLE": _configured_bundle_dir()})
    failed_anywhere = False
    for kind in engines or tuple(TEST_ENGINES):
        try:
            results = run_rego_tests(bundle, engine=kind)
        except PolicyError as exc:
            _fail(f"{TEST_ENGINES[kind]}: {exc.reason}", 2)
        for result in results:
            if not result.passed:
                click.echo(f"FAIL [{kind}] {result.id}: {result.detail}")
            elif not quiet:
                click.echo(f"PASS [{kind}] {result.id}")
        failed = sum(not r.passed for r in results)
        click.echo(f"{TEST_ENGINES[kind]}: {len(results) - failed} passed, {failed} failed ({len(results)} Rego tests, "
                   f"bundle {bundle.sha256[:12]})")
        failed_anywhere |= bool(failed or not results)
    if failed_anywhere:
        sys.exit(1)


@policy_group.command("bundle", help="Write the bundle as a standard OPA bundle (.tar.gz; .manifest revision = bundle SHA-256).")
@_BUNDLE_OPTION
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def bundle_command(bundle_dir: Path | None, output: Path) -> None:
    bundle = _bundle(bundle_dir, {"POLICY_BUNDLE": _configured_bundle_dir()})
    archive_sha256 = write_opa_bundle(bundle, output)
    click.echo(f"wrote {output}: revision (bundle SHA-256) {bundle.sha256}, archive SHA-256 {archive_sha256}, "
               f"{len(bundle.rules)} rules")


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"--since must be a date (2026-11-01) or an RFC 3339 time, not {value!r}", 2)
    if parsed.tzinfo is None:
        _fail("--since must carry a time zone (e.g. 2026-11-01T00:00:00Z)", 2)
    return parsed.astimezone(UTC)


def _engine(bundle: PolicyBundle, kind: str, opa_url: str | None) -> PolicyEngine:
    """The engine for ``bundle``, once its Rego tests passed there (``build_engine``)."""
    try:
        return build_engine(bundle, kind=kind, opa_url=opa_url)
    except PolicyError as exc:
        _fail(f"the bundle cannot be evaluated: {exc.reason}", 2)


@policy_group.command("replay", help="Re-evaluate the recorded inputs of past decisions under a candidate bundle and "
                                     "report what would change (by rule and jurisdiction, with examples). Writes nothing.")
@click.option("--bundle", "bundle_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="the candidate policies folder")
@click.option("--since", default=None, help="only decisions recorded at or after this date or RFC 3339 time")
@click.option("--examples", default=3, show_default=True, type=click.IntRange(min=0), help="examples per rule")
@click.option("--engine", "kind", type=click.Choice(ENGINE_KINDS), default=None,
              help="the embedded engine (default: FAIRDUN_POLICY_ENGINE, else opa)")
@click.option("--opa-url", default=None, help="evaluate in this OPA server instead of an embedded engine")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write the JSON report to this file instead of standard output")
def replay_command(bundle_dir: Path, since: str | None, examples: int, kind: str | None, opa_url: str | None,
                   json_out: Path | None) -> None:
    from decisions.replay import replay

    from .cli import open_app  # here, not at import: service.cli imports this module

    start = _parse_since(since)
    app = open_app()
    try:   # a replay decides nothing: an untested candidate is replayed, its test run reported
        engine = engine_for(_bundle(bundle_dir), kind=kind or app.config.get("POLICY_ENGINE") or "opa", opa_url=opa_url)
    except PolicyError as exc:
        _fail(f"the candidate bundle cannot be evaluated: {exc.reason}", 2)
    runtime = app.extensions["fairdun"]
    report = replay(runtime.db, runtime.vault, engine, since=start, examples_per_rule=examples)
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    if json_out is not None:
        json_out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    click.echo(report.summary(), err=True)
    click.echo(f"the candidate bundle {engine.tests.summary()} on {engine.tests.engine} {engine.tests.engine_version}"
               + ("" if engine.tests.passed else ": it cannot be activated until they pass"), err=True)


@policy_group.command("activate", help="Activate a bundle: its Rego tests must pass on the engine that will evaluate it; "
                                       "the activation (with the test run) is appended to the ledger and the bundle's "
                                       "OPA archive stored. Serve it with FAIRDUN_POLICY_BUNDLE.")
@_BUNDLE_OPTION
@click.option("--engine", "kind", type=click.Choice(ENGINE_KINDS), default=None,
              help="the embedded engine that will evaluate it (default: FAIRDUN_POLICY_ENGINE, else opa; "
                   "with FAIRDUN_OPA_URL the OPA server)")
def activate_command(bundle_dir: Path | None, kind: str | None) -> None:
    from decisions.policy.activation import activate

    from .cli import open_app

    app = open_app()
    runtime = app.extensions["fairdun"]
    engine: Any = _engine(_bundle(bundle_dir, app.config), kind or app.config.get("POLICY_ENGINE") or "opa",
                          None if kind else app.config.get("OPA_URL"))
    bundle = engine.bundle
    with runtime.db.unit_of_work() as uow:
        activation = activate(uow.session, engine, source="cli", now=runtime.clock())
        uow.commit()
    click.echo(f"activated bundle {bundle.sha256} ({engine.name} {engine.version or ''}, {engine.tests.summary()}) "
               f"at ledger seq {activation.ledger_seq}; previously {activation.previous_sha256 or 'none'}")
    if runtime.context.policy.bundle_sha256 != bundle.sha256:
        click.echo(f"note: this installation serves bundle {runtime.context.policy.bundle_sha256}; set "
                   f"FAIRDUN_POLICY_BUNDLE={bundle.root} and restart to serve the activated one", err=True)


@policy_group.command("activations", help="List every policy bundle activation, oldest first.")
def activations_command() -> None:
    from decisions.policy.activation import activations

    from .cli import open_app

    runtime = open_app().extensions["fairdun"]
    with runtime.db.reading() as session:
        rows = activations(session)
    for a in rows:
        click.echo(f"{a.activated_at.isoformat()}  seq {a.ledger_seq:<6} {a.bundle_sha256}  {a.engine:<12} {a.source}")
    if not rows:
        click.echo("no policy bundle was activated yet")


def record_activation_at_start(app: Any) -> None:
    """When the service starts with a bundle whose SHA-256 was never activated, record its
    activation (``fairdun serve``; every gunicorn worker calls this, the ledger lock makes one
    record it). A database failure is logged, not raised: decisions still record the bundle."""
    import logging

    from sqlalchemy.exc import SQLAlchemyError

    from decisions.policy.activation import ensure_activated
    from ledger import LedgerError

    runtime = app.extensions["fairdun"]
    engine = runtime.context.policy
    if getattr(engine, "bundle", None) is None:   # no engine could be built: nothing runs, nothing to activate
        return
    try:
        ensure_activated(runtime.db, engine, now=runtime.clock())
    except (LedgerError, SQLAlchemyError) as exc:
        logging.getLogger(__name__).error("policy bundle activation not recorded: %s", type(exc).__name__)
