"""Helpers of the portal and console tests: CSRF tokens from rendered forms, sign-ins, demo
debtors and staff, and the personal data that must never appear in a URL."""

from __future__ import annotations

import re
from typing import Any

from fakes import request_with

__all__ = ["csrf_token", "portal_sign_in", "staff_sign_in", "make_staff", "access_code", "ar_auth", "decide", "OTHER",
           "PASSWORD", "personal_data", "ledger_size", "client_at"]

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long enough password"
# A second debtor beside the example request's C-10023 / INV-42 (Erika Mustermann).
OTHER = {"debtor.ref": "C-20000", "invoice.ref": "INV-77", "debtor.contact": {
    "name": "Max Beispiel", "email": "max@example.invalid", "phone": "+49 40 555 0100",
    "address": "Beispielweg 7, 20095 Hamburg"}}


def client_at(app: Any, address: str) -> Any:
    """A test client (a browser of its own) whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_token(client: Any, path: str) -> str:
    """The CSRF token of the form on the page at ``path`` (the session's token)."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match is not None, f"no form with a CSRF token on {path} ({page.status_code})"
    return match.group(1)


def portal_sign_in(client: Any, code: str, invoice_ref: str = "INV-42") -> Any:
    token = csrf_token(client, "/portal/")
    return client.post("/portal/sign-in", data={"csrf_token": token, "code": code, "invoice_ref": invoice_ref})


def staff_sign_in(client: Any, name: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client, "/console/")
    return client.post("/console/sign-in", data={"csrf_token": token, "name": name, "password": password})


def make_staff(runtime: Any, name: str, role: str) -> str:
    from decisions import rights

    rights.create_staff_user(runtime.db, name=name, role=role, password=PASSWORD, now=runtime.clock(),
                             new_id=runtime.new_id, actor="cli")
    return name


def access_code(runtime: Any, debtor_ref: str = "C-10023") -> str:
    return runtime.rights.portal.access_code(runtime.pseudonyms.subject(debtor_ref))


def ar_auth(app: Any) -> Any:
    """Headers of a fresh ``ar_system`` API key of ``app``: ``auth("ar_system")``."""
    import uuid

    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="ar", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=lambda: str(uuid.uuid4()))
    return lambda role: {"Authorization": f"Bearer {key}"}


def decide(client: Any, auth: Any, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**changes), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def personal_data(runtime: Any, debtor_ref: str = "C-10023", invoice_ref: str = "INV-42") -> list[str]:
    """What must never be in a URL: the access code (as printed and compact), the invoice
    number, the customer number, the name and e-mail address of the example debtor."""
    code = access_code(runtime, debtor_ref)
    return [code, code.replace("-", ""), invoice_ref, debtor_ref, "Erika", "Mustermann", "erika@example.invalid",
            "erika%40example.invalid"]


def ledger_size(runtime: Any) -> int:
    from sqlalchemy import func, select

    from ledger.tables import LedgerEntry

    with runtime.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
