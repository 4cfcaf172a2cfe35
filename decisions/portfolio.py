"""A synthetic, seeded portfolio of decision requests (demo, tests, benchmarks).

``generate_portfolio(n, seed=…, as_of=…)`` streams ``n`` requests, each exactly in the
``POST /v1/decisions`` request shape (DESIGN.md, "Public contract"). The output is a pure
function of ``(n, seed, as_of)``: one ``random.Random(seed)`` drives everything, the global
RNG and the clock are never read, and a shorter portfolio is a prefix of a longer one with
the same seed and ``as_of``.

What is in it:

- **Debtors** (refs ``C-000001``…) in DE, GB, US-CA, US-NY, US-MA (together ~86 %) and FR,
  NL, AT, with the matching IANA time zone, language and currency; 75 % consumers, 25 %
  businesses (log-normal amounts, businesses ~15x larger). A debtor owns 1–4 invoices
  (60/22/12/6 %), emitted consecutively with identical debtor data, creditor role and
  history statistics. Invoice refs ``INV-0000001``… are unique.
- **Segments** (``Segment``): punctual 45 %, occasionally late 30 %, chronically late
  17 %, distressed 8 %. The segment drives the share of past invoices paid late, the
  average days late, the days past due at ``as_of``, partial payments, phone attempts,
  hand-over to a debt collector (US only) and the rare flags.
- **Days past due** at ``as_of`` (in the debtor's time zone): ~18 % not yet due (−10…−1),
  most between 0 and 90, a distressed tail to 150; debt-collector claims 30…150.
- **Dunning history** following a ladder: an optional pre-due reminder (level 0) 3 days
  before due, reminder level 1 at 3–10 days past due, reminder level 2 12–16 days later,
  final notice (level 3) 12–16 days after that; sent at 09:00 local time on a working day,
  only when strictly after the issue date and strictly before ``as_of``. Phone attempts
  (``contacts``) only to debtors who consented to phone contact.
- **Rare facts**: disputes ~4 %, promises to pay ~3 % (after ``as_of``), partial payments
  ~10 % (``open_amount < amount``, ``last_payment_on`` before ``as_of``), vulnerable ~2 %
  of consumers, insolvency ~0.5 %, deceased ~0.2 % of consumers, breathing space ~1 % of
  GB consumers (until a date after ``as_of``), cease communication ~0.5 %, no work
  contact ~2 % of consumers.
- **Contact data** is obviously fictional: ``Debtor 000123``, ``debtor000123@example.invalid``
  (RFC 2606), "12 Example Street", and phone numbers from ranges reserved for fiction where
  a regulator publishes one (US 555-01xx, Ofcom 020 7946 0xxx, Bundesnetzagentur
  030 23125 xxx).

``generate_cases`` yields the same requests together with the segment that produced them
(ground truth for tests and benchmarks). ``write_jsonl``/``read_jsonl`` store requests one
JSON object per line; ``write_csv`` writes the flat batch format of ``decisions.invoice_csv``.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import IO, Any
from zoneinfo import ZoneInfo

from .invoice_csv import write_csv
from .money import exponent_of

__all__ = [
    "Segment", "SyntheticCase", "generate_cases", "generate_portfolio",
    "write_jsonl", "read_jsonl", "write_csv",
]


class Segment(StrEnum):
    """Payment behaviour of a synthetic debtor."""

    PUNCTUAL = "punctual"
    OCCASIONALLY_LATE = "occasionally_late"
    CHRONICALLY_LATE = "chronically_late"
    DISTRESSED = "distressed"


@dataclass(frozen=True, slots=True)
class SyntheticCase:
    request: dict[str, Any]
    segment: Segment


# --- markets -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Market:
    jurisdiction: str
    weight: float
    timezone: str
    language: str
    currency: str
    legal_form: str                 # suffix of a business debtor's name
    phone: str                      # format with n = 0…9999 (fictional ranges, see below)


# Phone ranges: US: NANPA reserves 555-0100…0199 for fiction; GB: Ofcom drama numbers
# 020 7946 0000…0999; DE: Bundesnetzagentur Mitteilung 148/2021 (Amtsblatt 7/2021),
# Berlin 030 23125 000…999. FR 01 99 00 xx xx is commonly cited as ARCEP's fiction block
# (not verified here); NL and AT: no published range known to us, the 555 blocks are only
# believed to be unassigned. Names and e-mail domains (.invalid) are fictional regardless.
_MARKETS = (
    _Market("US-CA", 0.24, "America/Los_Angeles", "en", "USD", "Inc.", "+1 213 555 01{n2:02d}"),
    _Market("DE", 0.20, "Europe/Berlin", "de", "EUR", "GmbH", "+49 30 23125 {n3:03d}"),
    _Market("GB", 0.18, "Europe/London", "en", "GBP", "Ltd", "+44 20 7946 0{n3:03d}"),
    _Market("US-NY", 0.14, "America/New_York", "en", "USD", "Inc.", "+1 212 555 01{n2:02d}"),
    _Market("US-MA", 0.10, "America/New_York", "en", "USD", "Inc.", "+1 617 555 01{n2:02d}"),
    _Market("FR", 0.05, "Europe/Paris", "fr", "EUR", "SARL", "+33 1 99 00 {n2:02d} {m2:02d}"),
    _Market("NL", 0.05, "Europe/Amsterdam", "nl", "EUR", "B.V.", "+31 20 555 {n4:04d}"),
    _Market("AT", 0.04, "Europe/Vienna", "de", "EUR", "GmbH", "+43 1 555 {n4:04d}"),
)
_MARKET_WEIGHTS = tuple(m.weight for m in _MARKETS)


# --- segments ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Profile:
    weight: float
    late_ratio: tuple[float, float]          # Beta(a, b) share of past invoices paid late
    days_late_mean: float                    # mean days late of those (gamma, shape 2)
    not_due: float                           # share of invoices not yet due at as_of
    dpd: tuple[int, int, int]                # otherwise: triangular(low, high, mode)
    partial_payment: float
    phone_attempts: float                    # share of overdue claims with phone attempts
    debt_collector: float                    # US only: share handed to a collection agency
    vulnerable: float                        # consumers
    insolvency: float
    breathing_space: float                   # GB consumers


_PROFILES = {
    Segment.PUNCTUAL: _Profile(0.45, (1.0, 12.0), 3.0, 0.30, (0, 30, 2), 0.05, 0.05, 0.03,
                               0.010, 0.0005, 0.003),
    Segment.OCCASIONALLY_LATE: _Profile(0.30, (2.0, 6.0), 9.0, 0.12, (0, 60, 8), 0.09, 0.15, 0.08,
                                        0.015, 0.002, 0.006),
    Segment.CHRONICALLY_LATE: _Profile(0.17, (6.0, 3.0), 22.0, 0.06, (3, 90, 30), 0.15, 0.40, 0.25,
                                       0.030, 0.006, 0.020),
    Segment.DISTRESSED: _Profile(0.08, (7.0, 2.0), 38.0, 0.03, (10, 150, 60), 0.20, 0.55, 0.35,
                                 0.070, 0.040, 0.060),
}
_SEGMENTS = tuple(_PROFILES)
_SEGMENT_WEIGHTS = tuple(p.weight for p in _PROFILES.values())

_INVOICES_PER_DEBTOR = (1, 2, 3, 4)
_INVOICES_PER_DEBTOR_WEIGHTS = (0.60, 0.22, 0.12, 0.06)
_BUSINESS_SHARE = 0.25
_DEBT_COLLECTOR_DPD = (30, 150, 75)      # triangular(low, high, mode)
_NOT_DUE_DPD = (-10, -1)
_TERMS = {"consumer": (14, 30, 30), "business": (14, 30, 30, 45, 60)}   # days; ≥ 11 keeps issue < as_of
# log-normal amounts: (median, sigma, floor, ceiling) in major units
_AMOUNT = {"consumer": (140.0, 0.85, 5.0, 25_000.0), "business": (2_100.0, 1.15, 50.0, 750_000.0)}
_DISPUTED = 0.04
_PROMISE = 0.035                           # of overdue invoices (~3 % overall)
_DECEASED = 0.002                          # consumers
_CEASE_COMMUNICATION = 0.005
_NO_WORK_CONTACT = 0.02                    # consumers
_BREATHING_SPACE_DAYS = 60                 # standard breathing space, Debt Respite Scheme (E&W) Regs 2020
_SEND_AT = time(9, 0)


@dataclass(frozen=True, slots=True)
class _Debtor:
    number: int
    kind: str
    market: _Market
    segment: Segment
    language: str
    role: str
    consents: dict[str, bool]
    flags: dict[str, Any]
    history: dict[str, Any]                 # invoices_total, invoices_paid_late, avg_days_late, paperless
    invoices: int

    def as_dict(self) -> dict[str, Any]:
        """A fresh nested dict each time, so callers may mutate what they get."""
        n = self.number
        name = f"Debtor {n:06d}" + (f" {self.market.legal_form}" if self.kind == "business" else "")
        phone = self.market.phone.format(n2=n % 100, m2=(n // 100) % 100, n3=n % 1000, n4=n % 10000)
        return {
            "ref": f"C-{n:06d}",
            "kind": self.kind,
            "jurisdiction": self.market.jurisdiction,
            "timezone": self.market.timezone,
            "language": self.language,
            "contact": {
                "name": name,
                "email": f"debtor{n:06d}@example.invalid",
                "phone": phone,
                "address": f"{n % 200 + 1} Example Street, Exampletown, {self.market.jurisdiction}",
            },
            "consents": dict(self.consents),
            "flags": dict(self.flags),
        }


# --- public API --------------------------------------------------------------------------

def generate_portfolio(n: int, *, seed: int, as_of: datetime) -> Iterator[dict[str, Any]]:
    """Yield ``n`` decision requests in the public contract's shape; see the module doc.

    Arguments are checked at the call (``ValueError`` for ``n < 0`` or a naive ``as_of``);
    requests are produced lazily, one at a time.
    """
    return (case.request for case in generate_cases(n, seed=seed, as_of=as_of))


def generate_cases(n: int, *, seed: int, as_of: datetime) -> Iterator[SyntheticCase]:
    """Like ``generate_portfolio``, with the segment behind each request."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ValueError("as_of must be timezone-aware (naive datetimes are ambiguous)")
    return _generate(n, random.Random(seed), as_of.astimezone(UTC).replace(microsecond=0))


