"""The per-document columns: facet codes, date order and live documents, per segment.

Checked against what Whoosh itself stores, sorts and matches, and across an incremental
reindex (one meeting added, one changed): on the samples (several segments, deleted
documents), and on real Greve meetings when ../shared is present.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from helpers import SAMPLE_2021, index_samples, require_corpus, write_config
from whoosh import query as wq
from whoosh import sorting

from searchsvc.config import load_config
from searchsvc.engine.schema import KEYWORD_COLUMNS
from searchsvc.jobs.reindex import reindex
from searchsvc.search import FACETS, SearchRequest, SearchService

MEETINGS = 14


def greve_files(count: int):
    return sorted(require_corpus("greve").glob("*.json"))[::24][:count]


def index_greve(folder):
    """Thirteen Greve meetings (every committee, four years), indexed; returns the config."""
    source = folder / "greve"
    source.mkdir()
    for path in greve_files(MEETINGS - 1):
        shutil.copy(path, source / path.name)
    config = load_config(write_config(folder, [(source, "Greve Kommune")]))
    assert reindex(config, workers=1).failures == []
    return config


@pytest.fixture(scope="module")
def service(request, tmp_path_factory):
    """The samples in segments (shared by the session), or the Greve meetings (built
    once for this module); read-only."""
    if request.param == "samples":
        return request.getfixturevalue("segmented_samples")
    return SearchService.open(index_greve(tmp_path_factory.mktemp("greve-columns")))


def stored_values(searcher, docnum: int) -> dict[str, list[str]]:
    stored = searcher.stored_fields(docnum)
    values = {}
    for facet in FACETS:
        raw = stored.get(facet.field) or ""
        values[facet.name] = sorted(raw.split(",")) if KEYWORD_COLUMNS[facet.field] and raw else ([raw] if raw else [])
    return values


def table_values(table, docnum: int) -> dict[str, list[str]]:
    values = {}
    for facet in FACETS:
        vocabulary = table.vocabulary.values[facet.field]
        if KEYWORD_COLUMNS[facet.field]:
            docs, codes = table.pairs[facet.field]
            values[facet.name] = sorted(vocabulary[c] for c in codes[docs == docnum])
        else:
            code = table.codes[facet.field][docnum]
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


def whoosh_order(sort: str):
    """Whoosh's own sort for a date order: date (descending for ``newest``), then item number."""
    return sorting.MultiFacet([sorting.FieldFacet("date", reverse=sort == "newest"), sorting.FieldFacet("item_number")])


DATASETS = ["samples", "greve"]
MINIMUM_DOCUMENTS = {"samples": 25, "greve": 150}


@pytest.mark.parametrize("service", DATASETS, indirect=True)
def test_facet_codes_are_the_stored_values(service, request):
    snapshot = service.view().snapshot
    searcher, table = snapshot.searcher, snapshot.table
    assert table.size == searcher.doc_count_all() > MINIMUM_DOCUMENTS[request.node.callspec.params["service"]]
    for docnum in range(table.size):
        assert table_values(table, docnum) == stored_values(searcher, docnum)


@pytest.mark.parametrize("service", DATASETS, indirect=True)
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_is_whoosh_order(service, sort):
    snapshot = service.view().snapshot
    expected = [hit.docnum for hit in snapshot.searcher.search(wq.Every(), limit=None, sortedby=whoosh_order(sort))]
    assert len(expected) == snapshot.doc_count()
    assert snapshot.table.page(snapshot.table.live, sort, 0, len(expected)) == expected
    assert snapshot.table.page(snapshot.table.live, sort, 5, 3) == expected[5:8]


@pytest.mark.parametrize("service", DATASETS, indirect=True)
def test_the_date_column_filters_as_a_whoosh_range(service):
    snapshot = service.view().snapshot
    table = snapshot.table
    for low, high in ((20210101, 20211231), (20230101, 20231231), (20240819, 20240819)):
        expected = set(snapshot.searcher.docs_for_query(wq.NumericRange("date", low, high)))
        mask = table.live & (table.date >= low) & (table.date <= high)
        assert set(np.flatnonzero(mask).tolist()) == expected


