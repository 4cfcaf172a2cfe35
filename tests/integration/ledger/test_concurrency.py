"""Several processes appending at once form one contiguous chain, on both databases;
a writer killed in the middle of a batch leaves no partial entry."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ledger import Database, Notary, verify_chain
from ledger.tables import LedgerEntry

PROCESSES = 8
APPENDS = 1000
ROOT = Path(__file__).resolve().parents[3]
# Each writer waits for "go" on stdin, then appends in transactions of varying size:
# single appends and group-committed batches.
WRITER = """
import sys
from datetime import UTC, datetime
from ledger import Database, append
url, writer, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = Database(url)
print("ready", flush=True)
sys.stdin.readline()
written = 0
sizes = (1, 1, 2, 5, 1, 10, 3, 1, 25, 1)
while written < total:
    with db.unit_of_work() as uow:
        for _ in range(min(sizes[written % len(sizes)], total - written)):
            append(uow.session, kind="test", body={"writer": writer, "i": written},
                   ts=datetime(2026, 11, 22, tzinfo=UTC))
            written += 1
        uow.commit()
db.dispose()
"""


def test_eight_processes_appending_at_once_form_one_chain(db: Database, database_url: str, notary: Notary) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, database_url, str(k), str(APPENDS)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
               for k in range(PROCESSES)]
    try:
        assert [w.stdout.readline().strip() for w in writers] == ["ready"] * PROCESSES
        for w in writers:          # all at once
            w.stdin.write("go\n")
            w.stdin.flush()
        assert [w.wait(timeout=600) for w in writers] == [0] * PROCESSES
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    with db.reading() as session:
        seqs = list(session.scalars(select(LedgerEntry.seq).order_by(LedgerEntry.seq)))
        bodies = {(entry.split('"writer":')[1].split("}")[0], entry.split('"i":')[1].split(",")[0])
                  for entry in session.scalars(select(LedgerEntry.entry))}
        report = verify_chain(session)
    assert seqs == list(range(PROCESSES * APPENDS))
    assert len(bodies) == PROCESSES * APPENDS           # every writer's every append, once
    # every complete subtree of the tree stored once: n minus the subtrees still open
    assert report.entries == PROCESSES * APPENDS
    assert report.nodes_checked == PROCESSES * APPENDS - (PROCESSES * APPENDS).bit_count()
    assert notary.checkpoint().tree_size == PROCESSES * APPENDS
    assert notary.verify().checkpoints == 1


KILLED_WRITER = """
import sys
from datetime import UTC, datetime
from sqlalchemy import func, select
from ledger import Database, append
from ledger.tables import LedgerEntry
db = Database(sys.argv[1])
with db.unit_of_work() as uow:
    for i in range(500):
        append(uow.session, kind="test", body={"batch": i}, ts=datetime(2026, 11, 22, tzinfo=UTC))
    # the query writes the batch's rows into the open transaction first
    print(uow.session.scalar(select(func.count()).select_from(LedgerEntry)), flush=True)
    sys.stdin.read()          # holds the open transaction until killed
"""


def test_a_writer_killed_mid_batch_leaves_no_partial_entry(db: Database, database_url: str, notary: Notary,
                                                           fill: Any, tmp_path: Path) -> None:
    fill(7)
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, database_url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "507"     # 500 rows written, not committed
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    # the next writer waits for the dead one's lock (PostgreSQL aborts its session) and continues
    appended = fill(1)
    assert appended[0].seq == 7
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 8
        assert verify_chain(session).entries == 8
    assert notary.checkpoint().tree_size == 8
