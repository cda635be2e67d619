"""The service facade: the one object the web app and the CLI call.

``SearchService`` reads the live generation (its item store and its index), notices
when a reindex commits (a new index commit, or a new generation after a full rebuild)
and moves to it on the next call, without a restart. Searches, suggestions, items,
meetings, committees and statistics all go through it and return plain data.

A ``View`` is one consistent state: the store and the index snapshot at the commit the
store records as matching its items, so a reindex killed between its index commit and
its store commit is never seen. Views are per thread; search results are cached per
view (``ResultCache``).
"""

from __future__ import annotations

import copy
import hashlib
import pickle
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..domain.model import ID_PATTERN
from ..engine.reader import IndexReader, Snapshot, index_exists
from ..errors import IndexMissing, IndexUnreadable, NotFound, is_damage
from ..lru import LRUCache
from ..store.cases import case_items
from ..store.generations import DataDir
from ..store.items import Store
from ..store.results import SharedResults
from .cost import estimate
from .export import Export
from .export import export as run_export
from .ranking import DEFAULT_RANKING, Ranking
from .request import SearchRequest, SearchResults
from .searching import run_search
from .slowlane import LaneClient, LaneUnavailable
from .suggest import Suggestion, TitleVocabulary, complete

# What names the shape of cached results: the source of this package's modules, which
# make them, so that an upgraded server never unpickles a shape of an older version.
RESULTS_FORMAT = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()[:16]
# Results kept per service: a page of results with its facets is some tens of KB.
RESULT_CACHE_SIZE = 512


@dataclass
class View:
    """One consistent view: a generation's store and its index snapshot."""

    generation: str
    snapshot: Snapshot
    store: Store

    @property
    def key(self) -> tuple[str, int]:
        return (self.generation, self.snapshot.commit)


