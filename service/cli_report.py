"""``fairdun report …``: the audit report of a period, an explanation letter."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from marshmallow import ValidationError

from decisions.errors import DomainError
from ledger import LedgerError

from .errors import flatten_messages
from .schemas.report import AuditOptionsSchema

__all__ = ["report_group"]


def _fail(message: str, status: int = 2) -> None:
    click.echo(f"FAILED {message}", err=True)
    sys.exit(status)


@click.group("report", help="PDF reports: the audit report of a period, explanation letters.")
def report_group() -> None:
    pass


@report_group.command("audit", help="Write the audit report of a period (UTC days FROM to TO, inclusive) as tagged PDF/A-3a; "
                                    "the same ledger, period and --now give the same bytes.")
@click.option("--from", "first_day", required=True, metavar="YYYY-MM-DD")
@click.option("--to", "last_day", required=True, metavar="YYYY-MM-DD")
@click.option("--now", "now", default=None, metavar="TIMESTAMP",
              help="the report's time (RFC 3339, e.g. 2026-12-01T00:00:00Z); default: the clock")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def audit_command(first_day: str, last_day: str, now: str | None, out: Path) -> None:
    from .api_reports import audit_report
    from .cli import open_app

    try:
        options = AuditOptionsSchema().load({"from": first_day, "to": last_day, "now": now})
    except ValidationError as exc:
        fields = flatten_messages(exc.messages)
        _fail("; ".join(f"--{name}: {' '.join(texts)}" for name, texts in fields.items()))
        return
    app = open_app()
    moment = options["now"] or app.extensions["fairdun"].clock()
    try:
        pdf, figures = audit_report(app, first_day=options["first_day"], last_day=options["last_day"], now=moment)
    except DomainError as exc:
        # 1 as `ledger verify` exits when the ledger does not verify; 2 for a request that makes no sense
        _fail(str(exc), 1 if exc.code == "ledger_unverified" else 2)
        return
    except LedgerError as exc:
        _fail(f"the ledger could not be read or checkpointed: {exc}")
        return
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({len(pdf):,} bytes): {figures['decisions']['total']:,} decisions, ledger verified "
               f"({figures['integrity']['verification']['entries']:,} entries)")


@report_group.command("letter", help="Write the explanation letter of a decision (tagged PDF/A-3a, the decision's language).")
@click.argument("decision_id")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def letter_command(decision_id: str, out: Path) -> None:
    from .api_reports import explanation_letter
    from .cli import open_app

    try:
        pdf = explanation_letter(open_app(), decision_id)
    except DomainError as exc:
        _fail(str(exc))
        return
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({len(pdf):,} bytes)")
