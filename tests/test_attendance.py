"""Attendance is not searchable text; the ``deltager`` and ``fravaer`` filters find who was
listed for a meeting and who was absent (issue 17).

On real Greve minutes: three meetings that name Mehmet Zeki Dogru, the issue's example
(Økonomiudvalget 2022-05-09, where every item notes "Fraværende: Mehmet Zeki Dogru";
Økonomiudvalget 2023-02-06, where he votes against a budget item; the city council of
2023-10-02, which calls in his substitute), indexed with the real reindex, and searched
through the service and the real web app.
"""

from __future__ import annotations

import glob
import shutil

import pytest
from jsonschema import Draft202012Validator

from searchsvc.config import load_config
from searchsvc.domain.attendance import ATTENDANCE_SECTIONS, item_participants, note_attendance, unlisted_notes
from searchsvc.domain.decisions import split_attendance
from searchsvc.domain.model import Attendee
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.web import create_app
from searchsvc.web.openapi import openapi_document

from helpers import require_corpus, write_config

NAME = "Mehmet Zeki Dogru"
ABSENT_MEETING = "Økonomiudvalget_2022-05-09"
MEETINGS = (ABSENT_MEETING, "Økonomiudvalget_2023-02-06", "Byråd 2022-2025_2023-10-02")


@pytest.fixture(scope="module")
def mehmet_index(tmp_path_factory):
    corpus = require_corpus("greve")
    folder = tmp_path_factory.mktemp("attendance")
    greve = folder / "greve"
    greve.mkdir()
    for prefix in MEETINGS:
        found = sorted(corpus.glob(glob.escape(prefix) + "*.json"))
        assert found, f"no Greve meeting file starts with {prefix!r}"
        shutil.copy(found[0], greve / found[0].name)
    config = load_config(write_config(folder, [(greve, "Greve Kommune")]))
    assert reindex(config, workers=1).failures == []
    return config


@pytest.fixture(scope="module")
def service(mehmet_index):
    return SearchService.open(mehmet_index)


def _only_in_attendance(item: dict, name: str) -> bool:
    """Whether an item names the person only in attendance notes (its own, or those of the
    earlier meetings its "Sagens forløb" repeats)."""
    sections = item["sections"]
    text = " ".join("\n".join([item["title"], *(split_attendance(s["text"])[0] if s["heading"] in ATTENDANCE_SECTIONS
                                                 else s["text"] for s in sections)]).split())
    notes = " ".join("\n".join(split_attendance(s["text"])[1] or "" for s in sections
                               if s["heading"] in ATTENDANCE_SECTIONS).split())
    return name.casefold() in notes.casefold() and name.casefold() not in text.casefold()


def test_attendance_notes_of_every_kind_give_names():
    # Lines as Greve's minutes write them (bench/relevance's corpus holds each form).
    assert note_attendance("Afbud: Liselott Blixt, Mehmet Zeki Dogru") == [
        Attendee("Liselott Blixt", True), Attendee(NAME, True)]
    assert note_attendance("Ikke til stede: Lone Mortensen (V).") == [Attendee("Lone Mortensen", True)]
    assert note_attendance("Afbud fra Tina Rottbøll (A)") == [Attendee("Tina Rottbøll", True)]
    assert note_attendance("Simon Østergaard (V) var ikke til stede.") == [Attendee("Simon Østergaard", True)]
    assert note_attendance("Dorthe Bøgh Madsen deltog som stedfortræder.") == [Attendee("Dorthe Bøgh Madsen")]
    assert note_attendance("Afbud: Ronni Mark Nielsen (Stedfortræder: Jesper Fini Kuhre)") == [
        Attendee("Ronni Mark Nielsen", True), Attendee("Jesper Fini Kuhre")]
    assert note_attendance(
        "Ronni Mark Nielsen (V) deltog i mødet i Beskæftigelses- og Erhvervsudvalget og ikke "
        "Jesper Fini Kuhre (V) som angivet på dagsordenen for mødet.") == [
        Attendee("Ronni Mark Nielsen"), Attendee("Jesper Fini Kuhre", True)]
    assert note_attendance("Ikke til stede:") == []


def test_notes_that_say_more_than_the_list_are_kept_for_the_page():
    assert unlisted_notes(f"Fraværende: {NAME}") is None
    assert unlisted_notes("Afbud: Liselott Blixt\nDorthe Bøgh Madsen deltog som stedfortræder.") == \
        "Dorthe Bøgh Madsen deltog som stedfortræder."
    substitute = "Afbud: Ronni Mark Nielsen (Stedfortræder: Jesper Fini Kuhre)"
    assert unlisted_notes(substitute) == substitute


def test_an_items_note_outweighs_the_meetings_list():
    # Greve's list says present; the item's note says absent for this item.
    members = [Attendee(NAME), Attendee("Marc Genning"), Attendee("Doris Børger (A)")]
    assert item_participants(members, f"Fraværende: {NAME}") == [
        Attendee(NAME, True), Attendee("Marc Genning"), Attendee("Doris Børger")]


def test_a_name_search_finds_what_the_person_did_not_their_apologies(service):
    results = service.search(SearchRequest(q=NAME, group="none", per_page=100))
    assert results.total > 0
    items = [service.item(hit["id"]) for hit in results.results]
    only_attendance = [item["title"] for item in items if _only_in_attendance(item, NAME)]
    assert only_attendance == []
    titles = {item["title"] for item in items}
    assert f"Lukket: Indkaldelse af stedfortræder for {NAME}" in titles


