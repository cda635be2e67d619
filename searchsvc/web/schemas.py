"""The JSON Schemas (2020-12) of the API's documents: items, meetings, committees,
search results, suggestions and errors, for the OpenAPI description (``openapi.py``)."""

from __future__ import annotations

from ..domain.decisions import DECISION_LABELS
from ..search import GROUPS, MAX_PER_PAGE, SORTS, STATUS_LABELS

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


def ref(name: str) -> dict:
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
        "thread": {"anyOf": [ref("Thread"), {"type": "null"}],
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
        "steps": {"type": "array", "items": ref("ThreadStep"),
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
        "results": {"type": "array", "items": ref("SearchResult")},
        "facets": {**_object({name: {"type": "array", "items": ref("FacetValue")}
                              for name in ("municipality", "committee", "year", "decision", "kle", "status",
                                           "deltager", "fravaer")}),
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
    "Section": _object({
        "heading": STRING,
        "text": {**STRING, "description": "The section's text as search reads it; a table's rows are lines, "
                                          "each cell followed by \" |\"."},
        "blocks": {"type": "array", "items": ref("Block"),
                   "description": "How the page lays the text out, in order; only where the section has "
                                  "a table or a sub-heading (else its text is paragraphs, blank lines "
                                  "between them)."},
    }, optional=("blocks",)),
    "Block": {"oneOf": [
        _object({"type": {"const": "text"}, "text": {**STRING, "description": "Paragraphs, blank lines "
                                                                                "between them."}}),
        _object({"type": {"const": "heading"}, "text": {**STRING, "description": "A sub-heading."}}),
        _object({
            "type": {"const": "table"},
            "header_rows": {"type": "integer", "minimum": 0,
                            "description": "How many of the first rows head the columns."},
            "rows": {"type": "array", "items": {"type": "array", "items": ref("Cell")}},
        }),
    ]},
    "Cell": _object({
        "text": {**STRING, "description": "The cell's text; newlines part its paragraphs."},
        "colspan": {"type": "integer", "minimum": 2},
        "rowspan": {"type": "integer", "minimum": 2},
    }, optional=("colspan", "rowspan")),
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
        "kle": {"anyOf": [ref("Kle"), {"type": "null"}]},
        "decisions": DECISIONS,
        "decision_text": NULLABLE_STRING,
        "attendance": {**NULLABLE_STRING, "description": "Attendance notes (Afbud, Fraværende)."},
        "participants": {"type": "array", "items": ref("Attendee"),
                         "description": "The people listed for the item: the meeting's members, absent where "
                                        "the members' list or the item's attendance notes say so."},
        "closed": {"type": "boolean"},
        "sections": {"type": "array", "items": ref("Section")},
        "attachments": {"type": "array", "items": ref("Attachment")},
        "url": STRING,
        "meeting_url": STRING,
        "thread_id": THREAD,
        "case": {"type": "array", "items": ref("CaseItem"),
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
        "attendees": {"type": "array", "items": ref("Attendee"),
                      "description": "The members listed for the meeting (Mødedeltagere), absent or not."},
        "url": STRING,
        "committee_url": STRING,
        "items": {"type": "array", "items": ref("MeetingItem")},
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
    "Committees": _object({"committees": {"type": "array", "items": ref("CommitteeSummary")}}),
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
        "meetings": {"type": "array", "items": ref("CommitteeMeeting")},
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
