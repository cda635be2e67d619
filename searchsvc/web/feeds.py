"""Any search as an Atom feed (newest first, to subscribe to) or as CSV (every match)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date as Date
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, request, stream_with_context
from markupsafe import Markup, escape

from ..domain.decisions import DECISION_LABELS
from ..search import MAX_PER_PAGE
from .documents import item_url, run_search, search_url
from .xmltext import xml_text

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
CSV_MAX_ROWS = 10_000
CSV_COLUMNS = ("id", "date", "municipality", "committee", "item_number", "title",
               "journal_number", "decisions", "closed", "meeting_id", "url", "thread_id")


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


def _timestamp(day: str) -> str:
    return f"{Date.fromisoformat(day).isoformat()}T00:00:00Z"


@bp.get("/search.atom")
def atom() -> Response:
    """The newest matches of a search as an Atom feed (``sort`` is always newest)."""
    results = run_search(request.args.to_dict(flat=False), sort="newest", group="none")
    req = results.request
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
    add(feed, "title", f"Referater: {req.q}" if req.q else "Referater: alle punkter")
    add(feed, "updated", _timestamp(results.results[0]["date"]) if results.results
        else f"{Date.today().isoformat()}T00:00:00Z")
    add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    add(feed, "link", rel="alternate", type="text/html",
        href=_absolute(search_url("pages.search", req, page=None, per_page=None, sort="newest", group=None)))
    author = add(feed, "author")
    add(author, "name", "searchsvc")
    for hit in results.results:
        entry = add(feed, "entry")
        link = _absolute(item_url(hit["id"]))
        add(entry, "id", _atom_id(link))
        add(entry, "title", hit["title"])
        add(entry, "updated", _timestamp(hit["date"]))
        add(entry, "link", rel="alternate", type="text/html", href=link)
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
    """Every match of a search (up to 10,000), one row per item, in the search's order."""
    params = request.args.to_dict(flat=False)
    first = run_search(params, snippets=False, page=1, per_page=MAX_PER_PAGE, group="none")  # validates before streaming

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        # A byte-order mark so that spreadsheet programs read the Danish letters right.
        writer.writerow(["\ufeff" + CSV_COLUMNS[0], *CSV_COLUMNS[1:]])
        results, page, written = first, 1, 0
        while True:
            for hit in results.results[: CSV_MAX_ROWS - written]:
                writer.writerow([_cell(value) for value in (
                    hit["id"], hit["date"], hit["municipality"], hit["committee"], hit["item_number"],
                    hit["title"], hit["journal_number"] or "", " ".join(hit["decisions"]),
                    "ja" if hit["closed"] else "nej", hit["meeting_id"], _absolute(item_url(hit["id"])), hit["thread_id"],
                )])
                written += 1
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            page += 1
            if not results.results or written >= CSV_MAX_ROWS:
                break
            if (page - 1) * MAX_PER_PAGE >= results.total:
                break
            results = run_search(params, snippets=False, page=page, per_page=MAX_PER_PAGE, group="none")

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="referater.csv"'
    response.headers["X-Total-Count"] = str(first.total)
    return response
