"""The referat text parser on the two real Frederiksberg meetings in samples/."""

from datetime import date
from pathlib import Path

import pytest

from searchsvc.errors import ParseError
from searchsvc.sources import read_source
from searchsvc.sources.referat import parse_referat

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MEETING_2021 = SAMPLES / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"
MEETING_2024 = SAMPLES / "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget_2024-08-19.txt"


def parse(path: Path):
    [meeting] = read_source(path, path.read_bytes(), municipality="Frederiksberg Kommune").meetings
    return meeting


def test_meeting_header_2021():
    meeting = parse(MEETING_2021)
    assert meeting.committee == "Arbejdsmarkeds- og Uddannelsesudvalget"
    assert meeting.period == "2018-21"
    assert meeting.date == date(2021, 5, 3)
    assert meeting.time == "20:45"
    assert meeting.place == "Udvalgsværelse 1"


def test_meeting_header_2024():
    meeting = parse(MEETING_2024)
    assert meeting.committee == "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget"
    assert meeting.period == "2022-25"
    assert meeting.date == date(2024, 8, 19)
    assert meeting.time == "19:15"


EXPECTED = {
    MEETING_2021: [
        (32, "Meddelelser", "00.22.00-P35-157-20", ["ingen-beslutning"]),
        (33, 'Opfølgning på projekt "Borgerdialog i fokus"', "15.04.10-P20-3-20", ["taget-til-efterretning"]),
        (34, "Høring vedrørende integrationspolitikens handleplan 2021-2022", "15.40.00-P20-1-20",
         ["godkendt", "taget-til-efterretning"]),
        (35, "Evaluering af handleplan for Sundhedspolitik - samt ny handleplan for 2021-2022",
         "29.09.04-P22-3-21", ["udsat"]),
    ],
    MEETING_2024: [
        (27, "Meddelelser", "00.22.00-P35-123-23", ["ingen-beslutning"]),
        (28, "Praksistilsyn - Afrapportering af klager afsluttet i 2023 på Arbejdsmarkeds-, Vækst- og "
             "Uddannelsesudvalgets område", "00.01.10-K02-1-24", ["godkendt", "taget-til-efterretning"]),
        (29, "Revisionstilsyn – Arbejdsmarkedsafdelingens risikovurdering 2024", "15.00.00-P30-1-24",
         ["taget-til-efterretning"]),
        (30, "Status på implementering af det digitale jobcenter", "00.01.00-G01-253-23", ["taget-til-efterretning"]),
        (31, "Ekspertgruppens anbefalinger vedrørende fremtidens beskæftigelsesindsats", "00.01.00-G01-253-23",
         ["taget-til-efterretning"]),
        (32, "Forslag til beslutning fra kommunalbestyrelsesmedlemmerne Bianca Vitting og Anja Lundtoft Thomsen "
             "og rådmand Mette Bang Larsen om at ansætte en autismekoordinator i Frederiksberg Kommune",
         "00.30.00-Ø00-1-24", ["anbefalet"]),
    ],
}


@pytest.mark.parametrize("path", [MEETING_2021, MEETING_2024], ids=["2021", "2024"])
def test_every_item(path):
    meeting = parse(path)
    got = [(i.item_number, i.title, i.journal_number, i.decisions) for i in meeting.items]
    assert got == EXPECTED[path]
    for item in meeting.items:
        assert item.committee == meeting.committee and item.date == meeting.date
        assert item.municipality == "Frederiksberg Kommune"
        assert not item.closed


def test_sections_in_document_order():
    item = parse(MEETING_2021).items[2]  # punkt 34
    assert [s.heading for s in item.sections] == [
        "Resume", "Beslutning", "Indstilling", "Sagsfremstilling", "Økonomi",
        "Borgmesterpåtegning", "Behandling", "Historik", "Bilag",
    ]
    assert item.section("Økonomi").startswith("Sagen har ingen bevillingsmæssige konsekvenser")
    assert item.attachments == [
        "Bilag_1__Udkast_Integrationspolitikens_handleplan_20212022",
        "Bilag 2. Integrationsrådets høringssvar",
        "Bilag 3. Høringssvar Udsatterrådet",
    ]


def test_heading_word_in_running_text_is_not_a_heading():
    item = parse(MEETING_2024).items[1]  # punkt 28 has a paragraph "Behandling af klager i ..."
    headings = [s.heading for s in item.sections]
    assert headings.count("Behandling") == 1
    assert "Behandling af klager i et lærings- og evalueringsperspektiv" in item.section("Sagsfremstilling")


def test_empty_decision_and_missing_decision():
    meddelelser_2021 = parse(MEETING_2021).items[0]
    assert meddelelser_2021.decision_text == "."
    meddelelser_2024 = parse(MEETING_2024).items[0]
    assert meddelelser_2024.decision_text is None
    assert meddelelser_2024.decisions == ["ingen-beslutning"]


def test_leftover_markup_is_stripped():
    item = parse(MEETING_2021).items[2]
    text = item.section("Sagsfremstilling")
    assert "Midler til disponering i 2021" in text
    assert "<u>" not in text and "<ul" not in text


def test_kle_parts():
    item = parse(MEETING_2024).items[-1]
    assert item.kle.main_group == "00" and item.kle.group == "00.30"
    assert item.kle.subject == "00.30.00" and item.kle.facet == "Ø00"


def test_ids_are_deterministic_and_url_safe():
    first = [i.id for i in parse(MEETING_2021).items]
    again = [i.id for i in parse(MEETING_2021).items]
    assert first == again
    assert len(set(first)) == 4
    assert all(i.replace("-", "").isalnum() and i == i.lower() for i in first)
    assert first[1].startswith("frederiksberg-kommune-2021-05-03-33-")


def test_missing_header_names_file_and_line():
    with pytest.raises(ParseError) as caught:
        parse_referat("Punkt 1: Noget\n\nBeslutning\nGodkendt.\n", path="x.txt", municipality="M")
    assert caught.value.path == "x.txt" and caught.value.line == 1
    assert "header" in caught.value.reason


def test_no_items_is_an_error():
    with pytest.raises(ParseError, match="no agenda items"):
        parse_referat("REFERAT Udvalget d. 01-02-2023\nMødedato Onsdag\n", path="y.txt", municipality="M")


def test_impossible_date_is_an_error():
    with pytest.raises(ParseError, match="not a date"):
        parse_referat("REFERAT Udvalget d. 31-02-2023\nPunkt 1: A\n", path="z.txt", municipality="M")


def test_binary_and_empty_files_are_errors():
    with pytest.raises(ParseError, match="empty"):
        read_source(Path("e.txt"), b"  \n", municipality="M")
    with pytest.raises(ParseError, match="binary"):
        read_source(Path("b.txt"), b"\x00\x01\x02REFERAT", municipality="M")


def test_cp1252_falls_back_with_a_warning():
    data = MEETING_2021.read_text("utf-8").encode("cp1252", errors="replace")
    parsed = read_source(Path("c.txt"), data, municipality="Frederiksberg Kommune")
    assert parsed.warnings and "cp1252" in parsed.warnings[0]
    assert parsed.meetings[0].items[1].title == 'Opfølgning på projekt "Borgerdialog i fokus"'
