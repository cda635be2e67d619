"""Reading one generation's index: snapshots at a chosen commit, and what they share.

A ``Snapshot`` is one commit of the index with everything a search reads from it: a
Whoosh searcher, the per-document columns (``columns.py``), the evaluator of query
nodes, the vocabulary, and the stored ids. ``IndexReader`` opens snapshots of one
generation folder and keeps across them what stays valid: the columns and postings of
segments that are still live (a segment never changes once written), the facet value
codes, the close-spelling index and the generation's lexicon (for snippets).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from . import codec
from .analysis import danish_analyzer
from .columns import DocTable, PostingCache, SegmentArrays, Vocabulary
from .compounds import DICTIONARY_FILE, CompoundDictionary
from .evaluate import Evaluator
from .lemmas import load_lemmas
from .lexicon import LEXICON_FILE, Lexicon
from .nodes import Node
from .schema import WHOOSH_DIR, whoosh_storage
from .terms import Spellings, Terms
from .tokens import SnippetWords


def index_exists(generation: Path) -> bool:
    """Whether a generation folder holds an index with at least one commit."""
    return whoosh_index.exists_in(str(generation / WHOOSH_DIR))


@dataclass
class Snapshot:
    """One commit of the index, read consistently."""

    searcher: Searcher
    table: DocTable
    snippet_words: SnippetWords
    spellings: Spellings
    terms: Terms = field(init=False)

    def __post_init__(self) -> None:
        self.terms = Terms(self.searcher.reader(), self.spellings)

    @property
    def commit(self) -> int:
        return self.searcher.reader().generation()

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def match(self, node: Node) -> np.ndarray:
        """A mask of the live documents a query node matches."""
        return Evaluator(self.searcher, self.table).match(node)

    def top(self, node: Node, mask: np.ndarray, limit: int, *, restrict: bool,
            group: str | None = None) -> list[tuple[int, float | None]]:
        """The ``limit`` best-scoring documents of the mask (see ``Evaluator.top``); with a
        group column (``GROUP_COLUMNS``), the best document of each of the best groups."""
        groups = self.table.groups[group] if group is not None else None
        return Evaluator(self.searcher, self.table).top(node, mask, limit, restrict=restrict, groups=groups)

    def ids(self, docnums: list[int]) -> list[str]:
        """The item ids of documents."""
        return [self.searcher.stored_fields(docnum)["id"] for docnum in docnums]

    def live_ids(self) -> set[str]:
        """The item ids of every live document."""
        return set(self.ids(np.flatnonzero(self.table.live).tolist()))

    def close(self) -> None:
        self.searcher.close()


class IndexReader:
    """Snapshots of one generation's index, sharing what stays valid between commits."""

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        # The lemma data that reading queries needs, loaded now: not by the first
        # search, whose time budget (the extras) it would spend.
        load_lemmas()
        try:
            self.ix = whoosh_storage(generation / WHOOSH_DIR).open_index()
        except whoosh_index.EmptyIndexError as error:
            raise FileNotFoundError(f"no index in {generation}") from error
        self._lock = threading.Lock()
        self._segments: dict[str, SegmentArrays] = {}
        self._vocabulary = Vocabulary()
        self._postings = PostingCache()
        self._tables: dict[int, DocTable] = {}
        self._words: tuple[int, Any, Spellings] | None = None
        self._lexicon: tuple[tuple[int, int], Lexicon | None] | None = None

    def open(self, commit: int | None) -> Snapshot:
        """A snapshot of one commit (the newest when ``commit`` is None).

        :raise OSError: that commit's files are gone (a newer commit was cleaned meanwhile).
        """
        try:
            searcher = self.ix.searcher() if commit is None else codec.searcher_at(self.ix, commit)
        except whoosh_index.EmptyIndexError as error:
            raise FileNotFoundError(f"no index commit in {self.generation}") from error
        key = searcher.reader().generation()
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                table = DocTable.build(searcher.reader(), self._vocabulary, self._segments, self._postings)
                # Threads still on the previous snapshot keep their own reference to it.
                self._tables = {key: table}
        _, analyzer, spellings = self._vocabulary_views()
        return Snapshot(searcher, table, SnippetWords(self._current_lexicon(), analyzer), spellings)

    @staticmethod
    def is_current(snapshot: Snapshot, commit: int | None) -> bool:
        """Whether a snapshot is the one to read for the commit the store names."""
        return commit == snapshot.commit or (commit is None and snapshot.searcher.up_to_date())

    def _vocabulary_views(self) -> tuple[int, Any, Spellings]:
        """What is made from the generation's compound dictionary (its word counts): the
        analyser with that dictionary (snippets of an index without a lexicon) and the
        close-spelling index. Made anew when a reindex extends the dictionary."""
        try:
            mtime = (self.generation / DICTIONARY_FILE).stat().st_mtime_ns
        except FileNotFoundError:
            mtime = 0
        with self._lock:
            if self._words is None or self._words[0] != mtime:
                dictionary = CompoundDictionary.load(self.generation)
                self._words = (mtime, danish_analyzer(dictionary), Spellings(dictionary.counts))
            return self._words

    def _current_lexicon(self) -> Lexicon | None:
        """The generation's lexicon, read again when a commit has replaced it (it is
        replaced before the store names the commit, so it holds the snapshot's words)."""
        try:
            stat = (self.generation / LEXICON_FILE).stat()
            key = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            key = (0, 0)
        with self._lock:
            if self._lexicon is None or self._lexicon[0] != key:
                self._lexicon = (key, Lexicon.load(self.generation))
            return self._lexicon[1]
