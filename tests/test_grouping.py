"""One result per case thread (issue 19), on real Greve minutes indexed with the real
reindex: the meetings a journalist's search for ``ældrereform`` finds its cases in, each
case through Sundheds- og Omsorgsudvalget, Økonomiudvalget and the Byråd."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace

import pytest
from helpers import require_corpus, write_config
from jsonschema import Draft202012Validator

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.search.evaluation import Judgement, evaluate
from searchsvc.web import create_app
from searchsvc.web.openapi import openapi_document

# The meetings (committee, date) of four cases the issue names.
MEETINGS = (
    ("Sundheds- og Omsorgsudvalget", "2024-04-22"), ("Økonomiudvalget", "2024-05-08"), ("Byråd", "2024-05-22"),
    ("Sundheds- og Omsorgsudvalget", "2024-11-18"), ("Byråd", "2024-12-11"),
    ("Sundheds- og Omsorgsudvalget", "2025-01-06"), ("Økonomiudvalget", "2025-01-20"), ("Byråd", "2025-01-29"),
)
PROGRAM = "Reform - Program for implementering af ældrereformen i Greve Kommune"
CASES = {
    PROGRAM: ["2025-01-06", "2025-01-20", "2025-01-29"],
    "Kvalitetsstandard for plejebolig": ["2025-01-06", "2025-01-20", "2025-01-29"],
    "Kvalitetsstandard for rehabilitering og hjemmepleje": ["2024-11-18", "2024-12-11"],
    "Kompetenceløft af medarbejdere på plejecentrene i Marte Meo metoden": ["2024-04-22", "2024-05-08", "2024-05-22"],
}
QUERIES = ("ældrereform", "kvalitetsstandard", "budget", "plejecentre", '"ældre"', "pleje*", "godkendelse")


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    greve = require_corpus("greve")
    folder = tmp_path_factory.mktemp("grouping")
    sources = folder / "greve"
    sources.mkdir()
    for committee, day in MEETINGS:
        [found] = [p for p in greve.glob(f"{committee}*_{day}T*.json")]
        shutil.copy(found, sources / found.name)
    config = load_config(write_config(folder, [(sources, "Greve Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == [] and report.files_parsed == len(MEETINGS)
    return config


@pytest.fixture(scope="module")
def service(config):
    return SearchService.open(config)


@pytest.fixture(scope="module")
def client(config):
    return create_app(config).test_client()


def search(service: SearchService, **fields) -> list[dict]:
    return service.search(SearchRequest(**fields), snippets=False).results


def every_item(service: SearchService, **fields) -> list[dict]:
    """Every matching item, flat, in the search's order."""
    items: list[dict] = []
    for page in range(1, 100):
        results = service.search(SearchRequest(group="none", per_page=100, page=page, **fields), snippets=False)
        items += results.results
        if len(items) >= results.total:
            return items
    raise AssertionError("too many pages")


