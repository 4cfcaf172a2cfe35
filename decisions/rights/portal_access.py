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

Throttle (``sign_in_throttle``, in the database so every worker process shares it; rows hold
only keyed digests): guessing is slowed per *client* (its address, as the edge names it) and per
*account*, and nothing a stranger can do refuses a debtor holding their letter:

- every failure counts against the client; after ``Limits.free`` failures each further one makes
  that client wait (``first_delay``, doubling, at most ``max_delay``). A waiting client is refused
  before anything is checked, and its refused attempts do not count (they extend nothing).
- a failure counts against the *subject* only when the access code was right and the invoice
  number wrong: only someone holding the code (59 bits, printed on the debtor's letter) can make
  the subject wait. The invoice numbers (sequential in the demo, known to strangers) count
  against nothing, so trying a debtor's invoice number with wrong codes locks nobody out but the
  one trying.
- failures are forgotten ``forget_after`` the last one; a successful sign-in clears the
  subject's count (never the client's: signing in to one's own account must not buy more guesses
  at another). Time is the injected ``now``; a wait is "refused until T", never a sleep.

Nothing slows guessing of the code per *target* (per invoice number) because nothing needs to and
anything that did would let strangers lock debtors out: to find one debtor's code an attacker
must hit 1 of 30^12 ≈ 5.3·10^17 codes; at the client limit (about 34 failures per address in a
first day, 24 a day after) even 10^5 addresses need some 10^11 days on average.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.db import insert_later
from ledger.timestamps import as_utc

from .tables import PortalClaimRow, PortalSubjectRow, SignInThrottleRow

__all__ = ["ALPHABET", "access_code", "normalise_code", "PortalAccess", "SignInRefused", "SignInLocked", "Limits",
           "Throttle", "forget_portal_access"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUPS, _GROUP = 3, 4
_SEEN_KEY = "fairdun.portal_rows"
# Letters a person may type for a look-alike digit (as in Crockford's base 32).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_TABLE = cast(Table, SignInThrottleRow.__table__)


class SignInRefused(Exception):
    """Code and invoice number do not match (the message never says which one)."""

    code = "sign_in_refused"


class SignInLocked(Exception):
    """Too many failures: this client (or account) waits until ``until``; nothing was checked."""

    code = "sign_in_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed attempts; try again later")
        self.until = until


@dataclass(frozen=True)
class Limits:
    """``free`` failures cost nothing; failure ``free + n`` makes the key wait ``first_delay``
    doubled ``n - 1`` times, at most ``max_delay``. Failures are forgotten ``forget_after`` the
    last one."""

    free: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=24)

    def wait(self, failures: int) -> timedelta | None:
        if failures <= self.free:
            return None
        doublings = min(failures - self.free - 1, 40)     # 2^40 minutes is beyond any max_delay
        return min(self.first_delay * (2 ** doublings), self.max_delay)


