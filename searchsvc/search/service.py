"""The read side of the index folder: the live generation's store and Whoosh index.

``Archive`` is what the web app and the CLI hold. It notices when a reindex commits
(a new Whoosh generation, or a new data generation after a full rebuild) and moves to
it on the next request, without a restart. Searchers are per thread; the document
table (facet codes, sort keys) is built once per index snapshot and shared, from
per-segment arrays kept across snapshots, so a commit that adds one meeting reads only
its new segment. Search results are cached per snapshot (``results``).
"""

from __future__ import annotations

import copy
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from ..engine import writer as indexer
from ..store.generations import DataDir
from ..errors import IndexMissing, IndexUnreadable, NotFound, is_damage
from ..engine.columns import DocTable, PostingCache, SegmentArrays, Vocabulary
from ..domain.model import ID_PATTERN
from ..store.items import Store


# Results kept per archive: a page of results with its facets is some tens of KB.
RESULT_CACHE_SIZE = 512


@dataclass
class Snapshot:
    """One consistent view: a searcher, its document table and the matching store."""

    generation: str
    searcher: object
    table: DocTable
    store: Store

    @property
    def key(self) -> tuple[str, int]:
        return (self.generation, self.searcher.reader().generation())


class Archive:
    def __init__(self, index_path: Path) -> None:
        self.datadir = DataDir(index_path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._indexes: dict[str, object] = {}
        self._stores: dict[str, Store] = {}
        self._tables: dict[tuple[str, int], DocTable] = {}
        self._segments: dict[str, SegmentArrays] = {}
        self._vocabulary = Vocabulary()
        self._postings = PostingCache()
        self.results = ResultCache(RESULT_CACHE_SIZE)

    def _generation(self) -> Path:
        folder = self.datadir.current()
        if folder is None or not whoosh_index.exists_in(str(folder / indexer.WHOOSH_DIR)):
            raise IndexMissing(
                f"the index in {self.datadir.path} is empty: run `searchsvc reindex` to build it"
            )
        return folder

    def snapshot(self) -> Snapshot:
        """The current view, refreshed when the index changed since this thread's last call.

        The searcher is the index commit that the store records as matching its items, so
        a reindex killed between its index commit and its store commit is never seen.

        :raise IndexMissing: before the first reindex.
        """
        for attempt in range(5):
            try:
                return self._snapshot()
            except (OSError, sqlite3.OperationalError, whoosh_index.EmptyIndexError):
                # A reindex replaced the files between reading the pointer and opening
                # them (a full rebuild published, an old commit cleaned): look again.
                if attempt == 4:
                    raise
                time.sleep(0.02 * (attempt + 1))
            except Exception as error:
                if is_damage(error):
                    raise IndexUnreadable(self.datadir.path, error) from error
                raise
        raise AssertionError("unreachable")

    def _snapshot(self) -> Snapshot:
        folder = self._generation()
        current: Snapshot | None = getattr(self._local, "snapshot", None)
        if current is not None and current.generation == folder.name:
            commit = current.store.index_commit()
            if commit == current.searcher.reader().generation() or (
                    commit is None and current.searcher.up_to_date()):
                return current
        with self._lock:
            ix = self._indexes.get(folder.name)
            if ix is None:
                ix = self._indexes[folder.name] = indexer.whoosh_storage(folder / indexer.WHOOSH_DIR).open_index()
                self._stores[folder.name] = Store(folder, create=False)
                self._forget_old(folder.name)
            searcher = indexer.searcher_at(ix, self._stores[folder.name].index_commit())
            key = (folder.name, searcher.reader().generation())
            table = self._tables.get(key)
            if table is None:
                table = DocTable.build(searcher.reader(), self._vocabulary, self._segments, self._postings)
                # Threads still on the previous snapshot keep their own reference to it.
                self._tables = {key: table}
        if current is not None and current.generation == folder.name:
            current.searcher.close()
        snapshot = Snapshot(folder.name, searcher, table, self._stores[folder.name])
        self._local.snapshot = snapshot
        return snapshot

    def _forget_old(self, live: str) -> None:
        for name in [n for n in self._indexes if n != live]:
            del self._indexes[name]
            self._stores.pop(name, None)
        # A new data generation has new segments and new facet values.
        self._segments.clear()
        self._vocabulary = Vocabulary()
        self._postings = PostingCache()
        self.results.clear()

    @property
    def store(self) -> Store:
        return self.snapshot().store

    @property
    def schema(self):
        return self.snapshot().searcher.schema

    # -- lookups ----------------------------------------------------------------------

    def item(self, item_id: str) -> dict:
        """A full item with ``case``: the other items of its journal number, oldest first.

        :raise NotFound: no item has that id (or the id is not one).
        """
        if not ID_PATTERN.match(item_id or ""):
            raise NotFound(f"{item_id!r} is not an item id")
        store = self.store
        item = store.item(item_id)
        case = []
        if item["journal_number"]:
            case = [c for c in store.case_items(item["journal_number"], item["municipality"])
                    if c["id"] != item_id]
        item["case"] = case
        return item

    def meeting(self, meeting_id: str) -> dict:
        """A meeting with its items in agenda order.

        :raise NotFound: no meeting has that id.
        """
        if not ID_PATTERN.match(meeting_id or ""):
            raise NotFound(f"{meeting_id!r} is not a meeting id")
        return self.store.meeting(meeting_id)

    def committees(self) -> list[dict]:
        return self.store.committees()

    def meetings_of(self, municipality: str, committee: str) -> list[dict]:
        return self.store.meetings_of(municipality, committee)

    def item_count(self) -> int:
        return self.snapshot().searcher.doc_count()

    def size_on_disk(self) -> int:
        """Bytes used by the live generation (store and index)."""
        folder = self._generation()
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())

    def stats(self) -> dict:
        """Counts by municipality, committee, year, decision and KLE main group, the source
        files that failed, and the size on disk."""
        store = self.store
        return {
            "items": self.item_count(),
            "municipality": store.counts("municipality"),
            "committee": store.counts("committee"),
            "year": store.counts("substr(date, 1, 4)"),
            "decision": store.decision_counts(),
            "kle": store.counts("kle_main_group"),
            "failed_files": [(r.path, r.error) for r in store.failed_files()],
            "bytes": self.size_on_disk(),
        }


class ResultCache:
    """The most recently used search results, keyed by (snapshot key, request).

    The snapshot key changes with every commit, so a cached result is never served for
    an index it was not computed on. Callers get a copy: results are plain data that
    a page may change as it renders them.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        if found is None:
            found = compute()
            with self._lock:
                self._entries[key] = found
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return copy.deepcopy(found)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
