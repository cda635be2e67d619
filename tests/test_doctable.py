"""The document table: facet codes, date order and live documents, per segment.

Checked against what Whoosh itself stores and sorts, on real Greve meetings, and
across an incremental reindex (one meeting added, one changed).
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from whoosh import query as wq

from conftest import require_corpus, write_config
from searchsvc.search.service import Archive
from searchsvc.config import load_config
from searchsvc.search.facets import FACETS
from searchsvc.jobs.reindex import reindex
from searchsvc.search.searching import SearchRequest, _sort_facet, search

MEETINGS = 14


def greve_files(count: int):
    return sorted(require_corpus("greve").glob("*.json"))[::24][:count]


@pytest.fixture
def greve_config(tmp_path):
    """Fourteen Greve meetings (every committee, four years), indexed; returns the config."""
    folder = tmp_path / "greve"
    folder.mkdir()
    for path in greve_files(MEETINGS - 1):
        shutil.copy(path, folder / path.name)
    config = load_config(write_config(tmp_path, [(folder, "Greve Kommune")]))
    assert reindex(config, workers=1).failures == []
    return config


def stored_values(searcher, docnum: int) -> dict[str, list[str]]:
    stored = searcher.stored_fields(docnum)
    values = {}
    for facet in FACETS:
        raw = stored.get(facet.field) or ""
        values[facet.name] = sorted(raw.split(",")) if facet.multi and raw else ([raw] if raw else [])
    return values


def table_values(table, docnum: int) -> dict[str, list[str]]:
    values = {}
    for facet in FACETS:
        vocabulary = table.vocabulary.values[facet.name]
        if facet.multi:
            docs, codes = table.pairs[facet.name]
            values[facet.name] = sorted(vocabulary[c] for c in codes[docs == docnum])
        else:
            code = table.codes[facet.name][docnum]
            values[facet.name] = [vocabulary[code]] if code else []
    return values


def recount(searcher) -> dict[str, dict[str, int]]:
    """Facet counts over every live document, from the stored fields."""
    counts: dict[str, dict[str, int]] = {f.name: {} for f in FACETS}
    for docnum in searcher.reader().all_doc_ids():
        for name, values in stored_values(searcher, docnum).items():
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
    return counts


def test_facet_codes_are_the_stored_values(greve_config):
    snapshot = Archive(greve_config.index_path).snapshot()
    searcher, table = snapshot.searcher, snapshot.table
    assert table.size == searcher.doc_count_all() > 150
    for docnum in range(table.size):
        assert table_values(table, docnum) == stored_values(searcher, docnum)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_is_whoosh_order(greve_config, sort):
    snapshot = Archive(greve_config.index_path).snapshot()
    expected = [hit.docnum for hit in snapshot.searcher.search(wq.Every(), limit=None, sortedby=_sort_facet(sort))]
    every = np.ones(snapshot.table.size, dtype=bool)
    assert snapshot.table.page(every, sort, 0, len(expected)) == expected
    assert snapshot.table.page(every, sort, 5, 3) == expected[5:8]


def test_adding_a_meeting_reads_only_its_segment(greve_config):
    archive = Archive(greve_config.index_path)
    before = archive.snapshot()
    old = dict(before.table.segments)
    total = search(archive, SearchRequest()).total
    new_meeting = greve_files(MEETINGS)[-1]
    source = greve_config.sources[0].path
    shutil.copy(new_meeting, source / new_meeting.name)
    # A changed meeting: its items are deleted from their segment and added anew.
    changed = sorted(source.glob("*.json"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Godkendelse", "Godkendelsen"), encoding="utf-8")
    report = reindex(greve_config, workers=1)
    assert report.items_added > 0 and report.items_updated > 0

    after = archive.snapshot()
    assert after.key != before.key
    for key, (arrays, _) in after.table.segments.items():
        if key in old:
            assert arrays is old[key][0]  # the same arrays: not read again
    assert set(after.table.segments) - set(old)  # the new segment was read
    assert after.table.live.sum() == after.searcher.doc_count() < after.table.size
    results = search(archive, SearchRequest())
    assert results.total == total + report.items_added
    expected = recount(after.searcher)
    for facet in FACETS:
        assert {v.value: v.count for v in results.facets[facet.name]} == expected[facet.name]


def test_filters_and_counts_agree_with_whoosh(greve_config):
    archive = Archive(greve_config.index_path)
    snapshot = archive.snapshot()
    searcher = snapshot.searcher
    committee = snapshot.table.vocabulary.values["committee"][1]
    request = SearchRequest(committee=(committee,), year=("2023", "2024"))
    results = search(archive, request)
    query = wq.And([wq.Term("committee", committee), wq.Or([wq.Term("year", "2023"), wq.Term("year", "2024")])])
    matched = set(searcher.docs_for_query(query))
    assert results.total == len(matched) > 0
    years = {v.value: v.count for v in results.facets["year"]}
    assert sum(years.values()) == len(matched) and set(years) <= {"2023", "2024"}
