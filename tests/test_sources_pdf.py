"""The PDF reader, on the real Aarhus city-council referat of 27 August 2025 (28 pages)."""

from __future__ import annotations

import io
import random
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from searchsvc.domain.decisions import classify_decision
from searchsvc.errors import ParseError
from searchsvc.domain.model import Meeting
from searchsvc.sources import detect_format, read_source
from searchsvc.sources.pdf import PageText, extract_pages, parse_pdf, strip_furniture
from searchsvc.sources.referat import parse_referat

from helpers import require_corpus

SAMPLE = ("aarhus", "byraad_dagsorden_2025-08-27.pdf")

TITLES = {
    1: "Godkendelse af dagsorden",
    2: "Svar på forslag fra DD om principbeslutning om at sikre Havnens Perles fremtid på Aarhus Ø",
    3: "Svar på forslag fra KF og M om at halvere prisen på parkering i kommunale P-huse",
    4: "Svar på forslag fra V om at farten skal ned på Grenåvej i Løgten & Skødstrup",
    5: "Revisionspåtegning og endelig godkendelse af regnskab 2024",
    6: "Svar på forslag fra RV om politik og handlingsplan mod diskrimination i Aarhus",
    7: "Afrapportering på klimaregnskab samt orientering om ny 2030-fremskrivning",
    8: "Afsluttede anlægsregnskaber for Teknik og Miljø 2024",
    9: "Bro mellem Dokk1 og Balticagade",
    10: "Lokalplan 1221 (tillæg 2 til lokalplan 411) – Erhvervsområde ved Kattrup, "
        "Hasselager-Kolt, med tillæg 1 - Endelig",
    11: "Anlægsbevilling til Kongeruten i Kongelunden",
    12: "Anlægsbevilling til nyt idrætsanlæg i Lisbjerg",
    13: "Mulighed for skoleskift til Ravnbakkeskolen",
    14: "Justering af ramme for kvalitetsopfølgning og tilsyn i Børn og Unge",
    15: "Forslag fra M om styrket implementering af relationel velfærd",
    16: "Forslag fra M om International Aarhus 2.0",
    17: "Forslag fra DD og LA om Aarhus som testkommune for selvkørende biler",
    18: "Forslag fra EL og Viggo Jonasen, UFP, om særskilt budgettering af specialundervisning",
    19: "Forslag fra EL og Viggo Jonasen, UFP, om tabt arbejdsfortjeneste ved skolevægring og lignende",
    20: "Forslag fra SF og ALT om Østjysk Marin Naturnationalpark",
    21: "Lukket: Køb af landbrugsejendom",
}


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return require_corpus(*SAMPLE).read_bytes()


@pytest.fixture(scope="module")
def meeting(pdf_bytes) -> Meeting:
    return parse_pdf(pdf_bytes, path="aarhus/byraad.pdf", municipality="Aarhus Kommune")


def item(meeting: Meeting, number: int):
    return next(i for i in meeting.items if i.item_number == number)


def test_meeting_header(meeting):
    assert meeting.committee == "Byråd"
    assert meeting.period is None
    assert meeting.date == date(2025, 8, 27)
    assert meeting.time == "16:00"
    assert meeting.place == "Byrådssalen"
    assert meeting.municipality == "Aarhus Kommune"


def test_all_items_with_whole_titles(meeting):
    assert [i.item_number for i in meeting.items] == list(range(1, 22))
    assert {i.item_number: i.title for i in meeting.items} == TITLES


def test_journal_numbers(meeting):
    assert all(re.fullmatch(r"EMN-20\d\d-\d{6}", i.journal_number or "") for i in meeting.items)
    assert item(meeting, 1).journal_number == "EMN-2023-009832"
    assert item(meeting, 2).journal_number == "EMN-2025-003383"
    assert item(meeting, 21).journal_number == "EMN-2025-007940"


def test_decisions(meeting):
    assert item(meeting, 1).decision_text == "Godkendt."
    assert item(meeting, 1).decisions == ["godkendt"]
    assert item(meeting, 2).decision_text.startswith("Fremsendes til Teknisk Udvalg til behandling")
    assert item(meeting, 2).decisions == ["oversendt"]
    assert "har vedtaget Magistratens foranstående indstilling" in " ".join(item(meeting, 5).decision_text.split())
    # "Tilbagesendes ... har vedtaget": the approval must be found, whatever else the
    # classifier (tested on its own) reads into the sending back.
    assert "godkendt" in item(meeting, 5).decisions
    assert item(meeting, 9).decisions == ["oversendt"]
    assert item(meeting, 16).decisions == classify_decision(item(meeting, 16).decision_text) == ["oversendt"]


