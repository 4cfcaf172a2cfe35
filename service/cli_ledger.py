"""``fairdun ledger …``: verify (the database or an export, offline), export,
checkpoint on demand, signing keys and their rotation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask

from decisions.rights import verify_and_record
from ledger import ChainBroken, LedgerError, Notary
from ledger.errors import BlobMismatch
from ledger.offline import ExportIncomplete, NoteInvalid, VerificationFailed, describe, read_public_keys, verify_export

__all__ = ["ledger_group"]


def _notary() -> tuple[Flask, Notary]:
    from .api_ledger import notary
    from .cli import open_app  # here, not at import: service.cli imports this module

    app = open_app()
    return app, notary(app)


def _fail(message: str) -> NoReturn:
    click.echo(f"FAILED {message}", err=True)
    sys.exit(1)


@click.group("ledger", help="The audit ledger: verify, export, checkpoints, signing keys.")
def ledger_group() -> None:
    pass


@ledger_group.command("verify", help="Recompute chain, Merkle tree, blobs and checkpoint signatures (the database, "
                                     "or with --export an export, offline); exit 0 only if everything holds.")
@click.option("--export", "export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="verify this export folder instead of the database (needs --public-key)")
@click.option("--public-key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="trusted verifier keys, one per line (default for the database: the instance's own keys)")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a checkpoint kept from earlier that the ledger must still agree with (repeatable)")
def verify_command(export_dir: Path | None, public_key: Path | None, checkpoints: tuple[Path, ...]) -> None:
    notes = [path.read_text(encoding="utf-8") for path in checkpoints]
    try:
        trusted = read_public_keys(public_key.read_text(encoding="utf-8")) if public_key else None
        if export_dir is not None:
            if trusted is None:
                raise click.UsageError("--export needs --public-key: an export is checked against keys you trust")
            click.echo(describe(verify_export(export_dir, trusted, checkpoints=notes)))
            return
        app, ledger_notary = _notary()
        runtime = app.extensions["fairdun"]
        # the result is kept either way: the officer console shows the last one
        report = verify_and_record(runtime.db, ledger_notary, now=runtime.clock(), trusted=trusted, checkpoints=notes)
    except (VerificationFailed, ChainBroken) as exc:
        _fail(f"at seq {exc.seq}: {exc.reason}" + (f" ({exc.detail})" if exc.detail else ""))
    except BlobMismatch as exc:
        _fail(f"at seq {exc.seq}: sealed blob {exc.reason}")
    except (NoteInvalid, ExportIncomplete, LedgerError) as exc:
        _fail(f": {exc}")
    plural = "" if report.checkpoints == 1 else "s"
    signed = (f"{report.checkpoints} checkpoint{plural} verified (latest at size {report.latest_checkpoint})"
              if report.checkpoints else "no checkpoint yet")
    click.echo(f"ok: {report.entries} entries, head {report.head_hash}, root {report.root_hash}, {signed}, "
               f"{report.blobs_checked} sealed blobs, {report.blobs_shredded} shredded"
               + ("" if public_key else "; trusted the instance's own keys (pass --public-key for an independent check)"))


@ledger_group.command("export", help="Sign the current head and write entries.jsonl, checkpoint.txt, public-keys.txt.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
def export_command(out: Path) -> None:
    _, ledger_notary = _notary()
    try:
        exported = ledger_notary.export(out)
    except LedgerError as exc:
        _fail(f": {exc}")
    click.echo(f"exported {exported.entries} entries and the checkpoint of size {exported.checkpoint.tree_size} "
               f"to {exported.directory}")


@ledger_group.command("checkpoint", help="Sign a checkpoint of the current head now and print it.")
def checkpoint_command() -> None:
    _, ledger_notary = _notary()
    try:
        click.echo(ledger_notary.checkpoint().note, nl=False)
    except LedgerError as exc:
        _fail(f": {exc}")


@ledger_group.command("rotate-key", help="Add a signing key; it signs from now on (a checkpoint at once), "
                                         "older keys keep verifying. Prints the new verifier key.")
def rotate_key_command() -> None:
    _, ledger_notary = _notary()
    try:
        checkpoint = ledger_notary.rotate_key()
    except LedgerError as exc:
        _fail(f": {exc}")
    click.echo(checkpoint.signer)


@ledger_group.command("public-keys", help="Print the verifier keys of every signing key, one per line.")
def public_keys_command() -> None:
    _, ledger_notary = _notary()
    for key in ledger_notary.public_keys():
        click.echo(key)