@dataclass(frozen=True)
class Throttle:
    """The sign-in throttle of portal and console: keyed digests (``key``: a secret of the
    instance, so a row reveals no address, name or pseudonym) and the limits for clients and
    accounts. Rows are written in the caller's session; the caller commits either way."""

    key: bytes = field(repr=False)
    client: Limits = Limits(free=5)
    account: Limits = Limits(free=10)

    def digest(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()

    def waiting_until(self, session: Session, keys: Iterable[str | None], *, now: datetime) -> datetime | None:
        """The latest moment one of ``keys`` waits for, if it is after ``now``."""
        wanted = [k for k in keys if k is not None]
        if not wanted:
            return None
        table = _TABLE
        ends = session.execute(select(table.c.locked_until).where(table.c.key.in_(wanted),
                                                                  table.c.locked_until.is_not(None))).scalars()
        later = [as_utc(end) for end in ends if as_utc(end) > now]
        return max(later) if later else None

    def fail(self, session: Session, key: str, limits: Limits, *, now: datetime) -> None:
        """Count one failure against ``key`` (atomically: concurrent failures from several
        workers all count) and set its wait once it has used up its free failures."""
        table = _TABLE
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        counted = insert(table).values(key=key, failures=1, last_failure_at=now, locked_until=None).on_conflict_do_update(
            index_elements=[table.c.key], set_={
                "failures": case((table.c.last_failure_at < now - limits.forget_after, 1),
                                 else_=table.c.failures + 1),
                "last_failure_at": now,
            }).returning(table.c.failures)
        failures = session.execute(counted).scalar_one()
        wait = limits.wait(failures)
        if wait is not None:
            session.execute(update(table).where(table.c.key == key).values(locked_until=now + wait))

    def clear(self, session: Session, keys: Iterable[str | None]) -> None:
        wanted = [k for k in keys if k is not None]
        if wanted:
            session.execute(delete(SignInThrottleRow).where(SignInThrottleRow.key.in_(wanted)))

    def forget_stale(self, session: Session, *, now: datetime) -> None:
        """Delete rows that no longer count: no failure within the longest ``forget_after`` and no
        wait running (what a flood of one-off addresses leaves behind)."""
        table = _TABLE
        cutoff = now - max(self.client.forget_after, self.account.forget_after)
        session.execute(delete(table).where(and_(table.c.last_failure_at < cutoff, or_(
            table.c.locked_until.is_(None), table.c.locked_until < now))))


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


def _looked_up(session: Session) -> tuple[set[str], set[str]]:
    """The ids this transaction knows to have rows (written, or pending in it) and to have none."""
    transaction = session.get_transaction()
    cached = session.info.get(_SEEN_KEY)
    if cached is None or cached[0] is not transaction:
        cached = session.info[_SEEN_KEY] = (transaction, set(), set())
    return cached[1], cached[2]


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
        seen, absent = _looked_up(session)
        with session.no_autoflush:
            if subject_id not in seen and (subject_id in absent or session.get(PortalSubjectRow, subject_id) is None):
                insert_later(session, PortalSubjectRow, {
                    "subject_id": subject_id, "code_digest": self._digest("code", self.access_code(subject_id))})
            seen.add(subject_id)
            if claim_id not in seen and (claim_id in absent or session.get(PortalClaimRow, claim_id) is None):
                insert_later(session, PortalClaimRow, {
                    "claim_id": claim_id, "subject_id": subject_id,
                    "invoice_digest": self._digest("invoice", subject_id, _normalise_invoice(invoice_ref))})
            seen.add(claim_id)

    @staticmethod
    def preload(session: Session, subject_ids: Iterable[str], claim_ids: Iterable[str]) -> None:
        """Look up which of these subjects' and claims' rows exist, in one query per table and
        500 ids, so ``remember`` needs no lookup of its own (batch runs)."""
        seen, absent = _looked_up(session)
        for key, ids in ((PortalSubjectRow.subject_id, subject_ids),
                         (PortalClaimRow.claim_id, claim_ids)):
            wanted = sorted(set(ids) - seen - absent)
            with session.no_autoflush:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    found = set(session.scalars(select(key).where(key.in_(chunk))))
                    seen.update(found)
                    absent.update(set(chunk) - found)

    def sign_in(self, session: Session, *, code: str, invoice_ref: str, client: str, throttle: Throttle,
                now: datetime) -> str:
        """The subject pseudonym for ``code`` and ``invoice_ref`` tried by ``client`` (its
        address; only a keyed digest is stored), or ``SignInRefused`` / ``SignInLocked``.
        Failures are recorded in ``session``: the caller commits either way."""
        # (1) A waiting client is refused before anything is looked at.
        client_key = throttle.digest("portal-client", client)
        until = throttle.waiting_until(session, [client_key], now=now)
        if until is not None:
            raise SignInLocked(until)
        # (2) The code names the subject, or nobody: a wrong code counts against the client only.
        canonical = normalise_code(code) or code.strip().upper()
        subject_id = session.scalar(select(PortalSubjectRow.subject_id)
                                    .where(PortalSubjectRow.code_digest == self._digest("code", canonical)))
        if subject_id is None:
            throttle.fail(session, client_key, throttle.client, now=now)
            raise SignInRefused("the access code and the invoice number do not match")
        # (3) The subject waits only after failures by holders of its code.
        subject_key = throttle.digest("portal-subject", subject_id)
        until = throttle.waiting_until(session, [subject_key], now=now)
        if until is not None:
            raise SignInLocked(until)
        # (4) The invoice number, the second factor.
        invoice = self._digest("invoice", subject_id, _normalise_invoice(invoice_ref))
        matched = session.scalar(select(PortalClaimRow.claim_id).where(PortalClaimRow.subject_id == subject_id,
                                                                       PortalClaimRow.invoice_digest == invoice))
        if matched is None:
            throttle.fail(session, client_key, throttle.client, now=now)
            throttle.fail(session, subject_key, throttle.account, now=now)
            raise SignInRefused("the access code and the invoice number do not match")
        throttle.clear(session, [subject_key])
        throttle.forget_stale(session, now=now)
        return subject_id


def forget_portal_access(session: Session, subject_id: str) -> None:
    """Delete the subject's lookup rows (when nothing of the subject is left)."""
    session.execute(delete(PortalClaimRow).where(PortalClaimRow.subject_id == subject_id))
    session.execute(delete(PortalSubjectRow).where(PortalSubjectRow.subject_id == subject_id))
