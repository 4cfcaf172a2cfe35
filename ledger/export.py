"""Entries in the wire format, and the export an auditor verifies offline.

Wire format (DESIGN.md): ``{"seq": …, "entry": "<the exact canonical JSON text that
was hashed>", "leaf_hash": "<hex>"}``. An export is ``entries.jsonl`` (one wire
entry per line, exactly the entries its checkpoint covers), ``checkpoint.txt`` (the
signed note), ``checkpoints.jsonl`` (every checkpoint stored before it, so a verifier
names the first one a rewritten entry disagrees with) and ``public-keys.txt``
(signed-note verifier keys, one per line).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .checkpoints import SignedCheckpoint
from .db import Database
from .offline import CHECKPOINT_FILE, CHECKPOINTS_FILE, ENTRIES_FILE, PUBLIC_KEYS_FILE
from .tables import LedgerCheckpoint, LedgerEntry

__all__ = ["wire_entries", "export_ledger", "Exported"]


@dataclass(frozen=True)
class Exported:
    directory: Path
    entries: int
    checkpoint: SignedCheckpoint


def wire_entries(session: Session, start: int, end: int) -> list[dict[str, Any]]:
    """Entries ``start`` to ``end`` (exclusive) as wire documents."""
    rows = session.execute(select(LedgerEntry.seq, LedgerEntry.entry, LedgerEntry.leaf_hash)
                           .where(LedgerEntry.seq >= start, LedgerEntry.seq < end).order_by(LedgerEntry.seq))
    return [{"seq": seq, "entry": entry, "leaf_hash": leaf} for seq, entry, leaf in rows]


def export_ledger(db: Database, out: Path, *, checkpoint: SignedCheckpoint, public_keys: Sequence[str]) -> Exported:
    """Write the entries ``checkpoint`` covers, the checkpoint and the keys into ``out``.

    Each file is written under a temporary name and renamed into place, so a
    folder never holds half an export file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with _replacing(out / ENTRIES_FILE) as handle, db.reading() as session:
        rows = session.execute(select(LedgerEntry.seq, LedgerEntry.entry, LedgerEntry.leaf_hash)
                               .where(LedgerEntry.seq < checkpoint.tree_size).order_by(LedgerEntry.seq)
                               .execution_options(yield_per=5000))
        for seq, entry, leaf in rows:
            handle.write(json.dumps({"seq": seq, "entry": entry, "leaf_hash": leaf}, ensure_ascii=False,
                                    separators=(",", ":")) + "\n")
            count += 1
        earlier = session.execute(select(LedgerCheckpoint.tree_size, LedgerCheckpoint.note)
                                  .where(LedgerCheckpoint.tree_size <= checkpoint.tree_size)
                                  .order_by(LedgerCheckpoint.tree_size, LedgerCheckpoint.id)).all()
    with _replacing(out / CHECKPOINTS_FILE) as handle:
        for tree_size, note in earlier:
            if note != checkpoint.note:
                handle.write(json.dumps({"tree_size": tree_size, "note": note}, separators=(",", ":")) + "\n")
    with _replacing(out / CHECKPOINT_FILE) as handle:
        handle.write(checkpoint.note)
    with _replacing(out / PUBLIC_KEYS_FILE) as handle:
        handle.write("".join(f"{key}\n" for key in public_keys))
    return Exported(directory=out, entries=count, checkpoint=checkpoint)


class _replacing:
    """A text file written to ``<name>.partial`` and renamed over ``path`` on success."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._partial = path.with_name(path.name + ".partial")

    def __enter__(self) -> Any:
        self._handle = self._partial.open("w", encoding="utf-8", newline="\n")
        return self._handle

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._handle.close()
        if exc_type is None:
            os.replace(self._partial, self._path)
        else:
            self._partial.unlink(missing_ok=True)
