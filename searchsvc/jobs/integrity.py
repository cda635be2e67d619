"""Whether the index folder is whole: what a reader sees agrees with the item store.

Used after faults (a killed reindex, a full disk) to check the promises of
``store.generations`` and ``jobs.reindex``: a reader sees one committed state, every stored item is
searchable, nothing searchable is missing from the store, and the totals agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..engine import writer
from ..files import leftover_temporaries
from ..search import SearchRequest, SearchService
from ..store.generations import POINTER, PREFIX, DataDir
from ..store.items import Store


@dataclass
class IntegrityReport:
    generation: str
    stored: set[str]
    searchable: set[str]
    total: int                     # what an empty search reports
    facet_total: int               # the municipality facet's counts, summed
    stale: list[str] = field(default_factory=list)   # leftovers a reindex will clean

    @property
    def problems(self) -> list[str]:
        """What is wrong for a reader, in words; empty when the index is whole."""
        found = []
        if missing := self.stored - self.searchable:
            found.append(f"{len(missing)} stored items are not searchable, e.g. {min(missing)}")
        if extra := self.searchable - self.stored:
            found.append(f"{len(extra)} searchable items are not in the store, e.g. {min(extra)}")
        if self.total != len(self.stored):
            found.append(f"a search reports {self.total} items, the store holds {len(self.stored)}")
        if self.facet_total != len(self.stored):
            found.append(f"the municipality facet counts {self.facet_total} items, "
                         f"the store holds {len(self.stored)}")
        return found


def check(index_path: Path, service: SearchService | None = None) -> IntegrityReport:
    """Compare a reader's view of the index folder with its item store.

    :param service: a reader that is already open (a running server's); a fresh one
        by default.
    :raise IndexMissing: before the first reindex.
    """
    service = service or SearchService(index_path)
    view = service.view()
    searchable = view.snapshot.live_ids()
    stored = view.store.item_ids()
    results = service.search(SearchRequest(per_page=1))
    facet_total = sum(v.count for v in results.facets["municipality"])
    return IntegrityReport(generation=view.generation, stored=stored, searchable=searchable,
                           total=results.total, facet_total=facet_total,
                           stale=leftovers(index_path))


def leftovers(index_path: Path) -> list[str]:
    """Files a killed run left behind: generations that are not live, half-written
    pointers, and index commits newer than the one the store records."""
    datadir = DataDir(index_path)
    live = datadir.current()
    found = [p.name for p in datadir.path.glob(f"{PREFIX}*") if live is None or p != live]
    found += [p.name for p in leftover_temporaries(datadir.path / POINTER)]
    if live is not None:
        store = Store(live)
        commit = store.index_commit()
        latest = writer.latest_commit(writer.open_index(live))
        store.close()
        if commit is not None and latest > commit:
            found.append(f"{live.name}/{writer.WHOOSH_DIR}: commit {latest} (the store records {commit})")
    return sorted(found)