def test_embedded_proposal_is_not_part_of_the_decision(meeting):
    two = item(meeting, 2)
    assert "BESLUTNINGSFORSLAG" not in two.decision_text
    assert "Havnens Perle har været en fast del" in two.section("BESLUTNINGSFORSLAG FRA DD")
    assert [s.heading for s in two.sections] == [
        "Beslutninger", "BESLUTNINGSFORSLAG FRA DD",
        "INDSTILLING FRA MAGISTRATSAFDELINGEN FOR TEKNIK OG MILJØ", "Resume",
        "Beslutningspunkter", "Borgmesterens Afdelings påtegning", "Sagsforløb", "Bilag",
    ]
    assert [s.heading for s in item(meeting, 15).sections] == ["Beslutninger", "BESLUTNINGSFORSLAG FRA M", "Bilag"]


def test_indstilling_in_a_bilag_list_is_an_attachment(meeting):
    for number in (2, 5, 8, 13):
        found = item(meeting, number)
        assert found.attachments[0] == "Indstilling"
        assert found.section("Indstilling") is None
    assert item(meeting, 8).attachments[-1] == "Bilag 3: AB-24-202-030 Aarhus Ø etape 1-5, afsluttende arbejder"


def test_closed_item_keeps_its_unheaded_decision(meeting):
    closed = item(meeting, 21)
    assert closed.closed
    assert [i.item_number for i in meeting.items if i.closed] == [21]
    assert closed.decision_text.startswith("Tilbagesendes Magistratsafdelingen for Teknik og Miljø")
    assert "godkendt" in closed.decisions


def test_no_page_furniture_or_contents_in_the_items(meeting):
    furniture = re.compile(
        r"^(?:\d{1,3}|side \d+(?: af \d+)?|\d+ ?/ ?\d+|indholdsfortegnelse|referat aarhus byråd.*)$"
        r"|\.{6,}",
        re.IGNORECASE,
    )
    for found in meeting.items:
        for section in found.sections:
            leaked = [line for line in section.text.split("\n") if furniture.search(line.strip())]
            assert leaked == [], (found.item_number, section.heading)


def test_furniture_detection_leaves_this_sample_whole(pdf_bytes):
    # The sample has no running header or footer: every line is content.
    pages = extract_pages(pdf_bytes, path="x.pdf")
    assert len(pages) == 28
    assert strip_furniture(pages) == [page.text for page in pages]


def test_registered_for_pdf_files(pdf_bytes):
    assert detect_format(Path("referat.PDF")) == "pdf"
    parsed = read_source(Path("x.pdf"), pdf_bytes, municipality="Aarhus Kommune")
    assert len(parsed.meetings) == 1 and len(parsed.meetings[0].items) == 21


# --- PDFs made here: furniture, and bad input ---------------------------------------


def make_pdf(pages: list[list[str]], *, header: str = "", footer: str = "") -> bytes:
    """A PDF with one text line per entry, drawn top-down in Helvetica; [] is a blank page.

    ``header`` and ``footer`` (with ``{n}`` and ``{total}``) go near the top and bottom
    edge of every page but the first, the footer drawn first as word processors do.
    """
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    for n, lines in enumerate(pages, start=1):
        page = writer.add_blank_page(595, 842)
        if not lines:
            continue
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        content = ""
        if n > 1 and footer:
            content += f"BT /F1 9 Tf 50 20 Td ({footer.format(n=n, total=len(pages))}) Tj ET "
        if n > 1 and header:
            content += f"BT /F1 9 Tf 50 820 Td ({header}) Tj ET "
        shown = " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
            for line in lines
        )
        content += f"BT /F1 11 Tf 14 TL 50 760 Td {shown} ET"
        stream = DecodedStreamObject()
        stream.set_data(content.encode("cp1252"))
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HEADER = "Aarhus Kommune - Referat Byrådet 01-02-2025"
FOOTER = "Side {n} af {total}"
MINUTES = [
    ["REFERAT Byråd d. 01-02-2025", "Mødedato Onsdag d. 1. februar 2025 kl. 17:00", "Mødested Rådhuset"],
    ["Punkt 1: Køb af grund ved", "Østergade", "EMN-2025-000001", "Beslutninger", "Godkendt af et enigt"],
    ["byråd.", "Resume", "Grunden koster 4 mio. kr."],
    ["Punkt 2: Orientering", "EMN-2025-000002", "Beslutninger", "Taget til efterretning.", "Bilag",
     "Indstilling"],
]


