"""The console's administration (admins) and the start of a ledger verification (compliance
officers and admins), on the ``console`` blueprint.

API keys are listed, created (the secret shown once, on the answer to the form, never again)
and revoked with ``service.auth``'s functions, as ``/v1/api-keys`` and ``fairdun api-key`` do;
staff accounts are listed, created and disabled with ``decisions.rights.staff`` (ledgered
``staff_user_created`` / ``staff_user_disabled``; a disabled account's sessions end in the same
transaction, ``service.web_sessions.disable_staff``), as ``fairdun user`` does. The acting staff
member is ``staff:<id>``. "Verify now" runs ``rights.verify_and_record`` with the ledger's
notary, as ``fairdun ledger verify`` and the audit report do, and the ledger page shows the
recorded result.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from decisions import rights
from decisions.errors import Conflict, InvalidInput
from decisions.rights.staff import MIN_PASSWORD_LENGTH
from ledger import ChainBroken, LedgerError
from ledger.errors import BlobMismatch
from ledger.offline import VerificationFailed

from . import web
from .api_ledger import notary
from .auth import MAX_NAME, Role, issue_api_key, list_api_keys
from .auth import revoke_api_key as revoke_key
from .console import LEDGER_READERS, _actor, _ctx, bp, staff_requires
from .schemas.fields import Text
from .web_sessions import disable_staff

__all__ = ["ADMINS", "ApiKeyFormSchema", "StaffFormSchema"]

ADMINS = (Role.ADMIN,)


class ApiKeyFormSchema(Schema):
    name = Text(required=True, min_length=1, max_length=MAX_NAME)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))


class StaffFormSchema(Schema):
    name = Text(required=True, min_length=1, max_length=100)
    role = fields.String(required=True, validate=validate.OneOf(rights.STAFF_ROLES))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    confirm = fields.String(required=True, validate=validate.Length(min=1, max=1024))

    @validates_schema
    def _same(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("password") != data.get("confirm"):
            raise ValidationError("the two passwords differ", field_name="confirm")


def _words(values: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ")) for value in values]


def _runtime() -> Any:
    return current_app.extensions["fairdun"]


# -- API keys --------------------------------------------------------------------------------

def _keys_page(*, errors: dict[str, list[str]] | None = None, failure: str | None = None, issued: Any = None,
               form: Any = None) -> str:
    runtime = _runtime()
    now = runtime.clock()
    keys = [{**key.as_dict(now=now), "created": key.created_at, "last_used": key.last_used_at,
             "revoked": key.revoked_at} for key in list_api_keys(runtime.db)]
    return render_template("console/api_keys.html", keys=keys, roles=_words([r.value for r in Role]), errors=errors or {},
                           failure=failure, issued=issued, form=form or {})


@bp.get("/admin/api-keys")
@staff_requires(*ADMINS)
def api_keys() -> Any:
    """Every API key with its role, status, creation and last use (revoked ones included)."""
    return _keys_page()


@bp.post("/admin/api-keys")
@staff_requires(*ADMINS)
def create_api_key() -> Any:
    """A new key; its secret is on this answer only (``Cache-Control: no-store``, as every
    console page)."""
    runtime = _runtime()
    try:
        body = web.form_data(ApiKeyFormSchema())
        issued = issue_api_key(runtime.db, name=body["name"], role=Role(body["role"]), now=runtime.clock(),
                               new_id=runtime.new_id, actor=_actor())
    except ValidationError as exc:
        return _keys_page(errors=web.field_errors(exc), form=request.form), 422
    except InvalidInput as exc:
        return _keys_page(errors={exc.field or "name": [str(exc)]}, form=request.form), 422
    return _keys_page(issued=issued), 201


@bp.post("/admin/api-keys/<uuid:key_id>/revoke")
@staff_requires(*ADMINS)
def revoke_api_key(key_id: Any) -> Any:
    """Refuse the key from now on; the last active admin key is refused here (the CLI's
    ``--force`` is the way for that)."""
    runtime = _runtime()
    try:
        key = revoke_key(runtime.db, str(key_id), now=runtime.clock(), actor=_actor())
    except Conflict as exc:
        return _keys_page(failure=str(exc)), 409
    flash(f"API key “{key.name}” is revoked.", "console")
    return redirect(url_for("console.api_keys"), 303)


# -- staff accounts --------------------------------------------------------------------------

def _staff_page(*, errors: dict[str, list[str]] | None = None, failure: str | None = None, form: Any = None) -> str:
    return render_template("console/staff.html", accounts=rights.staff_accounts(_runtime().db),
                           roles=_words(rights.STAFF_ROLES), errors=errors or {}, failure=failure, form=form or {},
                           me=g.staff["id"], min_password=MIN_PASSWORD_LENGTH)


@bp.get("/admin/staff")
@staff_requires(*ADMINS)
def staff() -> Any:
    """Every staff account with its role, creation, last sign-in and whether it is disabled."""
    return _staff_page()


@bp.post("/admin/staff")
@staff_requires(*ADMINS)
def create_staff() -> Any:
    runtime = _runtime()
    form = {k: v for k, v in request.form.items() if k in ("name", "role")}   # never echo a password
    try:
        body = web.form_data(StaffFormSchema())
        user = rights.create_staff_user(runtime.db, name=body["name"], role=body["role"], password=body["password"],
                                        now=runtime.clock(), new_id=runtime.new_id, actor=_actor())
    except ValidationError as exc:
        return _staff_page(errors=web.field_errors(exc), form=form), 422
    except InvalidInput as exc:
        return _staff_page(errors={exc.field or "name": [str(exc)]}, form=form), 422
    except Conflict as exc:
        return _staff_page(errors={"name": [str(exc)]}, form=form), 409
    flash(f"Staff account “{user.name}” ({user.role.replace('_', ' ')}) is created.", "console")
    return redirect(url_for("console.staff"), 303)


@bp.post("/admin/staff/<uuid:user_id>/disable")
@staff_requires(*ADMINS)
def disable_staff_account(user_id: Any) -> Any:
    """Disable the account for good; its console sessions end at once. One's own account is
    refused (409)."""
    runtime = _runtime()
    account = rights.staff_account(runtime.db, str(user_id))
    try:
        user = disable_staff(runtime.db, name=account["name"], now=runtime.clock(), actor=_actor())
    except Conflict as exc:
        return _staff_page(failure=str(exc)), 409
    flash(f"Staff account “{user.name}” is disabled; its sessions have ended.", "console")
    return redirect(url_for("console.staff"), 303)


# -- ledger verification ---------------------------------------------------------------------

@bp.post("/ledger/verify")
@staff_requires(*LEDGER_READERS)
def verify_ledger() -> Any:
    """Verify the ledger now (chain, Merkle tree, blobs, checkpoint signatures, read models)
    with the instance's own keys; the result is recorded either way and shown on the page."""
    runtime = _runtime()
    try:
        report = rights.verify_and_record(runtime.db, notary(), now=_ctx().clock())
    except (VerificationFailed, ChainBroken, BlobMismatch) as exc:
        flash(f"Verification FAILED at seq {exc.seq}: {exc.reason}.", "console")
    except LedgerError as exc:
        flash(f"Verification FAILED: {exc}.", "console")
    else:
        flash(f"Verification passed: {report.entries} entries, {report.checkpoints} checkpoints.", "console")
    return redirect(url_for("console.ledger"), 303)
