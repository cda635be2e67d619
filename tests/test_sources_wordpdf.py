"""PDF minutes printed from a Word template ("412. Title", "Sagsnr.:"), field by field.

The PDFs are drawn with reportlab (tests/word_minutes_pdf.py) in the layout case systems
print: cover, contents, items, running header and footer on every page after the cover,
one decision heading per body that has treated a case.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from word_minutes_pdf import Line, Minutes, heading, paragraphs, render

from searchsvc.domain.model import Meeting, Section
from searchsvc.errors import ParseError
from searchsvc.sources import read_source
from searchsvc.sources.history import resolve
from searchsvc.sources.pdf import parse_pdf

COMMITTEE = "Teknik- og Miljøudvalget"

LONG_CASE = (
    "Lokalplanen giver mulighed for at opføre op til 120 boliger i to til fire etager på den "
    "tidligere fabriksgrund ved Stationsvej. Planen fastlægger bebyggelsens placering, omfang og "
    "udseende, og den sikrer et grønt fællesareal mod banen. "
)

MINUTES = Minutes(
    committee=COMMITTEE,
    running_date="3. februar 2020 - kl. 16:00",
    cover=[
        Line("Referat", bold=True),
        Line(COMMITTEE, bold=True, gap=6),
        Line("Ordinært møde", gap=6),
        Line("Mødedato: Mandag den 3. februar 2020", gap=12),
        Line("Mødetidspunkt: Kl. 16:00"),
        Line("Mødested: Mødelokale 2, Rådhuset"),
        Line("Medlemmer:", gap=12),
        Line("Anne Jensen (A), formand"),
        Line("Bo Hansen (V)"),
        Line("Carl Nielsen (F)"),
        Line("Fraværende:", gap=12),
        Line("Bo Hansen (V)"),
    ],
    items=[
        ("411. Godkendelse af dagsorden", [
            Line("Sagsnr.: 20/00012"),
            heading("Beslutning i Teknik- og Miljøudvalget den 03-02-2020"),
            *paragraphs("Godkendt."),
        ]),
        ("412. Lokalplan 1-23 for boliger ved Stationsvej. Endelig vedtagelse", [
            Line("Sagsnr.: 19/10345"),
            Line("Sagen afgøres i: Byrådet"),
            heading("Resumé"),
            *paragraphs("Forslag til lokalplan 1-23 har været i offentlig høring i otte uger.",
                        "Der er kommet fem høringssvar."),
            heading("Sagsfremstilling"),
            *paragraphs(*(LONG_CASE * 3 for _ in range(6))),
            heading("Økonomi og organisatoriske konsekvenser"),
            *paragraphs("Ingen."),
            heading("Indstilling"),
            *paragraphs("Direktøren indstiller, at", "1. lokalplanen vedtages endeligt,",
                        "2. høringssvarene besvares som foreslået."),
            heading("Beslutning i Teknik- og Miljøudvalget den 02-12-2019"),
            *paragraphs("Udvalget anbefaler forslaget sendt i offentlig høring."),
            heading("Beslutning i Byrådet den 16-12-2019"),
            *paragraphs("Forslaget blev sendt i offentlig høring."),
            heading("Beslutning i Teknik- og Miljøudvalget den 03-02-2020"),
            *paragraphs("Anbefales godkendt."),
            heading("Bilag"),
            *paragraphs("1. Lokalplan 1-23, endelig udgave", "2. Høringssvar og notat"),
        ]),
        ("413. Lukket punkt: Køb af ejendom", [
            Line("Sagsnr.: 20/00456"),
            heading("Beslutning i Teknik- og Miljøudvalget den 03-02-2020"),
            *paragraphs("Godkendt."),
        ]),
        ("414. Trafiksikkerhedsplan 2020-2024 for hele kommunen med særlig vægt på skoleveje og "
         "cykelstier langs de kommunale veje", [
            Line("Sagsnr.: 19/20001"),
            Line("Sagen afgøres i: Teknik- og Miljøudvalget"),
            heading("Resumé"),
            *paragraphs("Planen samler kommunens indsats for trafiksikkerhed de næste fem år."),
            heading("Indstilling"),
            *paragraphs("Direktøren indstiller, at planen godkendes."),
            heading("Beslutning i Teknik- og Miljøudvalget den 03-02-2020"),
            *paragraphs("Udsat."),
        ]),
    ],
)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render(MINUTES)


@pytest.fixture(scope="module")
def meeting(pdf_bytes) -> Meeting:
    return parse_pdf(pdf_bytes, path="tmu/referat.pdf", municipality="Syddjurs Kommune")


def item(meeting: Meeting, number: int):
    return next(i for i in meeting.items if i.item_number == number)


def test_the_sample_has_furniture_on_several_pages(pdf_bytes):
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf_bytes)).pages
    assert len(pages) >= 4
    assert "Referat For Teknik- og Miljøudvalget" in pages[2].extract_text()
    assert f"3 of {len(pages)}" in pages[2].extract_text()


def test_meeting_from_the_cover(meeting):
    assert meeting.municipality == "Syddjurs Kommune"
    assert meeting.committee == COMMITTEE
    assert meeting.date == date(2020, 2, 3)
    assert meeting.time == "16:00"
    assert meeting.place == "Mødelokale 2, Rådhuset"
    assert meeting.kind == "referat"
    assert all(i.kind == "referat" for i in meeting.items)


def test_items_numbers_and_whole_titles(meeting):
    assert [(i.item_number, i.title) for i in meeting.items] == [
        (411, "Godkendelse af dagsorden"),
        (412, "Lokalplan 1-23 for boliger ved Stationsvej. Endelig vedtagelse"),
        (413, "Lukket punkt: Køb af ejendom"),
        (414, "Trafiksikkerhedsplan 2020-2024 for hele kommunen med særlig vægt på skoleveje og "
              "cykelstier langs de kommunale veje"),
    ]


def test_journal_numbers_and_closed(meeting):
    assert [i.journal_number for i in meeting.items] == ["20/00012", "19/10345", "20/00456", "19/20001"]
    assert [i.closed for i in meeting.items] == [False, False, True, False]


def test_sections_in_order(meeting):
    assert [s.heading for s in item(meeting, 412).sections] == [
        "Sagen afgøres i", "Resumé", "Sagsfremstilling", "Økonomi og organisatoriske konsekvenser",
        "Indstilling", "Tidligere beslutninger", "Beslutning", "Bilag",
    ]
    assert item(meeting, 412).section("Sagen afgøres i") == "Byrådet"
    assert item(meeting, 412).section("Resumé") == (
        "Forslag til lokalplan 1-23 har været i offentlig høring i otte uger.\nDer er kommet fem høringssvar.")
    assert item(meeting, 414).section("Sagen afgøres i") == "Teknik- og Miljøudvalget"


def test_this_meetings_decision_and_the_history(meeting):
    lokalplan = item(meeting, 412)
    assert lokalplan.decision_text == "Anbefales godkendt."
    assert lokalplan.decisions == ["anbefalet"]
    assert lokalplan.section("Tidligere beslutninger") == (
        "Teknik- og Miljøudvalget den 02-12-2019:\nUdvalget anbefaler forslaget sendt i offentlig høring.\n\n"
        "Byrådet den 16-12-2019:\nForslaget blev sendt i offentlig høring.")
    assert [i.decision_text for i in meeting.items] == ["Godkendt.", "Anbefales godkendt.", "Godkendt.", "Udsat."]


def test_attachments_without_their_list_numbers(meeting):
    assert item(meeting, 412).attachments == ["Lokalplan 1-23, endelig udgave", "Høringssvar og notat"]
    assert item(meeting, 411).attachments == []


def test_a_section_crossing_pages_has_no_furniture(meeting):
    text = "\n".join(s.text for i in meeting.items for s in i.sections)
    for furniture in ("Referat For", "3. februar 2020 - kl. 16:00", "Side ", " of "):
        assert furniture not in text
    case = item(meeting, 412).section("Sagsfremstilling")
    # Six paragraphs, wrapped by the layout, joined again; nothing else in between.
    assert " ".join(case.split()) == " ".join(" ".join([LONG_CASE * 3] * 6).split())


def test_numbered_lines_in_sections_are_not_items(meeting):
    assert item(meeting, 412).section("Indstilling") == (
        "Direktøren indstiller, at\n1. lokalplanen vedtages endeligt,\n2. høringssvarene besvares som foreslået.")


def test_two_pages_without_contents_are_read_by_the_running_lines():
    short = Minutes(
        committee="Økonomiudvalget", running_date="16. marts 2026 - kl. 08:30", contents=False,
        cover=[Line("Dagsorden", bold=True), Line("Økonomiudvalget", bold=True),
               Line("Mandag den 16. marts 2026", gap=12), Line("Kl. 08:30"), Line("Byrådssalen")],
        items=[("12. Budgetopfølgning", [Line("Sagsnr.: 26/00077"), heading("Indstilling"),
                                          *paragraphs("Direktionen indstiller, at opfølgningen tages til efterretning.")])],
    )
    meeting = parse_pdf(render(short), path="oeu.pdf", municipality="Syddjurs Kommune")
    assert (meeting.committee, meeting.date, meeting.time, meeting.place, meeting.kind) == (
        "Økonomiudvalget", date(2026, 3, 16), "08:30", "Byrådssalen", "dagsorden")
    [only] = meeting.items
    assert (only.item_number, only.title, only.journal_number) == (12, "Budgetopfølgning", "26/00077")
    assert only.sections == [Section("Indstilling", "Direktionen indstiller, at opfølgningen tages til efterretning.")]
    assert only.decision_text is None


def test_read_source_detects_the_layout(pdf_bytes):
    parsed = read_source(Path("referat.pdf"), pdf_bytes, municipality="Syddjurs Kommune")
    assert [i.item_number for m in parsed.meetings for i in m.items] == [411, 412, 413, 414]


def test_a_pdf_of_neither_layout_still_says_what_is_missing():
    plain = Minutes(committee="X", running_date="1. januar 2020 - kl. 10:00", contents=False,
                    cover=[Line("Et brev om noget helt andet")], items=[])
    with pytest.raises(ParseError, match="no meeting header"):
        parse_pdf(render(plain), path="brev.pdf", municipality="Syddjurs Kommune")


def test_same_day_decisions_of_two_bodies_choose_this_meetings_body():
    sections = [
        Section("Beslutning i Økonomiudvalget den 16-03-2026", "Anbefales."),
        Section("Beslutning i Byrådet den 16-03-2026", "Godkendt."),
    ]
    resolved = resolve(sections, meeting_date=date(2026, 3, 16), committee="Byrådet")
    assert resolved == [Section("Tidligere beslutninger", "Økonomiudvalget den 16-03-2026:\nAnbefales."),
                        Section("Beslutning", "Godkendt.")]
    # No decision of this meeting yet (an agenda): all of them are history.
    resolved = resolve(sections, meeting_date=date(2026, 3, 30), committee="Byrådet")
    assert [s.heading for s in resolved] == ["Tidligere beslutninger"]


def test_an_item_in_the_contents_but_not_printed_loses_none_of_the_others():
    """A closed item listed in the contents but left out of the public print: the items
    after it are still found, each with its own text."""
    printed = [entry for entry in MINUTES.items if not entry[0].startswith("413.")]
    minutes = Minutes(committee=COMMITTEE, running_date=MINUTES.running_date, cover=MINUTES.cover,
                      items=printed, contents_titles=[title for title, _ in MINUTES.items])
    found = parse_pdf(render(minutes), path="tmu/referat.pdf", municipality="Syddjurs Kommune")
    assert [i.item_number for i in found.items] == [411, 412, 414]
    assert "Godkendt." in " ".join(s.text for s in found.items[0].sections)
    assert "Stationsvej" not in " ".join(s.text for s in found.items[0].sections)
