"""The JSON API, feeds and health check, through the Flask test client over the indexed samples.

Real responses are validated against the OpenAPI document the app serves, so the
description stays true.
"""

from __future__ import annotations

import csv
import io
import shutil
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft202012Validator, ValidationError

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.web import create_app
from searchsvc.web.openapi import openapi_document

from helpers import write_config

ITEM_30 = "frederiksberg-kommune-2024-08-19-30-8dc70220"   # shares its journal number with 31
ITEM_31 = "frederiksberg-kommune-2024-08-19-31-93bdd3ea"
MEETING_2024 = "frederiksberg-kommune-2024-08-19-f3d2b3ae"
CASE_JOURNAL = "00.01.00-G01-253-23"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def spec():
    return openapi_document()


def test_openapi_document_is_served(client, spec):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == spec


def validate(spec: dict, name: str, document: dict) -> None:
    """Validate a document against one component schema of the OpenAPI document.

    OpenAPI 3.1 schemas are JSON Schema 2020-12; the whole spec is the root document so
    that ``#/components/schemas/...`` references resolve.
    """
    schema = {**spec, "$ref": f"#/components/schemas/{name}"}
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)


# -- the OpenAPI document ------------------------------------------------------------


def test_openapi_describes_every_json_route(app, spec):
    assert spec["openapi"].startswith("3.1")
    routes = {
        rule.rule.replace("<", "{").replace(">", "}").replace("{path:", "{")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("api", "feeds")
    }
    assert routes == set(spec["paths"])


