"""The item store: SQLite, the system of record for items and the manifest of source files.

The Whoosh index can always be rebuilt from it. Rows come back as plain dicts, ready
for templates and JSON.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..domain.model import Item, Meeting
from ..errors import NotFound

STORE_FILE = "items.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    municipality TEXT NOT NULL,
    format TEXT,
    size INTEGER,
    mtime_ns INTEGER,
    hash TEXT,
    parsed_at TEXT,
    status TEXT NOT NULL,          -- 'ok', 'error', 'unknown' (not minutes) or 'attachment' (of an export)
    error TEXT,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL,
    committee TEXT NOT NULL,
    period TEXT,
    date TEXT NOT NULL,
    time TEXT,
    place TEXT,
    source_path TEXT NOT NULL,
    source_url TEXT,
    attendees TEXT                 -- JSON list of {"name", "absent"}
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_hash TEXT,
    municipality TEXT NOT NULL,
    committee TEXT NOT NULL,
    period TEXT,
    date TEXT NOT NULL,
    time TEXT,
    place TEXT,
    item_number INTEGER NOT NULL,
    title TEXT NOT NULL,
    journal_number TEXT,
    kle_main_group TEXT,
    kle_group TEXT,
    kle_subject TEXT,
    kle_facet TEXT,
    decisions TEXT NOT NULL,       -- JSON list of keys
    decision_text TEXT,
    attendance TEXT,
    closed INTEGER NOT NULL,
    sections TEXT NOT NULL,        -- JSON list of {"heading", "text"}
    attachments TEXT NOT NULL,     -- JSON list of titles
    source_url TEXT,               -- the item's public page at the publisher
    attachment_urls TEXT           -- JSON list, in the order of attachments (null where unknown)
);
-- The Whoosh commit that holds exactly the committed items: readers open that one.
CREATE TABLE IF NOT EXISTS state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_meeting ON items (meeting_id, item_number);
CREATE INDEX IF NOT EXISTS items_source ON items (source_path);
CREATE INDEX IF NOT EXISTS items_journal ON items (journal_number);
CREATE INDEX IF NOT EXISTS meetings_source ON meetings (source_path);
"""

_JSON_COLUMNS = ("decisions", "sections", "attachments", "attachment_urls", "attendees")


@dataclass(frozen=True)
class FileRecord:
    path: str
    municipality: str
    format: str | None
    size: int | None
    mtime_ns: int | None
    hash: str | None
    parsed_at: str | None
    status: str
    error: str | None
    items: int


@dataclass(frozen=True)
class ItemChanges:
    added: list[str]
    updated: list[str]
    removed: list[str]


