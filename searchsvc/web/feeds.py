"""Any search as an Atom feed (newest first, to subscribe to) or as CSV (every match)."""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from datetime import date as Date
from datetime import time as Time
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request, stream_with_context
from markupsafe import Markup, escape

from ..domain.decisions import DECISION_LABELS
from ..errors import QueryError
from ..search import FACETS, SearchRequest
from .documents import current_service, item_url, search_url
from .xmltext import xml_text

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
CSV_MAX_ROWS = 10_000
DANISH_TIME = ZoneInfo("Europe/Copenhagen")  # the meetings' clock
CSV_COLUMNS = ("id", "date", "municipality", "committee", "item_number", "title",
               "journal_number", "decisions", "decision_labels", "decision_text", "snippet",
               "closed", "meeting_id", "url", "thread_id")
# The headers of ``sep=semicolon`` (for people's spreadsheets): Danish, the API name beside.
CSV_DANISH = {"id": "Id", "date": "Mødedato", "municipality": "Kommune", "committee": "Udvalg",
              "item_number": "Punkt", "title": "Titel", "journal_number": "Journalnummer",
              "decisions": "Beslutningskoder", "decision_labels": "Beslutning",
              "decision_text": "Beslutningstekst", "snippet": "Uddrag", "closed": "Lukket",
              "meeting_id": "Møde-id", "url": "Link", "thread_id": "Sag-id"}
CSV_SEPARATORS = {"comma": ",", "semicolon": ";"}


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: one starting like a formula (``=``,
    ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe, as OWASP
    advises, so that a title such as ``=HYPERLINK(...)`` is never run."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _absolute(path: str) -> str:
    """The link to ``path``: under ``[server] public_url`` when configured, else relative
    (never from the Host header, which the client chooses)."""
    config = current_app.extensions.get("searchsvc.config")
    public_url = config.server.public_url if config else None
    return public_url + path if public_url else path


def _atom_id(link: str) -> str:
    """An Atom id, which must be an absolute IRI: the link when it is one, else a UUID
    derived from the path (stable, and the same whichever host served the feed)."""
    return link if "://" in link else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'searchsvc:' + link)}"


def _timestamp(day: str, clock: str | None = None) -> str:
    """The meeting's date and time in Danish time as an RFC 3339 timestamp (midnight when
    the time is unknown)."""
    return _when(day, clock).isoformat()


def _when(day: str, clock: str | None) -> datetime:
    when = datetime.combine(Date.fromisoformat(day), Time())
    if clock and re.fullmatch(r"\d{1,2}:\d{2}", clock):
        hours, minutes = map(int, clock.split(":"))
        if hours < 24 and minutes < 60:
            when = when.replace(hour=hours, minute=minutes)
    return when.replace(tzinfo=DANISH_TIME)


def feed_titles(req: SearchRequest) -> tuple[str, str]:
    """A feed's title (the query, or "alle punkter", and the filters) and its subtitle
    (the query and every filter spelled out)."""
    filters = []
    for facet in FACETS:
        values = [facet.label(value) for value in getattr(req, facet.name)]
        if values:
            filters.append(f"{facet.title}: {' eller '.join(values)}")
    if req.journal:
        filters.append(f"Journalnummer: {req.journal}")
    if req.date_from:
        filters.append(f"Fra {req.date_from.isoformat()}")
    if req.date_to:
        filters.append(f"Til {req.date_to.isoformat()}")
    what = f"»{req.q}«" if req.q else "alle punkter"
    title = f"Referater: {what}" + (f" ({'; '.join(filters)})" if filters else "")
    subtitle = (f"Nyeste punkter for søgningen {what}" if req.q else "Nyeste punkter") + \
        (f", afgrænset til {'; '.join(filters)}." if filters else ", uden afgrænsning.")
    return title, subtitle


@bp.get("/search.atom")
def atom() -> Response:
    """The newest matches of a search as an Atom feed (``sort`` is always newest)."""
    req = replace(SearchRequest.from_params(request.args.to_dict(flat=False)), sort="newest", page=1)
    export = current_service().export(req, req.per_page)
    hits = list(export.rows())
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        # Every string that enters the feed passes here, so none can hold what XML forbids.
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                                {name: xml_text(value) for name, value in attributes.items()})
        element.text = None if text is None else xml_text(text)
        return element

    self_url = _absolute(search_url("feeds.atom", req, page=None, per_page=None, sort=None, group=None))
    add(feed, "id", _atom_id(self_url))
    title, subtitle = feed_titles(req)
    add(feed, "title", title)
    add(feed, "subtitle", subtitle)
    add(feed, "updated", max(_when(hit["date"], hit.get("time")) for hit in hits).isoformat() if hits
        else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    add(feed, "link", rel="alternate", type="text/html",
        href=_absolute(search_url("pages.search", req, page=None, per_page=None, sort="newest", group=None)))
    author = add(feed, "author")
    add(author, "name", "searchsvc")
    for hit in hits:
        entry = add(feed, "entry")
        link = _absolute(item_url(hit["id"]))
        add(entry, "id", _atom_id(link))
        add(entry, "title", hit["title"])
        add(entry, "updated", _timestamp(hit["date"], hit.get("time")))
        add(entry, "link", rel="alternate", type="text/html", href=link)
        if hit.get("source_url"):
            add(entry, "link", rel="via", type="text/html", href=hit["source_url"],
                title=f"Punktet hos {hit['municipality']}")
        for key in hit["decisions"]:
            add(entry, "category", term=key, label=DECISION_LABELS.get(key, key))
        decisions = ", ".join(DECISION_LABELS.get(k, k) for k in hit["decisions"])
        # The snippet is already escaped HTML with <mark>; the rest is escaped here.
        summary = escape(f"{hit['committee']}, {hit['date']}, punkt {hit['item_number']}. {decisions}.")
        if hit["snippet"]:
            summary += escape(" ") + Markup(hit["snippet"])
        add(entry, "summary", str(summary), type="html")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                    mimetype="application/atom+xml")


