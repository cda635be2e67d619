"""The OpenAPI 3.1 description of the JSON API, feeds and health check.

Component schemas are JSON Schema (2020-12), so the tests validate real responses
against them as they are; ``additionalProperties: false`` keeps the description true
when a document gains a field.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from ..search import (
    GROUPS,
    MAX_FILTER_VALUES,
    MAX_LIMIT,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_SUGGEST_CHARS,
    SORTS,
    STATUS_LABELS,
)
from .schemas import DATE, DECISION, SCHEMAS, STRING, ref


def _many(name: str, description: str, items: dict | None = None) -> dict:
    return {"name": name, "in": "query", "description": description, "style": "form", "explode": True,
            "schema": {"type": "array", "items": items or STRING, "maxItems": MAX_FILTER_VALUES}}


def _one(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": schema}


SEARCH_PARAMETERS = [
    _one("q", "The query: words (all must match), \"phrases\", OR/ELLER, -word or NOT/IKKE, "
              "field:word (titel, beslutning, resume, udvalg, journal), word* for prefixes.",
         {"type": "string", "maxLength": 1000}),
    _many("municipality", "Only these municipalities.", {"type": "string", "maxLength": 200}),
    _many("committee", "Only these committees; \"Greve Kommune|Byråd\" names one municipality's "
                       "(the facet's values do so when several municipalities are indexed).",
          {"type": "string", "maxLength": 200}),
    _many("year", "Only these years.", {"type": "string", "pattern": r"^\d{4}$"}),
    _many("decision", "Only items with one of these decisions.", DECISION),
    _many("kle", "Only these KLE main groups.", {"type": "string", "pattern": r"^\d{2}$"}),
    _many("status", "Only agendas (dagsorden: not decided yet) or only minutes (referat).",
          {"type": "string", "enum": list(STATUS_LABELS)}),
    _many("deltager", "Only items of meetings that list one of these people, present or absent (the name "
                      "as the deltager facet gives it: the meeting's list of members and the item's "
                      "attendance notes). Attendance notes are not searched as text. Its facet "
                      "lists the 100 most frequent names (and those chosen).",
          {"type": "string", "maxLength": 200}),
    _many("fravaer", "Only items for which one of these people is noted absent (Afbud, Fraværende, "
                     "Ikke til stede, or absent in the meeting's list of members). Its facet lists "
                     "the 100 most frequent names (and those chosen).",
          {"type": "string", "maxLength": 200}),
    _one("journal", "A journal number, or a KLE prefix such as 15.04.",
         {"type": "string", "maxLength": 40, "pattern": r"^\s*[\wÆØÅæøå.\-]{1,40}\s*$"}),
    _one("from", "Meetings on or after this date.", DATE),
    _one("to", "Meetings on or before this date.", DATE),
    _one("sort", "Default: case for a whole journal number (as journal, or as the whole query: its items "
                 "oldest first, case by case), relevance for a query, newest when browsing.",
         {"type": "string", "enum": list(SORTS)}),
    _one("group", "thread (default): one result per case thread, its best item, with the thread's steps; "
                  "none: every item. Filters apply to items before grouping; facet counts are always items.",
         {"type": "string", "enum": list(GROUPS), "default": "thread"}),
    _one("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _one("per_page", "Results per page.",
         {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}),
]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(ref("Error"), "A parameter is not valid; `param` names it."),
    "414": {"description": "The query string is longer than 8 KB."},
    "503": _json(ref("Error"), "The index has not been built yet (run `searchsvc reindex`), or, for a search, "
                               "too many expensive searches wait already (`Retry-After` says when to try again)."),
}
NOT_FOUND = {"404": _json(ref("Error"), "No such id (or not an id).")}


def _path_parameter(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": STRING}


PATHS: dict[str, dict] = {
    "/api/search": {"get": {
        "summary": "Search the minutes; facet counts over all matches.",
        "operationId": "search",
        "parameters": SEARCH_PARAMETERS,
        "responses": {"200": _json(ref("SearchDocument"), "One page of results."), **ERRORS},
    }},
    "/api/items/{item_id}": {"get": {
        "summary": "A whole agenda item, with the other items of its case (same journal number and "
                   "case thread) and the number of other cases under its journal number.",
        "operationId": "item",
        "parameters": [_path_parameter("item_id", "The item's id.")],
        "responses": {"200": _json(ref("Item"), "The item."), **NOT_FOUND, **ERRORS},
    }},
    "/api/meetings/{meeting_id}": {"get": {
        "summary": "A meeting's agenda in item order, with decisions.",
        "operationId": "meeting",
        "parameters": [_path_parameter("meeting_id", "The meeting's id.")],
        "responses": {"200": _json(ref("Meeting"), "The meeting."), **NOT_FOUND, **ERRORS},
    }},
    "/api/committees": {"get": {
        "summary": "Every committee with its item and meeting counts and date range.",
        "operationId": "committees",
        "responses": {"200": _json(ref("Committees"), "The committees."), **ERRORS},
    }},
    "/api/committees/{municipality}/{committee}": {"get": {
        "summary": "A committee's meetings, newest first.",
        "operationId": "committee",
        "parameters": [_path_parameter("municipality", "The municipality's name."),
                       _path_parameter("committee", "The committee's name.")],
        "responses": {"200": _json(ref("Committee"), "The committee."), **NOT_FOUND, **ERRORS},
    }},
    "/api/suggest": {"get": {
        "summary": "Completions of the last word typed, from the words of item titles.",
        "operationId": "suggest",
        "parameters": [
            _one("q", "What has been typed so far.", {"type": "string", "maxLength": MAX_SUGGEST_CHARS}),
            _one("limit", "At most this many.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                                  "default": 8}),
        ],
        "responses": {"200": _json(ref("Suggestions"), "The completions, most frequent first."), **ERRORS},
    }},
    "/api/openapi.json": {"get": {
        "summary": "This description.",
        "operationId": "openapi",
        "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {}}}},
    }},
    "/search.atom": {"get": {
        "summary": "The newest matches of a search as an Atom feed (sort is always newest).",
        "operationId": "searchAtom",
        "parameters": SEARCH_PARAMETERS,
        "responses": {"200": {"description": "An Atom feed.", "content": {"application/atom+xml": {}}},
                      **ERRORS},
    }},
    "/search.csv": {"get": {
        "summary": "Every match of a search (up to 10,000 rows) as CSV; page and per_page are ignored.",
        "operationId": "searchCsv",
        "parameters": [*SEARCH_PARAMETERS,
                       _one("sep", "semicolon: ';' between cells and Danish headers beside the API names, "
                                   "for Danish spreadsheet programs.",
                            {"type": "string", "enum": ["comma", "semicolon"], "default": "comma"})],
        "responses": {"200": {"description": "UTF-8 CSV with a header row; X-Total-Count gives the matches.",
                              "content": {"text/csv": {}}},
                      **ERRORS},
    }},
    "/search.xlsx": {"get": {
        "summary": "The CSV export's rows as an Excel workbook; page and per_page are ignored.",
        "operationId": "searchXlsx",
        "parameters": SEARCH_PARAMETERS,
        "responses": {"200": {"description": "An XLSX workbook, one row per item; X-Total-Count gives the matches.",
                              "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                      **ERRORS},
    }},
    "/healthz": {"get": {
        "summary": "Whether the service can search, with the number of items.",
        "operationId": "health",
        "responses": {"200": _json(ref("Health"), "Ready."),
                      "503": _json(ref("Health"), "No index yet.")},
    }},
}


@cache
def openapi_document() -> dict:
    """The OpenAPI 3.1 document served at ``/api/openapi.json``."""
    try:
        version = metadata.version("searchsvc")
    except metadata.PackageNotFoundError:
        version = "0"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searchsvc",
            "version": version,
            "description": "Full-text search of Danish municipal council minutes (referater). "
                           "Every HTML page has a JSON twin here.",
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