def write_jsonl(requests: Iterable[dict[str, Any]], path_or_file: str | os.PathLike[str] | IO[str]) -> int:
    """Write one JSON object per line (UTF-8); return how many were written."""
    count = 0
    with _text(path_or_file, "w") as out:
        for request in requests:
            out.write(json.dumps(request, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def read_jsonl(path_or_file: str | os.PathLike[str] | IO[str]) -> Iterator[dict[str, Any]]:
    """Yield the objects of a JSON-lines file, skipping blank lines."""
    with _text(path_or_file, "r") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


# --- generation --------------------------------------------------------------------------

def _generate(n: int, rng: random.Random, as_of: datetime) -> Iterator[SyntheticCase]:
    as_of_text = _instant(as_of)
    emitted = 0
    debtor_number = 0
    while emitted < n:
        debtor_number += 1
        debtor = _debtor(rng, debtor_number, as_of)
        for _ in range(debtor.invoices):
            if emitted == n:
                return
            emitted += 1
            invoice, dunning, contacts = _claim(rng, debtor, emitted, as_of)
            request = {
                "as_of": as_of_text,
                "creditor": {"role": debtor.role},
                "debtor": debtor.as_dict(),
                "invoice": invoice,
                "history": {**debtor.history, "dunning": dunning, "contacts": contacts},
            }
            yield SyntheticCase(request=request, segment=debtor.segment)


def _debtor(rng: random.Random, number: int, as_of: datetime) -> _Debtor:
    market = rng.choices(_MARKETS, _MARKET_WEIGHTS)[0]
    kind = "business" if rng.random() < _BUSINESS_SHARE else "consumer"
    consumer = kind == "consumer"
    segment = rng.choices(_SEGMENTS, _SEGMENT_WEIGHTS)[0]
    profile = _PROFILES[segment]
    invoices = rng.choices(_INVOICES_PER_DEBTOR, _INVOICES_PER_DEBTOR_WEIGHTS)[0]

    language = market.language
    if market.jurisdiction == "NL" and not consumer and rng.random() < 0.3:
        language = "en"
    us = market.jurisdiction.startswith("US-")
    role = "debt_collector" if us and rng.random() < profile.debt_collector else "first_party"

    consents = {
        "email": rng.random() < (0.97 if not consumer else 0.88),
        "sms": rng.random() < (0.10 if not consumer else 0.35),
        "phone": rng.random() < (0.60 if not consumer else 0.45),
        "letter": rng.random() < 0.95,
    }

    _, latest = _today_bounds(as_of, market.timezone)
    breathing = (consumer and market.jurisdiction == "GB" and rng.random() < profile.breathing_space)
    flags = {
        "vulnerable": consumer and rng.random() < profile.vulnerable,
        "insolvency": rng.random() < profile.insolvency,
        "deceased": consumer and rng.random() < _DECEASED,
        "breathing_space_until": (
            (latest + timedelta(days=rng.randint(1, _BREATHING_SPACE_DAYS))).isoformat() if breathing else None
        ),
        "cease_communication": rng.random() < _CEASE_COMMUNICATION,
        "no_work_contact": consumer and rng.random() < _NO_WORK_CONTACT,
    }

    # Past invoices (paid): everything but the 1–4 still open here.
    new_customer = rng.random() < 0.10
    prior = 0 if new_customer else min(int(rng.expovariate(1 / (8 if consumer else 25))), 400)
    late_ratio = rng.betavariate(*profile.late_ratio)
    paid_late = sum(rng.random() < late_ratio for _ in range(prior))
    avg_days_late = (
        max(1.0, round(rng.gammavariate(2.0, profile.days_late_mean / 2.0), 1)) if paid_late else 0.0
    )
    history = {
        "invoices_total": prior + invoices,
        "invoices_paid_late": paid_late,
        "avg_days_late": avg_days_late,
        "paperless": rng.random() < (0.80 if not consumer else 0.55),
    }
    return _Debtor(number, kind, market, segment, language, role, consents, flags, history, invoices)


def _claim(
    rng: random.Random, debtor: _Debtor, number: int, as_of: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    profile = _PROFILES[debtor.segment]
    zone = ZoneInfo(debtor.market.timezone)
    # Date facts are checked against both the UTC date and the debtor's local date of as_of.
    earliest, latest = _today_bounds(as_of, debtor.market.timezone)
    local_today = as_of.astimezone(zone).date()

    # (1) when: days past due in the debtor's time zone, payment terms, issue date
    if debtor.role == "debt_collector":
        dpd = int(rng.triangular(*_DEBT_COLLECTOR_DPD))
    elif rng.random() < profile.not_due:
        dpd = rng.randint(*_NOT_DUE_DPD)
    else:
        dpd = int(rng.triangular(*profile.dpd))
    due_on = local_today - timedelta(days=dpd)
    issued_on = due_on - timedelta(days=rng.choice(_TERMS[debtor.kind]))

    # (2) how much: log-normal amount in the currency's minor unit, partial payments
    median, sigma, floor, ceiling = _AMOUNT[debtor.kind]
    quantum = Decimal(1).scaleb(-exponent_of(debtor.market.currency))
    major = min(max(rng.lognormvariate(math.log(median), sigma), floor), ceiling)
    amount = Decimal(major).quantize(quantum, ROUND_HALF_EVEN)
    open_amount = amount
    last_payment_on = None
    if rng.random() < profile.partial_payment:
        paid = (amount * Decimal(rng.uniform(0.1, 0.8))).quantize(quantum, ROUND_HALF_EVEN)
        if 0 < paid < amount:
            open_amount = amount - paid
            last_payment_on = _between(rng, issued_on + timedelta(days=1), earliest - timedelta(days=1))

    overdue = dpd > 0
    disputed = rng.random() < _DISPUTED
    promise = None
    if overdue and not disputed and rng.random() < _PROMISE:
        promise = (latest + timedelta(days=rng.randint(1, 21))).isoformat()

    invoice = {
        "ref": f"INV-{number:07d}",
        "currency": debtor.market.currency,
        "amount": str(amount),
        "open_amount": str(open_amount),
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "disputed": disputed,
        "promise_to_pay_on": promise,
        "last_payment_on": last_payment_on.isoformat() if last_payment_on else None,
    }
    dunning = _dunning(rng, debtor, zone, issued_on, due_on, as_of)
    contacts = _contacts(rng, debtor, profile, zone, issued_on, due_on, as_of)
    return invoice, dunning, contacts


def _dunning(
    rng: random.Random, debtor: _Debtor, zone: ZoneInfo, issued_on: date, due_on: date, as_of: datetime
) -> list[dict[str, Any]]:
    """The ladder so far: pre-due (0), reminder (1), reminder (2), final notice (3)."""
    consents = debtor.consents
    paperless = debtor.history["paperless"]
    planned: list[tuple[date, str, int]] = []
    if paperless and rng.random() < 0.35:
        planned.append((due_on - timedelta(days=3), "pre_due_reminder", 0))
    if rng.random() < 0.92:                        # some creditors do not dun every claim
        day = _working_day(due_on + timedelta(days=rng.randint(3, 10)))
        planned.append((day, "reminder", 1))
        day = _working_day(day + timedelta(days=rng.randint(12, 16)))
        planned.append((day, "reminder", 2))
        day = _working_day(day + timedelta(days=rng.randint(12, 16)))
        planned.append((day, "final_notice", 3))

    entries = []
    for day, kind, level in planned:
        at = datetime.combine(day, _SEND_AT, tzinfo=zone).astimezone(UTC)
        if at >= as_of:
            break
        if day <= issued_on:
            continue
        entries.append({"at": _instant(at), "kind": kind, "level": level,
                        "channel": _channel(rng, level, consents, paperless)})
    return entries


def _channel(rng: random.Random, level: int, consents: dict[str, bool], paperless: bool) -> str:
    if level == 2 and consents["sms"] and rng.random() < 0.25:
        return "sms"
    if level == 3:
        return "letter" if consents["letter"] or not consents["email"] else "email"
    if paperless and consents["email"]:
        return "email"
    return "letter" if consents["letter"] or not consents["email"] else "email"


def _contacts(
    rng: random.Random, debtor: _Debtor, profile: _Profile, zone: ZoneInfo,
    issued_on: date, due_on: date, as_of: datetime,
) -> list[dict[str, Any]]:
    """Phone attempts from two weeks past due, only to debtors who consented to calls."""
    if not debtor.consents["phone"] or rng.random() >= profile.phone_attempts:
        return []
    first = max(due_on + timedelta(days=14), issued_on + timedelta(days=1))
    last = as_of.astimezone(zone).date() - timedelta(days=1)
    if first > last:
        return []
    attempts: dict[datetime, bool] = {}
    for _ in range(rng.randint(1, 4)):
        day = _between(rng, first, last)
        local = datetime.combine(day, time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), tzinfo=zone)
        connected = rng.random() < 0.3
        attempts.setdefault(local.astimezone(UTC), connected)
    return [{"at": _instant(at), "channel": "phone", "connected": connected}
            for at, connected in sorted(attempts.items()) if at < as_of]


# --- small helpers -----------------------------------------------------------------------

def _today_bounds(as_of: datetime, timezone: str) -> tuple[date, date]:
    """The earlier and later of as_of's UTC date and its date in the debtor's zone."""
    utc_day = as_of.date()
    local_day = as_of.astimezone(ZoneInfo(timezone)).date()
    return min(utc_day, local_day), max(utc_day, local_day)


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _working_day(day: date) -> date:
    """Saturday and Sunday move to Monday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _text(path_or_file: str | os.PathLike[str] | IO[str], mode: str) -> Iterator[IO[str]]:
    if hasattr(path_or_file, "read") or hasattr(path_or_file, "write"):
        yield path_or_file  # type: ignore[misc]
        return
    with open(path_or_file, mode, encoding="utf-8", newline="\n" if mode == "w" else None) as f:
        yield f