class SearchService:
    """Search and look-ups over the live generation of an index folder."""

    def __init__(self, index_path: Path, *, ranking: Ranking = DEFAULT_RANKING,
                 cache_size: int = RESULT_CACHE_SIZE, shared_cache: bool = False) -> None:
        self.datadir = DataDir(index_path)
        self.ranking = ranking
        self._local = threading.local()
        self._lock = threading.Lock()
        self._readers: dict[str, IndexReader] = {}
        self._stores: dict[str, Store] = {}
        self._titles: tuple[tuple[str, int], TitleVocabulary] | None = None
        self.results = ResultCache(cache_size, SharedResults(index_path) if shared_cache else None)
        # The server's slow lane for expensive searches (slowlane.py); None: run them here.
        self.lane: LaneClient | None = None

    @classmethod
    def open(cls, config: Config, *, ranking: Ranking = DEFAULT_RANKING, shared_cache: bool = False) -> SearchService:
        """The service over a configuration's index folder.

        :param shared_cache: share search results with the other processes that open
            the folder so (the server's workers), through a file in the folder.
        """
        return cls(config.index_path, ranking=ranking, shared_cache=shared_cache)

    # -- views ------------------------------------------------------------------------

    def view(self) -> View:
        """The current view, refreshed when the index changed since this thread's last call.

        :raise IndexMissing: before the first reindex.
        :raise IndexUnreadable: the index or store is damaged.
        """
        for attempt in range(5):
            try:
                return self._view()
            except (OSError, sqlite3.OperationalError):
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

    def _generation(self) -> Path:
        for attempt in range(5):
            folder = self.datadir.current()
            if folder is not None and index_exists(folder):
                return folder
            if not self.datadir.published():
                break
            # The pointer named a generation that a full rebuild has just replaced and
            # deleted (read between the publish and the clean-up): read it again.
            time.sleep(0.02 * (attempt + 1))
        raise IndexMissing(f"the index in {self.datadir.path} is empty: run `searchsvc reindex` to build it")

    def _view(self) -> View:
        folder = self._generation()
        current: View | None = getattr(self._local, "view", None)
        if current is not None and current.generation == folder.name:
            if IndexReader.is_current(current.snapshot, current.store.index_commit()):
                return current
        with self._lock:
            reader = self._readers.get(folder.name)
            if reader is None:
                reader = self._readers[folder.name] = IndexReader(folder)
                self._stores[folder.name] = Store(folder, create=False)
                self._forget_old(folder.name)
            store = self._stores[folder.name]
        snapshot = reader.open(store.index_commit())
        if current is not None:  # this thread's: no other thread reads it
            current.snapshot.close()
        view = View(folder.name, snapshot, store)
        self._local.view = view
        return view

    def _forget_old(self, live: str) -> None:
        for name in [n for n in self._readers if n != live]:
            del self._readers[name]
            self._stores.pop(name, None)
        self.results.clear()

    def prepare(self) -> None:
        """Open the current view (the lemma data, its columns, lexicon and spelling
        index), so that a new server process's first request does not pay for them (the
        lemma data alone took 3 s). Does nothing before the first reindex."""
        try:
            self.view()
        except IndexMissing:
            return

    # -- search -----------------------------------------------------------------------

    def search(self, request: SearchRequest, *, snippets: bool = True) -> SearchResults:
        """Run a search: the requested page of results, facet counts over all matches.

        Results are cached per view (a commit makes a new one); each caller gets its own copy.

        An expensive search (``cost.py``) runs in the server's slow lane when it has one.

        :param snippets: False leaves each result's ``snippet`` None (exports that do not show them).
        :raise IndexMissing: before the first reindex.
        :raise Busy: the slow lane is full (``slowlane.py``).
        """
        view = self.view()

        def compute() -> SearchResults:
            return run_search(view.snapshot, view.store, request, self.ranking, snippets=snippets)

        lane = self.lane
        if lane is not None and estimate(request.q).expensive:
            def in_lane() -> SearchResults:
                # The lane reads the same folder, at this view's commit or a newer one.
                try:
                    return lane.search(request, snippets)
                except LaneUnavailable:  # being restarted: answered here, slower for others
                    return compute()
            return self.results.get_or_compute((view.key, request, snippets), in_lane)
        return self.results.get_or_compute((view.key, request, snippets), compute)

    def export(self, request: SearchRequest, limit: int, *, snippets: bool = True) -> Export:
        """Every match of a search (at most ``limit``) from one view, matched once; its
        ``rows()`` stream from that view's store (``export.py``).

        :raise IndexMissing: before the first reindex.
        """
        return run_export(self.view(), request, self.ranking, limit, snippets=snippets)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Completions of what a person is typing (``suggest.complete``), from the words
        of the current view's titles.

        :raise QueryError: the text or limit is out of range.
        """
        view = self.view()
        with self._lock:
            cached = self._titles
        if cached is None or cached[0] != view.key:
            cached = (view.key, TitleVocabulary(view.store.title_counts()))
            with self._lock:
                self._titles = cached
        return complete(cached[1], text, limit)

    # -- look-ups ---------------------------------------------------------------------

    def item(self, item_id: str) -> dict:
        """A full item with its case history: ``case``, the other items of its case thread
        (same journal number, the same case: ``domain/cases.py``), oldest first, and
        ``other_cases``, how many other cases share its journal number.

        :raise NotFound: no item has that id (or the id is not one).
        """
        if not ID_PATTERN.match(item_id or ""):
            raise NotFound(f"{item_id!r} is not an item id")
        store = self.view().store
        item = store.item(item_id)
        case: list[dict] = []
        others: set[str] = set()
        if item["journal_number"]:
            for step in case_items(store, item["journal_number"], item["municipality"]):
                if step["thread_id"] != item["thread_id"]:
                    others.add(step["thread_id"])
                elif step["id"] != item_id:
                    case.append(step)
        item["case"] = case
        item["other_cases"] = len(others)
        return item

    def meeting(self, meeting_id: str) -> dict:
        """A meeting with its items in agenda order.

        :raise NotFound: no meeting has that id.
        """
        if not ID_PATTERN.match(meeting_id or ""):
            raise NotFound(f"{meeting_id!r} is not a meeting id")
        return self.view().store.meeting(meeting_id)

    def committees(self) -> list[dict]:
        return self.view().store.committees()

    def meetings_of(self, municipality: str, committee: str) -> list[dict]:
        return self.view().store.meetings_of(municipality, committee)

    def newest_meetings(self, limit: int = 6) -> list[dict]:
        return self.view().store.newest_meetings(limit)

    def updated(self) -> float:
        """When the live store was last written (a reindex's commit), as a Unix time."""
        path = self.view().store.path
        written = [p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
        return max(written, default=0.0)

    def close(self) -> None:
        """Close the store connections and this thread's view. Call it before forking:
        an SQLite connection open across a fork shares its lock state with the child's
        own connections, so that a reindex's writes corrupt what they read."""
        view = getattr(self._local, "view", None)
        if view is not None:
            view.snapshot.close()
            self._local.view = None
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
            self._readers.clear()

    def item_count(self) -> int:
        return self.view().snapshot.doc_count()

    def size_on_disk(self) -> int:
        """Bytes used by the live generation (store and index)."""
        folder = self._generation()
        total = 0
        for path in folder.rglob("*"):
            try:
                total += path.stat().st_size if path.is_file() else 0
            except FileNotFoundError:  # a reindex dropped an old commit's file meanwhile
                continue
        return total

    def stats(self) -> dict:
        """Counts by municipality, committee, year, decision and KLE main group, the source
        files that failed, and the size on disk."""
        store = self.view().store
        return {
            "items": self.item_count(),
            "municipality": store.counts("municipality"),
            "committee": store.counts("committee"),
            "year": store.year_counts(),
            "decision": store.decision_counts(),
            "kle": store.counts("kle_main_group"),
            "failed_files": [(r.path, r.error) for r in store.files_with_status("error")],
            # Files under source folders that are not minutes: reported, never silently skipped.
            "unknown_files": [(r.path, r.error) for r in store.files_with_status("unknown")],
            "attachment_files": len(store.files_with_status("attachment")),
            "bytes": self.size_on_disk(),
        }


class ResultCache:
    """Recently used search results, keyed by (view key, request): in this process
    (an LRU of result objects) and, when ``shared`` is given, in a file the server's
    processes share (``store.results``), so that one process's work warms the others.

    The view key changes with every commit, so a cached result is never served for
    an index it was not computed on. Callers get a copy: results are plain data that
    a page may change as it renders them.
    """

    def __init__(self, size: int, shared: SharedResults | None = None) -> None:
        self._cache: LRUCache[SearchResults] = LRUCache(size)
        self.shared = shared

    def get_or_compute(self, key: tuple, compute: Callable[[], SearchResults]) -> SearchResults:
        return copy.deepcopy(self._cache.get_or_compute(key, lambda: self._shared_or_compute(key, compute)))

    def _shared_or_compute(self, key: tuple, compute: Callable[[], SearchResults]) -> SearchResults:
        if self.shared is None:
            return compute()
        # The code's version is part of the key: a new version may shape results otherwise,
        # and the file outlives the processes that wrote it.
        digest = hashlib.sha256(repr((RESULTS_FORMAT, key)).encode("utf-8")).hexdigest()
        # Pickles written by this service's own processes into its own index folder: as
        # trusted as the index files themselves (Whoosh pickles its segments too).
        found = self.shared.get(digest)
        if found is not None:
            try:
                return pickle.loads(found)
            except Exception:  # an entry of another version of the code: recompute it
                pass
        results = compute()
        self.shared.put(digest, repr(key[0]), pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        return results

    def clear(self) -> None:
        self._cache.clear()
