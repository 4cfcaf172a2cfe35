"""The synthetic portfolio: shape, constraints, realism, reproducibility, streaming."""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tracemalloc
import types
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from statistics import mean, median
from zoneinfo import ZoneInfo, available_timezones

import iso4217
import pycountry
import pytest

from decisions.portfolio import (
    Segment,
    generate_cases,
    generate_portfolio,
    read_jsonl,
    write_jsonl,
)

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
AS_OF_TEXT = "2026-11-22T09:00:00Z"

# The contract's request shape (DESIGN.md, "Public contract"), key for key.
SHAPE = {
    "as_of": None,
    "creditor": {"role": None},
    "debtor": {
        "ref": None, "kind": None, "jurisdiction": None, "timezone": None, "language": None,
        "contact": {"name": None, "email": None, "phone": None, "address": None},
        "consents": {"email": None, "sms": None, "phone": None, "letter": None},
        "flags": {"vulnerable": None, "insolvency": None, "deceased": None,
                  "breathing_space_until": None, "cease_communication": None, "no_work_contact": None},
    },
    "invoice": {"ref": None, "currency": None, "amount": None, "open_amount": None, "issued_on": None,
                "due_on": None, "disputed": None, "promise_to_pay_on": None, "last_payment_on": None},
    "history": {"invoices_total": None, "invoices_paid_late": None, "avg_days_late": None,
                "paperless": None, "dunning": None, "contacts": None},
}
EXPECTED_ZONE = {
    "DE": "Europe/Berlin", "GB": "Europe/London", "US-NY": "America/New_York",
    "US-MA": "America/New_York", "US-CA": "America/Los_Angeles", "FR": "Europe/Paris",
    "NL": "Europe/Amsterdam", "AT": "Europe/Vienna",
}
EXPECTED_CURRENCY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "AT": "EUR", "GB": "GBP", "US": "USD"}
LADDER = {"pre_due_reminder": {0}, "reminder": {1, 2}, "final_notice": {3}}
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
ZONES = available_timezones()


@pytest.fixture(scope="module")
def cases():
    return list(generate_cases(5_000, seed=20261122, as_of=AS_OF))


@pytest.fixture(scope="module")
def requests(cases):
    return [c.request for c in cases]


def _instant(text: str) -> datetime:
    assert INSTANT.fullmatch(text), text
    return datetime.fromisoformat(text)


