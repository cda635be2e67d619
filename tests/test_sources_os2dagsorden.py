"""The OS2dagsorden family of exports (SBSYS, eDoc, Acadre), field by field on the real files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from helpers import require_corpus

from searchsvc.domain.model import Meeting
from searchsvc.errors import ParseError, UnknownFormat
from searchsvc.sources import ParsedFile, detect_format, read_source

FOLDER = ("os2dagsorden",)
BALLERUP_SBSYS = "sbsys_ballerup_kmb-it-udvalget_2013-05-15.xml"
REGION_SBSYS = "sbsys_region-hovedstaden_forretningsudvalget_2012-09-25.xml"
EDOC = "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.xml"
ACADRE = "acadre_syddjurs_puk_2013-06-20.xml"
MANIFEST = "acadre_syddjurs_manifest_1863.xml"


def read(name: str, municipality: str = "Ballerup Kommune") -> ParsedFile:
    path = require_corpus(*FOLDER, name)
    return read_source(path, path.read_bytes(), municipality=municipality)


def only_meeting(name: str, municipality: str = "Ballerup Kommune") -> Meeting:
    [meeting] = read(name, municipality).meetings
    return meeting


def item(meeting: Meeting, number: int):
    return next(i for i in meeting.items if i.item_number == number)


# -- detection ---------------------------------------------------------------------


@pytest.mark.parametrize("name, format", [
    (BALLERUP_SBSYS, "sbsys"), (REGION_SBSYS, "sbsys"), (EDOC, "edoc"), (ACADRE, "acadre"),
    (MANIFEST, "acadre-manifest"),
])
def test_formats_are_told_by_content_not_name(name, format):
    data = require_corpus(*FOLDER, name).read_bytes()
    assert detect_format(Path(name), data) == format
    assert detect_format(Path("export.xml"), data) == format


def test_other_xml_is_of_unknown_format_with_its_root_named():
    with pytest.raises(UnknownFormat, match=r"root element <rss>: none of SBSYS, eDoc, Acadre"):
        read_source(Path("feed.xml"), b"<?xml version='1.0'?><rss><channel/></rss>", municipality="X")


# -- SBSYS -------------------------------------------------------------------------


def test_sbsys_ballerup_meeting():
    meeting = only_meeting(BALLERUP_SBSYS)
    assert (meeting.municipality, meeting.committee, meeting.period) == ("Ballerup Kommune", "KMB IT-udvalget", "2010-2013")
    assert (meeting.date, meeting.time) == (date(2013, 5, 15), "16:30")
    assert meeting.place == "Mødecenter A, Lokale 3 på Ballerup Rådhus"
    # No decision fields are filled in: the agenda, published before the meeting.
    assert meeting.kind == "dagsorden" and {i.kind for i in meeting.items} == {"dagsorden"}


def test_sbsys_ballerup_items():
    meeting = only_meeting(BALLERUP_SBSYS)
    assert [(i.item_number, i.title) for i in meeting.items] == [
        (1, "Meddelelser"),
        (2, "Oplæg til standard it-arbejdsplads for Kommunalbestyrelsens medlemmer i 2014-2018"),
        (3, "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)"),
        (4, "Regler for indkøb af it-udstyr"),
        (5, "Status på eDagsorden"),
    ]
    assert {i.journal_number for i in meeting.items} == {None}  # Case/Number is empty
    assert {i.closed for i in meeting.items} == {False}
    assert {i.decision_text for i in meeting.items} == {None}
    assert [i.attachments for i in meeting.items] == [
        [], [], ["Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud"], [], []]


def test_sbsys_ballerup_sections():
    meeting = only_meeting(BALLERUP_SBSYS)
    it_workplace = item(meeting, 2)
    assert [s.heading for s in it_workplace.sections] == [
        "Tidligere behandling", "Sammendrag", "Baggrund", "Sagsfremstilling",
        "Økonomiske konsekvenser og finansiering", "Beslutningen træffes af", "Indstilling",
    ]
    assert it_workplace.section("Tidligere behandling") == "KMB IT-udvalget den 5. december 2012 Punkt 3"
    assert it_workplace.section("Beslutningen træffes af") == "KMB IT-udvalget"
    assert it_workplace.section("Økonomiske konsekvenser og finansiering") == "Opgøres ikke i nuværende sag."
    assert it_workplace.section("Sammendrag").startswith(
        "I forbindelse med tiltrædelsen af en ny kommunalbestyrelse pr. 1. januar 2014 skal der tages stilling")
    # An ordered list keeps its markers (the template numbers it A, B ...; HTML gives 1, 2 ...).
    assert "\n1. " in item(meeting, 3).section("Indstilling")
    assert item(meeting, 1).sections == []  # "Meddelelser" has no filled-in field


def test_sbsys_region_names_its_own_organisation():
    meeting = only_meeting(REGION_SBSYS, municipality="Ballerup Kommune")
    assert meeting.municipality == "Region Hovedstaden"
    assert {i.municipality for i in meeting.items} == {"Region Hovedstaden"}
    # A municipality's own export keeps what the source says.
    assert only_meeting(BALLERUP_SBSYS, municipality="Ballerup Kommune").municipality == "Ballerup Kommune"


def test_sbsys_region_meeting_and_items():
    meeting = only_meeting(REGION_SBSYS)
    assert (meeting.committee, meeting.period, meeting.date, meeting.time, meeting.place) == (
        "Forretningsudvalget", "2012-2013", date(2012, 9, 25), "15:30", "H2")
    assert meeting.kind == "dagsorden"
    assert [(i.item_number, i.title) for i in meeting.items] == [
        (1, "2. behandling af forslag til styrelsesvedtægt – nedsættelse af stående udvalg"),
        (2, "Anvendelse af beløb til hospitalsudstyr og patientnære arealer"),
        (3, "Særpublikation og konference om infrastruktur og vækst"),
        (4, "Anmodning fra Hans Toft (C) om offentliggørelse af beslutning truffet af Movias bestyrelse"),
    ]
    assert [len(i.attachments) for i in meeting.items] == [6, 1, 2, 5]
    assert item(meeting, 4).attachments[0] == "Mail fra Hans Toft af 18. september 2012"


def test_sbsys_region_sections_decision_and_history():
    meeting = only_meeting(REGION_SBSYS)
    statute = item(meeting, 1)
    assert [s.heading for s in statute.sections] == [
        "Punktet behandlet tidligere", "Administrationens indstilling", "Resume", "Sagsfremstilling",
        "Kommunikation", "Økonomiske konsekvenser", "Sagen afgøres af", "Tidligere beslutninger",
    ]
    assert statute.section("Sagen afgøres af") == "Regionsrådet."
    # The committee's field holds the decision of 18 September and an empty entry for this
    # meeting (25 September): history, and no decision yet.
    assert statute.decision_text is None
    assert statute.section("Tidligere beslutninger") == (
        "Forretningsudvalget den 18-09-2012:\nSagen udsat til behandling på ekstraordinært "
        "forretningsudvalgsmøde den 25. september, såfremt godkendelse fra Økonomi- og "
        "Indenrigsministeriet foreligger forinden.\n\nJulie Herdal Molbech (F) deltog ikke i sagens behandling.")
    # "Tomt indhold" is the template's placeholder: no section of it.
    conference = item(meeting, 3)
    assert "Tomt indhold" not in "".join(s.text for s in conference.sections)
    assert conference.section("Administrationens indstilling").startswith(
        "1. at regionsrådet tiltræder, at der afholdes en konference om infrastruktur og vækst,")


# -- eDoc --------------------------------------------------------------------------


def test_edoc_file_is_refused_by_a_strict_parser_and_recovered_here():
    data = require_corpus(*FOLDER, EDOC).read_bytes()
    with pytest.raises(ET.ParseError):
        ET.fromstring(data)
    parsed = read(EDOC)
    assert len(parsed.warnings) == 1 and "2 characters that XML forbids (such as &#xC;)" in parsed.warnings[0]


def test_edoc_meeting():
    meeting = only_meeting(EDOC)
    assert (meeting.municipality, meeting.committee, meeting.period) == (
        "Ballerup Kommune", "Sundheds- og Forebyggelsesudvalget", None)
    assert (meeting.date, meeting.time) == (date(2012, 12, 4), "13:00")
    assert meeting.place == "Mødecenter C, Lokale 32 på Ballerup Rådhus"
    assert meeting.kind == "referat"


EDOC_ITEMS = [
    (1, "Meddelelser", "2011-29298", "Taget til efterretning"),
    (2, "Bygningsvedligeholdelse 2013 - anlægsbevilling", "2012-28504", "Indstillingen godkendt"),
    (3, "Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013", "2012-31114", "Indstilles til godkendelse"),
    (4, "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013", "2012-31673", "Indstillingen godkendt"),
    (5, "KL's opfølgningsproces vedrørende det nære sundhedsvæsen", "2011-29939", "Indstillingen godkendt"),
    (6, "Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre", "2012-21786",
     "Indstillingen godkendt"),
    (7, "Etablering af aktivitetscenter på Solvej 6 i Ballerup", "2012-28505",
     "Indstillingen godkendt\nmed denne bemærkning:\nGruppen af unge i Ballerup Kommune også får adgang til at "
     "bruge lokalerne på Solvej 6"),
    (8, "Evaluering af rygestopkurser", "2010-3082", "Taget til efterretning"),
]


def test_edoc_items_in_number_order_with_journal_numbers_and_decisions():
    meeting = only_meeting(EDOC)
    got = [(i.item_number, i.title, i.journal_number, i.decision_text) for i in meeting.items]
    assert got[:6] == EDOC_ITEMS[:6] and got[7] == EDOC_ITEMS[7]
    number, title, journal, decision = got[6]
    assert (number, title, journal) == EDOC_ITEMS[6][:3]
    assert decision.startswith(EDOC_ITEMS[6][3])
    assert {i.closed for i in meeting.items} == {False}  # all on the open agenda
    # "Følgende deltog ikke i behandlingen af punktet:" with no names after it says nothing.
    assert all("deltog ikke" not in (s.text or "") for i in meeting.items for s in i.sections)
    assert {i.attendance for i in meeting.items} == {None}


def test_edoc_sections_and_earlier_treatment():
    meeting = only_meeting(EDOC)
    building = item(meeting, 2)
    assert [s.heading for s in building.sections] == [
        "Sammendrag", "Baggrund", "Sagsfremstilling", "Økonomiske konsekvenser og finansiering", "Bilag",
        "Beslutningen træffes af", "Indstilling", "Beslutning",
    ]
    assert building.section("Beslutningen træffes af") == "Sundheds- og Forebyggelsesudvalget"
    assert building.section("Sammendrag").startswith("Det årlige bygningssyn er nu afsluttet")
    # Subheadings set in the text ("Centralisering af ejendomsdriften") stay in their section.
    assert "Centralisering af ejendomsdriften" in building.section("Sagsfremstilling")
    assert item(meeting, 3).section("Tidligere behandling") == "Kommunalbestyrelsen den 30. januar 2012 Punkt 5"
    assert item(meeting, 4).section("Tidligere behandling") == (
        "Sundheds- og Forebyggelsesudvalget den 30. maj 2012 Punkt 7")
    # The numbered notices of "Meddelelser" are its untitled text, not a treatment history.
    assert item(meeting, 1).sections[0].heading == ""


def test_edoc_attachments():
    meeting = only_meeting(EDOC)
    assert item(meeting, 5).attachments == ["KL's proces vedrørende det nære sundhedsvæsen", "Det nære sundhedsvæsen - KL"]
    assert item(meeting, 2).attachments == ["Bygningsliste og prioriteringssystem"]
    assert item(meeting, 8).attachments == []


# -- Acadre ------------------------------------------------------------------------


def test_acadre_meeting():
    meeting = only_meeting(ACADRE, municipality="Syddjurs Kommune")
    assert (meeting.municipality, meeting.committee, meeting.period) == (
        "Syddjurs Kommune", "Udvalget for plan, udvikling og kultur (PUK)", None)
    assert (meeting.date, meeting.time) == (date(2013, 6, 20), "10:30")
    assert meeting.place == "Kaløvig Kursuscenter, Præstekravevej 46, Følle Strand, 8410 Rønde"
    assert meeting.kind == "referat"


def test_acadre_item_fields():
    [only] = only_meeting(ACADRE).items
    assert (only.item_number, only.title, only.journal_number, only.closed) == (
        715, "Kulturkommune 2017. Politiske fokusområder", "12/27845", False)
    assert only.attachments == [
        "Opsamlingsnotat. Temamøde 20.09.2012",
        "Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409",
        "Kulturkommune 2017 - arbejdsoplæg til Udvalget for Plan, Udvikling og Kultur",
    ]
    # Empty bullets (Lovgrundlag, Bilag) are no sections.
    assert [s.heading for s in only.sections] == [
        "Resumé", "Sagsfremstilling", "Økonomi og organisatoriske konsekvenser", "Indstilling",
        "Tidligere beslutninger", "Supplerende Sagsfremstilling", "Beslutning",
    ]
    assert only.section("Økonomi og organisatoriske konsekvenser") == "Ingen."


def test_acadre_decision_of_this_meeting_and_its_history():
    [only] = only_meeting(ACADRE).items
    assert only.decision_text == (
        "Punktet blev drøftet.\n\nSagen genoptages på det kommende ordinære møde i udvalget, hvor der vil "
        "foreligge et 1. oplæg til strategi med udgangspunkt i udvalgets hidtidige drøftelser.")
    history = only.section("Tidligere beslutninger")
    assert history.startswith("Udvalget for plan, udvikling og kultur (PUK) den 10-04-2013:\nDer indkaldes")
    assert "\n\nUdvalget for plan, udvikling og kultur (PUK) den 24-04-2013:\nPunktet genoptages." in history
    assert "20-06-2013" not in history


def test_acadre_manifest_holds_no_items_and_names_the_export_files():
    parsed = read(MANIFEST)
    assert parsed.meetings == []
    # Not its xmlfilename entries: those are the agenda exports themselves, minutes to index.
    assert parsed.named_files == ["3686426.docx", "3687982.docx", "Files_1863_3687982"]
    assert read(ACADRE).named_files == ["3525829E1.DOCX", "2531342E2.DOC", "3629343E3.DOCX"]
    assert sorted(read(REGION_SBSYS).named_files) == sorted(f"Enclosures/{n}.pdf" for n in range(1, 15))


# -- damaged and altered exports ---------------------------------------------------


def test_closed_items_by_each_format():
    sbsys = require_corpus(*FOLDER, BALLERUP_SBSYS).read_bytes().replace(
        b"<IsPublic><![CDATA[True]]></IsPublic>", b"<IsPublic><![CDATA[False]]></IsPublic>", 1)
    [meeting] = read_source(Path("s.xml"), sbsys, municipality="Ballerup Kommune").meetings
    assert [i.closed for i in meeting.items] == [True, False, False, False, False]
    acadre = require_corpus(*FOLDER, ACADRE).read_bytes().replace(
        '<field name="accessname">Åben</field><field name="stateName">Afsendt'.encode(),
        b'<field name="accessname">Lukket</field><field name="stateName">Afsendt')
    [meeting] = read_source(Path("a.xml"), acadre, municipality="Syddjurs Kommune").meetings
    assert meeting.items[0].closed
    edoc = require_corpus(*FOLDER, EDOC).read_bytes().replace(
        "<AgendaType>Åben dagsorden</AgendaType>".encode(), b"<AgendaType>Lukket dagsorden</AgendaType>", 1)
    [meeting] = read_source(Path("e.xml"), edoc, municipality="Ballerup Kommune").meetings
    assert {i.closed for i in meeting.items} == {True}


@pytest.mark.parametrize("name", [BALLERUP_SBSYS, EDOC, ACADRE])
def test_truncated_exports_are_clear_errors(name):
    data = require_corpus(*FOLDER, name).read_bytes()
    with pytest.raises(ParseError, match="not well-formed XML") as error:
        read_source(Path(name), data[: len(data) // 2], municipality="X")
    assert error.value.path == name and not isinstance(error.value, UnknownFormat)


def test_a_meeting_without_its_date_says_which_field():
    data = require_corpus(*FOLDER, BALLERUP_SBSYS).read_bytes().replace(
        b"<When><![CDATA[15-05-2013 16:30:00]]></When>", b"<When></When>")
    with pytest.raises(ParseError, match=r"no date \(Meeting/When\)"):
        read_source(Path("s.xml"), data, municipality="X")
