"""The index folder: generations of (item store, Whoosh index), the pointer to the live
one, and the reindex lock.

An incremental reindex updates the live generation in place (SQLite transactions and
Whoosh commits are each atomic). A full rebuild writes a new generation beside it and
publishes it by atomically replacing the ``CURRENT`` pointer, so readers see the old
corpus until the new one is complete, never a half-built one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexLocked
from ..files import leftover_temporaries, write_atomically

POINTER = "CURRENT"
LOCK = "reindex.lock"
PREFIX = "gen-"


class DataDir:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def current(self) -> Path | None:
        """The live generation's folder, or None before the first reindex."""
        try:
            name = (self.path / POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        folder = self.path / name
        return folder if name.startswith(PREFIX) and folder.is_dir() else None

    def published(self) -> bool:
        """Whether a generation has ever been published here (the pointer exists)."""
        return (self.path / POINTER).exists()

    def new_generation(self) -> Path:
        """A fresh, empty generation folder (not yet live)."""
        self.path.mkdir(parents=True, exist_ok=True)
        folder = self.path / f"{PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        return folder

    def publish(self, folder: Path) -> None:
        """Make a generation live: atomically replace the pointer, then drop the old ones."""
        write_atomically(self.path / POINTER, (folder.name + "\n").encode())
        self.remove_stale(keep=folder)

    def remove_stale(self, keep: Path | None = None) -> None:
        """Delete generations that are not live (left by a rebuild that was killed).

        Only call this while holding the reindex lock.
        """
        live = {p.name for p in (keep, self.current()) if p is not None}
        for folder in self.path.glob(f"{PREFIX}*"):
            if folder.is_dir() and folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
        for stray in leftover_temporaries(self.path / POINTER):
            stray.unlink(missing_ok=True)

    @contextmanager
    def lock(self, wait: bool = False) -> Iterator[None]:
        """Hold the reindex lock. The kernel drops it when the process dies, so a killed
        run never leaves a stale lock behind.

        :raise IndexLocked: another reindex holds it (and ``wait`` is false).
        """
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / LOCK, "a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip()
                raise IndexLocked(
                    f"another reindex is running on {self.path}; wait for it to finish"
                    + (f" (process {holder}), or use --wait" if holder.isdigit() else ", or use --wait")
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            handle.close()