def _assert_shape(value, shape, where="request"):
    if isinstance(shape, dict):
        assert isinstance(value, dict), where
        assert list(value) == list(shape), f"{where}: keys {list(value)}"
        for key, sub in shape.items():
            _assert_shape(value[key], sub, f"{where}.{key}")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _check_request(r: dict, as_of_text: str = AS_OF_TEXT) -> None:
    """Everything the API validator enforces, checked independently of the generator."""
    _assert_shape(r, SHAPE)
    assert r["as_of"] == as_of_text
    as_of = _instant(r["as_of"])
    debtor, invoice, history = r["debtor"], r["invoice"], r["history"]
    utc_day = as_of.date()
    local_day = as_of.astimezone(ZoneInfo(debtor["timezone"])).date()
    past_before, future_after = min(utc_day, local_day), max(utc_day, local_day)

    assert r["creditor"]["role"] in ("first_party", "debt_collector")
    assert debtor["kind"] in ("consumer", "business")
    assert re.fullmatch(r"C-\d{6}", debtor["ref"])
    jurisdiction = debtor["jurisdiction"]
    if "-" in jurisdiction:
        assert pycountry.subdivisions.get(code=jurisdiction) is not None, jurisdiction
    else:
        assert pycountry.countries.get(alpha_2=jurisdiction) is not None, jurisdiction
    assert debtor["timezone"] in ZONES
    assert debtor["timezone"] == EXPECTED_ZONE[jurisdiction]
    assert pycountry.languages.get(alpha_2=debtor["language"]) is not None
    contact = debtor["contact"]
    assert contact["email"].endswith("@example.invalid")
    assert contact["name"].startswith("Debtor ")
    assert "Example Street" in contact["address"]
    assert all(isinstance(v, bool) for v in debtor["consents"].values())
    flags = debtor["flags"]
    for name in ("vulnerable", "insolvency", "deceased", "cease_communication", "no_work_contact"):
        assert isinstance(flags[name], bool)
    if flags["breathing_space_until"] is not None:
        assert date.fromisoformat(flags["breathing_space_until"]) > future_after
        assert jurisdiction == "GB" and debtor["kind"] == "consumer"

    # invoice: refs, money, dates
    assert re.fullmatch(r"INV-\d{7}", invoice["ref"])
    currency = invoice["currency"]
    assert currency == EXPECTED_CURRENCY[jurisdiction.split("-")[0]]
    digits = iso4217.Currency(currency).exponent
    money = re.compile(rf"\d+\.\d{{{digits}}}" if digits else r"\d+")
    assert money.fullmatch(invoice["amount"]) and money.fullmatch(invoice["open_amount"])
    amount, open_amount = Decimal(invoice["amount"]), Decimal(invoice["open_amount"])
    assert 0 < open_amount <= amount
    issued_on, due_on = date.fromisoformat(invoice["issued_on"]), date.fromisoformat(invoice["due_on"])
    assert issued_on <= due_on
    assert issued_on < past_before
    assert isinstance(invoice["disputed"], bool)
    if invoice["promise_to_pay_on"] is not None:
        assert date.fromisoformat(invoice["promise_to_pay_on"]) > future_after
    if invoice["last_payment_on"] is not None:
        assert issued_on < date.fromisoformat(invoice["last_payment_on"]) < past_before
        assert open_amount < amount
    else:
        assert open_amount == amount

    # history: counts and the ladder
    assert history["invoices_total"] >= 1
    assert 0 <= history["invoices_paid_late"] <= history["invoices_total"]
    assert history["avg_days_late"] >= 0 and isinstance(history["avg_days_late"], float)
    assert (history["avg_days_late"] > 0) == (history["invoices_paid_late"] > 0)
    assert isinstance(history["paperless"], bool)
    assert len(history["dunning"]) <= 50 and len(history["contacts"]) <= 50
    previous = None
    for entry in history["dunning"]:
        assert list(entry) == ["at", "kind", "level", "channel"]
        at = _instant(entry["at"])
        assert at < as_of
        assert at.astimezone(ZoneInfo(debtor["timezone"])).date() > issued_on
        assert entry["level"] in LADDER[entry["kind"]]
        assert entry["channel"] in ("email", "sms", "letter", "phone")
        if previous is not None:
            assert entry["level"] > previous["level"]
            gap = (at - _instant(previous["at"])).days
            assert gap >= 1
            if previous["level"] >= 1:
                assert 11 <= gap <= 19, (previous, entry)          # ~2 weeks, weekend shifts
        if entry["level"] == 1:
            days = (at.astimezone(ZoneInfo(debtor["timezone"])).date() - due_on).days
            assert 3 <= days <= 12                                  # 3–10 days past due (+ weekend)
        previous = entry
    ats = []
    for entry in history["contacts"]:
        assert list(entry) == ["at", "channel", "connected"]
        at = _instant(entry["at"])
        assert at < as_of and at.date() > issued_on
        assert isinstance(entry["connected"], bool)
        ats.append(at)
    assert ats == sorted(ats)
    if history["contacts"]:
        assert debtor["consents"]["phone"]

    assert all(len(s) <= 200 for s in _strings(r))


# --- constraints -------------------------------------------------------------------------

def test_every_request_satisfies_the_contract_constraints(requests):
    assert len(requests) == 5_000
    for r in requests:
        _check_request(r)


