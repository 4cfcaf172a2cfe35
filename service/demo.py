"""``fairdun demo``: a synthetic portfolio decided and ledgered, demo API keys for
every role, demo staff accounts for the console, the shipped model signed off by name (by the
demo compliance officer, when it asks for a sign-off), one demo debtor's portal sign-in, and
where to look.

Each demo creates fresh API keys named ``demo <role>`` and then revokes the active keys of
those names that earlier demos made, so an instance demoed many times keeps five valid demo
keys, not five more per run (the revoked ones stay listed by ``fairdun api-key list``)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from decisions import rights
from decisions.errors import Conflict
from decisions.portfolio import generate_portfolio, read_jsonl, write_jsonl

from .auth import Role, issue_api_key, list_api_keys, revoke_api_key
from .commands import run_file

__all__ = ["seed_demo", "demo_message_settings", "DEMO_CONTROLLER", "DEMO_SEED", "DEMO_KEY_NAMES"]

DEMO_SEED = 2026
DEMO_KEY_NAMES = {f"demo {role.value}": role for role in Role}   # the marker of the demo's keys


def demo_message_settings(port: int) -> dict[str, str]:
    """The demo's creditor and portal address (``FAIRDUN_`` + name), so that its messages have text."""
    return {"CREDITOR_NAME": "Muster Energie GmbH", "CREDITOR_ADDRESS": "Musterweg 5, 10115 Berlin",
            "CREDITOR_EMAIL": "forderungen@example.invalid", "CREDITOR_WEBSITE": "https://example.invalid",
            "PORTAL_BASE_URL": f"http://127.0.0.1:{port}", **DEMO_CONTROLLER}


# The demo's (and the benchmarks') controller of the debtors' data (GDPR Art. 13/14): required at start.
DEMO_CONTROLLER = {"CONTROLLER_NAME": "Muster Energie GmbH", "CONTROLLER_ADDRESS": "Musterweg 5, 10115 Berlin",
                   "CONTROLLER_EMAIL": "datenschutz@example.invalid",
                   "CONTROLLER_DPO": "Datenschutzbeauftragte der Muster Energie GmbH, dsb@example.invalid"}


def seed_demo(app: Flask, *, invoices: int, port: int, echo: Callable[[str], Any]) -> dict[str, Any]:
    runtime = app.extensions["fairdun"]
    instance = Path(app.config["INSTANCE_PATH"])
    demo_dir = instance / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)

    # The portfolio is generated once per instance; running the same file again
    # resumes or reports the same run instead of deciding everything twice.
    portfolio = demo_dir / "portfolio.jsonl"
    if not portfolio.exists():
        as_of = runtime.clock().replace(minute=0, second=0, microsecond=0)
        write_jsonl(generate_portfolio(invoices, seed=DEMO_SEED, as_of=as_of), portfolio)
    summary = run_file(app, portfolio, progress=False)

    keys_dir = instance / "demo-keys"
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    keys: dict[str, str] = {}
    made: set[str] = set()
    for name, role in DEMO_KEY_NAMES.items():
        issued = issue_api_key(runtime.db, name=name, role=role, now=runtime.clock(), new_id=runtime.new_id,
                               actor="demo")
        _write_secret(keys_dir / role.value, issued.secret)
        keys[role.value] = issued.secret
        made.add(issued.key.key_id)
    # after the new keys exist, so the earlier demo admin key is never the last admin key
    revoked = [revoke_api_key(runtime.db, key.key_id, now=runtime.clock(), actor="demo").key_id
               for key in list_api_keys(runtime.db)
               if key.name in DEMO_KEY_NAMES and key.key_id not in made and key.status(runtime.clock()) != "revoked"]
    staff = {role: _demo_staff(runtime, keys_dir, role) for role in rights.STAFF_ROLES}
    signed_off = _demo_sign_off(runtime, staff["compliance_officer"][0])
    debtor = next(read_jsonl(portfolio))
    code = runtime.rights.portal.access_code(runtime.pseudonyms.subject(debtor["debtor"]["ref"]))

    base = f"http://127.0.0.1:{port}"
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary["by_status"].items()))
    echo("")
    echo("fairdun demo")
    echo(f"  API page      {base}/v1/docs")
    echo(f"  OpenAPI       {base}/v1/openapi.json")
    echo(f"  Health        {base}/health")
    echo(f"  Instance      {instance}  (database, keys, demo portfolio)")
    echo(f"  Portfolio     {summary['decisions']} decisions ledgered ({statuses}); run {summary['run_id']}")
    echo(f"  Demo API keys (also in {keys_dir}/<role>):")
    for role_name, secret in keys.items():
        echo(f"    {role_name:<20} {secret}")
    if revoked:
        echo(f"    revoked {len(revoked)} demo API key{'' if len(revoked) == 1 else 's'} of earlier demos "
             "(fairdun api-key list shows them)")
    echo(f"  Try the decision in README.md (it reads the key from {keys_dir / 'ar_system'}).")
    echo(f"  Portal        {base}/portal/  (debtors)")
    echo(f"    demo debtor: access code {code}, invoice number {debtor['invoice']['ref']}")
    if signed_off is not None:
        echo(f"  Model         {signed_off} signed off by {staff['compliance_officer'][0]} (its findings: "
             f"fairdun model list; monitoring: {base}/console/models)")
    echo(f"  Console       {base}/console/  (staff; passwords also in {keys_dir}/staff-<role>)")
    for staff_role, (name, password) in staff.items():
        echo(f"    {staff_role:<20} {name:<24} {password}")
    echo("")
    return {"summary": summary, "keys": keys, "revoked_keys": revoked, "staff": staff,
            "debtor": {"access_code": code, "invoice_ref": debtor["invoice"]["ref"]}}


DEMO_SIGN_OFF = ("demo: the shipped model, signed off by the demo compliance officer so that the demo shows a "
                 "named sign-off; its findings are on its model card")


def _demo_sign_off(runtime: Any, officer: str) -> str | None:
    """The approved version signed off by name (the demo compliance officer), when its artifact
    asks for a sign-off and no named person gave one yet; the version's id, or None."""
    approved = [v for v in runtime.models.versions() if v.status == "approved"]
    if not approved or not approved[0].summary.get("sign_off_required") or (
            approved[0].signed_off_by or "deployment") != "deployment":
        return None
    signer = rights.signing_staff(runtime.db, name=officer)
    runtime.models.sign_off(approved[0].model_id, now=runtime.clock(), actor={"via": "demo"},
                            signed_off_by=f"staff:{signer.user_id}", rationale=DEMO_SIGN_OFF)
    return str(approved[0].model_id)


def _write_secret(path: Path, secret: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)


def _demo_staff(runtime: Any, keys_dir: Path, role: str) -> tuple[str, str]:
    """The demo account of ``role`` (``demo-<role>``): created with a random password on the
    instance's first demo, found again (with its saved password) on later ones."""
    name, saved = f"demo-{role.replace('_', '-')}", keys_dir / f"staff-{role}"
    password = secrets.token_urlsafe(15)
    try:
        rights.create_staff_user(runtime.db, name=name, role=role, password=password, now=runtime.clock(),
                                 new_id=runtime.new_id, actor="demo")
    except Conflict:
        return name, saved.read_text().strip() if saved.exists() else "(chosen before; not saved here)"
    _write_secret(saved, password)
    return name, password
