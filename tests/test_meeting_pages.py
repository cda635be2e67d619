"""Meeting and committee pages (issue 17): a meeting links the committee's previous and
next meeting; a committee's meetings are grouped by year; breadcrumbs name the
municipality where more than one is indexed."""

from __future__ import annotations

import re

import pytest

from searchsvc.web import create_app
from test_pages import Page, get_page


@pytest.fixture(scope="module")
def danish_client(danish_index, danish_service):
    return create_app(danish_index, service=danish_service).test_client()


def test_a_meeting_links_the_committees_previous_and_next(danish_client, danish_service):
    meetings = danish_service.meetings_of("Greve Kommune", "Byråd")  # newest first
    assert len(meetings) >= 2
    newest = get_page(danish_client, f"/meetings/{meetings[0]['id']}")
    assert not newest.find("a", rel="next")
    assert newest.find("a", rel="prev")[0]["href"] == f"/meetings/{meetings[1]['id']}"
    older = get_page(danish_client, f"/meetings/{meetings[1]['id']}")
    assert older.find("a", rel="next")[0]["href"] == f"/meetings/{meetings[0]['id']}"
    assert bool(older.find("a", rel="prev")) == (len(meetings) > 2)


def test_a_committee_with_one_meeting_has_no_neighbours(client):
    page = get_page(client, "/meetings/frederiksberg-kommune-2024-08-19-f3d2b3ae")
    assert not page.find("a", rel="next") and not page.find("a", rel="prev")


def test_committee_meetings_by_year_and_breadcrumbs_name_the_municipality(danish_client, danish_service):
    councils = [row for row in danish_service.committees()
                if row["committee"] == "Byråd" and row["municipality"] == "Greve Kommune"]
    assert councils
    html = danish_client.get("/udvalg/Greve%20Kommune/Byr%C3%A5d").get_data(as_text=True)
    page = Page(html)
    years = [h["id"] for h in page.find("h3") if h.get("id", "").startswith("aar-")]
    assert years == sorted(years, reverse=True) and len(years) >= 2
    assert sum(1 for _ in re.finditer(r'<li>\s*<a href="/meetings/', html)) == councils[0]["meetings"]
    assert "Byråd (Greve Kommune)" in page.text  # Aarhus has a Byråd too
    meeting = next(href for href, _ in page.links if href.startswith("/meetings/"))
    crumbs = Page(danish_client.get(meeting).get_data(as_text=True))
    assert "Byråd (Greve Kommune)" in [text for _, text in crumbs.links]


def test_one_municipality_keeps_breadcrumbs_short(client):
    page = get_page(client, "/meetings/frederiksberg-kommune-2024-08-19-f3d2b3ae")
    assert "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget" in [text for _, text in page.links]
