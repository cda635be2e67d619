"""The Aarhus publication pages: a city-council agenda (33 items) and a committee referat (6)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from searchsvc.errors import ParseError
from searchsvc.domain.model import Meeting
from searchsvc.sources import detect_format, read_source
from searchsvc.sources.aarhushtml import looks_like_aarhus_html, parse_aarhus_html

from helpers import require_corpus

AGENDA = ("aarhus", "byraad_dagsorden_2025-10-08.html")
MINUTES = ("aarhus", "teknisk-udvalg_referat_2025-10-01.html")


def read(parts: tuple[str, str]) -> Meeting:
    path = require_corpus(*parts)
    [meeting] = read_source(path, path.read_bytes(), municipality="Aarhus Kommune").meetings
    return meeting


@pytest.fixture(scope="module")
def agenda() -> Meeting:
    return read(AGENDA)


@pytest.fixture(scope="module")
def minutes() -> Meeting:
    return read(MINUTES)


def item(meeting: Meeting, number: int):
    return next(i for i in meeting.items if i.item_number == number)


def test_agenda_meeting(agenda):
    assert (agenda.committee, agenda.period) == ("Byråd", None)
    assert agenda.date == date(2025, 10, 8)
    assert agenda.time == "16:00"
    assert agenda.place == "Byrådssalen"


def test_agenda_items(agenda):
    assert [i.item_number for i in agenda.items] == list(range(1, 34))
    assert item(agenda, 1).title == "Godkendelse af dagsorden"
    assert item(agenda, 2).title == "Forslag til budget 2026-2029"
    assert item(agenda, 17).title == "Dispensation fra 'Grøn handleplan for kunstgræsbaner'"
    assert item(agenda, 33).title == "Forslag fra V, KF, LA og DD om afledte konsekvenser af lukning af Vesterbro Torv"
    assert all(re.fullmatch(r"EMN-20\d\d-\d{6}", i.journal_number or "") for i in agenda.items)
    assert item(agenda, 22).journal_number == "EMN-2025-009242"
    assert not any(i.closed for i in agenda.items)


def test_agenda_has_no_decisions(agenda):
    # An agenda: nothing decided yet, which is not "ingen beslutning" (issue 13).
    assert agenda.kind == "dagsorden" and {i.kind for i in agenda.items} == {"dagsorden"}
    assert all(i.decision_text is None for i in agenda.items)
    assert all(i.decisions == [] for i in agenda.items)


def test_agenda_sections(agenda):
    assert [s.heading for s in item(agenda, 12).sections] == [
        "BESLUTNINGSFORSLAG FRA BØRNE- OG UNGEBYRÅDET",
        "INDSTILLING FRA MAGISTRATSAFDELINGEN FOR BØRN OG UNGE",
        "Resume", "Beslutningspunkter", "Borgmesterens afdelings påtegning", "Sagsforløb", "Bilag",
    ]
    assert item(agenda, 1).sections == []
    assert item(agenda, 2).section("Beslutningspunkter") == (
        "Det indstilles:\nAt 1) Byrådet drøfter og godkender eventuelle ændringer til budgetforslaget 2026."
    )
    assert [s.heading for s in item(agenda, 27).sections] == [
        "BESLUTNINGSFORSLAG FRA V, LA, DD, KF, RV, M og ALT", "Bilag",
    ]


def test_agenda_attachments(agenda):
    two = item(agenda, 2)
    assert len(two.attachments) == 22
    assert two.attachments[:2] == ["Indstilling", "Bilag 1: Budgetredegørelsen 2026-2029"]
    assert two.section("Bilag") == "\n".join(two.attachments)
    assert item(agenda, 1).attachments == []


def test_minutes_meeting(minutes):
    assert (minutes.committee, minutes.period) == ("Teknisk Udvalg", None)
    assert minutes.date == date(2025, 10, 1)
    assert minutes.time == "15:45"
    assert minutes.place == "Udvalgsværelse 398"


def test_minutes_items(minutes):
    assert [(i.item_number, i.title, i.journal_number) for i in minutes.items] == [
        (1, "Referat fra sidste udvalgsmøde", "EMN-2025-010561"),
        (2, "Udviklingsplan Aarhus Ø - endelig vedtagelse", "EMN-2025-009242"),
        (3, "Lokalplan 1221 (tillæg 2 til lokalplan 411) – Erhvervsområde ved Kattrup, "
            "Hasselager-Kolt, med tillæg 1 - Endelig", "EMN-2025-008468"),
        (4, "Forvaltningen orienterer", "EMN-2025-010561"),
        (5, "Eventuelt", None),
        (6, "Måltal for busfremkommelighed, jf. budgetforlig 2023", "EMN-2024-035156"),
    ]


def test_minutes_decisions(minutes):
    assert item(minutes, 1).decision_text == "Ingen bemærkninger."
    assert item(minutes, 2).decision_text.startswith("Et flertal i udvalget kunne tiltræde indstillingen")
    assert "godkendt" in item(minutes, 2).decisions
    assert "udsat" in item(minutes, 3).decisions
    assert item(minutes, 4).decision_text == "Udvalget blev orienteret om arkitekturugen i uge 41."
    assert item(minutes, 6).decision_text == "Sagen blev udsat uden behandling."
    assert item(minutes, 6).decisions == ["udsat"]


def test_introduction_under_an_empty_heading_stays_out_of_the_decision(minutes):
    two = item(minutes, 2)
    assert [s.heading for s in two.sections] == [
        "Beslutninger", "", "Resume", "Beslutningspunkter", "Sagsforløb", "Bilag",
    ]
    assert "fire ugers høring" in two.section("")
    assert "fire ugers høring" not in two.decision_text


def test_no_page_controls_in_the_text(agenda, minutes):
    controls = re.compile(r"^(?:PDF|Hent som PDF|Kopier link|Tilbage til forsiden|Punkt|Titel)$")
    for meeting in (agenda, minutes):
        for found in meeting.items:
            for section in found.sections:
                assert not [line for line in section.text.split("\n") if controls.match(line)], found.item_number


def test_detected_by_content():
    page = require_corpus(*MINUTES).read_bytes()
    assert looks_like_aarhus_html(page)
    assert detect_format(Path("x.html"), page) == "aarhus-html"
    assert detect_format(Path("x.html"), b"<html><body>Nyheder</body></html>") is None
    assert detect_format(Path("x.html")) == "aarhus-html"  # a candidate, worth reading
    with pytest.raises(ParseError, match="unknown format"):
        read_source(Path("news.html"), b"<html><body>Nyheder</body></html>", municipality="Aarhus Kommune")


def test_truncated_page():
    page = require_corpus(*MINUTES).read_text(encoding="utf-8")
    with pytest.raises(ParseError, match="truncated"):
        parse_aarhus_html(page[: len(page) // 2], path="half.html", municipality="Aarhus Kommune")


PAGE = """<html><body><h1 class="green dato">{heading}</h1><span class="udvalg">Aarhus Byråd</span>
<table id="dagsordenDetaljer">{rows}</table></body></html>"""
ROW = """<tr class="punktrow"><td><span class="label label-default">1</span></td><td class="punkt-tabel">
<h2 class="overskrift text-left">{title}</h2><div class="details"><div class="punkt"><h3>Beslutninger</h3>
<div>Godkendt.</div></div></div></td><td class="punkt-tabel">Hent som PDF</td></tr>"""


def test_a_minimal_page():
    page = PAGE.format(heading="Referat 3. marts 2025 kl. 9.30", rows=ROW.format(title="Lukket: Salg af grund"))
    meeting = parse_aarhus_html(page, path="p.html", municipality="Aarhus Kommune")
    assert (meeting.committee, meeting.date, meeting.time, meeting.place) == ("Byråd", date(2025, 3, 3), "09:30", None)
    [only] = meeting.items
    assert only.closed and only.decisions == ["godkendt"] and only.journal_number is None


@pytest.mark.parametrize(
    ("heading", "rows", "reason"),
    [
        ("Nyheder fra rådhuset", ROW.format(title="x"), "no meeting heading"),
        ("Referat 31. februar 2025 kl. 9.30", ROW.format(title="x"), "not a date"),
        ("Referat 3. marts 2025", "", "no agenda items"),
        ("Referat 3. marts 2025", ROW.format(title=" "), "no number or no title"),
    ],
)
def test_bad_pages(heading, rows, reason):
    with pytest.raises(ParseError, match=reason):
        parse_aarhus_html(PAGE.format(heading=heading, rows=rows), path="p.html", municipality="Aarhus Kommune")


def test_attachments_link_to_the_portal_in_the_shipped_table(agenda):
    two = item(agenda, 2)
    assert len(two.attachment_urls) == len(two.attachments) == 22
    # The page's own link: <a class="bilag-link" href="/vis/pdf/bilag/3b391cd5-...">Indstilling</a>
    assert two.attachment_urls[0] == "https://dagsordener.aarhus.dk/Vis/Pdf/bilag/3b391cd5-bf32-4aad-965f-b3272f7fe101"
    assert len(set(two.attachment_urls)) == 22 and all(url.startswith("https://dagsordener.aarhus.dk/Vis/Pdf/bilag/")
                                                       for url in two.attachment_urls)
    assert two.source_url is None  # a saved page does not hold its meeting's id
