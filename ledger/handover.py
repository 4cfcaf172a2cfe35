"""SQLite's write lock handed over from a batch run to interactive writers.

SQLite has one write lock and no queue. A writer that finds it taken sleeps in its busy handler
(in steps of up to 100 ms) and tries again, so a run that commits a slice and begins the next
at once takes the lock back before a waiting request wakes, slice after slice: requests waited
seconds during a run. Two advisory locks beside the database make the run hand over instead:

- ``<database>-writers``: an interactive write transaction holds it shared from before its
  BEGIN until it ends; a run takes it exclusively before each slice (and lets it go as the
  slice begins), so the slice waits for every request that queued during the last one.
- ``<database>-slice``: a run holds it exclusively while it records a slice; an interactive
  writer waits for it (shared, let go at once) before its BEGIN, so it wakes the moment the
  slice commits instead of sleeping in SQLite's busy handler.

A request therefore waits for at most one slice. Writers of the same kind do not wait for each
other here (shared locks), only in SQLite. ``flock`` locks belong to an open file, so each
transaction opens its own (threads of one process exclude each other like processes do), and
the kernel drops them when a process dies. A thread that already holds one (a unit of work
opened inside another) takes none, so it cannot wait for itself.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Handover"]


class Handover:
    """The two locks of one SQLite database file."""

    def __init__(self, database_path: str) -> None:
        self.writers_path = f"{database_path}-writers"
        self.slice_path = f"{database_path}-slice"
        self._held = threading.local()

    @contextmanager
    def interactive(self) -> Iterator[None]:
        """Around an interactive write transaction, from before its BEGIN to its end."""
        if getattr(self._held, "depth", 0):
            yield
            return
        writers = _open(self.writers_path)
        try:
            _lock(writers, fcntl.LOCK_SH)
            running = _open(self.slice_path)
            try:
                _lock(running, fcntl.LOCK_SH)   # a slice being recorded: wait for its commit
            finally:
                _close(running)
            with self._holding():
                yield
        finally:
            _close(writers)

    @contextmanager
    def run_slice(self) -> Iterator[None]:
        """Around one slice of a batch run, from before its BEGIN to its end."""
        if getattr(self._held, "depth", 0):
            yield
            return
        running = _open(self.slice_path)
        try:
            writers = _open(self.writers_path)
            try:
                _lock(writers, fcntl.LOCK_EX)   # the requests that queued meanwhile go first
                # No interactive writer holds the slice lock now: each takes and drops it only
                # while it holds the writers' lock, which this run holds.
                _lock(running, fcntl.LOCK_EX)
            finally:
                _close(writers)
            with self._holding():
                yield
        finally:
            _close(running)

    @contextmanager
    def _holding(self) -> Iterator[None]:
        self._held.depth = getattr(self._held, "depth", 0) + 1
        try:
            yield
        finally:
            self._held.depth -= 1


def _open(path: str) -> int | None:
    """The lock file, or None when it cannot be opened (the database's folder is gone or read-only):
    the transaction then goes ahead without the hand-over and fails, or not, on the database itself,
    which reports storage errors as such (503), never as a lock-file error."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return None


def _lock(fd: int | None, operation: int) -> None:
    if fd is not None:
        fcntl.flock(fd, operation)


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)
