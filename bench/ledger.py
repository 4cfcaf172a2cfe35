"""Ledger benchmarks: append throughput (group-committed batches and single appends)
on SQLite and PostgreSQL, full verification rate (in the database and of an export,
offline), and proof times in a ledger of 1,000,000 entries.

Entries carry a decision-sized body (about 2 KB of canonical JSON) and, where noted,
a 3.2 KB sealed blob, as a recorded decision does. Building the large ledger is not
timed beyond its own append rate."""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledger import Database, Notary, Sealed, append, verify_chain
from ledger.offline import read_public_keys, verify_export
from service.schema import upgrade

from ._common import database, percentiles

T0 = datetime(2026, 11, 22, 9, tzinfo=UTC)
BLOB_BYTES = 3246


def decision_body(i: int) -> dict[str, Any]:
    """The shape and size of a recorded decision's ledger body."""
    reason = ("Der noch offene Betrag Ihrer Rechnung macht eine verspätete Zahlung wahrscheinlicher; "
              "er liegt über dem Durchschnitt Ihrer bisherigen Rechnungen.")
    return {
        "decision_id": str(uuid.UUID(int=i)), "as_of": "2026-11-22T09:00:00Z", "status": "decided",
        "action": {"kind": "reminder", "level": 2, "channel": "letter", "tone": "gentle",
                   "send_at": "2026-11-23T08:00:00Z", "template": "reminder.l2.gentle.de", "notices": [],
                   "fees": [{"kind": "dunning_fee", "amount": "2.50", "currency": "EUR",
                             "basis": "BGB §§ 280(1),(2), 286: Verzugsschaden, pauschaliert"}]},
        "risk": {"p_late": 0.020409, "band": "low", "uncertainty": 0.00256, "profiling": True,
                 "model": {"id": "ebm-ar-ibm-fb92dbb7310a", "sha256": "17" * 32}},
        "explanation": {"language": "de", "summary": "Mahnung Nr. 2 per Brief, geplant für 2026-11-23 09:00: "
                                                    "die Rechnung ist seit 22 Tagen fällig.",
                        "reasons": [{"feature": f"feature_{k}", "value": 120.0 + k, "contribution": 0.313925 - k / 10,
                                     "direction": "raises", "text": reason} for k in range(4)],
                        "policy": [{"rule": "FD-CONSENT-CHANNEL", "effect": "deny", "action": "reminder",
                                    "channel": "email", "citation": "GDPR Art. 6(1)(a), Art. 7(3)",
                                    "message": "no consent on record for channel email"}]},
        "policy": {"bundle_sha256": "84" * 32, "engine": "opa-embedded", "engine_version": "1.20.2"},
        "strategy": {"ladder_version": "2026.11-2", "ladder_sha256": "ab" * 32}, "hold": None,
        "subject": f"{i % 9973:064x}", "claim": f"{i:064x}",
    }


def _append(db: Database, n: int, per_transaction: int, *, sealed: bool, offset: int = 0) -> float:
    """Seconds spent appending ``n`` entries, ``per_transaction`` per commit (making up
    the bodies and blobs, the caller's work, is not timed)."""
    spent = 0.0
    written = 0
    while written < n:
        count = min(per_transaction, n - written)
        inputs = [(decision_body(i), Sealed(subject_id=f"{i % 9973:064x}", data=os.urandom(BLOB_BYTES))
                   if sealed else None) for i in range(offset + written, offset + written + count)]
        started = time.perf_counter()
        with db.unit_of_work() as uow:
            for body, blob in inputs:
                append(uow.session, kind="decision", body=body, ts=T0, sealed=blob)
            uow.commit()
        spent += time.perf_counter() - started
        written += count
    return spent


def append_rates(backend: str, *, batched: int = 20_000, single: int = 2_000, batch: int = 250) -> dict[str, float]:
    with database(backend) as url:
        db = Database(url)
        upgrade(db.engine)
        batched_s = _append(db, batched, batch, sealed=True)
        single_s = _append(db, single, 1, sealed=True, offset=batched)
        with db.reading() as session:
            started = time.perf_counter()
            report = verify_chain(session)
            verify_s = time.perf_counter() - started
        db.dispose()
    return {"backend": backend, "batched_per_s": batched / batched_s, "batch": batch, "batched_n": batched,
            "single_per_s": single / single_s, "single_n": single,
            "verify_with_blobs_per_s": report.entries / verify_s, "verify_n": report.entries}


