"""Tables and sub-headings in items: parsed from the real minutes, stored, shown as HTML
tables with headers, served by the API, and searched with their cells kept apart."""

from __future__ import annotations

import glob
import json
import re
import sqlite3

import pytest
from jsonschema import Draft202012Validator

from searchsvc.domain.blocks import Paragraphs, Subheading, Table
from searchsvc.engine.analysis import danish_analyzer
from searchsvc.search import SearchRequest
from searchsvc.sources import read_source
from searchsvc.sources.referat import parse_referat
from searchsvc.web import create_app
from searchsvc.web.openapi import openapi_document

from helpers import SAMPLE_2021, require_corpus

GREVE_2024_01_29 = "Byråd 2022-2025_2024-01-29T19:00:00+01:00_c4a8ac14-df8e-4f35-ab45-657efec38857.json"
GREVE_2022_04_04 = "Byråd 2022-2025_2022-04-04"
BOLIGER = "greve-kommune-2024-01-29-38-1638822a"        # "Boligselskab | Aftalt antal", italic sub-headings
HANDLEPLAN = "frederiksberg-kommune-2021-05-03-34-410ca1f1"  # the Integrationspulje budget tables


def _frederiksberg(name: str):
    path = require_corpus("frederiksberg", name)
    return parse_referat(path.read_text(encoding="utf-8"), path=str(path), municipality="Frederiksberg Kommune")


def _greve(prefix: str):
    path = next(require_corpus("greve").glob(glob.escape(prefix) + "*"))
    return read_source(path, path.read_bytes(), municipality="Greve Kommune").meetings[0]


def _item(meeting, number: int):
    return next(item for item in meeting.items if item.item_number == number)


def _tables(item) -> list[Table]:
    return [block for section in item.sections for block in section.blocks if isinstance(block, Table)]


def _texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


# -- parsing the real files ------------------------------------------------------------


def test_frederiksberg_tab_separated_budget_table_is_a_table():
    item = _item(_frederiksberg(SAMPLE_2021), 34)
    first = _tables(item)[0]
    assert first.header_rows == 1
    assert _texts(first)[0] == ["", "Beløb i 2021"]
    assert ["Allerede disponeret for 2021 ifm. Socialudvalgets godkendelsen af handleplanen i 2020",
            "- 565.000 kr."] in _texts(first)
    # The search text keeps the cells apart: the minus is never a range from 2020.
    text = item.section("Sagsfremstilling")
    assert "handleplanen i 2020 | - 565.000 kr. |" in text
    assert "2020 - 565" not in " ".join(text.split())
    assert "\t" not in text


def test_a_table_broken_by_a_blank_line_is_one_table_with_two_heading_rows():
    item = _item(_frederiksberg("Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget_2024-08-19.txt"), 28)
    table = next(t for t in _tables(item) if t.rows[2][0].text == "Stadfæstelsesprocenten")
    assert table.header_rows == 2
    assert _texts(table)[1] == ["", "Frederiksberg", "Landsplan", "Frederiksberg", "Landsplan"]
    assert _texts(table)[-1] == ["I alt", "100% (226)", "100%", "100% (188)", "100%"]


def test_greve_html_table_and_sub_headings():
    item = _item(_greve(GREVE_2024_01_29), 38)
    assert item.id == BOLIGER
    section = next(s for s in item.sections if s.heading == "Sagsbeskrivelse")
    [table] = [b for b in section.blocks if isinstance(b, Table)]
    assert table.header_rows == 1
    assert _texts(table) == [["Boligselskab", "Aftalt antal"], ["KAB/Sydbo", "9"], ["VA/BO-VEST", "4"],
                             ["Greve Boligselskab", "19"], ["I alt", "32"]]
    headings = [b.text for b in section.blocks if isinstance(b, Subheading)]
    # <p><em><strong>Aftalernes indhold</strong></em></p> and <p><em>Individuelt indhold</em></p>
    assert {"Aftalernes indhold", "Fælles indhold", "Individuelt indhold"} <= set(headings)
    assert "Boligselskab | Aftalt antal |\nKAB/Sydbo | 9 |" in section.text
    # The page's blocks hold the same text that search reads, in order.
    order = [b.text for b in section.blocks if isinstance(b, Subheading | Paragraphs)]
    assert section.text.index("Aftalernes indhold") < section.text.index("Boligselskab | Aftalt antal")
    assert order.index("Aftalernes indhold") < order.index("Individuelt indhold")