def test_the_aeldrereform_page_shows_each_case_once_with_its_path_and_status(service):
    flat = search(service, q="ældrereform", group="none", per_page=100)
    assert [hit["title"] for hit in flat].count(PROGRAM) == 3
    results = service.search(SearchRequest(q="ældrereform"), snippets=False)
    titles = [hit["title"] for hit in results.results]
    assert len(titles) == len(set(titles))
    assert results.total == len(flat) and results.threads == len({hit["thread_id"] for hit in flat}) < results.total
    for title, dates in CASES.items():
        [hit] = [hit for hit in results.results if hit["title"] == title]
        steps = hit["thread"]["steps"]
        assert [step["date"] for step in steps] == dates
        assert steps[-1]["committee"] == "Byråd" and hit["id"] in [step["id"] for step in steps]
        assert hit["thread"]["decisions"] == steps[-1]["decisions"] == ["godkendt"]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_grouped_results_are_the_flat_results_collapsed_page_by_page(service, sort):
    for q in QUERIES:
        flat = every_item(service, q=q, sort=sort)
        best: dict[str, str] = {}
        for hit in flat:
            best.setdefault(hit["thread_id"], hit["id"])
        entries = list(best.values())
        pages = [search(service, q=q, sort=sort, per_page=7, page=n) for n in (1, 2, 3)]
        assert [hit["id"] for page in pages for hit in page] == entries[:21], q
        total = service.search(SearchRequest(q=q, sort=sort), snippets=False)
        assert total.threads == len(best) and total.pages == -(-len(best) // 20)


def test_filters_apply_to_items_before_grouping_and_facets_count_items(service):
    results = service.search(SearchRequest(q="kvalitetsstandard", committee=("Byråd",), decision=("godkendt",)),
                             snippets=False)
    assert results.results and results.threads == len(results.results)
    for hit in results.results:
        assert hit["committee"] == "Byråd" and "godkendt" in hit["decisions"]
    # The path to the council, from the committees before it.
    [plejebolig] = [hit for hit in results.results if hit["title"] == "Kvalitetsstandard for plejebolig"]
    assert [step["date"] for step in plejebolig["thread"]["steps"]] == CASES[plejebolig["title"]]
    everything = service.search(SearchRequest(q="ældrereform"), snippets=False)
    assert sum(v.count for v in everything.facets["committee"]) == everything.total > everything.threads


def test_a_journal_number_lists_one_thread_per_case(service):
    journal = search(service, q=PROGRAM, group="none")[0]["journal_number"]
    flat = search(service, journal=journal, group="none", per_page=100)
    grouped = service.search(SearchRequest(journal=journal, per_page=100), snippets=False)
    assert grouped.request.effective_sort == "case"
    threads = [hit["thread_id"] for hit in grouped.results]
    assert len(threads) == len(set(threads)) == grouped.threads == len({hit["thread_id"] for hit in flat}) > 1
    # Each thread by its first item, in the flat case order.
    firsts = [hit["id"] for n, hit in enumerate(flat) if n == 0 or flat[n - 1]["thread_id"] != hit["thread_id"]]
    assert [hit["id"] for hit in grouped.results] == firsts


def test_evaluation_with_grouping_counts_a_thread_relevant_when_any_item_is(service):
    [council] = [hit for hit in search(service, q=PROGRAM, group="none") if hit["committee"] == "Byråd"]
    judged = [Judgement("plain", "ældrereform", (f"greve/2025-01-29/{council['item_number']}",))]
    flat, grouped = evaluate(service, judged).outcomes[0], evaluate(service, judged, group=True).outcomes[0]
    assert flat.relevant == {council["id"]} and grouped.relevant == {council["thread_id"]}
    assert len(grouped.ranked) == len(set(grouped.ranked)) and council["thread_id"] in grouped.ranked
    assert grouped.first_rank <= flat.first_rank


def test_the_search_page_counts_items_and_cases_and_toggles_the_flat_list(client):
    page = client.get("/?q=ældrereform").get_data(as_text=True)
    assert " punkter i " in page and " sager" in page
    assert page.count(f">{PROGRAM}</a>") == 1
    assert 'class="thread"' in page and "Økonomiudvalget <time" in page and "<strong>Godkendt</strong>" in page
    assert "group=none" in page
    flat = client.get("/?q=ældrereform&group=none").get_data(as_text=True)
    assert flat.count(f">{PROGRAM}</a>") == 3 and 'class="thread"' not in flat
    assert client.get("/?q=ældrereform&group=cases").status_code == 400


def test_the_api_document_carries_each_thread_and_matches_its_description(client):
    spec = openapi_document()
    document = client.get("/api/search?q=ældrereform").get_json()
    Draft202012Validator({**spec, "$ref": "#/components/schemas/SearchDocument"},
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)
    assert document["group"] == "thread" and document["threads"] < document["total"]
    [hit] = [hit for hit in document["results"] if hit["title"] == PROGRAM]
    assert [step["committee"] for step in hit["thread"]["steps"]] == [
        "Sundheds- og Omsorgsudvalget", "Økonomiudvalget", "Byråd"]
    assert all(step["url"].startswith("/items/") for step in hit["thread"]["steps"])
    flat = client.get("/api/search?q=ældrereform&group=none").get_json()
    assert flat["threads"] is None and all(hit["thread"] is None for hit in flat["results"])


def test_csv_stays_one_row_per_item_with_the_thread(client, service):
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv?q=ældrereform").get_data(as_text=True))))
    flat = search(service, q="ældrereform", group="none", per_page=100)
    assert len(rows) == len(flat) and [row["thread_id"] for row in rows] == [hit["thread_id"] for hit in flat]


def test_group_is_kept_in_links_only_when_not_the_default():
    request = SearchRequest.from_params({"q": ["x"], "group": ["none"]})
    assert request.to_params()["group"] == ["none"]
    assert "group" not in replace(request, group="thread").to_params()