def test_deltager_finds_the_meetings_that_list_the_person(service):
    listed = service.search(SearchRequest(deltager=(NAME,), group="none", per_page=100))
    dates = {hit["date"] for hit in listed.results}
    assert dates == {"2022-05-09", "2023-02-06", "2023-10-02"}
    absent = service.search(SearchRequest(fravaer=(NAME,), group="none", per_page=100))
    assert absent.total > 10 and {hit["date"] for hit in absent.results} == {"2022-05-09"}
    # The facets count the people of the results, the absent apart.
    facets = {value.value: value.count for value in listed.facets["deltager"]}
    assert facets[NAME] == listed.total
    assert {value.value: value.count for value in listed.facets["fravaer"]}[NAME] == absent.total


def test_deltager_values_or_within_and_across(service):
    everything = service.search(SearchRequest(group="none"))
    absent = service.search(SearchRequest(fravaer=(NAME,), group="none"))
    # Another absence (the minutes also write "Mehmet Dogru"): OR within the filter.
    other_absence = next(v for v in everything.facets["fravaer"] if v.value != NAME)
    either = service.search(SearchRequest(fravaer=(NAME, other_absence.value), group="none"))
    assert either.total > max(absent.total, other_absence.count)
    # AND across: a member of the city council only was never at the meeting he missed.
    counts = {v.value: v.count for v in everything.facets["deltager"]}
    council_only = next(name for name, count in counts.items() if count < counts[NAME])
    always = next(name for name, count in counts.items() if count == counts[NAME] and name != NAME)
    assert service.search(SearchRequest(deltager=(council_only,), fravaer=(NAME,))).total == 0
    both = service.search(SearchRequest(deltager=(always,), fravaer=(NAME,), group="none"))
    assert both.total == absent.total and {hit["date"] for hit in both.results} == {"2022-05-09"}


def test_api_page_and_feeds_take_the_filters(mehmet_index):
    client = create_app(mehmet_index).test_client()
    spec = openapi_document()
    response = client.get("/api/search", query_string=[("deltager", NAME), ("fravaer", NAME)])
    assert response.status_code == 200
    document = response.get_json()
    Draft202012Validator({**spec, "$ref": "#/components/schemas/SearchDocument"}).validate(document)
    assert document["total"] > 10 and {"deltager", "fravaer"} <= set(document["facets"])
    item = client.get(f"/api/items/{document['results'][0]['id']}").get_json()
    Draft202012Validator({**spec, "$ref": "#/components/schemas/Item"}).validate(item)
    assert {"name": NAME, "absent": True} in item["participants"]

    searched = client.get("/", query_string={"q": NAME.lower()}).get_data(as_text=True)
    assert "deltager=Mehmet+Zeki+Dogru" in searched and "fravaer=Mehmet+Zeki+Dogru" in searched
    page = client.get("/", query_string={"deltager": NAME}).get_data(as_text=True)
    assert f"Deltager: {NAME}" in page                     # the chip
    assert 'name="deltager"' in page and 'name="fravaer"' in page   # the facets' boxes
    feed = client.get("/search.atom", query_string={"fravaer": NAME}).get_data(as_text=True)
    assert f"Fraværende: {NAME}" in feed
    # A page names its people as links to their meetings.
    item_page = client.get(f"/items/{document['results'][0]['id']}").get_data(as_text=True)
    assert "fravaer=Mehmet+Zeki+Dogru" in item_page
    assert item_page.count("Fraværende:") == 1   # the list, not the note again

    nobody = client.get("/", query_string={"deltager": "<script>"})
    assert nobody.status_code == 200 and "<script>" not in nobody.get_data(as_text=True).split("<main", 1)[1]
    bad = client.get("/api/search", query_string={"fravaer": "x" * 201})
    assert bad.status_code == 400 and bad.get_json()["param"] == "fravaer"


def test_the_name_facets_list_the_most_frequent_and_the_chosen():
    from searchsvc.search.facets import ParticipantFacet

    counts = {f"Navn {i:03d}": 1000 - i for i in range(150)}
    values = ParticipantFacet().values(counts, ["Navn 140", "Ingen Sådan"])
    assert [v.value for v in values[:2]] == ["Navn 000", "Navn 001"]
    assert len(values) == 102 and values[99].value == "Navn 099"
    assert [(v.value, v.count, v.selected) for v in values[100:]] == [("Navn 140", 860, True), ("Ingen Sådan", 0, True)]


def test_the_words_counted_while_parsing_are_the_indexed_text():
    # The parsing processes count words for the compound dictionary (jobs/parsing.py):
    # the same text the index holds, attendance notes left out as there.
    from searchsvc.engine.schema import row_text
    from searchsvc.jobs.parsing import item_text
    from searchsvc.sources import read_source
    from searchsvc.store.rows import item_row

    path = sorted(require_corpus("greve").glob(glob.escape(ABSENT_MEETING) + "*.json"))[0]
    items = [item for meeting in read_source(path, path.read_bytes(), municipality="Greve Kommune").meetings
             for item in meeting.items]
    assert any(item.attendance for item in items)
    assert all(item_text(item) == row_text(item_row(item)) for item in items)
    assert not any(NAME in item_text(item) for item in items if item.attendance and NAME not in item.title)
