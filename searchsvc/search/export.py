"""Exports (CSV, spreadsheets): every match of a search from ONE view, matched ONCE,
its rows read from the store in chunks as the caller consumes them.

Paging through ``SearchService.search`` one hundred at a time ran the query once per page
and could mix two index states during a reindex; an ``Export`` holds its view (snapshot
and store) until its rows are read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ranking import Ranking
from .request import SearchRequest
from .searching import Matched, match_request, ordered_hits, result_rows

if TYPE_CHECKING:
    from .service import View

# Store columns an export carries beyond a search result's: the decision text (CSV), the
# meeting's time and the item's page at the publisher (Atom).
EXTRA_COLUMNS = ("decision_text", "time", "source_url")
# Rows read from the store at a time: a few hundred items' sections in memory, not all.
CHUNK = 200


@dataclass
class Export:
    """The matches of one request in one view: ``total`` (all matches) and ``rows()``
    (at most ``limit`` of them, in the request's order, each a result with its snippet
    and its decision text)."""

    total: int
    limit: int
    view: View
    _hits: list[tuple[int, float | None]]
    _matched: Matched
    snippets: bool = True

    def rows(self) -> Iterator[dict]:
        view = self.view
        for start in range(0, len(self._hits), CHUNK):
            yield from result_rows(view.snapshot, view.store, self._hits[start:start + CHUNK],
                                   self._matched.parsed,
                                   snippets=self.snippets, extra=EXTRA_COLUMNS)


def export(view: View, request: SearchRequest, ranking: Ranking, limit: int, *, snippets: bool = True) -> Export:
    """Match ``request`` once in ``view`` and order its first ``limit`` matches; the rows
    are read when ``Export.rows()`` is consumed."""
    matched = match_request(view.snapshot, request, ranking, time.thread_time())
    total = int(matched.docnums.sum())
    hits = ordered_hits(view.snapshot, matched.parsed, matched.docnums, request.effective_sort, 0,
                        min(limit, total), restrict=matched.filter_mask is not None)
    return Export(total=total, limit=limit, view=view, _hits=hits, _matched=matched, snippets=snippets)