def item_row(item: Item) -> dict:
    """The store's row for an item (JSON columns still as Python values)."""
    kle = item.kle
    return {
        "id": item.id,
        "meeting_id": item.meeting_id,
        "source_path": item.source_path,
        "source_hash": item.source_hash,
        "municipality": item.municipality,
        "committee": item.committee,
        "period": item.period,
        "date": item.date.isoformat(),
        "time": item.time,
        "place": item.place,
        "item_number": item.item_number,
        "title": item.title,
        "journal_number": item.journal_number,
        "kle_main_group": kle.main_group if kle else None,
        "kle_group": kle.group if kle else None,
        "kle_subject": kle.subject if kle else None,
        "kle_facet": kle.facet if kle else None,
        "decisions": item.decisions,
        "decision_text": item.decision_text,
        "attendance": item.attendance,
        "closed": item.closed,
        "sections": [{"heading": s.heading, "text": s.text} for s in item.sections],
        "attachments": item.attachments,
        "source_url": item.source_url,
        "attachment_urls": item.attachment_urls,
    }


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection to a store in a folder this process cannot write (a read-only mount,
    a copy): read as it is. SQLite reads a WAL database there when its shared-memory
    file exists; otherwise only as immutable, which is right while nothing can write."""
    for options in ("mode=ro", "immutable=1"):
        connection = sqlite3.connect(f"{path.as_uri()}?{options}", uri=True, timeout=30,
                                     isolation_level=None)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            connection.close()
            continue
        connection.row_factory = sqlite3.Row
        return connection
    raise sqlite3.OperationalError(f"cannot open {path} read-only")


def _decode(row: sqlite3.Row) -> dict:
    record = dict(row)
    for column in _JSON_COLUMNS:
        if column in record and record[column] is not None:
            record[column] = json.loads(record[column])
    if "closed" in record:
        record["closed"] = bool(record["closed"])
    return record


class Store:
    """The SQLite item store under the index folder. One connection per thread."""

    def __init__(self, folder: Path, *, create: bool = True) -> None:
        """:param create: create the store when it does not exist (a reader passes False:
            a generation deleted under it must not come back as an empty store)."""
        self.path = Path(folder) / STORE_FILE
        self.create = create
        self._local = threading.local()

    def outdated(self) -> bool:
        """Whether the store was written by a version without the newest columns (source
        links, attendance): a reindex then rebuilds it in full."""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(items)")}
        meeting_columns = {r[1] for r in self.db.execute("PRAGMA table_info(meetings)")}
        return "attachment_urls" not in columns or "attendees" not in meeting_columns

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None and self.path.exists() and not os.access(self.path.parent, os.W_OK):
            connection = self._local.connection = _read_only(self.path)
        if connection is None:
            if self.create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            else:  # mode=rw: fails when the file is gone, instead of creating it
                connection = sqlite3.connect(f"{self.path.as_uri()}?mode=rw", uri=True, timeout=30,
                                             isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            self._local.connection = connection
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- the index commit that matches the store --------------------------------------

    def index_commit(self) -> int | None:
        """The Whoosh commit (TOC generation) that holds exactly the committed items, or
        None for a store written before it was recorded."""
        try:
            row = self.db.execute("SELECT value FROM state WHERE name = 'index_commit'").fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):  # an older store, opened read-only
                raise
            return None
        return int(row[0]) if row else None

    def set_index_commit(self, commit: int) -> None:
        """Record the Whoosh commit that matches the items; call it inside the transaction
        that writes them, so that the two change together."""
        self.db.execute("INSERT OR REPLACE INTO state VALUES ('index_commit', ?)", (str(commit),))

    # -- the manifest of source files ------------------------------------------------

    def manifest(self) -> dict[str, FileRecord]:
        rows = self.db.execute("SELECT * FROM files").fetchall()
        return {row["path"]: FileRecord(**dict(row)) for row in rows}

    def record_file(self, record: FileRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (:path, :municipality, :format, :size, :mtime_ns,"
            " :hash, :parsed_at, :status, :error, :items)",
            record.__dict__,
        )

    def forget_file(self, path: str) -> list[str]:
        """Remove a vanished source file with its meetings and items; return the item ids."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM items WHERE source_path = ?", (path,))]
        self.db.execute("DELETE FROM items WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meetings WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        return ids

    # -- items -----------------------------------------------------------------------

    def replace_file_items(self, path: str, meetings: Iterable[Meeting]) -> ItemChanges:
        """Make the items of one source file exactly these; report what changed."""
        old = {r[0] for r in self.db.execute("SELECT id FROM items WHERE source_path = ?", (path,))}
        self.db.execute("DELETE FROM items WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meetings WHERE source_path = ?", (path,))
        new: list[str] = []
        for meeting in meetings:
            attendees = [{"name": a.name, "absent": a.absent} for a in meeting.attendees]
            self.db.execute(
                "INSERT OR REPLACE INTO meetings (id, municipality, committee, period, date, time, place,"
                " source_path, source_url, attendees) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (meeting.id, meeting.municipality, meeting.committee, meeting.period,
                 meeting.date.isoformat(), meeting.time, meeting.place, path, meeting.source_url,
                 json.dumps(attendees, ensure_ascii=False) if attendees else None),
            )
            for item in meeting.items:
                row = item_row(item)
                for column in _JSON_COLUMNS:
                    if column in row:
                        row[column] = json.dumps(row[column], ensure_ascii=False)
                columns = ", ".join(row)
                marks = ", ".join(f":{c}" for c in row)
                self.db.execute(f"INSERT OR REPLACE INTO items ({columns}) VALUES ({marks})", row)
                new.append(row["id"])
        new_set = set(new)
        return ItemChanges(
            added=[i for i in new if i not in old],
            updated=[i for i in new if i in old],
            removed=sorted(old - new_set),
        )

    def copy_file_items(self, other: Store, path: str) -> list[str]:
        """Copy one file's meetings and items from another store; the ids copied."""
        rows = other.db.execute("SELECT * FROM items WHERE source_path = ?", (path,)).fetchall()
        for meeting in other.db.execute("SELECT * FROM meetings WHERE source_path = ?", (path,)).fetchall():
            columns = meeting.keys()  # by name: the other store may have fewer columns
            self.db.execute(
                f"INSERT OR REPLACE INTO meetings ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(meeting),
            )
        for row in rows:
            columns = row.keys()
            self.db.execute(
                f"INSERT OR REPLACE INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                tuple(row),
            )
        return [row["id"] for row in rows]

    def item(self, item_id: str) -> dict:
        """The full item with that id.

        :raise NotFound: when there is none.
        """
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFound(f"no item with id {item_id!r}")
        return _decode(row)

    def items(self, ids: list[str], columns: str = "*") -> dict[str, dict]:
        """Items by id (those that exist), keyed by id."""
        found: dict[str, dict] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {columns} FROM items WHERE id IN ({marks})", chunk):
                found[row["id"]] = _decode(row)
        return found

    def iter_items(self) -> Iterator[dict]:
        """Every stored item, for rebuilding the index."""
        for row in self.db.execute("SELECT * FROM items ORDER BY id"):
            yield _decode(row)

    def item_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM items")}

    def title_counts(self) -> list[tuple[str, int]]:
        """Each distinct item title with the number of items that carry it."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT title, COUNT(*) FROM items GROUP BY title")]

    def case_items(self, journal_number: str, municipality: str) -> list[dict]:
        """Every item of one case (same journal number and municipality), oldest first."""
        rows = self.db.execute(
            "SELECT id, date, municipality, committee, meeting_id, item_number, title, decisions"
            " FROM items WHERE journal_number = ? AND municipality = ?"
            " ORDER BY date, time, committee, item_number",
            (journal_number, municipality),
        )
        return [_decode(r) for r in rows]

    def items_numbered(self, id_prefix: str, date: str, number: int) -> list[tuple[str, str]]:
        """(id, committee) of the items numbered ``number`` on a date, ids starting ``id_prefix``."""
        query = "SELECT id, committee FROM items WHERE id LIKE ? AND date = ? AND item_number = ?"
        return [(r[0], r[1]) for r in self.db.execute(query, (f"{id_prefix}%", date, number))]

    def items_with_journal_number(self, journal_number: str) -> list[tuple[str, str]]:
        """(id, journal number) of the items with a journal number, in any letter case."""
        # Compared in Python: SQLite's lower() leaves Æ, Ø and Å as they are.
        rows = self.db.execute("SELECT id, journal_number FROM items WHERE journal_number IS NOT NULL")
        return [(r[0], r[1]) for r in rows if r[1].lower() == journal_number.lower()]

    # -- meetings and committees -----------------------------------------------------

    def meeting(self, meeting_id: str) -> dict:
        """A meeting with its items in agenda order.

        :raise NotFound: when there is none.
        """
        row = self.db.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id!r}")
        meeting = _decode(row)
        items = self.db.execute(
            "SELECT id, item_number, title, journal_number, decisions, decision_text, closed"
            " FROM items WHERE meeting_id = ? ORDER BY item_number",
            (meeting_id,),
        )
        meeting["items"] = [_decode(r) for r in items]
        return meeting

    def committees(self) -> list[dict]:
        """Each committee with its item count, first and last meeting date."""
        rows = self.db.execute(
            "SELECT municipality, committee, COUNT(*) AS items, COUNT(DISTINCT meeting_id) AS meetings,"
            " MIN(date) AS first_date, MAX(date) AS last_date"
            " FROM items GROUP BY municipality, committee ORDER BY municipality, committee"
        )
        return [dict(r) for r in rows]

    def meetings_of(self, municipality: str, committee: str) -> list[dict]:
        """The meetings of one committee, newest first, with their item counts."""
        rows = self.db.execute(
            "SELECT m.*, (SELECT COUNT(*) FROM items i WHERE i.meeting_id = m.id) AS items"
            " FROM meetings m WHERE municipality = ? AND committee = ? ORDER BY date DESC, time DESC",
            (municipality, committee),
        )
        return [_decode(r) for r in rows]

    def counts(self, column: str) -> list[tuple[str, int]]:
        """Item counts by a plain column, largest first."""
        if column not in {"municipality", "committee", "substr(date, 1, 4)", "kle_main_group"}:
            raise ValueError(column)
        rows = self.db.execute(
            f"SELECT {column} AS value, COUNT(*) FROM items GROUP BY value ORDER BY 2 DESC, 1"
        )
        return [(r[0], r[1]) for r in rows]

    def decision_counts(self) -> list[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT j.value, COUNT(*) FROM items, json_each(items.decisions) AS j"
            " GROUP BY j.value ORDER BY 2 DESC"
        )
        return [(r[0], r[1]) for r in rows]

    def files_with_status(self, status: str) -> list[FileRecord]:
        return sorted((r for r in self.manifest().values() if r.status == status), key=lambda r: r.path)
