"""The index schema: the fields Whoosh holds, and the document made from a stored item.

Whoosh holds only what search needs: analysed text, the journal number as exact terms,
and the facet fields. Display data comes from the item store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from ..domain.attendance import searchable_section
from ..domain.journal import journal_terms
from ..domain.model import DECISION_HEADINGS, RESUME_HEADINGS
from .analysis import danish_analyzer

WHOOSH_DIR = "whoosh"

# The keyword fields kept as per-document columns (``columns.py``), each with whether a
# document can hold several values; and the numeric sort keys.
# ``status``: agenda or minutes.
# ``deltager``: everyone the item's meeting lists, present or absent; ``fravaer``: the absent.
KEYWORD_COLUMNS: dict[str, bool] = {"municipality": False, "committee": False, "year": False,
                                    "decisions": True, "kle": False, "status": False,
                                    "deltager": True, "fravaer": True}
SORT_COLUMNS = ("date", "item_number")
# The case thread of each document as a number (``thread_key``), for grouping or
# collapsing results by case: a plain column, read whole per segment. (As a keyword
# column, one posting list per thread, it made opening the corpus's index 0.5 s slower.)
GROUP_COLUMNS = ("thread",)


def make_schema() -> Schema:
    analyzer = danish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        source=ID,
        title=TEXT(analyzer=analyzer, phrase=True),
        decision=TEXT(analyzer=analyzer, phrase=True),
        resume=TEXT(analyzer=analyzer, phrase=True),
        body=TEXT(analyzer=analyzer, phrase=True),
        committee_text=TEXT(analyzer=analyzer),
        # Exact terms: the number and its KLE prefixes. TEXT with positions (not KEYWORD)
        # so that a phrase query across all fields simply misses here instead of failing.
        journal=TEXT(analyzer=SpaceSeparatedTokenizer() | LowercaseFilter(), phrase=True),
        # Facets: stored (they are small) so counts can be read per document.
        municipality=ID(stored=True),
        committee=ID(stored=True),
        year=ID(stored=True),
        decisions=KEYWORD(stored=True, commas=True),
        kle=ID(stored=True),
        status=ID(stored=True),
        # Names, not words: kept out of the text fields, so a name searched finds what
        # the person did rather than every meeting they sent apologies for.
        deltager=KEYWORD(stored=True, commas=True),
        fravaer=KEYWORD(stored=True, commas=True),
        thread=COLUMN(NumericColumn("q", default=0)),
        date=NUMERIC(int, bits=32, sortable=True),
        item_number=NUMERIC(int, bits=32, sortable=True),
        closed=BOOLEAN,
    )


def item_document(row: dict) -> dict:
    """The Whoosh document for a stored item row."""
    sections = row["sections"]
    decision = "\n".join(searchable_section(s["heading"], s["text"]) for s in sections
                         if s["heading"] in DECISION_HEADINGS)
    resume = "\n".join(s["text"] for s in sections if s["heading"] in RESUME_HEADINGS)
    body = row_text(row)
    document = {
        "id": row["id"],
        "source": row["source_path"],
        "title": row["title"],
        "decision": decision,
        "resume": resume,
        "body": body,
        "committee_text": row["committee"],
        "municipality": row["municipality"],
        "committee": row["committee"],
        "year": row["date"][:4],
        "decisions": ",".join(row["decisions"]),
        "date": int(row["date"].replace("-", "")),
        "item_number": row["item_number"],
        "closed": bool(row["closed"]),
    }
    if row["journal_number"]:
        document["journal"] = " ".join(journal_terms(row["journal_number"]))
    if row["kle_main_group"]:
        document["kle"] = row["kle_main_group"]
    if row.get("status"):
        document["status"] = row["status"]
    participants = row.get("participants") or []
    if participants:
        # Commas part the values; a name never holds one (domain/attendance.py).
        document["deltager"] = ",".join(p["name"] for p in participants)
        if absent := [p["name"] for p in participants if p["absent"]]:
            document["fravaer"] = ",".join(absent)
    document["thread"] = thread_key(row.get("thread_id") or row["id"])
    return document


def thread_key(thread_id: str) -> int:
    """A thread id as a positive 60-bit number (0 is "no thread")."""
    return int(hashlib.sha1(thread_id.encode()).hexdigest()[:15], 16) or 1


def row_text(row: dict) -> str:
    """All the searchable text of an item row: title, sections (without attendance notes)
    and attachment titles."""
    return "\n".join([row["title"]] + [searchable_section(s["heading"], s["text"]) for s in row["sections"]]
                     + row["attachments"])


def whoosh_storage(folder: Path) -> FileStorage:
    """The file storage of an index folder, read without mapping it."""
    # Without mmap: Whoosh copies a mapped segment whole into memory (io.BytesIO over
    # the map) each time a reader opens it; read from the file instead.
    return FileStorage(str(folder), supports_mmap=False)


