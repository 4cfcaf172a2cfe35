"""The checkpoint journal: every checkpoint this instance signs, appended to a file in the
instance folder, ``<instance>/ledger/checkpoints.jsonl``.

Checkpoints live in the database next to the entries they cover, so whoever can delete the
last thousand entries can delete their checkpoints too, and the ledger that is left verifies.
The journal is the copy the database cannot reach: verification (``verify.verify_ledger``)
compares the entries with every journaled checkpoint and requires each to be stored still.
It is a witness, not the system of record: a line is written after the checkpoint has
committed, so at worst the journal misses the last checkpoint of a crashed process.

One JSON object per line (``tree_size``, ``root_hash``, ``note``); appends are single
``write`` calls on a file opened for appending, so processes sharing the instance folder do
not interleave. A last line without its newline is an append cut short and is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import LedgerError

__all__ = ["CheckpointJournal", "JournalDamaged", "JOURNAL_FILE"]

JOURNAL_FILE = Path("ledger") / "checkpoints.jsonl"


class JournalDamaged(LedgerError):
    """A line of the journal other than an unfinished last one is not a journaled checkpoint."""


class CheckpointJournal:
    def __init__(self, instance_path: Path) -> None:
        self.path = Path(instance_path) / JOURNAL_FILE

    def record(self, *, tree_size: int, root_hash: str, note: str) -> None:
        line = json.dumps({"tree_size": tree_size, "root_hash": root_hash, "note": note},
                          ensure_ascii=True, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def notes(self) -> list[str]:
        """Every journaled checkpoint note, oldest first (none before the first signature)."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise JournalDamaged(f"the checkpoint journal {self.path} cannot be read: {exc}") from exc
        complete = text.split("\n")[:-1]   # after the last newline: nothing, or an append cut short
        notes = []
        for number, line in enumerate(complete, start=1):
            try:
                record = json.loads(line)
                notes.append(str(record["note"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise JournalDamaged(f"line {number} of the checkpoint journal {self.path} is damaged") from exc
        return notes
