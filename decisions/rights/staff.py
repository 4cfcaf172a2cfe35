"""Staff accounts of the officer console: ``reviewer``, ``compliance_officer``, ``admin``.
Passwords are kept as Argon2id hashes (argon2-cffi, its default parameters, rehashed on sign-in
when those change). Creating an account, changing or resetting its password and disabling it
are ledger events (``staff_user_created``, ``staff_password_changed``, ``staff_user_disabled``:
ids, role and actor; the name stays in the projection).

Sign-in throttle (``portal_access.Throttle``; rows are keyed digests): every failure counts
against the client; a failure counts against the *name* only when it comes from a browser
without the account's device proof. The device proof (``StaffDevice``) is what the console's
device cookie claims: this browser signed in to this account before, while the account had its
current password (``device_tag``). With a valid proof a browser is exempt from the name's wait
(strangers guessing the password can make every unknown browser wait, never the staff member's
own) and its failures count against that proof instead, which then stops exempting after
``Throttle.client.free`` failures. A password change or reset changes the tag, so every proof
issued before it is void. Unknown names are throttled exactly like known ones (no oracle).
Wrong current passwords on the change form count against the account's own change key (account
limits), never against the name: strangers cannot stop the owner changing the password.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import Database, append
from ledger.timestamps import as_utc

from ..errors import Conflict, InvalidInput, NotFound, storage_guard
from .portal_access import SignInLocked, SignInRefused, Throttle
from .tables import StaffUserRow

__all__ = ["STAFF_ROLES", "StaffUser", "StaffDevice", "create_staff_user", "verify_staff_sign_in", "staff_member",
           "change_staff_password", "reset_staff_password", "disable_staff_user", "MIN_PASSWORD_LENGTH",
           "SIGNING_ROLES", "signing_staff", "staff_accounts", "staff_account"]

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
SIGNING_ROLES = ("compliance_officer", "admin")   # who may sign off a model version's findings
MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class StaffUser:
    user_id: str
    name: str
    role: str
    # What a device proof must carry for this account now (see the module's docstring).
    device_tag: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class StaffDevice:
    """A browser's claim (the edge checked its signature) to have signed in as ``user_id``
    while the account's device tag was ``tag``; ``nonce`` names this browser's proof."""

    user_id: str
    tag: str
    nonce: str


def _device_tag(password_hash: str) -> str:
    # A new hash (new password, new salt) makes a new tag.
    return hashlib.sha256(b"staff-device\x1f" + password_hash.encode("ascii")).hexdigest()[:32]


def _user(row: StaffUserRow) -> StaffUser:
    return StaffUser(user_id=row.user_id, name=row.name, role=row.role, device_tag=_device_tag(row.password_hash))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password of at least {MIN_PASSWORD_LENGTH} characters", field="password")


def _verified(row: StaffUserRow | None, password: str) -> bool:
    if row is None or row.disabled_at is not None:
        _hasher.hash(password)   # the same work for an unknown or disabled name: no timing oracle
        return False
    try:
        return _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_staff_user(db: Database, *, name: str, role: str, password: str, now: datetime,
                      new_id: Callable[[], str], actor: str) -> StaffUser:
    if not _NAME.fullmatch(name):
        raise InvalidInput("a name of letters, digits and . _ @ - (at most 100)", field="name")
    if role not in STAFF_ROLES:
        raise InvalidInput(f"the role is one of: {', '.join(STAFF_ROLES)}", field="role")
    _check_password(password)
    user_id = new_id()
    with storage_guard("the staff account"), db.unit_of_work() as uow:
        session = uow.session
        if session.scalar(select(StaffUserRow.user_id).where(StaffUserRow.name == name)) is not None:
            raise Conflict("a staff account with this name exists", code="name_taken")
        append(session, kind="staff_user_created", ts=now, body={"user_id": user_id, "role": role, "actor": actor})
        row = StaffUserRow(user_id=user_id, name=name, role=role, password_hash=_hasher.hash(password), created_at=now)
        session.add(row)
        uow.commit()
    return _user(row)


def verify_staff_sign_in(db: Database, *, name: str, password: str, client: str, throttle: Throttle,
                         now: datetime, device: StaffDevice | None = None) -> StaffUser:
    """The staff user, or ``SignInRefused`` / ``SignInLocked`` (failures are recorded).
    ``client`` names the client (its address: only a keyed digest is stored); ``device`` is
    the browser's device proof, if it has one."""
    client_key = throttle.digest("console-client", client)
    name_key = throttle.digest("console-name", name.lower())
    with storage_guard("the sign-in"), db.unit_of_work() as uow:
        session = uow.session
        # (1) A waiting client is refused before anything is looked at.
        until = throttle.waiting_until(session, [client_key], now=now)
        if until is not None:
            raise SignInLocked(until)
        # (2) A valid device proof exempts from the name's wait, until its own failures use it up.
        row = session.scalar(select(StaffUserRow).where(StaffUserRow.name == name))
        device_key = None
        if (device is not None and row is not None and device.user_id == row.user_id
                and device.tag == _device_tag(row.password_hash)):
            device_key = throttle.digest("console-device", device.nonce)
            if throttle.waiting_until(session, [device_key], now=now) is not None:
                device_key = None
        if device_key is None:
            until = throttle.waiting_until(session, [name_key], now=now)
            if until is not None:
                raise SignInLocked(until)
        # (3) The password.
        if not _verified(row, password):
            throttle.fail(session, client_key, throttle.client, now=now)
            if device_key is not None:
                throttle.fail(session, device_key, throttle.client, now=now)
            else:
                throttle.fail(session, name_key, throttle.account, now=now)
            uow.commit()
            raise SignInRefused("the name or the password is not right")
        assert row is not None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        row.last_signed_in_at = now
        throttle.clear(session, [device_key])
        throttle.forget_stale(session, now=now)
        uow.commit()
        return _user(row)


