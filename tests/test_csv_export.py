"""The CSV export (issue 17, issue 18 item 9): one match in one view, streamed; ``;`` and
Danish headers for Danish spreadsheets; decision text and snippet columns; a file name
with the query and the day."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from searchsvc.search import SearchRequest
from searchsvc.web import create_app
from searchsvc.web.feeds import export_file_name


@pytest.fixture(scope="module")
def danish_client(danish_index, danish_service):
    return create_app(danish_index, service=danish_service).test_client()


def _rows(response, delimiter=","):
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_every_match_in_the_search_order_across_chunks(danish_client, danish_service):
    response = danish_client.get("/search.csv")
    rows = _rows(response)
    total = danish_service.search(SearchRequest(group="none"), snippets=False).total  # one row per item
    assert total > 200  # more than one store chunk and more than one old page of 100
    assert len(rows) == total == int(response.headers["X-Total-Count"])
    assert len({row["id"] for row in rows}) == total
    newest = [hit["id"] for page in (1, 2) for hit in
              danish_service.search(SearchRequest(per_page=100, page=page, group="none"), snippets=False).results]
    assert [row["id"] for row in rows[:200]] == newest


def test_semicolon_danish_headers_decision_text_and_snippet(danish_client):
    response = danish_client.get("/search.csv?q=spildevandsplan&sep=semicolon")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Id (id)", "Mødedato (date)", "Kommune (municipality)"]
    assert "Beslutningstekst (decision_text)" in header and "Uddrag (snippet)" in header
    rows = _rows(response, delimiter=";")
    assert rows and all(row["Uddrag (snippet)"] for row in rows)
    assert all("<mark>" not in row["Uddrag (snippet)"] for row in rows)
    assert re.search(r"spildevandsplan", " ".join(r["Uddrag (snippet)"] for r in rows), re.IGNORECASE)
    decided = [row for row in rows if row["Beslutning (decision_labels)"] == "Godkendt"]
    assert decided and all(row["Beslutningstekst (decision_text)"] for row in decided)
    name = response.headers["Content-Disposition"]
    assert name == f'attachment; filename="referater-spildevandsplan-{date.today().isoformat()}.csv"'


def test_a_bad_separator_is_a_clear_400(danish_client):
    response = danish_client.get("/search.csv?sep=tab")
    assert response.status_code == 400
    assert b"sep" in response.data


def test_file_names():
    day = date(2026, 11, 30)
    assert export_file_name("cykelsti", day, "csv") == "referater-cykelsti-2026-11-30.csv"
    assert export_file_name('"Frederiksberg Allé" æblehave', day, "csv") == \
        "referater-frederiksberg-alle-aeblehave-2026-11-30.csv"
    assert export_file_name("", day, "csv") == "referater-alle-2026-11-30.csv"


def test_xlsx_has_the_csv_rows_with_dates_as_dates(danish_client):
    import zipfile

    csv_rows = _rows(danish_client.get("/search.csv?q=spildevandsplan"))
    response = danish_client.get("/search.xlsx?q=spildevandsplan")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'-{date.today().isoformat()}.xlsx"')
    with zipfile.ZipFile(io.BytesIO(response.data)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert sheet.count("<row ") == len(csv_rows) + 1 and csv_rows
    assert "Mødedato (date)" in strings and "Beslutningstekst (decision_text)" in strings
    assert csv_rows[0]["title"].replace("&", "&amp;") in strings
    assert "<f>" not in sheet  # no cell is a formula
