"""Atom feeds say what they follow (issue 17): the query and every filter in the title and
subtitle; ``<updated>`` from the meeting's date and time; each entry links the item page
and the item at its publisher."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from searchsvc.web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def danish_client(danish_index, danish_service):
    return create_app(danish_index, service=danish_service).test_client()


def test_title_and_subtitle_name_the_query_and_every_filter(danish_client):
    feed = ET.fromstring(danish_client.get(
        "/search.atom?q=spildevand&municipality=Greve+Kommune&decision=godkendt&decision=udsat&from=2023-01-01").data)
    title = feed.find(f"{ATOM}title").text
    subtitle = feed.find(f"{ATOM}subtitle").text
    assert title.startswith("Referater: »spildevand«")
    for part in ("Kommune: Greve Kommune", "Beslutning: Godkendt eller Udsat", "Fra 2023-01-01"):
        assert part in title and part in subtitle
    everything = ET.fromstring(danish_client.get("/search.atom").data)
    assert everything.find(f"{ATOM}title").text == "Referater: alle punkter"


def test_updated_is_the_meetings_time_and_entries_link_the_source(danish_client, danish_service):
    feed = ET.fromstring(danish_client.get("/search.atom?municipality=Greve+Kommune").data)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    first = entries[0]
    item = danish_service.item(first.find(f"{ATOM}link[@rel='alternate']").get("href").rsplit("/", 1)[1])
    updated = first.find(f"{ATOM}updated").text
    assert item["time"] and updated.startswith(f"{item['date']}T{item['time']}:00+0")  # Danish time, not midnight UTC
    assert feed.find(f"{ATOM}updated").text == max(e.find(f"{ATOM}updated").text for e in entries)
    via = first.find(f"{ATOM}link[@rel='via']")
    assert via is not None and via.get("href") == item["source_url"]
