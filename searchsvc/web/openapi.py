"""The OpenAPI 3.1 description of the JSON API, feeds and health check.

Component schemas are JSON Schema (2020-12), so the tests validate real responses
against them as they are; ``additionalProperties: false`` keeps the description true
when a document gains a field.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from ..domain.decisions import DECISION_LABELS
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

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
DECISION = {"type": "string", "enum": list(DECISION_LABELS)}
DECISIONS = {"type": "array", "items": DECISION}
STATUS = {"type": ["string", "null"], "enum": [*STATUS_LABELS, None],
          "description": "What the meeting's document is: dagsorden (an agenda: nothing decided yet), "
                         "referat (minutes), or null when the source does not say."}
THREAD = {**STRING, "description": "The case thread: the items of one journal number that are one case "
                                   "(named by its first item's id; an item without a journal number is its own)."}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


# What a meeting is, in the meeting document, in a committee's list of meetings and in
# each of its items (beside the item's own id).
MEETING_FIELDS = {
        "id": STRING,
        "municipality": STRING,
        "committee": STRING,
        "period": NULLABLE_STRING,
        "date": DATE,
        "time": NULLABLE_STRING,
        "place": NULLABLE_STRING,
        "source_file": STRING,
        "source_url": {**NULLABLE_STRING, "description": "Its public page at the publisher, where known."},
        "status": STATUS,
}


SCHEMAS: dict[str, dict] = {
    "Error": _object({
        "error": {**STRING, "description": "What was wrong (English, for programs)."},
        "param": {**NULLABLE_STRING, "description": "The request parameter that was not valid."},
        "request_id": {**STRING, "description": "Given with 5xx errors; quote it when reporting."},
    }, optional=("request_id",)),
    "FacetValue": _object({
        "value": STRING,
        "count": {"type": "integer", "minimum": 0},
        "label": {**STRING, "description": "Display label when it differs from the value."},
        "selected": {"type": "boolean", "const": True},
    }, optional=("label", "selected")),
    "SearchResult": _object({
        "id": STRING,
        "title": STRING,
        "municipality": STRING,
        "committee": STRING,
        "date": DATE,
        "item_number": {"type": "integer"},
        "journal_number": NULLABLE_STRING,
        "decisions": DECISIONS,
        "closed": {"type": "boolean"},
        "status": STATUS,
        "thread_id": THREAD,
        "meeting_id": STRING,
        "snippet": {**NULLABLE_STRING,
                    "description": "HTML: escaped text; matches wrapped in <mark>, no other markup."},
        "url": {**STRING, "description": "The item's page."},
        "score": {"type": ["number", "null"], "description": "Relevance; null when sorted by date."},
        "thread": {"anyOf": [_ref("Thread"), {"type": "null"}],
                   "description": "Grouped (group=thread): the case this result stands for; null with group=none."},
        "words_matched": {"type": "integer", "minimum": 1,
                          "description": "When no item held every word (relaxed=any): how many of the query's "
                                         "words this item holds; results with more come first."},
        "words_asked": {"type": "integer", "minimum": 1, "description": "With words_matched: the query's words."},
    }, optional=("words_matched", "words_asked")),
    "ThreadStep": _object({
        "id": STRING,
        "date": DATE,
        "committee": STRING,
        "item_number": {"type": "integer"},
        "decisions": DECISIONS,
        "status": STATUS,
        "url": {**STRING, "description": "The item's page."},
    }),
    "Thread": _object({
        "id": THREAD,
        "steps": {"type": "array", "items": _ref("ThreadStep"),
                  "description": "Every item of the case, oldest first (matching the search or not)."},
        "decisions": {**DECISIONS, "description": "The latest step's decisions: the case's status."},
        "status": {**STATUS, "description": "The latest step's document: dagsorden when not decided yet."},
    }),
    "SearchDocument": _object({
        "query": STRING,
        "total": {"type": "integer", "minimum": 0, "description": "Matching items."},
        "threads": {"type": ["integer", "null"], "minimum": 0,
                    "description": "Grouped: the case threads the matching items fall in (what pages count); "
                                   "null with group=none."},
        "group": {"type": "string", "enum": list(GROUPS)},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "sort": {"type": "string", "enum": list(SORTS)},
        "results": {"type": "array", "items": _ref("SearchResult")},
        "facets": {**_object({name: {"type": "array", "items": _ref("FacetValue")}
                              for name in ("municipality", "committee", "year", "decision", "kle", "status")}),
                   "description": "Counts of matching items over all pages, grouped or not (not of threads)."},
        "suggestion": {**NULLABLE_STRING, "description": "A spelling suggestion (\"Mente du ...?\")."},
        "messages": {"type": "array", "items": STRING,
                     "description": "Danish notes on how the query was read."},
        "relaxed": {"enum": ["fuzzy", "any", None],
                    "description": "Set when no item matched as typed and a lenient retry found these: "
                                   "fuzzy (close spellings) or any (any of the words)."},
        "links": _object({
            "self": STRING,
            "next": NULLABLE_STRING,
            "prev": NULLABLE_STRING,
            "html": STRING,
            "atom": STRING,
            "csv": STRING,
        }),
    }),
    "Section": _object({"heading": STRING, "text": STRING}),
    "Attachment": _object({
        "title": STRING,
        "url": {**NULLABLE_STRING, "description": "The attachment (a PDF) at the publisher, where known."},
    }),
    "Attendee": _object({"name": STRING, "absent": {"type": "boolean"}}),
    "Kle": _object({
        "main_group": STRING,
        "main_group_label": NULLABLE_STRING,
        "group": STRING,
        "subject": NULLABLE_STRING,
        "facet": NULLABLE_STRING,
    }),
    "CaseItem": _object({
        "id": STRING,
        "date": DATE,
        "municipality": STRING,
        "committee": STRING,
        "meeting_id": STRING,
        "time": NULLABLE_STRING,
        "item_number": {"type": "integer"},
        "title": STRING,
        "decisions": DECISIONS,
        "status": STATUS,
        "thread_id": THREAD,
        "url": STRING,
    }),
    "Item": _object({
        "id": STRING,
        "meeting_id": STRING,
        **{name: value for name, value in MEETING_FIELDS.items() if name != "id"},
        "item_number": {"type": "integer"},
        "title": STRING,
        "journal_number": NULLABLE_STRING,
        "kle": {"anyOf": [_ref("Kle"), {"type": "null"}]},
        "decisions": DECISIONS,
        "decision_text": NULLABLE_STRING,
        "attendance": {**NULLABLE_STRING, "description": "Attendance notes (Afbud, Fraværende)."},
        "closed": {"type": "boolean"},
        "sections": {"type": "array", "items": _ref("Section")},
        "attachments": {"type": "array", "items": _ref("Attachment")},
        "url": STRING,
        "meeting_url": STRING,
        "thread_id": THREAD,
        "case": {"type": "array", "items": _ref("CaseItem"),
                 "description": "The other items of this item's case (same journal number, same case "
                                "thread), oldest first."},
        "other_cases": {"type": "integer", "minimum": 0,
                        "description": "How many other cases share the journal number."},
        "journal_url": {**NULLABLE_STRING, "description": "The search page listing every item of the "
                                                         "journal number, case by case."},
    }),
    "MeetingItem": _object({
        "id": STRING,
        "item_number": {"type": "integer"},
        "title": STRING,
        "journal_number": NULLABLE_STRING,
        "decisions": DECISIONS,
        "decision_text": NULLABLE_STRING,
        "closed": {"type": "boolean"},
        "status": STATUS,
        "url": STRING,
    }),
    "Meeting": _object({
        **MEETING_FIELDS,
        "attendees": {"type": "array", "items": _ref("Attendee"),
                      "description": "The members listed for the meeting (Mødedeltagere), absent or not."},
        "url": STRING,
        "committee_url": STRING,
        "items": {"type": "array", "items": _ref("MeetingItem")},
    }),
    "CommitteeSummary": _object({
        "municipality": STRING,
        "committee": STRING,
        "items": {"type": "integer"},
        "meetings": {"type": "integer"},
        "first_date": DATE,
        "last_date": DATE,
        "url": STRING,
        "search_url": STRING,
    }),
    "Committees": _object({"committees": {"type": "array", "items": _ref("CommitteeSummary")}}),
    "CommitteeMeeting": _object({
        **MEETING_FIELDS,
        "items": {"type": "integer"},
        "url": STRING,
    }),
    "Committee": _object({
        "municipality": STRING,
        "committee": STRING,
        "url": STRING,
        "search_url": STRING,
        "meetings": {"type": "array", "items": _ref("CommitteeMeeting")},
    }),
    "Suggestions": _object({
        "query": STRING,
        "suggestions": {"type": "array", "items": _object({
            "text": {**STRING, "description": "The whole query with its last word completed."},
            "word": STRING,
            "count": {"type": "integer", "minimum": 1},
        })},
    }),
    "Health": _object({
        "status": {"type": "string", "enum": ["ok", "index-missing", "index-unreadable"]},
        "items": {"type": "integer"},
        "error": STRING,
    }, optional=("items", "error")),
}


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
    "400": _json(_ref("Error"), "A parameter is not valid; `param` names it."),
    "414": {"description": "The query string is longer than 8 KB."},
    "503": _json(_ref("Error"), "The index has not been built yet: run `searchsvc reindex`."),
}
NOT_FOUND = {"404": _json(_ref("Error"), "No such id (or not an id).")}


def _path_parameter(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": STRING}


PATHS: dict[str, dict] = {
    "/api/search": {"get": {
        "summary": "Search the minutes; facet counts over all matches.",
        "operationId": "search",
        "parameters": SEARCH_PARAMETERS,
        "responses": {"200": _json(_ref("SearchDocument"), "One page of results."), **ERRORS},
    }},
    "/api/items/{item_id}": {"get": {
        "summary": "A whole agenda item, with the other items of its case (same journal number and "
                   "case thread) and the number of other cases under its journal number.",
        "operationId": "item",
        "parameters": [_path_parameter("item_id", "The item's id.")],
        "responses": {"200": _json(_ref("Item"), "The item."), **NOT_FOUND, **ERRORS},
    }},
    "/api/meetings/{meeting_id}": {"get": {
        "summary": "A meeting's agenda in item order, with decisions.",
        "operationId": "meeting",
        "parameters": [_path_parameter("meeting_id", "The meeting's id.")],
        "responses": {"200": _json(_ref("Meeting"), "The meeting."), **NOT_FOUND, **ERRORS},
    }},
    "/api/committees": {"get": {
        "summary": "Every committee with its item and meeting counts and date range.",
        "operationId": "committees",
        "responses": {"200": _json(_ref("Committees"), "The committees."), **ERRORS},
    }},
    "/api/committees/{municipality}/{committee}": {"get": {
        "summary": "A committee's meetings, newest first.",
        "operationId": "committee",
        "parameters": [_path_parameter("municipality", "The municipality's name."),
                       _path_parameter("committee", "The committee's name.")],
        "responses": {"200": _json(_ref("Committee"), "The committee."), **NOT_FOUND, **ERRORS},
    }},
    "/api/suggest": {"get": {
        "summary": "Completions of the last word typed, from the words of item titles.",
        "operationId": "suggest",
        "parameters": [
            _one("q", "What has been typed so far.", {"type": "string", "maxLength": MAX_SUGGEST_CHARS}),
            _one("limit", "At most this many.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                                  "default": 8}),
        ],
        "responses": {"200": _json(_ref("Suggestions"), "The completions, most frequent first."), **ERRORS},
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
        "responses": {"200": _json(_ref("Health"), "Ready."),
                      "503": _json(_ref("Health"), "No index yet.")},
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