def large_ledger(backend: str, size: int = 1_000_000, *, proofs: int = 1000, batch: int = 1000) -> dict[str, Any]:
    """Build a ledger of ``size`` entries (no blobs), then time full verification (in the
    database and of its export, offline) and proofs against the full tree."""
    rng = random.Random(5)
    with database(backend) as url, tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
        db = Database(url)
        upgrade(db.engine)
        build_s = _append(db, size, batch, sealed=False)
        notary = Notary(db=db, instance_path=Path(folder), origin="bench/ledger", clock=lambda: T0)
        started = time.perf_counter()
        notary.checkpoint()
        first_checkpoint_s = time.perf_counter() - started
        started = time.perf_counter()
        report = notary.verify()
        verify_s = time.perf_counter() - started
        inclusion, consistency = [], []
        for _ in range(proofs):
            seq = rng.randrange(size)
            started = time.perf_counter()
            notary.inclusion(seq, size)
            inclusion.append(time.perf_counter() - started)
            old = rng.randrange(1, size)
            started = time.perf_counter()
            notary.consistency(old, size)
            consistency.append(time.perf_counter() - started)
        exported = notary.export(Path(folder) / "export")
        keys = read_public_keys("\n".join(notary.public_keys()))
        started = time.perf_counter()
        verify_export(exported.directory, keys)
        offline_s = time.perf_counter() - started
        db.dispose()
    return {"backend": backend, "size": size, "build_per_s": size / build_s, "first_checkpoint_s": first_checkpoint_s,
            "verify_per_s": report.entries / verify_s, "offline_verify_per_s": size / offline_s,
            "inclusion": percentiles(inclusion), "consistency": percentiles(consistency)}


def markdown(appends: list[dict[str, Any]], large: list[dict[str, Any]]) -> list[str]:
    lines = ["", "## Ledger (targets: appends >= 5,000/s batched on SQLite, >= 2,000/s on PostgreSQL; "
                 "full verification >= 100,000 entries/s; inclusion proof <= 5 ms at 1,000,000 entries)", "",
             "Entries with a decision-sized body (about 2 KB canonical JSON) and a 3.2 KB sealed blob.", "",
             "| backend | batched appends/s (250 per commit) | single appends/s | verification/s incl. blobs |",
             "|---|---|---|---|"]
    for r in appends:
        lines.append(f"| {r['backend']} | {r['batched_per_s']:,.0f} ({r['batched_n']:,}) | "
                     f"{r['single_per_s']:,.0f} ({r['single_n']:,}) | {r['verify_with_blobs_per_s']:,.0f} |")
    lines += ["", "Ledgers of 1,000,000 entries (bodies only), appended 1,000 per commit:", "",
              "| backend | build appends/s | verification/s (database) | verification/s (export, offline) | "
              "inclusion proof p50 / p99 ms | consistency proof p50 / p99 ms |", "|---|---|---|---|---|---|"]
    for r in large:
        lines.append(f"| {r['backend']} | {r['build_per_s']:,.0f} | {r['verify_per_s']:,.0f} | "
                     f"{r['offline_verify_per_s']:,.0f} | {r['inclusion']['p50_ms']:.2f} / "
                     f"{r['inclusion']['p99_ms']:.2f} | {r['consistency']['p50_ms']:.2f} / "
                     f"{r['consistency']['p99_ms']:.2f} |")
    return lines


def main() -> list[str]:
    appends = [append_rates(backend) for backend in ("sqlite", "postgresql")]
    large = [large_ledger(backend) for backend in ("sqlite", "postgresql")]
    return markdown(appends, large)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    for backend in args.backend or ("sqlite", "postgresql"):
        print(json.dumps(append_rates(backend)), flush=True)
        if not args.skip_large:
            print(json.dumps(large_ledger(backend, args.size)), flush=True)
