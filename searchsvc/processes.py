"""Child processes (parsers, indexers, server workers): whether they can be forked, and
ending them when their parent does."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal


def can_fork() -> bool:
    """Whether this platform starts processes by forking (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def die_with_parent(parent: int) -> None:
    """Child start-up: end this process when ``parent`` (the process that forked it) dies.

    A child shares its parent's lock files and listening sockets; an orphaned one (its
    parent killed) would hold them, so that no reindex could run again or the port stay
    taken. Linux only (prctl); elsewhere a no-op.
    """
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
