"""The item page (issue 17): attendance lines once, under Fremmøde; our case section is
not a second "Sagens forløb" beside the minutes' own."""

from __future__ import annotations

import re

import pytest

from searchsvc.search import SearchRequest
from searchsvc.web import create_app


@pytest.fixture(scope="module")
def danish_client(danish_index, danish_service):
    return create_app(danish_index, service=danish_service).test_client()


def test_afbud_lines_show_once_under_fremmoede(danish_client, danish_service):
    # Attendance is not searchable text (issue 17): the absent are found with ``fravaer``.
    absent = danish_service.search(SearchRequest(municipality=("Greve Kommune",))).facets["fravaer"][0].value
    hits = danish_service.search(SearchRequest(fravaer=(absent,), per_page=50), snippets=False).results
    with_attendance = [item for item in (danish_service.item(hit["id"]) for hit in hits) if item["attendance"]]
    assert with_attendance, "no Greve item with an attendance note"
    item = with_attendance[0]
    note = item["attendance"].splitlines()[0]
    html = danish_client.get(f"/items/{item['id']}").get_data(as_text=True)
    before, attendance = html.split('id="fremmoede"', 1)
    assert note not in before and absent in attendance


def test_one_heading_per_name(danish_client, danish_service):
    hits = danish_service.search(SearchRequest(municipality=("Greve Kommune",), per_page=100), snippets=False).results
    own = [hit["id"] for hit in hits
           if "Sagens forløb" in [s["heading"] for s in danish_service.item(hit["id"])["sections"]]]
    assert own, "no Greve item with a section 'Sagens forløb'"
    html = danish_client.get(f"/items/{own[0]}").get_data(as_text=True)
    assert "Sagens forløb" in re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert "Sagen i andre møder" in headings
    assert len(headings) == len(set(headings)), headings
