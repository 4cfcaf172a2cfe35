"""``fairdun ledger …`` against a real installation: export, offline verification of
the export, checkpoints on demand, key rotation, exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from decisions.portfolio import generate_portfolio, write_jsonl
from ledger.signing import NoteSigner
from service.cli import main


@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def ledgered(fairdun: Any, tmp_path: Path) -> Path:
    path = tmp_path / "invoices.jsonl"
    write_jsonl(generate_portfolio(9, seed=5, as_of=datetime(2026, 11, 22, 9, tzinfo=UTC)), path)
    assert fairdun("run", str(path), "--workers", "1", "--no-progress").exit_code == 0
    keys = fairdun("ledger", "public-keys")
    assert keys.exit_code == 0
    (tmp_path / "trusted.pub").write_text(keys.output)
    return tmp_path / "trusted.pub"


def test_an_export_verifies_offline_and_a_changed_byte_fails_at_its_seq(fairdun: Any, ledgered: Path,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "export"
    exported = fairdun("ledger", "export", "--out", str(out))
    # 9 decisions and the review case that the one needing review opened
    assert exported.exit_code == 0 and "exported 10 entries" in exported.output
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.txt", "checkpoints.jsonl", "entries.jsonl",
                                                       "public-keys.txt"]
    verified = fairdun("ledger", "verify", "--export", str(out), "--public-key", str(ledgered))
    assert verified.exit_code == 0 and verified.output.startswith("ok: 10 entries")
    lines = (out / "entries.jsonl").read_text().splitlines(keepends=True)
    wire = json.loads(lines[6])
    wire["entry"] = wire["entry"].replace('"kind":"decision"', '"kind":"decisioN"')
    lines[6] = json.dumps(wire, ensure_ascii=False) + "\n"
    (out / "entries.jsonl").write_text("".join(lines))
    broken = fairdun("ledger", "verify", "--export", str(out), "--public-key", str(ledgered))
    assert broken.exit_code == 1 and "FAILED at seq 6: modified" in broken.stderr


def test_an_export_needs_keys_the_auditor_trusts(fairdun: Any, ledgered: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    fairdun("ledger", "export", "--out", str(out))
    assert fairdun("ledger", "verify", "--export", str(out)).exit_code == 2
    other = tmp_path / "other.pub"
    other.write_text(NoteSigner.from_seed("fairdun/ledger", bytes(32)).verifier.vkey + "\n")
    refused = fairdun("ledger", "verify", "--export", str(out), "--public-key", str(other))
    assert refused.exit_code == 1 and "FAILED at seq 0: bad_signature" in refused.stderr


def test_checkpoints_on_demand_and_a_rotated_key(fairdun: Any, ledgered: Path, tmp_path: Path) -> None:
    signed = fairdun("ledger", "checkpoint")
    assert signed.exit_code == 0 and signed.output.startswith("fairdun/ledger\n10\n")
    (tmp_path / "earlier.txt").write_text(signed.output)
    rotated = fairdun("ledger", "rotate-key")
    assert rotated.exit_code == 0
    new_key = rotated.output.strip()
    keys = fairdun("ledger", "public-keys").output.split()
    assert keys == [ledgered.read_text().strip(), new_key]
    assert fairdun("ledger", "verify", "--checkpoint", str(tmp_path / "earlier.txt")).exit_code == 0
    (tmp_path / "new.pub").write_text(new_key + "\n")
    only_new = fairdun("ledger", "verify", "--public-key", str(tmp_path / "new.pub"))
    assert only_new.exit_code == 1 and "bad_signature" in only_new.stderr
    (tmp_path / "all.pub").write_text("\n".join(keys) + "\n")
    both = fairdun("ledger", "verify", "--public-key", str(tmp_path / "all.pub"))
    assert both.exit_code == 0 and "checkpoints verified" in both.output
