"""Probes for the advisory file locks of ``ledger.handover``: tests wait for a lock state,
never for a length of time."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable

__all__ = ["lock_held", "until"]


def lock_held(path: str) -> bool:
    """Whether anybody holds ``path``'s lock (probed without waiting)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def until(condition: Callable[[], bool], *, seconds: float = 60) -> None:
    """Return once ``condition()`` holds; fail if it has not within ``seconds``."""
    pause = threading.Event()
    for _ in range(int(seconds * 1000)):
        if condition():
            return
        pause.wait(0.001)
    raise AssertionError("the condition never held")