def test_openapi_component_schemas_are_valid_json_schema(spec):
    for name, schema in spec["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def test_a_schema_rejects_a_document_it_does_not_describe(spec):
    with pytest.raises(ValidationError, match="unexpected|Additional properties"):
        validate(spec, "FacetValue", {"value": "x", "count": 1, "surprise": True})


# -- /api/search ---------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "",
    "q=jobcenter",
    "q=borgerdialog&decision=taget-til-efterretning",
    "municipality=Frederiksberg+Kommune&year=2024&kle=00&sort=oldest",
    f"journal={CASE_JOURNAL}",
    "from=2021-01-01&to=2021-12-31&per_page=2&page=2",
    "q=%22digitale+jobcenter%22",
    "q=ingenting-matcher-dette-ord",
])
def test_search_documents_match_the_schema(client, spec, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    validate(spec, "SearchDocument", response.get_json())


def test_empty_query_browses_everything_newest_first(client):
    document = client.get("/api/search").get_json()
    assert document["total"] == 10
    assert document["sort"] == "newest"
    dates = [hit["date"] for hit in document["results"]]
    assert dates == sorted(dates, reverse=True)


def test_search_links_page_through_all_results(client):
    seen, url = [], "/api/search?per_page=3"
    while url:
        document = client.get(url).get_json()
        assert document["links"]["self"] == url
        seen += [hit["id"] for hit in document["results"]]
        url = document["links"]["next"]
    assert len(seen) == len(set(seen)) == 10
    last = client.get("/api/search?per_page=3&page=4").get_json()
    assert last["links"]["next"] is None
    assert last["links"]["prev"] == "/api/search?page=3&per_page=3"
    assert client.get("/api/search").get_json()["links"]["prev"] is None


def test_search_filters_narrow_and_facets_count(client):
    document = client.get("/api/search?q=jobcenter").get_json()
    decisions = {v["value"]: v["count"] for v in document["facets"]["decision"]}
    narrowed = client.get("/api/search?q=jobcenter&decision=anbefalet").get_json()
    assert narrowed["total"] == decisions["anbefalet"] < document["total"]
    assert all("anbefalet" in hit["decisions"] for hit in narrowed["results"])
    selected = [v for v in narrowed["facets"]["decision"] if v.get("selected")]
    assert [v["value"] for v in selected] == ["anbefalet"]


def test_journal_filter_finds_the_case(client):
    document = client.get(f"/api/search?journal={CASE_JOURNAL}").get_json()
    assert {hit["id"] for hit in document["results"]} == {ITEM_30, ITEM_31}


def test_snippets_mark_matches_and_escape_text(client):
    document = client.get("/api/search?q=jobcenter").get_json()
    snippets = [hit["snippet"] for hit in document["results"] if hit["snippet"]]
    assert any("<mark>" in s for s in snippets)
    for snippet in snippets:
        assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("query, param", [
    ("from=2020-13-01", "from"),
    ("to=yesterday", "to"),
    ("from=2024-01-01&to=2023-01-01", "from"),
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("per_page=100000", "per_page"),
    ("per_page=0", "per_page"),
    ("sort=foo", "sort"),
    ("decision=nonsense", "decision"),
    ("year=20x4", "year"),
    ("kle=1", "kle"),
    ("journal=%3Cscript%3E", "journal"),
    ("q=" + "ord+" * 400, "q"),
])
@pytest.mark.parametrize("path", ["/api/search", "/search.atom", "/search.csv"])
def test_bad_parameters_are_400_naming_the_parameter(client, spec, path, query, param):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.content_type == "application/json"
    document = response.get_json()
    assert document["param"] == param
    validate(spec, "Error", document)


def test_an_oversized_query_string_is_refused_before_searching(app, client, monkeypatch):
    monkeypatch.setattr(app.extensions["searchsvc"], "search", lambda *a, **k: pytest.fail("searched an oversized request"))
    response = client.get("/api/search?q=" + "x" * 9000)
    assert response.status_code == 414
    assert "error" in response.get_json()


def test_one_search_per_request(app, client, monkeypatch):
    service = app.extensions["searchsvc"]
    calls = []
    real = service.search

    def counting(request, **options):
        calls.append(request)
        return real(request, **options)

    real_export = service.export

    def counting_export(request, limit, **options):
        calls.append(request)
        return real_export(request, limit, **options)

    monkeypatch.setattr(service, "search", counting)
    monkeypatch.setattr(service, "export", counting_export)
    # The feed and the CSV export match once in one view (SearchService.export), however many rows.
    for url in ("/api/search?q=jobcenter", "/", "/?q=jobcenter&decision=oversendt", "/search.atom?q=job",
                "/search.csv", "/search.csv?sep=semicolon&q=borger"):
        calls.clear()
        assert client.get(url).status_code == 200
        assert len(calls) == 1, url


# -- items, meetings, committees --------------------------------------------------------


def test_item_document_with_its_case(client, spec):
    response = client.get(f"/api/items/{ITEM_30}")
    assert response.status_code == 200
    item = response.get_json()
    validate(spec, "Item", item)
    assert item["journal_number"] == CASE_JOURNAL
    assert item["kle"]["main_group"] == "00" and item["kle"]["main_group_label"]
    # Items 30 and 31 share a journal number in one meeting, under two titles: two cases.
    assert item["case"] == [] and item["other_cases"] == 1
    assert item["journal_url"] == f"/?journal={CASE_JOURNAL}"
    assert item["status"] == "referat" and item["thread_id"] == ITEM_30
    assert "Beslutning" in [s["heading"] for s in item["sections"]]
    # The server's file system stays private: only the source file's name is shown.
    assert "source_path" not in item and "/" not in item["source_file"]


def test_every_item_and_meeting_matches_the_schema(client, spec):
    ids = [hit["id"] for hit in client.get("/api/search?per_page=100").get_json()["results"]]
    assert len(ids) == 10
    meetings = set()
    for item_id in ids:
        item = client.get(f"/api/items/{item_id}").get_json()
        validate(spec, "Item", item)
        meetings.add(item["meeting_id"])
    assert len(meetings) == 2
    for meeting_id in meetings:
        meeting = client.get(f"/api/meetings/{meeting_id}").get_json()
        validate(spec, "Meeting", meeting)
        numbers = [i["item_number"] for i in meeting["items"]]
        assert numbers == sorted(numbers)


def test_meeting_document(client, spec):
    meeting = client.get(f"/api/meetings/{MEETING_2024}").get_json()
    assert [i["item_number"] for i in meeting["items"]] == [27, 28, 29, 30, 31, 32]
    assert meeting["committee"] == "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget"


def test_committees_and_a_committee(client, spec):
    committees = client.get("/api/committees").get_json()
    validate(spec, "Committees", committees)
    assert {c["committee"]: c["items"] for c in committees["committees"]} == {
        "Arbejdsmarkeds- og Uddannelsesudvalget": 4,
        "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget": 6,
    }
    for row in committees["committees"]:
        response = client.get("/api" + row["url"].replace("/udvalg/", "/committees/", 1))
        assert response.status_code == 200
        committee = response.get_json()
        validate(spec, "Committee", committee)
        assert len(committee["meetings"]) == row["meetings"] == 1


@pytest.mark.parametrize("path", [
    "/api/items/nope-0000",
    "/api/items/NOT-AN-ID",
    "/api/items/..%2F..%2Fetc%2Fpasswd",
    "/api/meetings/frederiksberg-kommune-1999-01-01-00000000",
    "/api/committees/Frederiksberg%20Kommune/Intet%20udvalg",
    "/api/no-such-endpoint",
])
def test_unknown_ids_are_404_json(client, spec, path):
    response = client.get(path)
    assert response.status_code == 404
    validate(spec, "Error", response.get_json())


def test_only_get(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]
    assert "GET" in response.headers["Allow"]


# -- suggestions ------------------------------------------------------------------------


def test_suggest_completes_the_last_word_from_titles(client, spec):
    response = client.get("/api/suggest?q=Status+på+imp")
    assert response.status_code == 200
    document = response.get_json()
    validate(spec, "Suggestions", document)
    assert document["suggestions"][0]["text"] == "Status på implementering"


@pytest.mark.parametrize("q", ["", "d", "digitale ", "123"])
def test_suggest_is_quiet_until_there_is_a_word_to_complete(client, q):
    assert client.get("/api/suggest", query_string={"q": q}).get_json()["suggestions"] == []


@pytest.mark.parametrize("query, param", [("q=" + "a" * 201, "q"), ("q=ab&limit=0", "limit"),
                                          ("q=ab&limit=x", "limit"), ("q=ab&limit=21", "limit")])
def test_suggest_bad_parameters(client, query, param):
    response = client.get(f"/api/suggest?{query}")
    assert response.status_code == 400
    assert response.get_json()["param"] == param


# -- feeds --------------------------------------------------------------------------------


def test_atom_feed_of_a_search_newest_first(client):
    response = client.get("/search.atom?q=jobcenter&sort=oldest")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text.startswith("urn:uuid:")  # no [server] public_url: no host to name
    entries = feed.findall(f"{ATOM}entry")
    total = client.get("/api/search?q=jobcenter").get_json()["total"]
    assert len(entries) == total > 1
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find(f"{ATOM}updated").text == updated[0]
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("/items/")
        assert entry.find(f"{ATOM}title").text


def test_csv_export_has_every_match(client):
    response = client.get("/search.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == int(response.headers["X-Total-Count"]) == 10
    assert rows[0]["id"] and rows[0]["url"].startswith("/items/")
    assert [row["id"] for row in rows] == [hit["id"] for hit in client.get("/api/search?per_page=100").get_json()["results"]]
    narrowed = client.get(f"/search.csv?journal={CASE_JOURNAL}").data.decode("utf-8-sig")
    assert {row["id"] for row in csv.DictReader(io.StringIO(narrowed))} == {ITEM_30, ITEM_31}


def test_csv_export_of_nothing_is_a_header(client):
    text = client.get("/search.csv?q=ingenting-matcher-dette-ord").data.decode("utf-8-sig")
    assert text.splitlines() == ["id,date,municipality,committee,item_number,title,journal_number,"
                                 "decisions,decision_labels,decision_text,snippet,closed,meeting_id,url,thread_id"]


# -- health, missing index, reindex while running, unexpected errors ------------------------


def test_healthz(client, spec):
    response = client.get("/healthz")
    assert response.status_code == 200
    validate(spec, "Health", response.get_json())
    assert response.get_json() == {"status": "ok", "items": 10}


def test_a_reindex_is_visible_on_the_next_request(sample_index):
    client = create_app(sample_index).test_client()
    assert client.get("/api/search").get_json()["total"] == 10
    (sample_index.sources[0].path / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt").unlink()
    reindex(sample_index, workers=1)
    assert client.get("/api/search").get_json()["total"] == 6
    assert client.get("/healthz").get_json()["items"] == 6


def test_a_full_rebuild_is_visible_on_the_next_request(tmp_path, sample_index):
    client = create_app(sample_index).test_client()
    assert client.get("/api/search?year=2021").get_json()["total"] == 4
    extra = tmp_path / "more"
    extra.mkdir()
    shutil.copy(sample_index.sources[0].path / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt", extra)
    config = load_config(write_config(tmp_path, [(sample_index.sources[0].path, "Frederiksberg Kommune"),
                                                 (extra, "Anden Kommune")]))
    reindex(config, full=True, workers=1)
    document = client.get("/api/search?year=2021").get_json()
    assert document["total"] == 8
    assert {v["value"] for v in document["facets"]["municipality"]} == {"Frederiksberg Kommune", "Anden Kommune"}


def test_an_unexpected_error_is_a_500_without_a_trace(app, client, monkeypatch, caplog):
    def broken(request, **options):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.extensions["searchsvc"], "search", broken)
    response = client.get("/api/search?q=x")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret" not in body and "Traceback" not in body
    request_id = response.get_json()["request_id"]
    assert request_id == response.headers["X-Request-Id"]
    assert any(request_id in record.getMessage() for record in caplog.records)


def test_security_headers_on_every_response(client):
    for url in ("/api/search", "/api/items/nope-0000", "/search.csv", "/healthz", "/api/openapi.json"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert headers["X-Request-Id"]


def _damage(config) -> None:
    from searchsvc.store.generations import DataDir

    reindex(config, workers=1)
    for segment in (DataDir(config.index_path).current() / "whoosh").glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])  # truncated


@pytest.mark.parametrize("damaged, status, remedy", [
    (False, "index-missing", "searchsvc reindex"),     # before the first reindex
    (True, "index-unreadable", "searchsvc reindex --full"),
])
def test_without_a_readable_index_pages_and_api_say_what_to_run(sample_config, spec, damaged, status, remedy):
    if damaged:
        _damage(sample_config)
    client = create_app(sample_config).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert remedy in response.get_json()["error"]
    validate(spec, "Error", response.get_json())
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == status
    validate(spec, "Health", health.get_json())
    page = client.get("/?q=x")
    assert page.status_code == 503 and remedy in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
