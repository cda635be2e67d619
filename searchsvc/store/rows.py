"""The store's rows: its SQL schema, items as rows, and rows read back as plain data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..domain.attendance import item_participants
from ..domain.blocks import block_json, json_blocks_text
from ..domain.model import Item, Section

SCHEMA = """
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
    attendees TEXT,                -- JSON list of {"name", "absent"}
    status TEXT                    -- 'dagsorden' (agenda), 'referat' (minutes) or NULL (unknown)
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
    sections TEXT NOT NULL,        -- JSON list of {"heading", "text"} or {"heading", "blocks"} (domain/blocks.py)
    attachments TEXT NOT NULL,     -- JSON list of titles
    source_url TEXT,               -- the item's public page at the publisher
    attachment_urls TEXT,          -- JSON list, in the order of attachments (null where unknown)
    status TEXT,                   -- as the meeting's
    thread_id TEXT,                -- the case thread (domain/cases.py): its first item's id
    participants TEXT              -- JSON list of {"name", "absent"}: the meeting's members as the item's notes correct them
);
-- Every meeting each file holds, also those whose items another file's are: an agenda
-- whose minutes are stored. When that file goes, the others are read again.
CREATE TABLE IF NOT EXISTS meeting_files (
    meeting_id TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (meeting_id, path)
);
CREATE INDEX IF NOT EXISTS meeting_files_path ON meeting_files (path);
-- The Whoosh commit that holds exactly the committed items: readers open that one.
CREATE TABLE IF NOT EXISTS state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_meeting ON items (meeting_id, item_number);
CREATE INDEX IF NOT EXISTS items_source ON items (source_path);
CREATE INDEX IF NOT EXISTS items_journal ON items (journal_number);
CREATE INDEX IF NOT EXISTS items_thread ON items (thread_id);
CREATE INDEX IF NOT EXISTS meetings_source ON meetings (source_path);
"""

JSON_COLUMNS = ("decisions", "sections", "attachments", "attachment_urls", "attendees", "participants")


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
        "sections": [section_json(s) for s in item.sections],
        "attachments": item.attachments,
        "source_url": item.source_url,
        "attachment_urls": item.attachment_urls,
        "status": item.kind,
        "thread_id": item.id,  # its own until the store threads its journal number
        "participants": [{"name": p.name, "absent": p.absent}
                         for p in item_participants(item.attendees, item.attendance)],
    }


def section_json(section: Section) -> dict:
    """A section as a row holds it: its blocks only when it has any (a table, a
    sub-heading), so that a section of plain text reads as it did before blocks."""
    found: dict = {"heading": section.heading, "text": section.text}
    if section.blocks:
        found["blocks"] = [block_json(block) for block in section.blocks]
    return found


def encode_column(column: str, value: object) -> str:
    """A JSON column's value as stored. A section with blocks is stored without its
    text, which its blocks give back (``decode_row``): a third less to store for Greve."""
    if column == "sections" and isinstance(value, list):
        value = [{k: v for k, v in s.items() if k != "text"}
                 if s.get("blocks") and s["text"] == json_blocks_text(s["blocks"]) else s for s in value]
    return json.dumps(value, ensure_ascii=False)


# Columns added since the store's first version. An older store opened for writing gets
# them, empty, so that it can be read; ``Store.outdated`` then has the next reindex
# rebuild it in full, which fills them.
ADDED_COLUMNS = {"meetings": ("status TEXT",), "items": ("status TEXT", "thread_id TEXT", "participants TEXT")}


def add_columns(db: sqlite3.Connection) -> None:
    """Add the columns an existing store lacks (a new store gets them from ``SCHEMA``)."""
    for table, columns in ADDED_COLUMNS.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if present and column.split()[0] not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def open_read_only(path: Path) -> sqlite3.Connection:
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


def decode_row(row: sqlite3.Row) -> dict:
    record = dict(row)
    for column in JSON_COLUMNS:
        if column in record and record[column] is not None:
            record[column] = json.loads(record[column])
    for section in record.get("sections") or []:
        if "text" not in section:
            section["text"] = json_blocks_text(section.get("blocks") or [])
    if "closed" in record:
        record["closed"] = bool(record["closed"])
    return record
