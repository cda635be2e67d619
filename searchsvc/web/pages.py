"""The HTML pages (Danish). Each builds its document once, renders it, and links its
JSON twin in the page head and in a ``Link`` header.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..search import MAX_PAGE
from .documents import (
    committee_document,
    committees_document,
    current_service,
    item_document,
    meeting_document,
    run_search,
    search_url,
)
from .overview import overview

bp = Blueprint("pages", __name__)
# The item page's route; ``item_path`` builds it where no request is running (the CLI).
ITEM_ROUTE = "/items/<item_id>"


def item_path(item_id: str) -> str:
    """The path of an item's page, as ``url_for`` gives it at the site's root."""
    return ITEM_ROUTE.replace("<item_id>", quote(item_id, safe=""))

# The request fields that narrow a search (besides the query).
FILTERS = ("municipality", "committee", "year", "decision", "kle", "status", "deltager", "fravaer", "journal",
           "date_from", "date_to")


def _page(template: str, json_url: str, **context) -> Response:
    response = Response(render_template(template, json_url=json_url, **context), mimetype="text/html")
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/")
def search() -> Response:
    """The search page; an empty query browses everything, newest first."""
    if any(value.strip() == "" for _, value in request.args.items(multi=True)):
        # A form sent without JavaScript names its empty fields (``&from=&to=``): the
        # same search at its clean address, which is what people copy and share.
        kept = [(name, value) for name, value in request.args.items(multi=True) if value.strip()]
        return _redirect(kept)
    results = run_search(request.args.to_dict(flat=False))
    req = results.request
    has_filters = any(getattr(req, name) for name in FILTERS)
    # The home page (everything, first page) opens with what the archive holds.
    intro = overview(results) if not (req.q or has_filters or req.page > 1) else None
    return _page(
        "search.html", search_url("api.search", req),
        results=results, req=req, has_filters=has_filters, intro=intro,
        last_page=min(results.pages, MAX_PAGE),
        atom_url=search_url("feeds.atom", req, page=None, per_page=None, sort=None),
        csv_url=search_url("feeds.csv", req, page=None, per_page=None),
        xlsx_url=search_url("feeds.xlsx", req, page=None, per_page=None),
        csv_semicolon_url=search_url("feeds.csv", req, page=None, per_page=None, sep="semicolon"),
        first=(req.page - 1) * req.per_page + 1,
    )


@bp.get("/search")
def search_alias() -> Response:
    """``/search`` (beside ``/search.atom`` and ``/search.csv``) is the search page."""
    return _redirect(list(request.args.items(multi=True)), code=301)


def _redirect(params: list[tuple[str, str]], code: int = 302) -> Response:
    """A redirect to the search page with these query-string parameters, in their order."""
    query = urlencode(params)
    response = redirect(url_for("pages.search") + (f"?{query}" if query else ""), code=code)
    return Response(status=response.status_code, headers={"Location": response.location})


@bp.get(ITEM_ROUTE)
def item(item_id: str) -> Response:
    document = item_document(item_id)
    # The case history shows this item in its place among the others.
    timeline = sorted([*document["case"], document], key=lambda step: (step["date"], step["item_number"]))
    return _page("item.html", url_for("api.item", item_id=item_id), item=document, timeline=timeline)


@bp.get("/meetings/<meeting_id>")
def meeting(meeting_id: str) -> Response:
    document = meeting_document(meeting_id)
    # The committee's meetings are newest first: the one before this is the next in the list.
    others = current_service().meetings_of(document["municipality"], document["committee"])
    ids = [other["id"] for other in others]
    at = ids.index(document["id"]) if document["id"] in ids else None
    neighbours = {
        "previous": others[at + 1] if at is not None and at + 1 < len(others) else None,
        "next": others[at - 1] if at is not None and at > 0 else None,
    }
    return _page("meeting.html", url_for("api.meeting", meeting_id=meeting_id), meeting=document,
                 neighbours={name: None if other is None else
                             {"date": other["date"], "url": url_for("pages.meeting", meeting_id=other["id"])}
                             for name, other in neighbours.items()})


@bp.get("/udvalg")
def committees() -> Response:
    document = committees_document()
    municipalities: dict[str, list[dict]] = {}
    for row in document["committees"]:
        municipalities.setdefault(row["municipality"], []).append(row)
    return _page("committees.html", url_for("api.committees"), municipalities=municipalities)


@bp.get("/udvalg/<municipality>/<path:committee>")
def committee(municipality: str, committee: str) -> Response:
    document = committee_document(municipality, committee)
    for row in document["meetings"]:
        row["year"] = row["date"][:4]  # the page groups the meetings by year
    json_url = url_for("api.committee", municipality=municipality, committee=committee)
    return _page("committee.html", json_url, committee=document)
