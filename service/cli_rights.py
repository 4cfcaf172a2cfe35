"""``fairdun user …``, ``fairdun retention …``, ``fairdun requests`` and ``fairdun reviews``:
thin click wrappers over ``decisions.rights`` (the CLI acts as ``cli`` in the ledger)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from decisions import rights
from decisions.errors import DomainError
from ledger.timestamps import parse_rfc3339
from retention.holds import HOLD_REASONS

from .web_sessions import disable_staff, reset_staff

__all__ = ["user_group", "retention_group", "requests_command", "reviews_command"]

ACTOR = "cli"


def _runtime() -> Any:
    from .cli import open_app  # here, not at import: service.cli imports this module

    return open_app().extensions["fairdun"]


def _echo(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _fail(exc: Exception) -> None:
    field = getattr(exc, "field", None)
    click.echo(f"refused: {exc}" + (f" ({field})" if field else ""), err=True)
    sys.exit(2)


@click.group("user", help="Staff accounts of the officer console.")
def user_group() -> None:
    pass


def _password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@user_group.command("create", help="Create a staff account; the password is asked for (or read from standard input).")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(rights.STAFF_ROLES))
def user_create_command(name: str, role: str) -> None:
    password = _password()
    runtime = _runtime()
    try:
        user = rights.create_staff_user(runtime.db, name=name, role=role, password=password, now=runtime.clock(),
                                        new_id=runtime.new_id, actor=ACTOR)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created staff account '{user.name}' ({user.role}), id {user.user_id}")


@user_group.command("password", help="Set a new password for a staff account (asked for, or read from standard "
                                     "input); every console session of the account ends.")
@click.option("--name", required=True)
def user_password_command(name: str) -> None:
    password = _password()
    runtime = _runtime()
    try:
        user = reset_staff(runtime.db, name=name, password=password, now=runtime.clock(), actor=ACTOR)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"new password set for staff account '{user.name}'; its console sessions have ended")


@user_group.command("disable", help="Disable a staff account for good; every console session of it ends at once.")
@click.option("--name", required=True)
def user_disable_command(name: str) -> None:
    runtime = _runtime()
    try:
        user = disable_staff(runtime.db, name=name, now=runtime.clock(), actor=ACTOR)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"disabled staff account '{user.name}'; its console sessions have ended")


@click.group("retention", help="The retention schedule, retention runs and legal holds.")
def retention_group() -> None:
    pass


@retention_group.command("run", help="Shred every key whose retention period has ended (legal holds keep theirs); "
                                     "one ledger entry with the counts.")
@click.option("--now", "now", default=None, help="RFC 3339 time to apply the schedule at (default: the clock)")
def retention_run_command(now: str | None) -> None:
    try:
        moment = parse_rfc3339(now) if now else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from exc
    try:
        _echo(rights.retention_run(_runtime().rights, now=moment, actor=ACTOR))
    except DomainError as exc:
        _fail(exc)


@retention_group.command("hold", help="Place a legal hold on a debtor, or with --invoice-ref on one invoice.")
@click.option("--debtor-ref", required=True)
@click.option("--invoice-ref", default=None)
@click.option("--reason", required=True, type=click.Choice(HOLD_REASONS))
@click.option("--note", default=None, help="kept in the database, not in the ledger")
def retention_hold_command(debtor_ref: str, invoice_ref: str | None, reason: str, note: str | None) -> None:
    try:
        _echo(rights.place_legal_hold(_runtime().rights, debtor_ref=debtor_ref, invoice_ref=invoice_ref, reason=reason,
                                      note=note, actor=ACTOR))
    except DomainError as exc:
        _fail(exc)


@retention_group.command("release", help="Release a legal hold.")
@click.argument("hold_id")
def retention_release_command(hold_id: str) -> None:
    try:
        _echo(rights.release_legal_hold(_runtime().rights, hold_id, actor=ACTOR))
    except DomainError as exc:
        _fail(exc)


@retention_group.command("holds", help="List the active legal holds.")
def retention_holds_command() -> None:
    _echo(rights.legal_holds(_runtime().rights))


@retention_group.command("schedule", help="Print the retention schedule in force.")
def retention_schedule_command() -> None:
    _echo(_runtime().rights.schedule.document())


@click.command("requests", help="Data-subject requests by deadline, with the overdue ones flagged.")
@click.option("--status", default="open", show_default=True, type=click.Choice(("open", "overdue", "fulfilled", "all")))
def requests_command(status: str) -> None:
    _echo(rights.request_queue(_runtime().rights, status=status))


@click.command("reviews", help="Review cases by due date with their SLA state.")
@click.option("--status", default="open", show_default=True, type=click.Choice(("open", "closed", "all")))
def reviews_command(status: str) -> None:
    _echo(rights.review_queue(_runtime().rights, status=status))
