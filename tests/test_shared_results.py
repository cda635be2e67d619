"""Search results shared between the server's processes through a file in the index folder."""

from __future__ import annotations

import os

from searchsvc.search import SearchRequest, SearchService
from searchsvc.store.results import RESULTS_FILE, SharedResults


def test_a_result_computed_by_one_process_is_read_by_another(sample_index):
    first = SearchService.open(sample_index, shared_cache=True)
    request = SearchRequest(q="borgerdialog")
    computed = first.search(request)
    # Another process: a service of its own, whose own cache is empty.
    second = SearchService.open(sample_index, shared_cache=True)
    calls = []
    original = second.results._shared_or_compute

    def counting(key, compute):
        return original(key, lambda: calls.append(1) or compute())

    second.results._shared_or_compute = counting
    assert second.search(request).to_json() == computed.to_json()
    assert calls == []  # read from the shared file, not computed again
    assert (sample_index.index_path / RESULTS_FILE).exists()


def test_a_new_commit_is_never_answered_from_the_shared_file(sample_index):
    from searchsvc.jobs.reindex import reindex

    service = SearchService.open(sample_index, shared_cache=True)
    before = service.search(SearchRequest(q="borgerdialog")).total
    for path in sample_index.sources[0].path.glob("*2021*"):
        path.unlink()
    reindex(sample_index, workers=1)
    after = SearchService.open(sample_index, shared_cache=True).search(SearchRequest(q="borgerdialog")).total
    assert after < before


def test_an_unwritable_cache_is_a_miss_not_an_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / RESULTS_FILE).mkdir()  # a folder where the file should be: cannot be opened
    shared = SharedResults(folder)
    shared.put("k", "v", b"x")
    assert shared.get("k") is None and shared.broken
    assert os.path.isdir(folder / RESULTS_FILE)
