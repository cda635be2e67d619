"""Case histories that follow one case (issue 13): the items of a journal number split into
threads, on real Greve and Frederiksberg minutes indexed with the real reindex."""

from __future__ import annotations

import shutil

import pytest
from helpers import require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.domain.cases import CaseStep, is_standing, normalise_title, thread_case
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService

# The meetings that hold every item of 24-012104 and 23-013472, and three meetings whose
# "Godkendelse af dagsorden" share 21-014448.
GREVE_FILES = (
    "Sundheds- og Omsorgsudvalget_2025-01-06T15:30:00+01:00_dd8dc39f-1979-4470-891c-1b1d64317d03.json",
    "Økonomiudvalget_2025-01-20T07:00:00+01:00_334ca7f5-70b3-483e-86d4-4b9eac774bc3.json",
    "Byråd 2022-2025_2025-01-29T17:30:00+01:00_71b7d21e-9fbf-483a-a48a-c8538666f5cc.json",
    "Sundheds- og Omsorgsudvalget_2024-01-08T15:30:00+01:00_2061c901-c357-4238-a278-b683f5562237.json",
    "Byråd 2022-2025_2024-01-29T19:00:00+01:00_c4a8ac14-df8e-4f35-ab45-657efec38857.json",
    "Beskæftigelses- og Erhvervsudvalget_2022-01-10T08:00:00+01:00_02e86ff6-fd6b-4bab-99ad-17411bb2ead1.json",
    "Beskæftigelses- og Erhvervsudvalget_2022-02-07T08:00:00+01:00_9caa4ffc-18f1-4f62-8301-9b443eb98a1c.json",
    "Beskæftigelses- og Erhvervsudvalget_2022-03-14T08:00:00+01:00_6591cdcf-6111-401e-81f7-8df4ff19981f.json",
)
SENIORRAAD = "Greve Seniorråd 2025, model og tidspunkt for valg - godkendelse"
PATIENT_SAFETY = "Styrelsen for Patientsikkerhed i 2024, foretaget tilsyn"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The chosen Greve meetings and both Frederiksberg meetings, indexed once."""
    greve = require_corpus("greve")
    frederiksberg = require_corpus("frederiksberg")
    folder = tmp_path_factory.mktemp("cases")
    sources = folder / "greve"
    sources.mkdir()
    for name in GREVE_FILES:
        shutil.copy(greve / name, sources / name)
    config = load_config(write_config(folder, [(sources, "Greve Kommune"),
                                               (frederiksberg, "Frederiksberg Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == [] and report.files_parsed == len(GREVE_FILES) + 2
    return SearchService.open(config)


def journal_items(service: SearchService, journal: str) -> list[dict]:
    results = service.search(SearchRequest(journal=journal, per_page=100, group="none"), snippets=False)
    assert results.total == len(results.results)
    return results.results


def item_titled(items: list[dict], title: str, committee: str | None = None) -> dict:
    [item] = [i for i in items if i["title"] == title and committee in (None, i["committee"])]
    return item


def test_a_case_through_committee_economy_committee_and_council(service):
    # 24-012104 holds 16 items; the Seniorråd election is one case through three bodies.
    items = journal_items(service, "24-012104")
    assert len(items) == 16
    first = item_titled(items, SENIORRAAD, "Sundheds- og Omsorgsudvalget")
    item = service.item(first["id"])
    assert [(c["date"], c["committee"]) for c in item["case"]] == [
        ("2025-01-20", "Økonomiudvalget"), ("2025-01-29", "Byråd")]
    assert {c["title"] for c in item["case"]} == {SENIORRAAD}
    # The other cases of the number: patient safety, plejebolig standards, reforms ...
    assert item["other_cases"] == 9
    # From the council's end, the same case, oldest first.
    last = service.item(item["case"][-1]["id"])
    assert [c["committee"] for c in last["case"]] == ["Sundheds- og Omsorgsudvalget", "Økonomiudvalget"]


def test_an_unrelated_item_under_the_same_number_is_a_case_of_its_own(service):
    items = journal_items(service, "24-012104")
    item = service.item(item_titled(items, PATIENT_SAFETY)["id"])
    assert item["case"] == [] and item["other_cases"] == 9


def test_23_013472_two_cases_reach_the_council(service):
    items = journal_items(service, "23-013472")
    assert len(items) == 12
    threads: dict[str, list[dict]] = {}
    for hit in items:
        threads.setdefault(hit["thread_id"], []).append(hit)
    assert len(threads) == 10
    travelled = sorted(
        [(hit["committee"], hit["date"]) for hit in steps] for steps in threads.values() if len(steps) > 1)
    assert travelled == [[("Sundheds- og Omsorgsudvalget", "2024-01-08"), ("Byråd", "2024-01-29")]] * 2
    assert all(len({hit["title"] for hit in steps}) == 1 for steps in threads.values())


def test_a_journal_number_lists_case_by_case_oldest_first(service):
    for request in (SearchRequest(journal="24-012104", per_page=100, group="none"),
                    SearchRequest(q="24-012104", per_page=100, group="none")):
        results = service.search(request, snippets=False)
        assert results.request.effective_sort == "case"
        order = [hit["thread_id"] for hit in results.results]
        # Each thread's items together, in date order; threads by their first item.
        runs = [thread for n, thread in enumerate(order) if n == 0 or order[n - 1] != thread]
        assert len(runs) == len(set(order)) == 10
        for thread in runs:
            dates = [hit["date"] for hit in results.results if hit["thread_id"] == thread]
            assert dates == sorted(dates)
        firsts = [(hit["date"], hit["item_number"]) for n, hit in enumerate(results.results)
                  if n == 0 or order[n - 1] != hit["thread_id"]]
        assert firsts == sorted(firsts)
        assert results.results[0]["title"] == PATIENT_SAFETY  # item 2 of the first meeting
    # Paging keeps the order.
    second = service.search(SearchRequest(journal="24-012104", per_page=5, page=2, group="none"), snippets=False)
    assert [h["id"] for h in second.results] == [h["id"] for h in results.results[5:10]]


def test_a_journal_number_shows_one_result_per_case_by_default(service):
    # Issue 19: 16 items, 10 cases, each once, with its steps.
    results = service.search(SearchRequest(q="24-012104"), snippets=False)
    assert (results.total, results.threads, len(results.results)) == (16, 10, 10)
    assert len({hit["thread_id"] for hit in results.results}) == 10
    [seniorraad] = [hit for hit in results.results if hit["title"] == SENIORRAAD]
    assert [step["committee"] for step in seniorraad["thread"]["steps"]] == [
        "Sundheds- og Omsorgsudvalget", "Økonomiudvalget", "Byråd"]


def test_standing_items_are_never_threaded_across_meetings(service):
    items = journal_items(service, "21-014448")
    standing = [hit for hit in items if "dagsorden" in hit["title"].lower()]
    assert len(standing) == 3 and len({hit["thread_id"] for hit in standing}) == 3
    item = service.item(standing[0]["id"])
    assert item["case"] == [] and item["other_cases"] == len({hit["thread_id"] for hit in items}) - 1


def test_two_titles_in_one_meeting_are_two_cases(service):
    items = journal_items(service, "00.01.00-G01-253-23")
    assert [hit["item_number"] for hit in items] == [30, 31]
    assert len({hit["thread_id"] for hit in items}) == 2
    item = service.item(items[0]["id"])
    assert item["case"] == [] and item["other_cases"] == 1


def step(n: int, meeting: str, title: str, date: str = "2025-01-06") -> CaseStep:
    return CaseStep(f"i{n}", meeting, date, None, "Udvalg", n, title)


def test_thread_rules():
    assert normalise_title("Lukket: Henvendelser til formanden") == "henvendelser til formanden"
    assert is_standing("Lukket: Orientering fra administrationen")
    assert is_standing("Godkendelse af dagsorden.") and is_standing("Underskriftsark")
    assert not is_standing("Orientering om årsregnskab 2022 og revisionsberetning")
    threads = thread_case([
        step(1, "m1", "Kvalitetsstandard for plejebolig - godkendelse"),
        step(2, "m1", "Kvalitetsstandard for hjemmepleje - godkendelse"),
        step(3, "m2", "Kvalitetsstandard for plejebolig", "2025-01-20"),
        step(4, "m2", "Mødekalender 2025", "2025-01-20"),
        step(5, "m3", "Mødekalender", "2025-02-01"),
        step(6, "m4", "Mødekalender 2026", "2025-03-01"),
    ])
    assert [[s.id for s in t.steps] for t in threads] == [["i1", "i3"], ["i2"], ["i4", "i5"], ["i6"]]