def staff_member(session: Session, user_id: str) -> StaffUser | None:
    """The account ``user_id`` while it may act (None once disabled or gone)."""
    row = session.get(StaffUserRow, user_id)
    if row is None or row.disabled_at is not None:
        return None
    return _user(row)


def _set_password(session: Session, row: StaffUserRow, password: str, *, kind: str, now: datetime,
                  actor: str) -> StaffUser:
    _check_password(password)
    append(session, kind="staff_password_changed", ts=now,
           body={"user_id": row.user_id, "by": kind, "actor": actor})
    row.password_hash = _hasher.hash(password)
    return _user(row)


def change_staff_password(session: Session, *, user_id: str, current_password: str, new_password: str,
                          throttle: Throttle, now: datetime, actor: str) -> StaffUser:
    """A signed-in staff member's new password, in ``session`` (the caller commits, also when
    this raises ``SignInRefused``: a wrong current password counts against the account's own
    change key with the account limits, so a stolen session guesses the password no faster than
    strangers could — and strangers' guessing at the sign-in never stops the owner changing it).
    Raises ``SignInLocked`` while that key waits, ``InvalidInput`` for a password too short or
    the same as before."""
    row = session.get(StaffUserRow, user_id)
    if row is None or row.disabled_at is not None:
        raise NotFound("no such staff account")
    change_key = throttle.digest("console-change", row.user_id)
    until = throttle.waiting_until(session, [change_key], now=now)
    if until is not None:
        raise SignInLocked(until)
    if not _verified(row, current_password):
        throttle.fail(session, change_key, throttle.account, now=now)
        raise SignInRefused("the current password is not right")
    throttle.clear(session, [change_key])
    _check_password(new_password)
    if new_password == current_password:
        raise InvalidInput("the new password is the current one", field="password")
    return _set_password(session, row, new_password, kind="self", now=now, actor=actor)


def reset_staff_password(session: Session, *, name: str, new_password: str, now: datetime, actor: str) -> StaffUser:
    """An administrator's new password for the account ``name`` (``fairdun user password``)."""
    row = session.scalar(select(StaffUserRow).where(StaffUserRow.name == name))
    if row is None:
        raise NotFound("no staff account with this name")
    if row.disabled_at is not None:
        raise Conflict("this staff account is disabled", code="disabled")
    return _set_password(session, row, new_password, kind="reset", now=now, actor=actor)


def disable_staff_user(session: Session, *, name: str, now: datetime, actor: str) -> StaffUser:
    """Disable the account ``name`` for good (``fairdun user disable``); its sessions are the
    caller's to end in the same transaction."""
    row = session.scalar(select(StaffUserRow).where(StaffUserRow.name == name))
    if row is None:
        raise NotFound("no staff account with this name")
    if row.disabled_at is not None:
        raise Conflict("this staff account is disabled already", code="disabled")
    if actor == f"staff:{row.user_id}":
        raise Conflict("you cannot disable your own account: ask another admin", code="own_account")
    append(session, kind="staff_user_disabled", ts=now, body={"user_id": row.user_id, "actor": actor})
    row.disabled_at = now
    return _user(row)


def _account(row: StaffUserRow) -> dict[str, Any]:
    return {"user_id": row.user_id, "name": row.name, "role": row.role, "created_at": as_utc(row.created_at),
            "last_signed_in_at": as_utc(row.last_signed_in_at) if row.last_signed_in_at else None,
            "disabled_at": as_utc(row.disabled_at) if row.disabled_at else None,
            "status": "disabled" if row.disabled_at is not None else "active"}


def staff_accounts(db: Database) -> list[dict[str, Any]]:
    """Every staff account, disabled ones included (oldest first): name, role, created, last
    signed in, disabled — never the password hash."""
    with storage_guard("the staff accounts"), db.reading() as session:
        rows = session.scalars(select(StaffUserRow).order_by(StaffUserRow.created_at, StaffUserRow.name)).all()
        return [_account(row) for row in rows]


def staff_account(db: Database, user_id: str) -> dict[str, Any]:
    """One staff account as ``staff_accounts`` lists it; ``NotFound`` when there is none."""
    with storage_guard("the staff account"), db.reading() as session:
        row = session.get(StaffUserRow, user_id)
        if row is None:
            raise NotFound("no staff account with this id")
        return _account(row)


def signing_staff(db: Database, *, name: str) -> StaffUser:
    """The enabled staff account ``name`` that may sign off a model version (a compliance officer
    or an admin): the named person a ``model_signed_off`` event records as ``staff:<id>``."""
    with db.reading() as session:
        row = session.scalar(select(StaffUserRow).where(StaffUserRow.name == name))
        if row is None or row.disabled_at is not None:
            raise InvalidInput("no enabled staff account with this name", field="signed_off_by")
        if row.role not in SIGNING_ROLES:
            raise InvalidInput(f"a sign-off is given by a {' or '.join(SIGNING_ROLES)}, not a {row.role}",
                               field="signed_off_by")
        return _user(row)
