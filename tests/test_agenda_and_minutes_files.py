"""A meeting's agenda and its minutes in separate files (issue 18): the minutes' items
replace the agenda's, and when the minutes file goes (or stops holding the meeting), the
agenda's items come back from the agenda file in the same run, instead of leaving the
meeting out of the index. On the real formats that publish the two as separate files:
Aarhus's agenda and minutes pages and Acadre's agenda and minutes exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store

AARHUS_AGENDA = ("aarhus", "byraad_dagsorden_2025-10-08.html")
ACADRE = ("os2dagsorden", "acadre_syddjurs_puk_2013-06-20.xml")


def aarhus_pair(folder: Path) -> tuple[Path, Path]:
    """The real Aarhus agenda page, and the same page as its minutes would read."""
    agenda = folder / "byraad_dagsorden_2025-10-08.html"
    shutil.copy(require_corpus(*AARHUS_AGENDA), agenda)
    html = agenda.read_text("utf-8").replace("Dagsorden 8. oktober 2025", "Referat 8. oktober 2025", 1)
    minutes = folder / "byraad_referat_2025-10-08.html"
    minutes.write_text(html.replace('<div class="punkt">', '<div class="punkt"><h3>Beslutninger</h3><p>Godkendt.</p>'),
                       "utf-8")
    return agenda, minutes


def acadre_pair(folder: Path) -> tuple[Path, Path]:
    """The real Acadre minutes export, and the agenda export Acadre writes before it."""
    minutes = folder / "acadre_syddjurs_puk_2013-06-20_referat.xml"
    shutil.copy(require_corpus(*ACADRE), minutes)
    data = minutes.read_bytes()
    assert data.count(b'<field name="name">Referat</field>') == 1
    agenda = folder / "acadre_syddjurs_puk_2013-06-20_dagsorden.xml"
    agenda.write_bytes(data.replace(b'<field name="name">Referat</field>', b'<field name="name">Dagsorden</field>'))
    return agenda, minutes


PAIRS = {"aarhus": (aarhus_pair, "Aarhus Kommune"), "acadre": (acadre_pair, "Syddjurs Kommune")}


def statuses(config) -> dict[str, str]:
    """Each searchable item's status, after checking that the index and store agree."""
    report = integrity.check(config.index_path)
    assert report.problems == []
    rows = Store(DataDir(config.index_path).current()).items(sorted(report.searchable), "id, status")
    assert SearchService.open(config).search(SearchRequest(), snippets=False).total == len(rows)
    return {item_id: row["status"] for item_id, row in rows.items()}


@pytest.mark.parametrize("fmt, order", [("acadre", "agenda first"), ("acadre", "together"),
                                        ("acadre", "minutes first"), ("aarhus", "agenda first")])
def test_removing_the_minutes_brings_the_agenda_back(tmp_path, fmt, order):
    make, municipality = PAIRS[fmt]
    source = tmp_path / "source"
    source.mkdir()
    agenda, minutes = make(source)
    config = load_config(write_config(tmp_path, [(source, municipality)]))
    first, second = (agenda, minutes) if order == "agenda first" else (minutes, agenda)
    if order != "together":
        kept = first.parent.parent / first.name
        second.rename(kept)
        assert reindex(config, workers=1).failures == []
        kept.rename(second)
    assert reindex(config, workers=1).failures == []
    decided = statuses(config)
    assert decided and set(decided.values()) == {"referat"}

    minutes.unlink()
    report = reindex(config, workers=1)
    assert report.failures == []
    assert report.items_removed == 0 and report.items_updated == len(decided)
    assert statuses(config) == dict.fromkeys(decided, "dagsorden")

    # The minutes coming back replace the agenda again; a full rebuild agrees.
    make(source)
    assert reindex(config, workers=1).items_updated == len(decided)
    assert statuses(config) == decided
    reindex(config, full=True, workers=1)
    assert statuses(config) == decided


def test_minutes_rewritten_as_another_meeting_give_the_agenda_back(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    agenda, minutes = acadre_pair(source)
    config = load_config(write_config(tmp_path, [(source, "Syddjurs Kommune")]))
    reindex(config, workers=1)
    decided = statuses(config)
    # The minutes file corrected: it was the minutes of the next day's meeting.
    day = b'<field name="date">2013-06-20 10:30</field>'
    assert minutes.read_bytes().count(day) == 1
    minutes.write_bytes(minutes.read_bytes().replace(day, day.replace(b"06-20", b"06-21")))
    report = reindex(config, workers=1)
    assert report.failures == [] and report.items_added == len(decided)
    now = statuses(config)
    assert len(now) == 2 * len(decided)
    assert {now[i] for i in decided} == {"dagsorden"}
