"""Query matching as set algebra over posting lists: the same documents Whoosh matches."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from conftest import index_greve_sample
from searchsvc.engine.matches import match_mask
from searchsvc.search.query import parse_query

# Words, several words, phrases, operators, prefixes, fields, case numbers, nonsense.
QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "og", "ældrereform", "spildevand", "budget 2024",
    "klima miljø", "godkendelse af dagsorden", '"godkendelse af"', '"lokalplan for"',
    "budget OR regnskab", "skole -budget", "NOT budget", "budget -", "lokal*", "udv*",
    "titel:budget", "beslutning:godkendt", "udvalg:byråd", "sag:22-012446", "22-012446",
    "23-*", "xyzzy", "budget xyzzy", "æ", "(budget OR klima) -skole", '"budget" "regnskab"',
    '"godkendelse af dagsorden"', '"af af"', '"for at"', '"budget 2023"', '"byrådet godkender"',
    '"xyzzy budget"', 'titel:"budget 2024"', '"orientering fra formanden"',
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return index_greve_sample(tmp_path_factory.mktemp("matches"), slice(0, None, 25))


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_documents_as_whoosh(archive, text):
    snapshot = archive.snapshot()
    searcher = snapshot.searcher
    query = parse_query(text, searcher.schema, searcher.reader()).query
    expected = set(searcher.docs_for_query(query))
    mask = match_mask(query, searcher, snapshot.table)
    assert set(np.flatnonzero(mask).tolist()) == expected


def test_shapes_whoosh_builds_itself(archive):
    snapshot = archive.snapshot()
    searcher, table = snapshot.searcher, snapshot.table
    for query in (wq.And([wq.Term("body", "budget"), wq.Not(wq.Term("body", "skol"))]),
                  wq.AndNot(wq.Term("body", "budget"), wq.Term("title", "budget")),
                  wq.AndMaybe(wq.Term("body", "budget"), wq.Term("body", "skol")),
                  wq.Or([]), wq.And([]), wq.Every(), wq.Term("nofield", "x"),
                  wq.NumericRange("date", 20230101, 20231231), wq.Term("year", "2023"),
                  wq.Phrase("body", ["budget", "2023"], slop=3), wq.Phrase("body", ["budg"])):
        expected = set(searcher.docs_for_query(query))
        assert set(np.flatnonzero(match_mask(query, searcher, table)).tolist()) == expected, query
