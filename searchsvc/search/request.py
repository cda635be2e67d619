"""What a search asks and what it answers: ``SearchRequest`` (validated from query-string
parameters) and ``SearchResults`` (plain data whose ``to_json()`` is the API's document)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from ..domain.decisions import DECISION_LABELS
from ..domain.journal import is_case_number
from ..errors import QueryError
from .facets import STATUS_LABELS, FacetValue
from .syntax import MAX_DEPTH, MAX_QUERY_CHARS, nesting

# "case": a journal number's items oldest first, grouped by case thread (the default when
# the request names a whole journal number).
SORTS = ("relevance", "newest", "oldest", "case")
# "thread": one result per case thread, its best item (issue 19); "none": every item.
GROUPS = ("thread", "none")
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    municipality: tuple[str, ...] = ()
    committee: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    decision: tuple[str, ...] = ()
    kle: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    # Names as the meetings list them: listed (present or absent), and noted absent.
    deltager: tuple[str, ...] = ()
    fravaer: tuple[str, ...] = ()
    journal: str | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    sort: str | None = None      # None: relevance for a query, newest when browsing
    group: str = "thread"
    page: int = 1
    per_page: int = 20

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> SearchRequest:
        """Build a request from query-string style parameters (each a list of strings).

        :raise QueryError: naming the first parameter that is not valid.
        """

        def one(name: str) -> str | None:
            values = [v for v in params.get(name, ()) if v is not None and v.strip() != ""]
            return values[-1].strip() if values else None

        def many(name: str, pattern: str | None = None, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
            values = tuple(dict.fromkeys(v.strip() for v in params.get(name, ()) if v and v.strip()))
            if len(values) > MAX_FILTER_VALUES:
                raise QueryError(name, f"at most {MAX_FILTER_VALUES} values")
            for value in values:
                if len(value) > 200 or (pattern and not re.fullmatch(pattern, value)):
                    raise QueryError(name, f"{value[:50]!r} is not a valid value")
                if allowed is not None and value not in allowed:
                    raise QueryError(name, f"{value[:50]!r} is not one of {', '.join(allowed)}")
            return values

        def names(name: str) -> tuple[str, ...]:
            # Spaces as the index writes them: "Jesper  Mathiesen" is "Jesper Mathiesen".
            return tuple(dict.fromkeys(" ".join(v.split()) for v in many(name)))

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = one(name)
            if raw is None:
                return default
            if not re.fullmatch(r"\d{1,7}", raw) or not low <= int(raw) <= high:
                raise QueryError(name, f"must be a whole number from {low} to {high}")
            return int(raw)

        def day(name: str) -> Date | None:
            raw = one(name)
            if raw is None:
                return None
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                    raise ValueError
                return Date.fromisoformat(raw)
            except ValueError:
                raise QueryError(name, "must be a date written YYYY-MM-DD") from None

        q = params.get("q", [""])
        q = q[-1] if q else ""
        if len(q or "") > MAX_QUERY_CHARS:
            raise QueryError("q", f"the query is longer than {MAX_QUERY_CHARS} characters")
        if nesting(q or "") > MAX_DEPTH:
            raise QueryError("q", f"parentheses nest more than {MAX_DEPTH} levels deep")
        sort = one("sort")
        if sort is not None and sort not in SORTS:
            raise QueryError("sort", f"must be one of {', '.join(SORTS)}")
        group = one("group") or "thread"
        if group not in GROUPS:
            raise QueryError("group", f"must be one of {', '.join(GROUPS)}")
        journal = one("journal")
        if journal is not None and not re.fullmatch(r"[\wÆØÅæøå.\-]{1,40}", journal):
            raise QueryError("journal", "must be a journal number such as 15.04.10-P20-3-20 or a KLE prefix such as 15.04")
        request = cls(
            q=(q or "").strip(),
            municipality=many("municipality"),
            committee=many("committee"),
            year=many("year", pattern=r"\d{4}"),
            decision=many("decision", allowed=list(DECISION_LABELS)),
            kle=many("kle", pattern=r"\d{2}"),
            status=many("status", allowed=list(STATUS_LABELS)),
            deltager=names("deltager"),
            fravaer=names("fravaer"),
            journal=journal,
            date_from=day("from"),
            date_to=day("to"),
            sort=sort,
            group=group,
            page=integer("page", 1, 1, MAX_PAGE),
            per_page=integer("per_page", 20, 1, MAX_PER_PAGE),
        )
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise QueryError("from", "the from date is after the to date")
        return request

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        if self.journal_number:
            return "case"
        return "relevance" if self.q else "newest"

    @property
    def grouped(self) -> bool:
        """Whether results are one per case thread."""
        return self.group == "thread"

    @property
    def journal_number(self) -> str | None:
        """The whole journal number the request asks for (the ``journal`` filter, or a
        query that is nothing else), or None: its items are listed case by case."""
        for text in (self.journal, self.q):
            if text and is_case_number(text):
                return text.strip()
        return None

    def to_params(self, **changes) -> dict[str, Any]:
        """The request as query-string parameters (for links), with some values changed."""
        values = {
            "q": [self.q] if self.q else [],
            "municipality": list(self.municipality),
            "committee": list(self.committee),
            "year": list(self.year),
            "decision": list(self.decision),
            "kle": list(self.kle),
            "status": list(self.status),
            "deltager": list(self.deltager),
            "fravaer": list(self.fravaer),
            "journal": [self.journal] if self.journal else [],
            "from": [self.date_from.isoformat()] if self.date_from else [],
            "to": [self.date_to.isoformat()] if self.date_to else [],
            "sort": [self.sort] if self.sort else [],
            "group": [self.group] if self.group != "thread" else [],
            "page": [str(self.page)] if self.page != 1 else [],
            "per_page": [str(self.per_page)] if self.per_page != 20 else [],
        }
        for key, value in changes.items():
            key = {"date_from": "from", "date_to": "to"}.get(key, key)
            if value in (None, "", [], ()):
                values[key] = []
            else:
                values[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        return {k: v for k, v in values.items() if v}


@dataclass
class SearchResults:
    request: SearchRequest
    total: int
    results: list[dict]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    messages: list[str] = field(default_factory=list)
    parsed_query: str = ""
    relaxed: str | None = None   # "fuzzy" or "any" when a lenient retry found the results
    threads: int | None = None   # grouped: the case threads the matching items fall in

    @property
    def entries(self) -> int:
        """What pages count: threads when grouped, else items."""
        return self.threads if self.threads is not None else self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.entries // self.request.per_page))

    def to_json(self, item_url: Callable[[str], str] | None = None) -> dict:
        """The document the JSON API serves and ``searchsvc search --json`` prints.

        :param item_url: the URL of an item's page, by item id (the web app builds its
            URLs); each result's ``url``. Without it results have no ``url``.
        """
        def linked(hit: dict) -> dict:
            hit = {**hit, "url": item_url(hit["id"])} if item_url else hit
            if item_url and hit.get("thread"):
                steps = [{**step, "url": item_url(step["id"])} for step in hit["thread"]["steps"]]
                hit["thread"] = {**hit["thread"], "steps": steps}
            return hit

        return {
            "query": self.request.q,
            "total": self.total,
            "threads": self.threads,
            "group": self.request.group,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "sort": self.request.effective_sort,
            "results": [linked(hit) for hit in self.results],
            "facets": {name: [v.to_json() for v in values] for name, values in self.facets.items()},
            "suggestion": self.suggestion,
            "messages": self.messages,
            "relaxed": self.relaxed,
        }