def test_greve_column_groups_keep_their_spans():
    table = next(t for t in _tables(_item(_greve(GREVE_2022_04_04), 19))
                 if any(cell.text == "Byggetilladelse" for cell in t.rows[0]))
    assert table.header_rows == 2
    spanning = {cell.text: (cell.colspan, cell.rowspan) for cell in table.rows[0]}
    assert spanning["Byggetilladelse"] == (2, 1) and spanning["Lokalplan"] == (2, 1)
    assert spanning["Projekt"][1] == 2


def test_an_unmarked_timetable_has_no_heading_row():
    """Greve's "Tidsplan" tables set no heading: their first row is the first date."""
    section = next(s for s in _item(_greve("Skole-, Børne- og Ungeudvalget_2025-09-09"), 4).sections
                   if s.heading == "Tidsplan")
    [table] = [b for b in section.blocks if isinstance(b, Table)]
    assert table.rows[0][0].text == "9. september 2025" and table.header_rows == 0


def test_sbsys_cells_of_one_paragraph_per_row_become_rows():
    path = require_corpus("os2dagsorden", "sbsys_region-hovedstaden_forretningsudvalget_2012-09-25.xml")
    meetings = read_source(path, path.read_bytes(), municipality="Region Hovedstaden").meetings
    tables = [t for meeting in meetings for item in meeting.items for t in _tables(item)]
    [table] = tables
    assert ["Bornholms Hospital", "1,80"] in _texts(table)
    assert ["I alt", "99,92"] in _texts(table)


def test_a_cell_boundary_never_joins_two_tokens():
    """Every Greve table of a year of city-council meetings, and Frederiksberg's: the words
    of a table's text are exactly the words of its cells, each analysed alone."""
    analyzer = danish_analyzer()
    tables = _tables(_item(_frederiksberg(SAMPLE_2021), 34))
    for path in sorted(require_corpus("greve").glob("Byråd 2022-2025_2024-*.json"))[::2]:
        meeting = read_source(path, path.read_bytes(), municipality="Greve Kommune").meetings[0]
        tables += [t for item in meeting.items for t in _tables(item)]
    assert len(tables) > 20
    for table in tables:
        joined = sorted(t.text for t in analyzer(table.text))
        apart = sorted(t.text for row in table.rows for cell in row for t in analyzer(cell.text))
        assert joined == apart, table.text[:200]


# -- the item page, the API, search ----------------------------------------------------


@pytest.fixture(scope="module")
def danish_client(danish_index):
    return create_app(danish_index).test_client()


def test_greve_item_page_shows_a_table_with_headers_and_sub_headings(danish_client):
    html = danish_client.get(f"/items/{BOLIGER}").get_data(as_text=True)
    assert re.search(r'<div class="table-box" role="region" aria-label="Tabel 1" tabindex="0">\s*<table>', html)
    assert '<th scope="col">Boligselskab</th><th scope="col">Aftalt antal</th>' in html
    assert '<tr><td>Greve Boligselskab</td><td class="num">19</td></tr>' in html
    assert '<h3 class="subheading">Individuelt indhold</h3>' in html
    assert "Boligselskab | Aftalt antal" not in html


