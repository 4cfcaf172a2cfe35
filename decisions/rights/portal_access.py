"""Portal access: the code printed on every letter, and the debtor's sign-in with it.

The access code is deterministic: HMAC-SHA-256 under the instance's portal key
(``<instance>/keys/portal.key`` or ``FAIRDUN_PORTAL_KEY``) of the subject pseudonym, written as
``XXXX-XXXX-XXXX`` in an alphabet without look-alikes (no 0/O, 1/I/L, U): 12 characters of 30,
about 59 bits. So a letter can print it without fairdun storing it. Signing in needs the code
*and* an invoice number of that subject (a second factor printed on the same letter).

Lookup rows, written when a decision is recorded and deleted when the subject is fully
shredded, hold only keyed digests: ``portal_subjects`` (code digest → subject pseudonym) and
``portal_claims`` (claim pseudonym → digest of its invoice number). Nothing in them reveals a
code, an invoice number or a customer number to someone without the portal key.

Lockout (``sign_in_throttle``, in the database so every worker process shares it): failures
are counted per code tried and per invoice number tried; the fifth failure in a row locks that
code or invoice number for 15 minutes, and every failure while locked extends the lock. A
success clears both counters. Time is the injected ``now``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger.timestamps import as_utc

from .tables import PortalClaimRow, PortalSubjectRow, SignInThrottleRow

__all__ = ["ALPHABET", "access_code", "normalise_code", "PortalAccess", "SignInRefused", "SignInLocked",
           "MAX_FAILURES", "LOCKOUT", "forget_portal_access", "register_failure", "clear_failures", "locked_until"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUPS, _GROUP = 3, 4
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_SEEN_KEY = "fairdun.portal_rows"
# Letters a person may type for a look-alike digit (as in Crockford's base 32).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class SignInRefused(Exception):
    """Code and invoice number do not match (the message never says which one)."""

    code = "sign_in_refused"


class SignInLocked(Exception):
    """Too many failures: this code or invoice number is locked until ``until``."""

    code = "sign_in_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed attempts; try again later")
        self.until = until


def access_code(key: bytes, subject_id: str) -> str:
    """The access code of ``subject_id`` (a subject pseudonym) under the portal ``key``."""
    digest = hmac.new(key, b"portal-access-code\x1f" + subject_id.encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(_GROUPS * _GROUP):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "-".join("".join(chars[i:i + _GROUP]) for i in range(0, len(chars), _GROUP))


def normalise_code(text: str) -> str | None:
    """What a person typed as a code, in the canonical form; None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", text.upper()).translate(_LOOKALIKES)
    if len(compact) != _GROUPS * _GROUP or any(c not in ALPHABET for c in compact):
        return None
    return "-".join(compact[i:i + _GROUP] for i in range(0, len(compact), _GROUP))


def _normalise_invoice(invoice_ref: str) -> str:
    return re.sub(r"\s", "", invoice_ref).upper()


@dataclass(frozen=True)
class PortalAccess:
    key: bytes

    def _digest(self, purpose: str, *parts: str) -> str:
        return hmac.new(self.key, "\x1f".join((purpose, *parts)).encode("utf-8"), hashlib.sha256).hexdigest()

    def access_code(self, subject_id: str) -> str:
        return access_code(self.key, subject_id)

    def remember(self, session: Session, *, subject_id: str, claim_id: str, invoice_ref: str) -> None:
        """Write the lookup rows of a subject's claim (once; later calls find them)."""
        transaction = session.get_transaction()
        cached = session.info.get(_SEEN_KEY)
        if cached is None or cached[0] is not transaction:   # rows pending in this transaction (batch runs)
            cached = session.info[_SEEN_KEY] = (transaction, set())
        seen: set[str] = cached[1]
        with session.no_autoflush:
            if subject_id not in seen and session.get(PortalSubjectRow, subject_id) is None:
                session.add(PortalSubjectRow(subject_id=subject_id,
                                             code_digest=self._digest("code", self.access_code(subject_id))))
            seen.add(subject_id)
            if claim_id not in seen and session.get(PortalClaimRow, claim_id) is None:
                session.add(PortalClaimRow(claim_id=claim_id, subject_id=subject_id,
                                           invoice_digest=self._digest("invoice", subject_id,
                                                                       _normalise_invoice(invoice_ref))))
            seen.add(claim_id)

    def sign_in(self, session: Session, *, code: str, invoice_ref: str, now: datetime) -> str:
        """The subject pseudonym for ``code`` and ``invoice_ref``, or ``SignInRefused`` /
        ``SignInLocked``. Failures are recorded in ``session``: the caller commits either way."""
        canonical = normalise_code(code) or code.strip().upper()
        invoice = _normalise_invoice(invoice_ref)
        keys = [self._digest("attempt-code", canonical), self._digest("attempt-invoice", invoice)]
        until = locked_until(session, keys, now=now)
        if until is not None:
            for key in keys:
                register_failure(session, key, now=now)
            raise SignInLocked(until)
        subject_id = session.scalar(select(PortalSubjectRow.subject_id)
                                    .where(PortalSubjectRow.code_digest == self._digest("code", canonical)))
        matched = subject_id is not None and session.scalar(
            select(PortalClaimRow.claim_id).where(PortalClaimRow.subject_id == subject_id,
                                                  PortalClaimRow.invoice_digest == self._digest("invoice", subject_id,
                                                                                                invoice))) is not None
        if not matched:
            for key in keys:
                register_failure(session, key, now=now)
            raise SignInRefused("the access code and the invoice number do not match")
        clear_failures(session, keys)
        assert subject_id is not None
        return subject_id

    def throttle_key(self, purpose: str, value: str) -> str:
        return self._digest(purpose, value)


def forget_portal_access(session: Session, subject_id: str) -> None:
    """Delete the subject's lookup rows (when nothing of the subject is left)."""
    session.execute(delete(PortalClaimRow).where(PortalClaimRow.subject_id == subject_id))
    session.execute(delete(PortalSubjectRow).where(PortalSubjectRow.subject_id == subject_id))


def locked_until(session: Session, keys: list[str], *, now: datetime) -> datetime | None:
    rows = session.scalars(select(SignInThrottleRow).where(SignInThrottleRow.key.in_(keys))).all()
    locks = [as_utc(r.locked_until) for r in rows if r.locked_until is not None and as_utc(r.locked_until) > now]
    return max(locks) if locks else None


def register_failure(session: Session, key: str, *, now: datetime) -> None:
    row = session.get(SignInThrottleRow, key)
    if row is None:
        row = SignInThrottleRow(key=key, failures=0, last_failure_at=now)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= MAX_FAILURES:
        row.locked_until = now + LOCKOUT


def clear_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(SignInThrottleRow).where(SignInThrottleRow.key.in_(keys)))