def test_headers_and_page_numbers_do_not_leak():
    data = make_pdf(MINUTES, header=HEADER, footer=FOOTER)
    meeting = parse_pdf(data, path="made.pdf", municipality="Aarhus Kommune")
    one, two = meeting.items
    assert one.title == "Køb af grund ved Østergade"
    assert one.decision_text == "Godkendt af et enigt byråd."  # the sentence across the page break, joined
    assert one.section("Resume") == "Grunden koster 4 mio. kr."
    assert two.decision_text == "Taget til efterretning."
    assert two.attachments == ["Indstilling"]
    text = "\n".join(s.text for i in meeting.items for s in i.sections)
    assert "Side" not in text and "Aarhus Kommune" not in text


def test_without_stripping_the_furniture_would_leak():
    # The same text, unstripped: what strip_furniture is there for.
    pages = extract_pages(make_pdf(MINUTES, header=HEADER, footer=FOOTER), path="made.pdf")
    leaky = parse_referat("\n".join(p.text for p in pages), path="made.pdf", municipality="Aarhus Kommune")
    assert "Side 3 af 4" in leaky.items[0].decision_text
    assert HEADER in leaky.items[0].decision_text


def test_strip_furniture_keeps_repeated_lines_drawn_mid_page():
    # "Godkendt." ends every page, but where the body ends, not in a margin band.
    pages = [PageText(f"Punkt {n}: x\nBeslutninger\nGodkendt.\n{n}", margins=str(n)) for n in range(1, 5)]
    assert strip_furniture(pages) == [f"Punkt {n}: x\nBeslutninger\nGodkendt." for n in range(1, 5)]


def test_strip_furniture_needs_more_than_half_of_the_pages():
    pages = [PageText("Fælles linje\na", "Fællesline"), PageText("Fælles linje\nb", "Fælleslinje"),
             PageText("Fælles linje\nc", "Fælleslinje"), PageText("d", "")]
    assert strip_furniture(pages) == [p.text for p in pages]
    pages.append(PageText("Fælles linje\ne", "Fælleslinje"))
    assert strip_furniture(pages)[1:] == ["b", "c", "d", "e"]
    assert strip_furniture(pages)[0] == "Fælles linje\na"  # the first page keeps its top


def test_blank_pdf_has_no_text_layer():
    with pytest.raises(ParseError, match=r"no text layer \(scanned PDF\?\)") as error:
        parse_pdf(make_pdf([[], []]), path="scan.pdf", municipality="Aarhus Kommune")
    assert error.value.path == "scan.pdf"


def test_pdf_without_minutes_says_so():
    with pytest.raises(ParseError, match="no meeting header"):
        parse_pdf(make_pdf([["Et brev om noget helt andet"]]), path="brev.pdf", municipality="Aarhus Kommune")


def test_truncated_pdf(pdf_bytes):
    with pytest.raises(ParseError, match="truncated"):
        parse_pdf(pdf_bytes[: len(pdf_bytes) // 2], path="half.pdf", municipality="Aarhus Kommune")


def test_corrupt_pdf():
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    with pytest.raises(ParseError, match="cannot be read|no pages|no text layer"):
        parse_pdf(data, path="junk.pdf", municipality="Aarhus Kommune")


def test_not_a_pdf_named_pdf():
    text = "REFERAT Byråd d. 01-02-2025\nPunkt 1: Noget\n".encode()
    with pytest.raises(ParseError, match=r"not a PDF"):
        read_source(Path("minutes.pdf"), text, municipality="Aarhus Kommune")
    with pytest.raises(ParseError, match=r"not a PDF"):
        read_source(Path("empty.pdf"), b"", municipality="Aarhus Kommune")


def test_encrypted_pdf():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(MINUTES)))
    writer.encrypt(user_password="hemmelig", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ParseError, match="encrypted"):
        parse_pdf(out.getvalue(), path="locked.pdf", municipality="Aarhus Kommune")


def test_damaged_bytes_give_a_parse_error_or_minutes(pdf_bytes):
    # Damage anywhere (but the end marker) yields minutes or a ParseError, never another error.
    rng = random.Random(20250827)
    for _ in range(12):
        data = bytearray(pdf_bytes)
        for _ in range(40):
            at = rng.randrange(len(data) - 2048)
            data[at] = rng.randrange(256)
        try:
            meeting = parse_pdf(bytes(data), path="damaged.pdf", municipality="Aarhus Kommune")
        except ParseError as error:
            assert error.path == "damaged.pdf" and error.reason
        else:
            assert meeting.items
