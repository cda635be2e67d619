"""Writing a file so that a reader, or a run killed halfway, sees the old one or the new
one and never a part: a temporary file beside it, flushed to disk, renamed over it."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` at once, durably (the folder's entry included).

    The temporary file is a dot file named for this process, so that folder scans
    (reindex skips dot files) and concurrent writers never take it for the real one.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def leftover_temporaries(path: Path) -> list[Path]:
    """The temporary files of ``write_atomically(path, ...)`` calls that a killed
    process left behind."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))