@bp.get("/search.csv", endpoint="csv")
def csv_export() -> Response:
    """Every match of a search (up to 10,000), one row per item, in the search's order:
    matched once in one view of the index, the rows streamed as they are read.

    ``sep=semicolon`` writes ``;`` between cells and Danish headers beside the API names,
    as Danish spreadsheet programs expect (their decimal separator is the comma).
    """
    params = request.args.to_dict(flat=False)
    separator = (params.pop("sep", None) or ["comma"])[-1]
    if separator not in CSV_SEPARATORS:
        raise QueryError("sep", "must be comma or semicolon")
    search = SearchRequest.from_params(params)  # validated before streaming
    export = current_service().export(search, CSV_MAX_ROWS)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=CSV_SEPARATORS[separator], lineterminator="\r\n")
        header = [f"{CSV_DANISH[name]} ({name})" for name in CSV_COLUMNS] if separator == "semicolon" \
            else list(CSV_COLUMNS)
        # A byte-order mark so that spreadsheet programs read the Danish letters right.
        writer.writerow(["\ufeff" + header[0], *header[1:]])
        for n, hit in enumerate(export.rows(), start=1):
            writer.writerow([_cell(value) for value in _csv_values(hit)])
            if n % 100 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    name = export_file_name(search.q, Date.today(), "csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Total-Count"] = str(export.total)
    return response


@bp.get("/search.xlsx", endpoint="xlsx")
def xlsx_export() -> Response:
    """The CSV export's rows as an Excel workbook (XlsxWriter): dates as dates, Danish
    headers beside the API names, a filter row, the first row frozen."""
    import xlsxwriter

    search = SearchRequest.from_params(request.args.to_dict(flat=False))
    export = current_service().export(search, CSV_MAX_ROWS)
    output = io.BytesIO()
    # Strings are written as text, never read as formulas or numbers (a title "=..." stays text).
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Referater")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, name in enumerate(CSV_COLUMNS):
        sheet.write_string(0, column, f"{CSV_DANISH[name]} ({name})", bold)
    row_count = 0
    for row_count, hit in enumerate(export.rows(), start=1):
        for column, value in enumerate(_csv_values(hit)):
            if CSV_COLUMNS[column] == "date":
                sheet.write_datetime(row_count, column, datetime.fromisoformat(hit["date"]), day)
            elif CSV_COLUMNS[column] == "item_number":
                sheet.write_number(row_count, column, hit["item_number"])
            else:
                sheet.write_string(row_count, column, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, row_count, len(CSV_COLUMNS) - 1)
    for column, width in enumerate((30, 11, 20, 30, 7, 50, 16, 20, 22, 50, 50, 7, 30, 40, 30)):
        sheet.set_column(column, column, width)
    workbook.close()
    response = Response(output.getvalue(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = export_file_name(search.q, Date.today(), "xlsx")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Total-Count"] = str(export.total)
    return response


def _csv_values(hit: dict) -> tuple:
    """A result's cells, in ``CSV_COLUMNS`` order."""
    return (
        hit["id"], hit["date"], hit["municipality"], hit["committee"], hit["item_number"],
        hit["title"], hit["journal_number"] or "", " ".join(hit["decisions"]),
        ", ".join(DECISION_LABELS.get(key, key) for key in hit["decisions"]),
        hit.get("decision_text") or "", _plain(hit["snippet"]),
        "ja" if hit["closed"] else "nej", hit["meeting_id"], _absolute(item_url(hit["id"])), hit["thread_id"],
    )


def _plain(snippet: str | None) -> str:
    """A snippet (escaped HTML with <mark>) as plain text."""
    return html.unescape(re.sub(r"</?mark>", "", snippet)) if snippet else ""


_ASCII_LETTERS: dict[str, str | int | None] = {"æ": "ae", "ø": "oe", "å": "aa"}


def export_file_name(query: str, day: Date, extension: str) -> str:
    """``referater-cykelsti-2026-11-30.csv``: the query's words in ASCII, and the day."""
    words = query.lower().translate(str.maketrans(_ASCII_LETTERS))
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode())
    slug = slug.strip("-")[:60].strip("-") or "alle"
    return f"referater-{slug}-{day.isoformat()}.{extension}"
