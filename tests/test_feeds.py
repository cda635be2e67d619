"""The Atom feed and the CSV export: well-formed XML whatever a query or a title holds,
and absolute links only from ``[server] public_url``, never from the Host header."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from xml.parsers import expat

import pytest

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.web import create_app
from tests.conftest import write_config

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://referater.example.dk"
# What XML 1.0 cannot carry, even as a character reference.
FORBIDDEN = "\x01\x08\x0b\x1f\ufffe\uffff"


def meeting_with_forbidden_characters() -> str:
    """A FirstAgenda meeting whose item title, committee and text hold control
    characters and noncharacters."""
    return json.dumps({
        "Udvalg": {"Navn": "Børne- og \x01Skoleudvalget"},
        "Moede": {"Dato": "2024-03-04T17:00:00+01:00", "Sted": "Rådhuset"},
        "Dagsordenpunkter": [{
            "Punktnummer": "1", "Navn": "Skole\x01struktur \ufffe og \x08skoledistrikter\uffff",
            "SagsNummer": "24-000001",
            "Felter": [{"Html": "<h3>Beslutning</h3><p>Godkendt.</p><h3>Resume</h3>"
                                "<p>Forslag om ny skole\x0bstruktur\x1f for alle skoler.</p>"}],
        }],
    }, ensure_ascii=False)


@pytest.fixture(scope="module")
def feeds_config(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    (root / "json").mkdir()
    (root / "json" / "skole.json").write_text(meeting_with_forbidden_characters(), "utf-8")
    file = write_config(root, [(root / "json", "Greve Kommune")])
    config = load_config(file)
    assert reindex(config, workers=1).failures == []
    return config


def with_public_url(config, url: str | None):
    text = config.file.read_text("utf-8")
    file = config.file.with_name(f"config-{'public' if url else 'plain'}.toml")
    file.write_text(text + (f'\n[server]\npublic_url = "{url}"\n' if url else ""), "utf-8")
    return load_config(file)


@pytest.fixture(scope="module")
def plain_client(feeds_config):
    return create_app(with_public_url(feeds_config, None)).test_client()


@pytest.fixture(scope="module")
def public_client(feeds_config):
    return create_app(with_public_url(feeds_config, PUBLIC + "/")).test_client()


def well_formed(data: bytes) -> ET.Element:
    """The document parsed by expat, which refuses what is not well-formed XML 1.0."""
    parser = expat.ParserCreate()
    parser.Parse(data, True)   # raises ExpatError
    return ET.fromstring(data)


@pytest.mark.parametrize("query", ["skole%01%08", "skole%EF%BF%BE", "%0B%1F", "skole", "", "skole%ED%A0%80"])
def test_atom_is_well_formed_whatever_the_query_and_titles_hold(plain_client, public_client, query):
    for client in (plain_client, public_client):
        response = client.get(f"/search.atom?q={query}")
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            continue
        feed = well_formed(response.data)
        text = response.data.decode("utf-8")
        assert not any(c in text for c in FORBIDDEN)
        assert feed.find(f"{ATOM}title").text.startswith("Referater")


def test_a_title_with_forbidden_characters_keeps_its_words(plain_client):
    feed = well_formed(plain_client.get("/search.atom?q=skole").data)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Skolestruktur  og skoledistrikter"]
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert "Skoleudvalget" in summary and "<mark>" in summary


def test_links_use_the_public_url_never_the_host_header(public_client):
    for host in ("evil.example", "referater.example.dk:81", None):
        headers = {"Host": host} if host else {}
        atom = public_client.get("/search.atom?q=skole", headers=headers)
        assert b"evil.example" not in atom.data and b":81" not in atom.data
        feed = well_formed(atom.data)
        assert feed.find(f"{ATOM}id").text == PUBLIC + "/search.atom?q=skole"
        hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
        assert len(hrefs) == 3 and all(href.startswith(PUBLIC + "/") for href in hrefs)
        entry = feed.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}id").text == entry.find(f"{ATOM}link").get("href")
        rows = list(csv.DictReader(io.StringIO(public_client.get("/search.csv?q=skole", headers=headers)
                                               .data.decode("utf-8-sig"))))
        assert len(rows) == 1 and rows[0]["url"].startswith(PUBLIC + "/items/greve-kommune-")


def test_without_a_public_url_links_are_relative_and_ids_stable(plain_client):
    ids = set()
    for host in ("evil.example", "localhost"):
        data = plain_client.get("/search.atom?q=skole", headers={"Host": host}).data
        assert b"evil.example" not in data and b"localhost" not in data
        feed = well_formed(data)
        assert all(link.get("href").startswith("/") for link in feed.iter(f"{ATOM}link"))
        entry_id = feed.find(f"{ATOM}entry/{ATOM}id").text
        assert entry_id.startswith("urn:uuid:")   # Atom ids must be absolute
        ids.add(entry_id)
        csv_text = plain_client.get("/search.csv?q=skole", headers={"Host": host}).data.decode("utf-8-sig")
        assert "evil.example" not in csv_text
        assert list(csv.DictReader(io.StringIO(csv_text)))[0]["url"].startswith("/items/greve-kommune-")
    assert len(ids) == 1