def test_frederiksberg_item_page_table_reads_as_a_table(danish_client):
    html = danish_client.get(f"/items/{HANDLEPLAN}").get_data(as_text=True)
    assert '<th scope="col">Beløb i 2021</th>' in html
    assert 'handleplanen i 2020</td><td class="num">- 565.000 kr.</td>' in html
    assert html.count('class="table-box"') == 2
    assert 'aria-label="Tabel 2"' in html  # each table box named apart (landmark-unique)


def test_the_api_item_serves_the_table_as_described(danish_client):
    document = danish_client.get(f"/api/items/{BOLIGER}").get_json()
    section = next(s for s in document["sections"] if s["heading"] == "Sagsbeskrivelse")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert table["header_rows"] == 1
    assert table["rows"][0] == [{"text": "Boligselskab"}, {"text": "Aftalt antal"}]
    assert {"type": "heading", "text": "Individuelt indhold"} in section["blocks"]
    spec = openapi_document()
    Draft202012Validator({**spec, "$ref": "#/components/schemas/Item"}).validate(document)


def test_the_snippet_keeps_the_cells_apart(danish_service):
    results = danish_service.search(SearchRequest(q="Budgetforligsramme"))
    [hit] = [r for r in results.results if r["id"] == HANDLEPLAN]
    snippet = re.sub(r"</?mark>", "", hit["snippet"])
    assert "Budgetforligsramme for 2021 | + 700.000 kr. |" in snippet
    assert "handleplanen i 2020 | - 565.000 kr. |" in snippet


# -- an older store ----------------------------------------------------------------------


def test_an_item_stored_without_blocks_reads_as_before(sample_index):
    """A store written before tables (sections of heading and text only) still shows and
    serves its items, as paragraphs."""
    store = next(sample_index.index_path.glob("**/items.sqlite"))
    old = [{"heading": s.heading, "text": s.text} for s in _item(_frederiksberg(SAMPLE_2021), 34).sections]
    with sqlite3.connect(store) as db:
        db.execute("UPDATE items SET sections = ? WHERE id = ?", (json.dumps(old, ensure_ascii=False), HANDLEPLAN))
    client = create_app(sample_index).test_client()
    html = client.get(f"/items/{HANDLEPLAN}").get_data(as_text=True)
    assert "<table>" not in html and "Budgetforligsramme for 2021" in html
    document = client.get(f"/api/items/{HANDLEPLAN}").get_json()
    assert all("blocks" not in section for section in document["sections"])
    Draft202012Validator({**openapi_document(), "$ref": "#/components/schemas/Item"}).validate(document)


def test_a_section_with_blocks_is_stored_once_and_read_back_whole(shared_sample_index):
    """The store keeps a table section's blocks without a second copy of its text, and
    gives the text back as parsing made it."""
    from searchsvc.search import SearchService

    parsed = next(s for s in _item(_frederiksberg(SAMPLE_2021), 34).sections if s.heading == "Sagsfremstilling")
    store = next(shared_sample_index.index_path.glob("**/items.sqlite"))
    with sqlite3.connect(store) as db:
        (raw,) = db.execute("SELECT sections FROM items WHERE id = ?", (HANDLEPLAN,)).fetchone()
    stored = next(s for s in json.loads(raw) if s["heading"] == "Sagsfremstilling")
    assert "text" not in stored and [b["type"] for b in stored["blocks"]].count("table") == 2
    read = next(s for s in SearchService.open(shared_sample_index).item(HANDLEPLAN)["sections"]
                if s["heading"] == "Sagsfremstilling")
    assert read["text"] == parsed.text


def test_an_attendance_note_set_in_bold_is_no_sub_heading():
    """Greve's "<p><strong>Ikke til stede:</strong></p>" in a decision is shown once, under
    Fremmøde, not as a heading of the decision."""
    item = _item(_greve("Byråd 2022-2025_2022-04-04"), 13)
    decision = next(s for s in item.sections if s.heading == "Beslutning")
    assert "Ikke til stede:" in decision.text
    assert not any(isinstance(b, Subheading) for b in decision.blocks)
    assert item.attendance is not None and "Ikke til stede" in item.attendance
