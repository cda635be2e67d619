"""Incremental runs that replace items leave segments with deleted documents, which
Whoosh merges into a new segment at a commit, through the segment writer's posting
pool (``add_reader``). The pool of ``engine/segments.py`` lacked the one-posting ``add``
that path calls: from the fifth such run on, every reindex stopped with an
AttributeError and nothing new was indexed (found by bench/reliability/fetchkills.py)."""

from __future__ import annotations

import shutil

from helpers import SAMPLE_2021, SAMPLES, write_config

from searchsvc.config import load_config
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService


def test_runs_that_merge_segments_with_deletions_keep_indexing(tmp_path):
    source = tmp_path / "samples"
    shutil.copytree(SAMPLES, source)
    config = load_config(write_config(tmp_path, [(source, "Frederiksberg Kommune")]))
    reindex(config, workers=1)
    original = (source / SAMPLE_2021).read_text("utf-8")
    for run in range(1, 9):   # each run: a meeting added, one rewritten (its items deleted and added)
        (source / f"copy-{run}.txt").write_text(original.replace("d. 03-05-2021", f"d. {run:02d}-06-2021"), "utf-8")
        (source / SAMPLE_2021).write_text(original.replace("Udvalget", f"Udvalget kvartal{run}", 1), "utf-8")
        report = reindex(config, workers=1)
        assert (report.failures, report.items_added, report.items_updated) == ([], 4, 4)
    check = integrity.check(config.index_path)
    assert check.problems == [] and len(check.searchable) == 10 + 8 * 4  # the samples, and 8 copies
    service = SearchService.open(config)
    assert service.search(SearchRequest(q="kvartal8"), snippets=False).total >= 1
    assert service.search(SearchRequest(q="kvartal7"), snippets=False).total == 0
