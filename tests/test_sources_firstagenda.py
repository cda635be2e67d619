"""The FirstAgenda JSON parser on the real Greve corpus (344 meetings, 4,507 items)."""

import json
from datetime import date

import pytest

from helpers import require_corpus
from searchsvc.errors import ParseError
from searchsvc.sources import detect_format, read_source
from searchsvc.sources.firstagenda import parse_firstagenda

MUNICIPALITY = "Greve Kommune"


@pytest.fixture(scope="module")
def greve():
    return require_corpus("greve")


@pytest.fixture(scope="module")
def meetings(greve):
    """Every Greve meeting, read the way a reindex reads it."""
    parsed = []
    for path in sorted(greve.glob("*.json")):
        result = read_source(path, path.read_bytes(), municipality=MUNICIPALITY)
        assert result.warnings == []
        parsed.extend(result.meetings)
    return parsed


def meeting(greve, prefix):
    [path] = greve.glob(f"{prefix}*.json")
    return parse_firstagenda(path.read_bytes(), path=str(path), municipality=MUNICIPALITY)


def item(greve, prefix, number):
    [found] = [i for i in meeting(greve, prefix).items if i.item_number == number]
    return found


# -- the whole corpus


def test_every_file_parses_into_all_meetings_and_items(meetings):
    assert len(meetings) == 344
    assert sum(len(m.items) for m in meetings) == 4507


def test_item_and_meeting_ids_are_unique_across_the_corpus(meetings):
    items = [i for m in meetings for i in m.items]
    assert len({i.id for i in items}) == len(items)
    assert len({m.id for m in meetings}) == len(meetings)


def test_committees_and_periods(meetings):
    committees = {(m.committee, m.period) for m in meetings}
    assert ("Byråd", "2022-2025") in committees
    assert ("Økonomiudvalget", None) in committees
    # The sorting dot in ".Spørgsmål / Svar til Byrådet 2022-2025" is not part of the name.
    assert ("Spørgsmål / Svar til Byrådet", "2022-2025") in committees
    assert len(committees) == 10


def test_every_item_has_a_title_and_most_have_a_decision(meetings):
    items = [i for m in meetings for i in m.items]
    assert all(i.title for i in items)
    with_decision = [i for i in items if i.section("Beslutning") is not None]
    assert len(with_decision) == 4236


def test_closed_items_are_those_titled_lukket(meetings):
    items = [i for m in meetings for i in m.items]
    assert sum(i.closed for i in items) == 308
    assert all(i.title.startswith("Lukket:") for i in items if i.closed)


def test_json_is_detected_by_extension(greve):
    [path] = greve.glob("Byråd 2022-2025_2023-04-17*.json")
    assert detect_format(path) == "firstagenda"


# -- spot checks of real items


def test_meeting_header(greve):
    m = meeting(greve, "Byråd 2022-2025_2023-04-17")
    assert (m.committee, m.period) == ("Byråd", "2022-2025")
    assert m.date == date(2023, 4, 17)
    assert m.time == "19:00"  # as written: "2023-04-17T19:00:00+02:00"
    assert m.place == "Byrådssalen"
    assert m.municipality == MUNICIPALITY
    assert [i.item_number for i in m.items] == list(range(1, len(m.items) + 1))


def test_a_case_item(greve):
    i = item(greve, "Beskæftigelses- og Erhvervsudvalget_2024-02-05", 2)
    assert i.title == "Ændring af vedtægterne for ErhvervsCentret Greve"
    assert i.journal_number == "24-000603"
    assert i.time == "08:00"
    assert [s.heading for s in i.sections] == [
        "Beslutning", "Sagsprocedure", "Resume", "Indstilling", "Sagsbeskrivelse",
        "Økonomiske konsekvenser", "Sagens forløb",
    ]
    assert i.section("Sagsprocedure") == "Beskæftigelses- og Erhvervsudvalget, Økonomiudvalget, Byrådet."
    assert i.section("Indstilling").startswith("Administrationen indstiller, at vedtægtsændringerne godkendes")
    assert i.section("Sagens forløb") == (
        "24-01-2024 Økonomiudvalget\nBeslutning ikke frigivet\n29-01-2024 Byråd 2022-2025\nBeslutning ikke frigivet"
    )
    assert i.attachments == [
        "Bilag 1 - Gældende vedtægter ErhvervsCentret Greve",
        "Bilag 2 - Vedtægter ErhvervsCentret Greve, hvor § 7, stk. 3 er udgået",
    ]
    assert not i.closed


def test_a_decision_with_its_attendance_note(greve):
    i = item(greve, "Beskæftigelses- og Erhvervsudvalget_2024-02-05", 2)
    assert i.section("Beslutning") == "Godkendt.\n\nAfbud: Liselott Blixt"
    assert i.decision_text == "Godkendt."
    assert i.attendance == "Afbud: Liselott Blixt"
    assert i.decisions == ["godkendt"]


