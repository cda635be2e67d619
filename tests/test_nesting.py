"""Deeply nested parentheses: a clear 400 from every surface, never a recursion error."""

from __future__ import annotations

import pytest

from searchsvc.errors import QueryError
from searchsvc.search import SearchRequest
from searchsvc.search.query import parse_query

DEEP = "(" * 323 + "skole" + ")" * 323


def test_a_deeply_nested_request_is_refused_naming_the_limit():
    with pytest.raises(QueryError) as raised:
        SearchRequest.from_params({"q": [DEEP]})
    assert raised.value.param == "q" and "nest" in raised.value.message


def test_the_parser_alone_flattens_deep_nesting_instead_of_recursing():
    parsed = parse_query(DEEP)
    assert parsed.text.strip() == "skole"
    assert any("niveauer" in note for note in parsed.notes)
    assert parse_query("((a OR b) c)").text == "((a OR b) c)"  # ordinary nesting is kept


@pytest.mark.parametrize("path", ["/", "/api/search", "/search.atom", "/search.csv"])
def test_every_web_surface_answers_400(client, path):
    response = client.get(path, query_string={"q": DEEP})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["param"] == "q"
