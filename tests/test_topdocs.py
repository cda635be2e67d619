"""Ranking from score bounds: the exact top documents and scores of a full Whoosh ranking."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import index_greve_sample
from searchsvc.engine.matches import match_mask
from searchsvc.search.query import parse_query
from searchsvc.search.searching import SearchRequest, _filter_mask
from searchsvc.engine.topdocs import top_documents

QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "ældrereform", "spildevand", "budget 2024",
    "klima miljø", "godkendelse af dagsorden", '"godkendelse af"', '"lokalplan for"',
    "budget OR regnskab", "skole -budget", "NOT budget", "titel:budget", "beslutning:godkendt",
    "udvalg:byråd", "sag:23-003100", "23-003100 budget", "orientering fra formanden",
    "økonomi og regnskab", "plan for spildevand",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return index_greve_sample(tmp_path_factory.mktemp("topdocs"), slice(3, None, 20))


def whoosh_ranking(searcher, query, allowed: set[int], limit: int) -> list[tuple[int, float]]:
    """Every match scored by Whoosh, best first, ties by document number."""
    hits = searcher.search(query, filter=allowed, limit=None, terms=False)
    return sorted(((hit.docnum, hit.score) for hit in hits), key=lambda pair: (-pair[1], pair[0]))[:limit]


def assert_same_ranking(top: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    """The same scores (to the last bits: sums are added in another order) and the same
    documents in the same order, except that documents whose scores differ only in the
    last bits may trade places."""
    assert len(top) == len(expected)
    for (_, score), (_, wanted) in zip(top, expected):
        assert score == pytest.approx(wanted, rel=1e-9)
    tied = lambda ranking: [(round(score, 6), docnum) for docnum, score in ranking]  # noqa: E731
    assert sorted(tied(top), key=lambda p: (-p[0], p[1])) == sorted(tied(expected), key=lambda p: (-p[0], p[1]))


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 20, 60])
def test_the_top_of_the_full_ranking(archive, text, limit):
    snapshot = archive.snapshot()
    searcher = snapshot.searcher
    query = parse_query(text, searcher.schema, searcher.reader()).query
    mask = match_mask(query, searcher, snapshot.table)
    assert mask.any(), "every query of the list matches in this sample"
    top = top_documents(searcher, snapshot.table, query, mask, limit)
    assert_same_ranking(top, whoosh_ranking(searcher, query, set(np.flatnonzero(mask).tolist()), limit))


def test_within_filters(archive):
    snapshot = archive.snapshot()
    searcher, table = snapshot.searcher, snapshot.table
    request = SearchRequest(q="budget", year=("2023", "2024"))
    query = parse_query(request.q, searcher.schema, searcher.reader()).query
    mask = match_mask(query, searcher, table) & _filter_mask(request, searcher, table)
    allowed = set(np.flatnonzero(mask).tolist())
    assert 0 < len(allowed) < int(match_mask(query, searcher, table).sum())
    assert_same_ranking(top_documents(searcher, table, query, mask, 20), whoosh_ranking(searcher, query, allowed, 20))


def test_prefixes_are_left_to_whoosh(archive):
    snapshot = archive.snapshot()
    searcher = snapshot.searcher
    query = parse_query("budg*", searcher.schema, searcher.reader()).query
    assert top_documents(searcher, snapshot.table, query, match_mask(query, searcher, snapshot.table), 20) is None