def test_a_closed_item_is_its_bare_decision(greve):
    i = item(greve, "Byråd 2022-2025_2023-04-17", 4)
    assert i.title == "Lukket: Orientering"
    assert i.closed
    assert i.journal_number == "21-013720"
    assert [s.heading for s in i.sections] == ["Beslutning"]
    assert i.decision_text.startswith("Orienteringerne blev taget til efterretning.\n\nBorgmesteren orienterede")
    assert "taget-til-efterretning" in i.decisions


def test_an_item_with_many_attachments(greve):
    i = item(greve, "Byråd 2022-2025_2023-04-17", 13)
    assert i.title == "Status på salg af grunde i Greve Kommune"
    assert len(i.attachments) == 7
    assert i.attachments[0] == "Bilag 1 Status på prioritering af salgssager 2020-2021"
    assert i.attachments[-1] == "Bilag 7 Kort over grunde på salgslisten"


def test_a_word_split_across_spans_is_joined(greve):
    # The source has "kontant</span><span>hjælp".
    i = item(greve, "Beskæftigelses- og Erhvervsudvalget_2022-01-10", 5)
    text = i.section("Sagsbeskrivelse")
    assert "kontanthjælp" in text
    assert "kontant hjælp" not in text


def test_an_empty_journal_number_is_none(greve):
    i = item(greve, "Økonomiudvalget_2025-11-05", 22)
    assert i.title == "Underskriftsark"
    assert i.journal_number is None
    assert i.decisions == ["ingen-beslutning"]


def test_headings_set_as_bold_paragraphs_start_sections(greve):
    # This item has <p><strong>Sagsprocedure</strong></p> where others have <h4>.
    i = item(greve, "Sundheds- og Omsorgsudvalget_2025-01-06", 4)
    assert i.title.startswith("Ydelser i hjemmeplejen 2024, uanmeldte tilsyn")
    headings = [s.heading for s in i.sections]
    assert headings[:5] == ["Beslutning", "Sagsprocedure", "Resume", "Indstilling", "Sagsbeskrivelse"]
    assert i.section("Sagsprocedure") == "Sundheds- og Omsorgsudvalget."


def test_lists_keep_their_items(greve):
    i = item(greve, "Byråd 2022-2025_2023-04-17", 9)
    assert i.title == "Spørgetid"
    assert "\n- Der er afsat 30 minutter til spørgsmål og svar\n- Spørgsmål kan stilles mundtligt" in i.section(
        "Sagsbeskrivelse"
    )


# -- bad input


def document(**changes):
    base = {
        "Udvalg": {"Navn": "Byråd 2022-2025"},
        "Moede": {"Dato": "2023-04-17T19:00:00+02:00", "Sted": "Byrådssalen"},
        "Dagsordenpunkter": [
            {"Punktnummer": "1", "Navn": "Godkendelse af dagsorden", "SagsNummer": "",
             "Bilag": [{"Navn": "Bilag 1"}], "Felter": [{"Html": "<h3>Beslutning</h3><span>Godkendt.</span>"}]},
        ],
    }
    base.update(changes)
    return json.dumps(base)


def test_a_minimal_document():
    m = parse_firstagenda(document(), path="m.json", municipality="Greve Kommune")
    [i] = m.items
    assert (i.item_number, i.title, i.journal_number, i.attachments) == (1, "Godkendelse af dagsorden", None, ["Bilag 1"])
    assert i.decisions == ["godkendt"]


def test_a_bare_date_has_no_time():
    m = parse_firstagenda(document(Moede={"Dato": "2023-04-17"}), path="m.json", municipality="Greve Kommune")
    assert (m.date, m.time, m.place) == (date(2023, 4, 17), None, None)