@pytest.mark.parametrize("service", DATASETS, indirect=True)
def test_filters_and_counts_agree_with_whoosh(service):
    snapshot = service.view().snapshot
    searcher = snapshot.searcher
    committee = snapshot.table.vocabulary.values["committee"][1]
    years = tuple(sorted(snapshot.table.vocabulary.values["year"][1:]))[-2:]
    request = SearchRequest(committee=(committee,), year=years)
    results = service.search(request)
    query = wq.And([wq.Term("committee", committee), wq.Or([wq.Term("year", year) for year in years])])
    matched = set(searcher.docs_for_query(query))
    assert results.total == len(matched) > 0
    counted = {v.value: v.count for v in results.facets["year"]}
    # The chosen years count as alternatives to every other year of the committee.
    of_committee = set(searcher.docs_for_query(wq.Term("committee", committee)))
    assert sum(counted.values()) == len(of_committee)
    assert sum(counted[year] for year in years if year in counted) == len(matched)


@pytest.mark.parametrize("service", DATASETS, indirect=True)
def test_facet_counts_of_every_item_are_the_stored_values(service):
    snapshot = service.view().snapshot
    results = service.search(SearchRequest())
    expected = recount(snapshot.searcher)
    for facet in FACETS:
        assert {v.value: v.count for v in results.facets[facet.name]} == expected[facet.name]
        assert snapshot.table.counts(facet.field, snapshot.table.live) == expected[facet.name]


# -- an incremental reindex: only the new segment is read --------------------------------------

def samples_to_change(folder):
    """The samples indexed; a new meeting (a copy of the 2021 one on another day) and a
    changed one (a decision edited), not yet reindexed."""
    config = index_samples(folder)
    source = config.sources[0].path
    meeting = (source / SAMPLE_2021).read_text("utf-8")
    (source / "copy.txt").write_text(meeting.replace("d. 03-05-2021", "d. 10-05-2021"), "utf-8")
    changed = source / SAMPLE_2021
    changed.write_text(meeting.replace("Udvalget udsatte sagen.", "Udvalget godkendte sagen."), "utf-8")
    return config


def greve_to_change(folder):
    """Thirteen Greve meetings indexed; a fourteenth added, one changed, not yet reindexed."""
    config = index_greve(folder)
    new_meeting = greve_files(MEETINGS)[-1]
    source = config.sources[0].path
    shutil.copy(new_meeting, source / new_meeting.name)
    # A changed meeting: its items are deleted from their segment and added anew.
    changed = sorted(source.glob("*.json"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("Godkendelse", "Godkendelsen"), encoding="utf-8")
    return config


@pytest.mark.parametrize("dataset", DATASETS)
def test_adding_a_meeting_reads_only_its_segment(tmp_path, dataset):
    prepare = samples_to_change if dataset == "samples" else greve_to_change
    config = prepare(tmp_path)
    service = SearchService.open(config)
    before = service.view()
    old = dict(before.snapshot.table.segments)
    total = service.search(SearchRequest()).total
    report = reindex(config, workers=1)
    assert report.items_added > 0 and report.items_updated > 0

    after = service.view()
    assert after.key != before.key
    for key, (arrays, _) in after.snapshot.table.segments.items():
        if key in old:
            assert arrays is old[key][0]  # the same arrays: not read again
    assert set(after.snapshot.table.segments) - set(old)  # the new segment was read
    assert after.snapshot.table.live.sum() == after.snapshot.searcher.doc_count() < after.snapshot.table.size
    results = service.search(SearchRequest())
    assert results.total == total + report.items_added
    expected = recount(after.snapshot.searcher)
    for facet in FACETS:
        assert {v.value: v.count for v in results.facets[facet.name]} == expected[facet.name]
