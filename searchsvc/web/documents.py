"""The data behind each view, built once per request.

A page renders the document; its JSON twin under ``/api/`` serves the same document.
Documents are the library's plain data plus links, minus what is private to the server
(the absolute path of a source file becomes its file name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath

from flask import current_app, url_for

from ..domain.journal import kle_label
from ..errors import NotFound
from ..search import SearchRequest, SearchResults, SearchService

_PRIVATE = ("source_path", "source_hash")
_KLE_COLUMNS = ("kle_main_group", "kle_group", "kle_subject", "kle_facet")


def current_service() -> SearchService:
    return current_app.extensions["searchsvc"]


def item_url(item_id: str) -> str:
    """The path of an item's page."""
    return url_for("pages.item", item_id=item_id)


def run_search(params: Mapping[str, Sequence[str]], *, snippets: bool = True, **changes) -> SearchResults:
    """Validate query-string parameters and run the one search of this request.

    :param snippets: False when the results are shown without snippets (saves their cost).
    :param changes: fields of the ``SearchRequest`` to override (e.g. ``sort="newest"``).
    :raise QueryError: a parameter is not valid.
    :raise IndexMissing: before the first reindex.
    """
    request = SearchRequest.from_params(params)
    if changes:
        request = replace(request, **changes)
    return current_service().search(request, snippets=snippets)


def search_url(endpoint: str, request: SearchRequest, **changes) -> str:
    """The URL of ``endpoint`` with the request's parameters, some changed."""
    return url_for(endpoint, **request.to_params(**changes))


def search_document(results: SearchResults) -> dict:
    """The API's search document: ``SearchResults.to_json()`` plus ``links``."""
    request = results.request
    document = results.to_json(item_url)
    has_next = request.page < results.pages and request.page * request.per_page < results.entries
    document["links"] = {
        "self": search_url("api.search", request),
        "next": search_url("api.search", request, page=request.page + 1) if has_next else None,
        "prev": search_url("api.search", request, page=request.page - 1) if request.page > 1 else None,
        "html": search_url("pages.search", request),
        "atom": search_url("feeds.atom", request, page=None, per_page=None, sort=None),
        "csv": search_url("feeds.csv", request, page=None, per_page=None),
    }
    return document


def _public(record: dict) -> dict:
    document = {k: v for k, v in record.items() if k not in _PRIVATE}
    if record.get("source_path"):
        document["source_file"] = PurePath(record["source_path"]).name
    return document


def item_document(item_id: str) -> dict:
    """A whole item with its KLE parts, links, ``case`` (the other items of its case),
    ``other_cases`` (other cases of its journal number) and ``journal_url`` (all of them).

    :raise NotFound: no item has that id (or it is not an id).
    """
    item = _public(current_service().item(item_id))
    kle = {column.removeprefix("kle_"): item.pop(column, None) for column in _KLE_COLUMNS}
    item["kle"] = (
        {**kle, "main_group_label": kle_label(kle["main_group"])} if kle["main_group"] else None
    )
    urls = item.pop("attachment_urls", None) or []
    item["attachments"] = [
        {"title": title, "url": urls[n] if n < len(urls) else None} for n, title in enumerate(item["attachments"])
    ]
    item.setdefault("source_url", None)  # a store from before source links
    item["participants"] = item.get("participants") or []
    item["url"] = item_url(item["id"])
    item["meeting_url"] = url_for("pages.meeting", meeting_id=item["meeting_id"])
    item["case"] = [
        {**other, "url": item_url(other["id"])} for other in item["case"]
    ]
    journal = item["journal_number"]
    item["journal_url"] = url_for("pages.search", journal=journal) if journal else None
    return item


def meeting_document(meeting_id: str) -> dict:
    """A meeting with its agenda in item order, each item with its decisions and link.

    :raise NotFound: no meeting has that id.
    """
    meeting = _public(current_service().meeting(meeting_id))
    meeting.setdefault("source_url", None)
    meeting["attendees"] = meeting.get("attendees") or []
    meeting["url"] = url_for("pages.meeting", meeting_id=meeting["id"])
    meeting["committee_url"] = url_for(
        "pages.committee", municipality=meeting["municipality"], committee=meeting["committee"]
    )
    meeting["items"] = [
        {**item, "url": item_url(item["id"])} for item in meeting["items"]
    ]
    return meeting


def _without_attendees(meeting: dict) -> dict:
    return {k: v for k, v in meeting.items() if k != "attendees"}


def _committee_links(municipality: str, committee: str) -> dict:
    return {
        "url": url_for("pages.committee", municipality=municipality, committee=committee),
        "search_url": url_for("pages.search", municipality=municipality, committee=committee),
    }


def committees_document() -> dict:
    """Every committee with its item and meeting counts and date range."""
    return {
        "committees": [
            {**row, **_committee_links(row["municipality"], row["committee"])}
            for row in current_service().committees()
        ]
    }


def committee_document(municipality: str, committee: str) -> dict:
    """One committee's meetings, newest first.

    :raise NotFound: the municipality has no committee of that name.
    """
    meetings = current_service().meetings_of(municipality, committee)
    if not meetings:
        raise NotFound(f"{municipality} has no committee named {committee!r}")
    return {
        "municipality": municipality,
        "committee": committee,
        **_committee_links(municipality, committee),
        "meetings": [
            {**_public(m), "source_url": m.get("source_url"), "url": url_for("pages.meeting", meeting_id=m["id"])}
            for m in (_without_attendees(m) for m in meetings)
        ],
    }
