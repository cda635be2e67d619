"""The any-word fallback, ordered by how many of the query's words each item holds.

When no item holds every word, the search retries with any of them (``query.py``'s
``any`` mode). Ranked by score alone, an item with one rare word ("Allé") outranks one
with two common ones; here items with more of the words come first, by score within the
same number, and each result says how many it holds (``words_matched``). A case thread
stands once, at the highest number any of its items reaches.
"""

from __future__ import annotations

import numpy as np

from ..engine.reader import Snapshot
from ..engine.terms import Terms
from .query import ParsedQuery, parse_query, positive_words
from .ranking import Ranking


def word_counts(snapshot: Snapshot, parsed: ParsedQuery, terms: Terms, ranking: Ranking) -> tuple[np.ndarray, int]:
    """How many of the query's distinct words each document holds, and how many there are."""
    words = list(dict.fromkeys(word.lower() for word in positive_words(parsed.tree)))
    counts = np.zeros(len(snapshot.table.live), dtype=np.int32)
    for word in words:
        counts += snapshot.match(parse_query(word, terms, ranking=ranking).query)
    return counts, len(words)


def coordinated_hits(snapshot: Snapshot, parsed: ParsedQuery, docnums: np.ndarray, counts: np.ndarray,
                     start: int, count: int, *, restrict: bool,
                     group: str | None = None) -> list[tuple[int, float | None]]:
    """Matches ``start`` to ``start + count``: most words first, then by score."""
    table = snapshot.table
    groups = table.groups[group] if group else None
    seen = np.zeros(0, dtype=groups.dtype) if groups is not None else None
    hits: list[tuple[int, float | None]] = []
    skip = start
    for level in sorted({int(n) for n in np.unique(counts[docnums])}, reverse=True):
        mask = docnums & (counts == level)
        if groups is not None and seen is not None:
            mask &= ~np.isin(groups, seen)
            size = table.group_count(mask, group) if mask.any() else 0  # type: ignore[arg-type]
        else:
            size = int(mask.sum())
        if skip < size:
            hits += snapshot.top(parsed.query, mask, skip + count - len(hits), restrict=True, group=group)[skip:]
            skip = 0
        else:
            skip -= size
        if groups is not None and seen is not None:
            seen = np.union1d(seen, np.unique(groups[mask]))
        if len(hits) >= count:
            break
    return hits[:count]
