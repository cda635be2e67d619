"""The engine's evaluator: query nodes matched as set algebra over posting lists (the
same documents Whoosh matches) and ranked from score bounds (the exact top documents and
scores of a full Whoosh ranking).

Every comparison runs on the samples indexed in several segments with deleted documents
(``segmented_samples``), and also on real Greve meetings when ../shared is present.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import index_greve_sample

from searchsvc.engine import nodes
from searchsvc.engine.analysis import part_term, stem_term
from searchsvc.engine.evaluate import Evaluator, to_whoosh
from searchsvc.search import SearchRequest
from searchsvc.search.query import parse_query

# Words, several words, phrases, operators, prefixes, fields, case numbers, nonsense.
GREVE_MATCH_QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "og", "ældrereform", "spildevand", "budget 2024",
    "klima miljø", "godkendelse af dagsorden", '"godkendelse af"', '"lokalplan for"',
    "budget OR regnskab", "skole -budget", "NOT budget", "budget -", "lokal*", "udv*",
    "titel:budget", "beslutning:godkendt", "udvalg:byråd", "sag:22-012446", "22-012446",
    "23-*", "xyzzy", "budget xyzzy", "æ", "(budget OR klima) -skole", '"budget" "regnskab"',
    '"godkendelse af dagsorden"', '"af af"', '"for at"', '"budget 2023"', '"byrådet godkender"',
    '"xyzzy budget"', 'titel:"budget 2024"', '"orientering fra formanden"',
]
# The same kinds on the samples' words; every one of these matches some sample item.
SAMPLE_QUERIES = [
    "borgerdialog", "uddannelse", "handleplan", "Frederiksberg", "ledige", "jobcenter", "borgerdialog fokus",
    "arbejdsmarkeds uddannelsesudvalg", "opfølgning på projektet", '"Borgerdialog i fokus"', '"handleplan for"',
    "borgerdialog OR jobcenter", "uddannelse -borgerdialog", "NOT borgerdialog", "titel:handleplan",
    "beslutning:efterretning", "udvalg:arbejdsmarkeds", "sag:15.04.10-P20-3-20", "15.04.10-P20-3-20 borgerdialog",
    "orientering om forløb", "plan for handling", "aeldre", "integrationspolitikens handleplan",
]
# ... and some that match nothing or only in parts, for the matching comparison.
SAMPLE_MATCH_QUERIES = SAMPLE_QUERIES + [
    "handle*", "udv*", "15.04*", "00.*", "xyzzy", "borgerdialog xyzzy", "æ", "og", "borgerdialog -",
    "(borgerdialog OR jobcenter) -uddannelse", '"borgerdialog" "fokus"', '"af af"', '"for at"',
    '"xyzzy borgerdialog"', 'titel:"borgerdialog i fokus"', '"fokus i borgerdialog"',
]
GREVE_TOP_QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "ældrereform", "spildevand", "budget 2024",
    "klima miljø", "godkendelse af dagsorden", '"godkendelse af"', '"lokalplan for"',
    "budget OR regnskab", "skole -budget", "NOT budget", "titel:budget", "beslutning:godkendt",
    "udvalg:byråd", "sag:23-003100", "23-003100 budget", "orientering fra formanden",
    "økonomi og regnskab", "plan for spildevand",
]
# The real meetings each comparison reads (every n-th of the sorted files).
GREVE_SAMPLES = {"greve-matches": slice(0, None, 25), "greve-top": slice(3, None, 20)}


@pytest.fixture(scope="module")
def snapshot_of(segmented_samples, tmp_path_factory):
    """A snapshot of the samples in segments, or of a sample of real Greve meetings
    (indexed when first asked for; skips without ../shared), by dataset name."""
    built = {"samples": segmented_samples}

    def snapshot_of(dataset: str):
        if dataset not in built:
            built[dataset] = index_greve_sample(tmp_path_factory.mktemp(dataset), GREVE_SAMPLES[dataset])
        return built[dataset].view().snapshot
    return snapshot_of


def evaluator(snapshot) -> Evaluator:
    return Evaluator(snapshot.searcher, snapshot.table)


def test_the_samples_are_in_segments_with_deletions(segmented_samples):
    """What makes the samples a fair test: document numbers offset per segment, and
    deleted documents that must never match."""
    snapshot = segmented_samples.view().snapshot
    assert len(snapshot.table.segments) >= 3
    assert snapshot.doc_count() == int(snapshot.table.live.sum()) == 22 < snapshot.table.size


# -- matching ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dataset, text", [("samples", q) for q in SAMPLE_MATCH_QUERIES]
                         + [("greve-matches", q) for q in GREVE_MATCH_QUERIES])
def test_the_same_documents_as_whoosh(snapshot_of, dataset, text):
    snapshot = snapshot_of(dataset)
    node = parse_query(text, snapshot.terms).query
    expected = set(snapshot.searcher.docs_for_query(to_whoosh(node)))
    mask = evaluator(snapshot).match(node)
    assert set(np.flatnonzero(mask).tolist()) == expected


# Two stems each dataset holds, a year beside the first, and a stem's start.
SHAPE_WORDS = {"samples": ("borgerdialog", "uddannelse", "2021", "borgerdia"),
               "greve-matches": ("budget", "skole", "2023", "budg")}


@pytest.mark.parametrize("dataset", ["samples", "greve-matches"])
def test_shapes_the_query_language_does_not_build(snapshot_of, dataset):
    snapshot = snapshot_of(dataset)
    one, other, year, start = SHAPE_WORDS[dataset]
    a, b = nodes.Term("body", stem_term(one)), nodes.Term("body", stem_term(other))
    searcher = snapshot.searcher
    for node in (nodes.And((a, nodes.Not(b))),
                 nodes.And((a, nodes.Not(nodes.Term("title", stem_term(one))))),
                 nodes.AndMaybe(a, b), nodes.Or(()), nodes.And(()), nodes.Every(), nodes.Nothing(),
                 nodes.Term("nofield", "x"), nodes.Term("year", year), nodes.Prefix("body", start),
                 nodes.Phrase("body", (stem_term(one), year), slop=3), nodes.Phrase("body", (start,)),
                 nodes.Near((a, nodes.Term("body", part_term(other))), slop=0),
                 nodes.Near((a, b), slop=4)):
        expected = set(searcher.docs_for_query(to_whoosh(node)))
        assert set(np.flatnonzero(evaluator(snapshot).match(node)).tolist()) == expected, node


# -- ranking ----------------------------------------------------------------------------------

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


@pytest.mark.parametrize("dataset, text", [("samples", q) for q in SAMPLE_QUERIES]
                         + [("greve-top", q) for q in GREVE_TOP_QUERIES])
@pytest.mark.parametrize("limit", [1, 20, 60])
def test_the_top_of_the_full_ranking(snapshot_of, dataset, text, limit):
    snapshot = snapshot_of(dataset)
    node = parse_query(text, snapshot.terms).query
    mask = evaluator(snapshot).match(node)
    assert mask.any(), "every query of the list matches in this sample"
    top = evaluator(snapshot).top(node, mask, limit, restrict=False)
    assert_same_ranking(top, whoosh_ranking(snapshot.searcher, to_whoosh(node), set(np.flatnonzero(mask).tolist()), limit))


# A query with matches inside and outside a filter of each dataset's years.
FILTERED = {"samples": SearchRequest(q="uddannelse", year=("2024",)),
            "greve-top": SearchRequest(q="budget", year=("2023", "2024"))}


@pytest.mark.parametrize("dataset", ["samples", "greve-top"])
def test_within_filters(snapshot_of, dataset):
    snapshot = snapshot_of(dataset)
    search = FILTERED[dataset]
    table = snapshot.table
    node = parse_query(search.q, snapshot.terms).query
    matched = evaluator(snapshot).match(node)
    mask = matched & table.docs_with("year", search.year)
    allowed = set(np.flatnonzero(mask).tolist())
    assert 0 < len(allowed) < int(matched.sum())
    assert_same_ranking(evaluator(snapshot).top(node, mask, 20, restrict=True),
                        whoosh_ranking(snapshot.searcher, to_whoosh(node), allowed, 20))


def test_a_filtered_search_ranks_as_whoosh_within_the_filter(segmented_samples):
    """The same through the service: the filter's documents, ranked by Whoosh's scores."""
    request = FILTERED["samples"]
    results = segmented_samples.search(request)
    snapshot = segmented_samples.view().snapshot
    allowed = np.flatnonzero(snapshot.table.docs_with("year", request.year) & snapshot.table.live)
    query = to_whoosh(parse_query(request.q, snapshot.terms).query)
    expected = whoosh_ranking(snapshot.searcher, query, set(allowed.tolist()), request.per_page)
    assert results.total == len(snapshot.searcher.search(query, filter=set(allowed.tolist()), limit=None)) > 0
    assert [hit["score"] for hit in results.results] == [round(score, 3) for _, score in expected]
    assert {hit["id"] for hit in results.results} == set(snapshot.ids([docnum for docnum, _ in expected]))
    assert all(hit["date"].startswith("2024") for hit in results.results)


@pytest.mark.parametrize("dataset", ["samples", "greve-top"])
def test_prefixes_are_ranked_by_whoosh(snapshot_of, dataset):
    snapshot = snapshot_of(dataset)
    start = "handle*" if dataset == "samples" else "budg*"
    node = parse_query(start, snapshot.terms).query
    mask = evaluator(snapshot).match(node)
    assert mask.any()
    hits = snapshot.searcher.search(to_whoosh(node), limit=20, terms=False)
    # Whoosh's own scores, to the last bit: prefix scoring depends on segment sizes.
    assert evaluator(snapshot).top(node, mask, 20, restrict=False) == [(hit.docnum, hit.score) for hit in hits]


def test_browsing_everything_has_no_scores(segmented_samples):
    snapshot = segmented_samples.view().snapshot
    node = parse_query("", snapshot.terms).query
    assert node == nodes.Every()
    mask = evaluator(snapshot).match(node)
    assert mask.sum() == snapshot.doc_count()
    top = evaluator(snapshot).top(node, mask, 5, restrict=False)
    assert len(top) == 5 and all(score is None for _, score in top)
