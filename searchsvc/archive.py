"""The read side of the index folder: the live generation's store and Whoosh index.

``Archive`` is what the web app and the CLI hold. It notices when a reindex commits
(a new Whoosh generation, or a new data generation after a full rebuild) and moves to
it on the next request, without a restart. Searchers are per thread; the facet table
is built once per index snapshot and shared.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from . import indexer
from .datadir import DataDir
from .errors import IndexMissing, NotFound
from .facets import FacetTable
from .model import ID_PATTERN
from .store import Store


@dataclass
class Snapshot:
    """One consistent view: a searcher, its facet table and the matching store."""

    generation: str
    searcher: object
    facets: FacetTable
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
        self._facet_tables: dict[tuple[str, int], FacetTable] = {}

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
            except (OSError, whoosh_index.EmptyIndexError):
                # A reindex replaced the files between reading the pointer and opening
                # them (a full rebuild published, an old commit cleaned): look again.
                if attempt == 4:
                    raise
                time.sleep(0.02 * (attempt + 1))
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
                ix = self._indexes[folder.name] = whoosh_index.open_dir(str(folder / indexer.WHOOSH_DIR))
                self._stores[folder.name] = Store(folder)
                self._forget_old(folder.name)
            searcher = indexer.searcher_at(ix, self._stores[folder.name].index_commit())
            key = (folder.name, searcher.reader().generation())
            table = self._facet_tables.get(key)
            if table is None:
                table = FacetTable(searcher.reader())
                self._facet_tables = {k: v for k, v in self._facet_tables.items() if k[0] == folder.name}
                self._facet_tables[key] = table
        if current is not None and current.generation == folder.name:
            current.searcher.close()
        snapshot = Snapshot(folder.name, searcher, table, self._stores[folder.name])
        self._local.snapshot = snapshot
        return snapshot

    def _forget_old(self, live: str) -> None:
        for name in [n for n in self._indexes if n != live]:
            del self._indexes[name]
            self._stores.pop(name, None)

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
