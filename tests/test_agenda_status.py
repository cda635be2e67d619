"""Agenda or minutes (issue 13): what each format says a document is, the status stored,
filtered and counted, agenda items shown as not yet decided, and minutes replacing
their meeting's agenda. Real files, the real reindex, the real web app."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.sources import read_source
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store
from searchsvc.store.rows import SCHEMA as items_schema
from searchsvc.web import create_app

AGENDA = ("aarhus", "byraad_dagsorden_2025-10-08.html")
GREVE_QUESTIONS = ("greve", "Spørgsmål - Svar til Byrådet 2022-2025_2024-12-31T12:00:00+01:00_"
                            "4173e720-e023-45d2-bfec-e8315df6a4d8.json")
GREVE_MINUTES = ("greve", "Sundheds- og Omsorgsudvalget_2025-01-06T15:30:00+01:00_"
                          "dd8dc39f-1979-4470-891c-1b1d64317d03.json")
NOT_YET = "Dagsorden – ikke behandlet endnu"


def kind_of(*parts: str) -> str | None:
    path = require_corpus(*parts)
    [meeting] = read_source(path, path.read_bytes(), municipality="X", format="auto").meetings
    assert {item.kind for item in meeting.items} == {meeting.kind}
    return meeting.kind


@pytest.mark.parametrize("parts, kind", [
    (AGENDA, "dagsorden"),                                      # "Dagsorden 8. oktober 2025" heading
    (("aarhus", "teknisk-udvalg_referat_2025-10-01.html"), "referat"),
    (("aarhus", "byraad_dagsorden_2025-08-27.pdf"), "referat"),  # its first line: "REFERAT Aarhus Byråd"
    (("frederiksberg", "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"), "referat"),
    (GREVE_MINUTES, "referat"),       # Moede.Navn "Dagsorden", Afsluttet true: decided
    (GREVE_QUESTIONS, "dagsorden"),   # Afsluttet false
    (("os2dagsorden", "sbsys_ballerup_kmb-it-udvalget_2013-05-15.xml"), "dagsorden"),
    (("os2dagsorden", "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.xml"), "referat"),
])
def test_each_format_says_agenda_or_minutes(parts, kind):
    assert kind_of(*parts) == kind


@pytest.fixture(scope="module")
def aarhus(tmp_path_factory):
    """The Aarhus pages and PDF indexed once: a service and a web client."""
    folder = tmp_path_factory.mktemp("aarhus")
    config = load_config(write_config(folder, [(require_corpus("aarhus"), "Aarhus Kommune")]))
    assert reindex(config, workers=1).failures == []
    return SearchService.open(config), create_app(config).test_client()


def test_status_filter_and_facet(aarhus):
    service, _ = aarhus
    everything = service.search(SearchRequest(per_page=100), snippets=False)
    assert {v.value: v.count for v in everything.facets["status"]} == {"dagsorden": 33, "referat": 27}
    assert [v.label for v in everything.facets["status"]][0] == "Dagsorden (ikke behandlet endnu)"
    agenda = service.search(SearchRequest(status=("dagsorden",), per_page=100), snippets=False)
    assert agenda.total == 33
    assert {(h["date"], h["status"]) for h in agenda.results} == {("2025-10-08", "dagsorden")}
    # Nothing decided yet: no decision key (it used to be "ingen-beslutning" on all 33).
    assert all(h["decisions"] == [] for h in agenda.results)
    assert agenda.facets["decision"] == []
    minutes = service.search(SearchRequest(status=("referat",)), snippets=False)
    assert minutes.total == 27


def test_status_parameter_is_checked(aarhus):
    _, client = aarhus
    response = client.get("/api/search?status=udkast")
    assert response.status_code == 400 and response.get_json()["param"] == "status"
    assert client.get("/api/search?status=referat").get_json()["total"] == 27


def test_agenda_items_read_as_not_yet_decided(aarhus):
    service, client = aarhus
    [hit] = service.search(SearchRequest(status=("dagsorden",), per_page=1), snippets=False).results
    page = client.get(f"/items/{hit['id']}").get_data(as_text=True)
    assert NOT_YET in page and "Ingen beslutning" not in page
    meeting = client.get(f"/meetings/{hit['meeting_id']}").get_data(as_text=True)
    assert meeting.count(NOT_YET) == 34  # the meeting's notice and each of its 33 items
    assert "Ingen beslutning" not in meeting
    search = client.get("/?status=dagsorden").get_data(as_text=True)
    assert search.count(f'badge-dagsorden">{NOT_YET}') == 20  # a page of results
    assert "Dokument: Dagsorden (ikke behandlet endnu)" in " ".join(re.sub(r"<[^>]+>", " ", search).split())
    document = client.get(f"/api/items/{hit['id']}").get_json()
    assert document["status"] == "dagsorden" and document["decisions"] == []
    # Minutes keep their decisions.
    minutes = service.search(SearchRequest(status=("referat",), per_page=1), snippets=False).results[0]
    assert NOT_YET not in client.get(f"/items/{minutes['id']}").get_data(as_text=True)


def minutes_of(agenda_html: str) -> str:
    """The Aarhus agenda page as its minutes would read: the heading says Referat, each
    item opens with its decision."""
    html = agenda_html.replace("Dagsorden 8. oktober 2025", "Referat 8. oktober 2025", 1)
    return html.replace('<div class="punkt">', '<div class="punkt"><h3>Beslutninger</h3><p>Godkendt.</p>')


def test_minutes_replace_their_agenda_and_an_agenda_never_replaces_minutes(tmp_path):
    source = tmp_path / "aarhus"
    source.mkdir()
    agenda_file = source / "byraad_dagsorden_2025-10-08.html"
    shutil.copy(require_corpus(*AGENDA), agenda_file)
    config = load_config(write_config(tmp_path, [(source, "Aarhus Kommune")]))
    assert reindex(config, workers=1).items_added == 33
    service = SearchService.open(config)
    before = service.search(SearchRequest(per_page=100), snippets=False).results
    assert {h["status"] for h in before} == {"dagsorden"}

    # The minutes arrive in a file of their own: same meeting, same ids.
    (source / "byraad_referat_2025-10-08.html").write_text(minutes_of(agenda_file.read_text("utf-8")), "utf-8")
    report = reindex(config, workers=1)
    assert report.failures == [] and report.items_added == 0 and report.items_updated == 33
    after = service.search(SearchRequest(per_page=100), snippets=False)
    assert after.total == 33
    assert sorted(h["id"] for h in after.results) == sorted(h["id"] for h in before)
    assert {h["status"] for h in after.results} == {"referat"}
    assert {k for h in after.results for k in h["decisions"]} == {"godkendt"}
    assert service.meeting(after.results[0]["meeting_id"])["status"] == "referat"

    # The agenda saved again later (changed) must not bring the agenda back.
    agenda_file.write_text(agenda_file.read_text("utf-8") + "\n", "utf-8")
    assert reindex(config, workers=1).files_parsed == 1
    again = service.search(SearchRequest(per_page=100), snippets=False)
    assert again.total == 33 and {h["status"] for h in again.results} == {"referat"}
    # The full rebuild agrees, whatever order it reads the two files in.
    reindex(config, full=True, workers=1)
    rebuilt = service.search(SearchRequest(per_page=100), snippets=False)
    assert rebuilt.total == 33 and {h["status"] for h in rebuilt.results} == {"referat"}


def test_greve_minutes_replace_the_agenda_in_the_same_file(tmp_path):
    source = tmp_path / "greve"
    source.mkdir()
    real = json.loads(require_corpus(*GREVE_MINUTES).read_text("utf-8"))
    file = source / "meeting.json"
    file.write_text(json.dumps({**real, "Moede": {**real["Moede"], "Afsluttet": False}}), "utf-8")
    config = load_config(write_config(tmp_path, [(source, "Greve Kommune")]))
    reindex(config, workers=1)
    service = SearchService.open(config)
    agenda = service.search(SearchRequest(per_page=100), snippets=False)
    assert {h["status"] for h in agenda.results} == {"dagsorden"}
    file.write_text(json.dumps(real), "utf-8")
    os.utime(file, ns=(1, 1))  # a new modification time, as a download gives
    report = reindex(config, workers=1)
    assert report.items_updated == agenda.total and report.items_added == 0
    minutes = service.search(SearchRequest(per_page=100), snippets=False)
    assert {h["status"] for h in minutes.results} == {"referat"}
    assert sorted(h["id"] for h in minutes.results) == sorted(h["id"] for h in agenda.results)


def test_a_store_without_status_and_threads_is_rebuilt_in_full(tmp_path):
    # As an older store reads once its new columns are added: empty.
    source = tmp_path / "aarhus"
    source.mkdir()
    shutil.copy(require_corpus(*AGENDA), source / AGENDA[1])
    config = load_config(write_config(tmp_path, [(source, "Aarhus Kommune")]))
    reindex(config, workers=1)
    live = DataDir(config.index_path).current()
    with Store(live).transaction() as db:
        db.execute("UPDATE items SET status = NULL, thread_id = NULL")
    assert Store(live).outdated()
    report = reindex(config, workers=1)
    assert "rebuilt in full: the item store lacks the newest columns" in report.warnings
    assert report.files_parsed == 1
    service = SearchService.open(config)
    assert {h["status"] for h in service.search(SearchRequest(per_page=50), snippets=False).results} == {"dagsorden"}
    assert not Store(DataDir(config.index_path).current()).outdated()


def test_an_older_store_gets_the_new_columns(tmp_path):
    # A store as the version before wrote it: without the status and thread columns.
    lines = [line for line in items_schema.splitlines()
             if not re.match(r"\s*(status|thread_id) TEXT", line) and "items_thread" not in line]
    older = re.sub(r",(\s*(?:--[^\n]*)?\n\);)", r"\1", "\n".join(lines))
    db = sqlite3.connect(tmp_path / "items.sqlite")
    db.executescript(older)
    db.close()
    store = Store(Path(tmp_path))
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(items)")}
    assert {"status", "thread_id"} <= columns
    assert "status" in {row[1] for row in store.db.execute("PRAGMA table_info(meetings)")}
