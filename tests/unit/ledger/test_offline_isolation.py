"""The offline verifier needs nothing but the standard library and ``cryptography``:
it is loaded and run as a lone file in a fresh interpreter in which importing
anything else (fairdun's packages, SQLAlchemy, rfc8785, …) fails."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import rfc9162_reference as reference

import ledger.offline
from ledger.canonical import canonical_json
from ledger.chain import entry_document
from ledger.checkpoints import checkpoint_text
from ledger.offline import GENESIS_PREV, verify_export
from ledger.signing import NoteSigner

OFFLINE = Path(ledger.offline.__file__)
# Installed first in the child: every import outside the standard library and
# cryptography (with its compiled helpers) raises.
BLOCKER = """
import importlib.abc, sys
ALLOWED = set(sys.stdlib_module_names) | {"cryptography", "_cffi_backend", "_openssl"}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in ALLOWED:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Blocker())
"""


def _child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", "-c", BLOCKER + code, *args], capture_output=True, text=True,
                          timeout=60)


def test_the_blocker_blocks_what_the_verifier_must_not_need() -> None:
    for name in ("ledger", "service", "decisions", "retention", "sqlalchemy", "rfc8785"):
        done = _child(f"import {name}")
        assert done.returncode != 0 and f"blocked: {name}" in done.stderr


def test_the_verifier_loads_with_only_the_standard_library_and_cryptography() -> None:
    code = f"""
import importlib.util, json, sys
before = set(sys.modules)
spec = importlib.util.spec_from_file_location("offline", {str(OFFLINE)!r})
module = importlib.util.module_from_spec(spec)
sys.modules["offline"] = module
spec.loader.exec_module(module)
print(json.dumps(sorted({{m.split(".")[0] for m in set(sys.modules) - before}} - set(sys.stdlib_module_names))))
"""
    done = _child(code)
    assert done.returncode == 0, done.stderr
    assert "cryptography" in json.loads(done.stdout)
    assert set(json.loads(done.stdout)) <= {"offline", "cryptography", "_cffi_backend", "_openssl"}


def _export(folder: Path, signer: NoteSigner, n: int) -> None:
    folder.mkdir()
    lines, leaves, prev = [], [], GENESIS_PREV
    for seq in range(n):
        entry = canonical_json(entry_document(seq=seq, ts=datetime(2026, 11, 22, tzinfo=UTC), kind="test", prev=prev,
                                              body={"i": seq}, sealed_sha256=None))
        prev = reference.leaf(entry).hex()
        leaves.append(reference.leaf(entry))
        lines.append(json.dumps({"seq": seq, "entry": entry.decode(), "leaf_hash": prev}))
    (folder / "entries.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "checkpoint.txt").write_text(signer.sign(checkpoint_text("test/log", n, reference.mth(leaves))))
    (folder / "public-keys.txt").write_text(signer.verifier.vkey + "\n")


def test_the_verifier_runs_as_a_lone_script(tmp_path: Path) -> None:
    signer = NoteSigner.from_seed("test/log", bytes(range(32)))
    _export(tmp_path / "export", signer, 9)
    run = f"import runpy; runpy.run_path({str(OFFLINE)!r}, run_name='__main__')"
    arguments = ("--export", str(tmp_path / "export"), "--public-key", str(tmp_path / "export" / "public-keys.txt"))
    done = _child(f"import sys; sys.argv[1:] = {list(arguments)!r}; " + run)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 9 entries")
    entries = tmp_path / "export" / "entries.jsonl"
    entries.write_text(entries.read_text().replace('\\"i\\":4', '\\"i\\":5'))
    done = _child(f"import sys; sys.argv[1:] = {list(arguments)!r}; " + run)
    assert done.returncode == 1 and "FAILED at seq 4: modified" in done.stderr


def test_exported_lines_in_any_json_layout_verify_alike(tmp_path: Path) -> None:
    signer = NoteSigner.from_seed("test/log", bytes(range(32)))
    _export(tmp_path / "export", signer, 5)
    entries = tmp_path / "export" / "entries.jsonl"
    relaid = [json.dumps(dict(reversed(list(json.loads(line).items()))), indent=None, ensure_ascii=True)
              for line in entries.read_text().splitlines()]
    entries.write_text("\n".join(relaid) + "\n")
    report = verify_export(tmp_path / "export", [signer.verifier])
    assert report.entries == 5