def test_constraints_hold_around_midnight_and_with_a_non_utc_as_of():
    # 23:30 in Berlin is 22:30Z: the UTC date and the Los Angeles date differ from Berlin's.
    as_of = datetime(2026, 3, 29, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    requests = list(generate_portfolio(1_500, seed=5, as_of=as_of))
    for r in requests:
        _check_request(r, "2026-03-29T21:30:00Z")


def test_invoice_refs_are_unique(requests):
    refs = [r["invoice"]["ref"] for r in requests]
    assert len(set(refs)) == len(refs)


def test_a_debtor_ref_always_carries_identical_debtor_data(requests):
    by_ref: dict[str, list[dict]] = defaultdict(list)
    for r in requests:
        by_ref[r["debtor"]["ref"]].append(r)
    counts = Counter(len(rs) for rs in by_ref.values())
    assert set(counts) <= {1, 2, 3, 4}
    assert counts[1] > counts[2] > counts[3] > 0 and counts[4] > 0
    for rs in by_ref.values():
        first = rs[0]
        for other in rs[1:]:
            assert other["debtor"] == first["debtor"]
            assert other["creditor"] == first["creditor"]
            for key in ("invoices_total", "invoices_paid_late", "avg_days_late", "paperless"):
                assert other["history"][key] == first["history"][key]
            assert other["history"]["invoices_total"] >= len(rs)


def test_requests_of_one_debtor_do_not_share_mutable_parts():
    requests = list(generate_portfolio(50, seed=2, as_of=AS_OF))
    first, second = next((a, b) for a, b in itertools.pairwise(requests)
                         if a["debtor"]["ref"] == b["debtor"]["ref"])
    first["debtor"]["flags"]["vulnerable"] = "changed"
    first["debtor"]["contact"]["name"] = "changed"
    first["debtor"]["consents"]["email"] = "changed"
    assert "changed" not in (second["debtor"]["flags"]["vulnerable"], second["debtor"]["contact"]["name"],
                             second["debtor"]["consents"]["email"])


# --- realism -----------------------------------------------------------------------------

def test_markets_kinds_and_roles(requests):
    jurisdictions = Counter(r["debtor"]["jurisdiction"] for r in requests)
    assert set(jurisdictions) == set(EXPECTED_ZONE)
    main = sum(jurisdictions[j] for j in ("DE", "GB", "US-NY", "US-MA", "US-CA"))
    assert main / len(requests) > 0.75
    assert jurisdictions["US-CA"] == max(jurisdictions.values())
    kinds = Counter(r["debtor"]["kind"] for r in requests)
    assert 0.6 < kinds["consumer"] / len(requests) < 0.9
    languages = {(r["debtor"]["jurisdiction"], r["debtor"]["language"]) for r in requests}
    assert ("DE", "de") in languages and ("FR", "fr") in languages and ("NL", "nl") in languages
    assert ("US-CA", "en") in languages and ("GB", "en") in languages
    roles = Counter((r["debtor"]["jurisdiction"][:2], r["creditor"]["role"]) for r in requests)
    assert roles[("US", "debt_collector")] > 0
    assert all(country == "US" for country, role in roles if role == "debt_collector")
    assert sum(n for (_, role), n in roles.items() if role == "first_party") / len(requests) > 0.85


def test_businesses_owe_more_than_consumers(requests):
    amounts = defaultdict(list)
    for r in requests:
        amounts[r["debtor"]["kind"]].append(Decimal(r["invoice"]["amount"]))
    assert median(amounts["business"]) > 5 * median(amounts["consumer"])
    assert len(set(amounts["consumer"])) > 0.9 * len(amounts["consumer"])   # not a few fixed values


def test_days_past_due_are_mostly_between_minus_7_and_90(requests):
    dpd = [(AS_OF.date() - date.fromisoformat(r["invoice"]["due_on"])).days for r in requests]
    assert sum(-7 <= d <= 90 for d in dpd) / len(dpd) > 0.8
    assert 0.05 < sum(d < 0 for d in dpd) / len(dpd) < 0.3       # some not yet due
    assert sum(d > 30 for d in dpd) / len(dpd) > 0.1


def test_segments_drive_history_and_lateness(cases):
    by_segment = defaultdict(list)
    for c in cases:
        by_segment[c.segment].append(c.request)
    order = [Segment.PUNCTUAL, Segment.OCCASIONALLY_LATE, Segment.CHRONICALLY_LATE, Segment.DISTRESSED]
    assert all(len(by_segment[s]) >= 200 for s in order)

    def late_ratio(rs):
        return mean(r["history"]["invoices_paid_late"] / r["history"]["invoices_total"] for r in rs)

    def days_late(rs):
        return mean(r["history"]["avg_days_late"] for r in rs)

    def days_past_due(rs):
        return mean((AS_OF.date() - date.fromisoformat(r["invoice"]["due_on"])).days for r in rs)

    for metric in (late_ratio, days_late, days_past_due):
        values = [metric(by_segment[s]) for s in order]
        assert values == sorted(values) and values[0] < values[-1], (metric.__name__, values)
    assert late_ratio(by_segment[Segment.CHRONICALLY_LATE]) > 2 * late_ratio(by_segment[Segment.PUNCTUAL])


def test_dunning_and_contacts_happen(requests):
    kinds = Counter(e["kind"] for r in requests for e in r["history"]["dunning"])
    assert kinds["pre_due_reminder"] > 0 and kinds["reminder"] > 0 and kinds["final_notice"] > 0
    channels = Counter(e["channel"] for r in requests for e in r["history"]["dunning"])
    assert channels["email"] > 0 and channels["letter"] > 0
    with_calls = [r for r in requests if r["history"]["contacts"]]
    assert 0.01 < len(with_calls) / len(requests) < 0.3
    assert any(c["connected"] for r in with_calls for c in r["history"]["contacts"])
    assert any(not c["connected"] for r in with_calls for c in r["history"]["contacts"])


def test_rare_facts_and_flags_have_plausible_rates():
    requests = list(generate_portfolio(20_000, seed=11, as_of=AS_OF))
    n = len(requests)
    disputed = sum(r["invoice"]["disputed"] for r in requests) / n
    promises = sum(r["invoice"]["promise_to_pay_on"] is not None for r in requests) / n
    partial = sum(r["invoice"]["last_payment_on"] is not None for r in requests) / n
    assert 0.025 < disputed < 0.055
    assert 0.015 < promises < 0.045
    assert 0.04 < partial < 0.2

    debtors = {r["debtor"]["ref"]: r["debtor"] for r in requests}.values()
    consumers = [d for d in debtors if d["kind"] == "consumer"]

    def rate(flag, population):
        return sum(bool(d["flags"][flag]) for d in population) / len(population)

    assert 0.01 < rate("vulnerable", consumers) < 0.035
    assert 0.001 < rate("insolvency", debtors) < 0.012
    assert 0 < rate("deceased", consumers) < 0.006
    assert 0.001 < rate("cease_communication", debtors) < 0.012
    assert 0.01 < rate("no_work_contact", consumers) < 0.035
    gb_consumers = [d for d in consumers if d["jurisdiction"] == "GB"]
    assert 0.002 < rate("breathing_space_until", gb_consumers) < 0.03
    assert rate("breathing_space_until", [d for d in debtors if d["jurisdiction"] != "GB"]) == 0
    businesses = [d for d in debtors if d["kind"] == "business"]
    assert rate("vulnerable", businesses) == rate("deceased", businesses) == 0


# --- reproducibility ---------------------------------------------------------------------

def test_same_arguments_give_identical_output():
    assert list(generate_portfolio(800, seed=7, as_of=AS_OF)) == list(generate_portfolio(800, seed=7, as_of=AS_OF))


def test_a_different_seed_or_as_of_gives_different_output():
    base = list(generate_portfolio(200, seed=7, as_of=AS_OF))
    assert list(generate_portfolio(200, seed=8, as_of=AS_OF)) != base
    later = list(generate_portfolio(200, seed=7, as_of=AS_OF + timedelta(days=1)))
    assert [r["as_of"] for r in later] != [r["as_of"] for r in base]


def test_a_shorter_portfolio_is_a_prefix_of_a_longer_one():
    long = list(generate_portfolio(300, seed=3, as_of=AS_OF))
    assert list(generate_portfolio(101, seed=3, as_of=AS_OF)) == long[:101]


def test_the_global_random_generator_is_neither_used_nor_disturbed():
    random.seed(1)
    state = random.getstate()
    first = list(generate_portfolio(300, seed=4, as_of=AS_OF))
    assert random.getstate() == state
    random.seed(999)
    assert list(generate_portfolio(300, seed=4, as_of=AS_OF)) == first


def test_output_is_identical_in_another_process_with_another_hash_seed():
    here = json.dumps(list(generate_portfolio(300, seed=9, as_of=AS_OF)))
    code = (
        "import json; from datetime import datetime, UTC;"
        "from decisions.portfolio import generate_portfolio;"
        "print(json.dumps(list(generate_portfolio(300, seed=9, as_of=datetime(2026, 11, 22, 9, tzinfo=UTC)))))"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert there.stdout.strip() == here


def test_as_of_is_normalised_to_utc_and_naive_is_refused():
    east = datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert next(generate_portfolio(1, seed=1, as_of=east))["as_of"] == AS_OF_TEXT
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_portfolio(1, seed=1, as_of=datetime(2026, 11, 22, 9, 0))
    with pytest.raises(ValueError):
        generate_portfolio(-1, seed=1, as_of=AS_OF)
    assert list(generate_portfolio(0, seed=1, as_of=AS_OF)) == []


# --- streaming ---------------------------------------------------------------------------

def test_generating_100k_streams_in_constant_memory():
    tracemalloc.start()
    try:
        portfolio = generate_portfolio(100_000, seed=1, as_of=AS_OF)
        assert isinstance(portfolio, types.GeneratorType)
        for _ in itertools.islice(portfolio, 2_000):
            pass
        after_2k, _ = tracemalloc.get_traced_memory()
        for _ in itertools.islice(portfolio, 18_000):
            pass
        after_20k, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A materialised 100k portfolio is hundreds of MB; 18k more requests must not add up.
    assert peak < 2_000_000
    assert after_20k - after_2k < 100_000


# --- JSON lines --------------------------------------------------------------------------

def test_jsonl_round_trip_through_a_path(tmp_path, requests):
    path = tmp_path / "portfolio.jsonl"
    assert write_jsonl(iter(requests[:1_000]), path) == 1_000
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1_000 and all(line.startswith("{") for line in lines)
    assert list(read_jsonl(path)) == requests[:1_000]


def test_jsonl_round_trip_through_a_file_object(requests):
    buffer = io.StringIO()
    write_jsonl(requests[:50], buffer)
    buffer.seek(0)
    assert list(read_jsonl(buffer)) == requests[:50]
