"""Writing the index: a large batch indexed by several processes, a segment each,
gives the same search results as one process."""

from __future__ import annotations

import shutil

import pytest

from helpers import require_corpus, write_config
from searchsvc.config import load_config
from searchsvc.engine import writer as indexer
from searchsvc.errors import IndexMissing
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService

QUERIES = ["budget", "skole lokalplan", '"godkendelse af dagsorden"', "", "klima -vej", "22-012446"]


@pytest.fixture
def twin_configs(tmp_path, monkeypatch):
    """Two configurations over the same 30 Greve meetings (about 400 items)."""
    monkeypatch.setattr(indexer, "PARALLEL_ROWS", 100)  # so that 400 items are "many"
    source = tmp_path / "greve"
    source.mkdir()
    for path in sorted(require_corpus("greve").glob("*.json"))[::11][:30]:
        shutil.copy(path, source / path.name)
    configs = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        configs.append(load_config(write_config(folder, [(source, "Greve Kommune")])))
    return configs


def test_processes_write_a_segment_each_with_the_same_results(twin_configs):
    one, two = twin_configs
    assert reindex(one, full=True, workers=1).failures == []
    report = reindex(two, full=True, workers=2)
    assert report.failures == [] and report.items_added > 300
    first, second = SearchService(one.index_path), SearchService(two.index_path)
    assert len(first.view().snapshot.table.segments) == 1
    assert len(second.view().snapshot.table.segments) == 2
    for q in QUERIES:
        for sort in (None, "oldest"):
            request = SearchRequest(q=q, sort=sort, per_page=50)
            assert first.search(request).to_json() == second.search(request).to_json()


def test_a_failing_process_stops_the_run(twin_configs, monkeypatch):
    _, two = twin_configs

    def broken(row):
        raise ValueError("broken row")

    monkeypatch.setattr(indexer, "item_document", broken)
    with pytest.raises(RuntimeError, match="an indexing process failed: ValueError: broken row"):
        reindex(two, full=True, workers=2)
    assert two.index_path.exists()
    with pytest.raises(IndexMissing):
        SearchService(two.index_path).view()  # nothing was published
