"""Search results shared by the server's processes: a small SQLite file in the index
folder, so that a page one worker process computed is warm for the others too.

Entries are keyed by a digest of (view, request); a view names one commit, so a new
commit simply stops finding the old entries, which ``put`` prunes. The file is a cache:
every failure to read or write it (a read-only folder, a locked or damaged file) is
answered as a miss, never as an error.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

RESULTS_FILE = "results.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, view TEXT NOT NULL, value BLOB NOT NULL);
"""


class SharedResults:
    """A size-bounded key-value file that several processes read and write."""

    def __init__(self, folder: Path, max_entries: int = 2048) -> None:
        self.path = Path(folder) / RESULTS_FILE
        self.max_entries = max_entries
        self._local = threading.local()
        self._puts = 0
        self.broken = False  # set after a failure: the cache is then left alone

    def _db(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(self.path, timeout=0.2, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=OFF")  # a lost entry is only a miss
                connection.executescript(_SCHEMA)
            except sqlite3.Error:
                self.broken = True
                return None
            self._local.connection = connection
        return connection

    def get(self, key: str) -> bytes | None:
        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, view: str, value: bytes) -> None:
        db = self._db()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, view, value))
            self._puts += 1
            if self._puts % 64 == 0:  # now and then: drop other views' entries and the oldest
                db.execute("DELETE FROM results WHERE view != ?", (view,))
                db.execute("DELETE FROM results WHERE rowid <= (SELECT MAX(rowid) FROM results) - ?",
                           (self.max_entries,))
        except sqlite3.Error:
            return
