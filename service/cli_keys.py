"""``fairdun api-key …``: create, list, rotate and revoke API keys; thin click wrappers over
``service.auth`` (the CLI acts as ``cli``). A secret is printed once, alone on the last line
of standard output, on create and rotate."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any, NoReturn

import click

from decisions.errors import DomainError
from ledger.timestamps import rfc3339

from .auth import MAX_GRACE, Role, issue_api_key, list_api_keys, revoke_api_key, rotate_api_key

__all__ = ["api_key_group"]

ACTOR = "cli"


def _runtime() -> Any:
    from .cli import open_app  # here, not at import: service.cli imports this module

    return open_app().extensions["fairdun"]


def _fail(exc: Exception) -> NoReturn:
    field = getattr(exc, "field", None)
    code = getattr(exc, "code", "refused")
    click.echo(f"refused ({code}): {exc}" + (f" ({field})" if field else ""), err=True)
    sys.exit(2)


def _time(moment: Any) -> str:
    return rfc3339(moment.replace(microsecond=0)) if moment is not None else "-"


@click.group("api-key", help="API keys of AR systems and staff: create, list, rotate, revoke.")
def api_key_group() -> None:
    pass


@api_key_group.command("create", help="Create a key; its secret is printed once, alone on the last line.")
@click.option("--name", required=True, help="what uses the key (a system, not a person)")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
def api_key_create_command(name: str, role: str) -> None:
    runtime = _runtime()
    try:
        issued = issue_api_key(runtime.db, name=name, role=Role(role), now=runtime.clock(), new_id=runtime.new_id,
                               actor=ACTOR)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created API key '{name}' ({issued.key.key_id}) with role {role}; "
               "store the secret now, it is not shown again:")
    click.echo(issued.secret)


@api_key_group.command("list", help="Every key with its status and last use (to the minute), revoked ones included.")
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON (as GET /v1/api-keys)")
def api_key_list_command(as_json: bool) -> None:
    runtime = _runtime()
    try:
        keys = list_api_keys(runtime.db)
    except DomainError as exc:
        _fail(exc)
    now = runtime.clock()
    if as_json:
        click.echo(json.dumps({"keys": [key.as_dict(now=now) for key in keys]}, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'key id':<36}  {'role':<18}  {'status':<8}  {'created':<20}  {'last used':<20}  "
               f"{'revoked':<20}  name")
    for key in keys:
        click.echo(f"{key.key_id:<36}  {key.role.value:<18}  {key.status(now):<8}  {_time(key.created_at):<20}  "
                   f"{_time(key.last_used_at):<20}  {_time(key.revoked_at):<20}  {key.name}")


@api_key_group.command("revoke", help="Refuse a key from now on (it stays listed). The last active admin key "
                                      "needs --force.")
@click.argument("key_id")
@click.option("--force", is_flag=True, help="revoke even the last active admin key")
def api_key_revoke_command(key_id: str, force: bool) -> None:
    runtime = _runtime()
    try:
        key = revoke_api_key(runtime.db, key_id, now=runtime.clock(), actor=ACTOR, force=force)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"revoked API key '{key.name}' ({key.key_id}, {key.role.value}) at {_time(key.revoked_at)}")


@api_key_group.command("rotate", help="Replace a key by a new one of the same name and role; the new secret is "
                                      "printed once, alone on the last line.")
@click.argument("key_id")
@click.option("--grace-minutes", default=0, show_default=True,
              type=click.IntRange(0, int(MAX_GRACE.total_seconds() // 60)),
              help="how long the old key stays valid, so its client can switch without a gap")
def api_key_rotate_command(key_id: str, grace_minutes: int) -> None:
    runtime = _runtime()
    try:
        rotation = rotate_api_key(runtime.db, key_id, now=runtime.clock(), new_id=runtime.new_id, actor=ACTOR,
                                  grace=timedelta(minutes=grace_minutes))
    except DomainError as exc:
        _fail(exc)
    old, new = rotation.replaced, rotation.issued.key
    until = "now" if not grace_minutes else f"at {_time(old.revoked_at)}"
    click.echo(f"rotated API key '{new.name}' ({new.role.value}): {old.key_id} is revoked {until}, "
               f"{new.key_id} replaces it; store the secret now, it is not shown again:")
    click.echo(rotation.issued.secret)
