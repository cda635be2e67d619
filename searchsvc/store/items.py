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
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.model import Meeting
from ..errors import NotFound
from .rows import JSON_COLUMNS, SCHEMA, add_columns, decode_row, encode_column, item_row, open_read_only

STORE_FILE = "items.sqlite"

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
    superseded: list[str] = field(default_factory=list)  # an agenda's, its minutes stored


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
        links, attendance, agenda or minutes, case threads): a reindex then rebuilds it in
        full. (Status, thread and participants columns are added to an older store when
        it is opened, empty: items without a thread id or participants list tell.)"""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(items)")}
        meeting_columns = {r[1] for r in self.db.execute("PRAGMA table_info(meetings)")}
        return ("attachment_urls" not in columns or "attendees" not in meeting_columns
                or "participants" not in columns
                or self.db.execute("SELECT 1 FROM items WHERE participants IS NULL LIMIT 1").fetchone() is not None
                or self.db.execute("SELECT 1 FROM items WHERE thread_id IS NULL LIMIT 1").fetchone() is not None)

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None and self.path.exists() and not os.access(self.path.parent, os.W_OK):
            connection = self._local.connection = open_read_only(self.path)
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
            add_columns(connection)
            connection.executescript(SCHEMA)
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
            # SQLite has already rolled back after some errors (a full disk): a ROLLBACK
            # then fails with "no transaction is active" and would hide the real error.
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise
        db.execute("COMMIT")

    def give_back_log(self) -> None:
        """Empty the write-ahead log after a failed run (it keeps the size the run gave it
        while another process, a server, has the store open). Best effort, within 2 s."""
        db = self.db
        db.execute("PRAGMA busy_timeout = 2000")
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            db.execute("PRAGMA busy_timeout = 30000")

    # -- the index commit that matches the store --------------------------------------

    def state(self, name: str) -> str | None:
        """A recorded value (``index_commit``, ``decision_rules``), or None."""
        try:
            row = self.db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):  # an older store, opened read-only
                raise
            return None
        return row[0] if row else None

    def set_state(self, name: str, value: str) -> None:
        """Record a value; inside the transaction that writes what it describes."""
        self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (name, value))

    def index_commit(self) -> int | None:
        """The Whoosh commit (TOC generation) that holds exactly the committed items, or
        None for a store written before it was recorded."""
        value = self.state("index_commit")
        return int(value) if value is not None else None

    def set_index_commit(self, commit: int) -> None:
        """Record the Whoosh commit that matches the items; call it inside the transaction
        that writes them, so that the two change together."""
        self.set_state("index_commit", str(commit))

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

    def file_item_ids(self, path: str) -> list[str]:
        """The ids of the items one source file holds."""
        return [r[0] for r in self.db.execute("SELECT id FROM items WHERE source_path = ?", (path,))]

    def forget_file(self, path: str) -> list[str]:
        """Remove a vanished source file with its meetings and items; return the item ids."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM items WHERE source_path = ?", (path,))]
        self.db.execute("DELETE FROM items WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meetings WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meeting_files WHERE path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        return ids

    def sharing_meetings(self, paths: Iterable[str]) -> set[str]:
        """The other files that hold a meeting whose items one of these files holds: the
        agenda of minutes stored from a separate file."""
        wanted = list(paths)
        shared: set[str] = set()
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            shared.update(row[0] for row in self.db.execute(
                f"SELECT DISTINCT other.path FROM meetings JOIN meeting_files AS other"
                f" ON other.meeting_id = meetings.id WHERE meetings.source_path IN ({marks})", chunk))
        return shared - set(wanted)

    def claimed_elsewhere(self, path: str, meetings: Iterable[Meeting]) -> dict[str, str]:
        """The meetings another file already holds: meeting id -> that file.

        An item id belongs to one file at a time; a copy of a meeting in a second file is
        not indexed twice. Minutes and the agenda of one meeting are no such copy: the
        minutes replace the agenda (``replace_file_items``).
        """
        claimed: dict[str, str] = {}
        for meeting in meetings:
            row = self.db.execute("SELECT source_path, status FROM meetings WHERE id = ?", (meeting.id,)).fetchone()
            if row is None or row[0] == path or {row[1], meeting.kind} == {"dagsorden", "referat"}:
                continue
            claimed[meeting.id] = row[0]
        return claimed

    # -- items -----------------------------------------------------------------------

    def replace_file_items(self, path: str, meetings: Iterable[Meeting]) -> ItemChanges:
        """Make the items of one source file exactly these; report what changed.

        Ids are the meeting's, whichever file holds it: the minutes of a meeting replace
        its agenda's items, and an agenda read later never replaces its minutes (its
        items are left out: ``ItemChanges.superseded``).
        """
        old = {r[0] for r in self.db.execute("SELECT id FROM items WHERE source_path = ?", (path,))}
        self.db.execute("DELETE FROM items WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meetings WHERE source_path = ?", (path,))
        self.db.execute("DELETE FROM meeting_files WHERE path = ?", (path,))
        new: list[str] = []
        superseded: list[str] = []
        for meeting in meetings:
            self.db.execute("INSERT OR IGNORE INTO meeting_files VALUES (?, ?)", (meeting.id, path))
            if meeting.kind == "dagsorden" and self.db.execute(
                    "SELECT 1 FROM meetings WHERE id = ? AND status = 'referat'", (meeting.id,)).fetchone():
                superseded.extend(item.id for item in meeting.items)
                continue
            attendees = [{"name": a.name, "absent": a.absent} for a in meeting.attendees]
            self.db.execute(
                "INSERT OR REPLACE INTO meetings (id, municipality, committee, period, date, time, place,"
                " source_path, source_url, attendees, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (meeting.id, meeting.municipality, meeting.committee, meeting.period,
                 meeting.date.isoformat(), meeting.time, meeting.place, path, meeting.source_url,
                 json.dumps(attendees, ensure_ascii=False) if attendees else None, meeting.kind),
            )
            for item in meeting.items:
                row = item_row(item)
                for column in JSON_COLUMNS:
                    if column in row:
                        row[column] = encode_column(column, row[column])
                columns = ", ".join(row)
                marks = ", ".join(f":{c}" for c in row)
                if self.db.execute("SELECT 1 FROM items WHERE id = ?", (row["id"],)).fetchone():
                    old.add(row["id"])  # another file's (an agenda's): updated, not added
                self.db.execute(f"INSERT OR REPLACE INTO items ({columns}) VALUES ({marks})", row)
                new.append(row["id"])
        new_set = set(new)
        return ItemChanges(
            added=[i for i in new if i not in old],
            updated=[i for i in new if i in old],
            removed=sorted(old - new_set),
            superseded=superseded,
        )

    def copy_file_items(self, other: Store, path: str) -> list[str]:
        """Copy one file's meetings and items from another store; the ids copied."""
        rows = other.db.execute("SELECT * FROM items WHERE source_path = ?", (path,)).fetchall()
        try:
            shared = other.db.execute("SELECT meeting_id, path FROM meeting_files WHERE path = ?", (path,)).fetchall()
        except sqlite3.OperationalError:  # a store older than the table
            shared = []
        self.db.executemany("INSERT OR IGNORE INTO meeting_files VALUES (?, ?)", [tuple(row) for row in shared])
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
        return decode_row(row)

    def items(self, ids: list[str], columns: str = "*") -> dict[str, dict]:
        """Items by id (those that exist), keyed by id."""
        found: dict[str, dict] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {columns} FROM items WHERE id IN ({marks})", chunk):
                found[row["id"]] = decode_row(row)
        return found

    def iter_items(self) -> Iterator[dict]:
        """Every stored item, for rebuilding the index."""
        for row in self.db.execute("SELECT * FROM items ORDER BY id"):
            yield decode_row(row)

    def item_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM items")}

    def title_counts(self) -> list[tuple[str, int]]:
        """Each distinct item title with the number of items that carry it."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT title, COUNT(*) FROM items GROUP BY title")]

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
        meeting = decode_row(row)
        items = self.db.execute(
            "SELECT id, item_number, title, journal_number, decisions, decision_text, closed, status"
            " FROM items WHERE meeting_id = ? ORDER BY item_number",
            (meeting_id,),
        )
        meeting["items"] = [decode_row(r) for r in items]
        return meeting

    def committees(self) -> list[dict]:
        """Each committee with its item count, first and last meeting date."""
        rows = self.db.execute(
            "SELECT municipality, committee, COUNT(*) AS items, COUNT(DISTINCT meeting_id) AS meetings,"
            " MIN(date) AS first_date, MAX(date) AS last_date"
            " FROM items GROUP BY municipality, committee ORDER BY municipality, committee"
        )
        return [dict(r) for r in rows]

    def newest_meetings(self, limit: int) -> list[dict]:
        """The latest meetings of any committee (id, municipality, committee, date, status)."""
        rows = self.db.execute("SELECT id, municipality, committee, date, status FROM meetings"
                               " ORDER BY date DESC, time DESC, id LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def meetings_of(self, municipality: str, committee: str) -> list[dict]:
        """The meetings of one committee, newest first, with their item counts."""
        rows = self.db.execute(
            "SELECT m.*, (SELECT COUNT(*) FROM items i WHERE i.meeting_id = m.id) AS items"
            " FROM meetings m WHERE municipality = ? AND committee = ? ORDER BY date DESC, time DESC",
            (municipality, committee),
        )
        return [decode_row(r) for r in rows]

    def year_counts(self) -> list[tuple[str, int]]:
        """Items per year of their meeting."""
        return self.counts("substr(date, 1, 4)")

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
