"""Staff accounts of the officer console: ``reviewer``, ``compliance_officer``, ``admin``.
Passwords are kept as Argon2id hashes (argon2-cffi, its default parameters, rehashed on sign-in
when those change). Creating an account is a ledger event (``staff_user_created``: id and role;
the name stays in the projection). Sign-in failures count towards a lockout per name, in the
database (``portal_access``'s throttle: the fifth failure in a row locks for 15 minutes)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ledger import Database, append

from ..errors import Conflict, InvalidInput, storage_guard
from .portal_access import SignInLocked, SignInRefused, clear_failures, locked_until, register_failure
from .tables import StaffUserRow

__all__ = ["STAFF_ROLES", "StaffUser", "create_staff_user", "verify_staff_sign_in", "MIN_PASSWORD_LENGTH"]

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class StaffUser:
    user_id: str
    name: str
    role: str


def _throttle_key(name: str) -> str:
    return hashlib.sha256(b"staff-sign-in\x1f" + name.lower().encode("utf-8")).hexdigest()


def create_staff_user(db: Database, *, name: str, role: str, password: str, now: datetime,
                      new_id: Callable[[], str], actor: str) -> StaffUser:
    if not _NAME.fullmatch(name):
        raise InvalidInput("a name of letters, digits and . _ @ - (at most 100)", field="name")
    if role not in STAFF_ROLES:
        raise InvalidInput(f"the role is one of: {', '.join(STAFF_ROLES)}", field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password of at least {MIN_PASSWORD_LENGTH} characters", field="password")
    user_id = new_id()
    with storage_guard("the staff account"), db.unit_of_work() as uow:
        session = uow.session
        if session.scalar(select(StaffUserRow.user_id).where(StaffUserRow.name == name)) is not None:
            raise Conflict("a staff account with this name exists", code="name_taken")
        append(session, kind="staff_user_created", ts=now, body={"user_id": user_id, "role": role, "actor": actor})
        session.add(StaffUserRow(user_id=user_id, name=name, role=role, password_hash=_hasher.hash(password),
                                 created_at=now))
        uow.commit()
    return StaffUser(user_id=user_id, name=name, role=role)


def verify_staff_sign_in(db: Database, *, name: str, password: str, now: datetime) -> StaffUser:
    """The staff user, or ``SignInRefused`` / ``SignInLocked`` (failures are recorded)."""
    key = [_throttle_key(name)]
    with storage_guard("the sign-in"), db.unit_of_work() as uow:
        session = uow.session
        until = locked_until(session, key, now=now)
        if until is not None:
            register_failure(session, key[0], now=now)
            uow.commit()
            raise SignInLocked(until)
        row = session.scalar(select(StaffUserRow).where(StaffUserRow.name == name))
        ok = False
        if row is not None and row.disabled_at is None:
            try:
                ok = _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher.hash(password)   # the same work for an unknown name: no timing oracle
        if not ok:
            register_failure(session, key[0], now=now)
            uow.commit()
            raise SignInRefused("the name or the password is not right")
        assert row is not None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        clear_failures(session, key)
        uow.commit()
        return StaffUser(user_id=row.user_id, name=row.name, role=row.role)