def test_truncated_json_names_the_line():
    text = document()
    with pytest.raises(ParseError) as raised:
        parse_firstagenda(text[: len(text) // 2].encode(), path="m.json", municipality="Greve Kommune")
    assert "not valid JSON" in raised.value.reason
    assert raised.value.line == 1
    assert raised.value.path == "m.json"


def test_json_syntax_error_on_a_later_line():
    with pytest.raises(ParseError) as raised:
        parse_firstagenda('{\n"Udvalg": {},\n"Moede": ,\n}', path="m.json", municipality="Greve Kommune")
    assert raised.value.line == 3


@pytest.mark.parametrize("data, reason", [
    ("[]", "expected a JSON object"),
    ('"text"', "expected a JSON object"),
    ("null", "expected a JSON object"),
    (b"", "empty"),
    (b"\xff\xfe{}", "not valid UTF-8"),
    ("[" * 100000, "JSON"),
    (document(Udvalg=None), "Udvalg is missing"),
    (document(Udvalg=[]), "Udvalg is a list"),
    (document(Udvalg={}), "Udvalg has no Navn"),
    (document(Udvalg={"Navn": " "}), "Udvalg.Navn"),
    (document(Moede=None), "Moede is missing"),
    (document(Moede={}), "Moede has no Dato"),
    (document(Moede={"Dato": 20230417}), "Moede.Dato is a number"),
    (document(Moede={"Dato": "17-04-2023"}), "not an ISO date-time"),
    (document(Moede={"Dato": "2023-02-30T19:00:00+01:00"}), "not an ISO date-time"),
    (document(Dagsordenpunkter=None), "Dagsordenpunkter"),
    (document(Dagsordenpunkter={}), "Dagsordenpunkter"),
    (document(Dagsordenpunkter=[1]), "Dagsordenpunkter[0] is a number"),
    (document(Dagsordenpunkter=[{}]), "Dagsordenpunkter[0] has no Punktnummer"),
    (document(Dagsordenpunkter=[{"Punktnummer": "1a", "Navn": "x"}]), "not an item number"),
    (document(Dagsordenpunkter=[{"Punktnummer": True, "Navn": "x"}]), "not an item number"),
    (document(Dagsordenpunkter=[{"Punktnummer": "2"}]), "agenda item 2 has no title"),
    (document(Dagsordenpunkter=[{"Punktnummer": 2, "Navn": "x", "SagsNummer": 7}]), "SagsNummer"),
    (document(Dagsordenpunkter=[{"Punktnummer": 2, "Navn": "x", "Felter": "<p>"}]), "Felter is text"),
    (document(Dagsordenpunkter=[{"Punktnummer": 2, "Navn": "x", "Felter": [None]}]), "Felter holds"),
    (document(Dagsordenpunkter=[{"Punktnummer": 2, "Navn": "x", "Felter": [{"Html": 5}]}]), "Html is a number"),
    (document(Dagsordenpunkter=[{"Punktnummer": 2, "Navn": "x", "Bilag": [{"Navn": []}]}]), "Bilag: Navn"),
])
def test_malformed_documents_raise_parse_error(data, reason):
    with pytest.raises(ParseError) as raised:
        parse_firstagenda(data, path="m.json", municipality="Greve Kommune")
    assert reason in raised.value.reason
    assert raised.value.path == "m.json"


def test_read_source_reports_a_broken_file(tmp_path):
    path = tmp_path / "broken.json"
    with pytest.raises(ParseError, match="not valid JSON"):
        read_source(path, b'{"Udvalg": {"Navn": "Byr', municipality="Greve Kommune")


# -- decisions over the whole corpus


def test_decisions_are_classified_and_attendance_is_kept_apart(meetings):
    items = [i for m in meetings for i in m.items]
    andet = [i for i in items if i.decisions == ["andet"]]
    # 328 when written: discussions ("Sagen blev drøftet."), commissions, elections, and the minutes
    # that only record an orientation or an answered question ("Temamødet blev holdt.").
    assert len(andet) < 380
    assert sum(1 for i in items if i.attendance) > 1200
    notes = ("afbud", "fraværende", "ikke til stede")
    assert not [i for i in items if i.decision_text and i.decision_text.lower().startswith(notes)]


def test_items_and_attachments_link_to_the_portal_in_the_shipped_table(greve):
    parsed = meeting(greve, "Byråd 2022-2025_2023-04-17")
    assert parsed.source_url == "https://dagsordener.greve.dk/vis?id=9f685191-8b76-4e1e-b7bb-716c9a6dc45f"
    [i] = [i for i in parsed.items if i.item_number == 13]
    assert i.source_url == ("https://dagsordener.greve.dk/vis?id=9f685191-8b76-4e1e-b7bb-716c9a6dc45f"
                            "&punktid=9d8493a4-a5db-4c18-889c-cd2625e05f8f")
    assert len(i.attachment_urls) == len(i.attachments) == 7
    assert i.attachment_urls[0] == "https://dagsordener.greve.dk/Vis/Pdf/bilag/675caa08-0c4e-46fd-9370-d7a753ea48a1"
    assert i.attachment_urls[-1] == "https://dagsordener.greve.dk/Vis/Pdf/bilag/2c31d877-f99d-4526-8d06-be8ba24c2106"


def test_a_given_portal_wins_and_an_unknown_municipality_has_no_links(greve):
    [path] = greve.glob("Byråd 2022-2025_2023-04-17*.json")
    replayed = parse_firstagenda(path.read_bytes(), path=str(path), municipality=MUNICIPALITY,
                                 portal="http://127.0.0.1:8765")
    assert replayed.items[0].source_url.startswith("http://127.0.0.1:8765/vis?id=9f685191-")
    elsewhere = parse_firstagenda(path.read_bytes(), path=str(path), municipality="Gotham Kommune")
    assert elsewhere.source_url is None and elsewhere.items[12].source_url is None
    assert elsewhere.items[12].attachment_urls == [None] * 7


def test_the_meeting_lists_its_attendees_absent_or_not(greve):
    parsed = meeting(greve, "Sundheds- og Omsorgsudvalget_2023-04-24")
    assert len(parsed.attendees) == 5
    assert [a.name for a in parsed.attendees if a.absent] == ["Lone Mortensen"]
