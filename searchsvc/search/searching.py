"""The one search function that the web pages, the JSON API and the CLI all call.

``SearchRequest.from_params`` validates what a person or a program sent;
``search(archive, request)`` returns ``SearchResults``, plain data whose ``to_json()`` is
the API's document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh import sorting

from .service import Archive
from ..domain.decisions import DECISION_LABELS
from ..errors import IndexMissing, QueryError
from .facets import FACETS, FacetValue
from ..engine.matches import match_mask
from ..engine.topdocs import top_documents
from ..engine import terms
from ..engine.analysis import danish_analyzer
from ..engine.compounds import DICTIONARY_FILE, CompoundDictionary
from .query import MAX_QUERY_CHARS, ParsedQuery, parse_query, positive_words
from ..engine.tokens import snippet_analyzer, word_forms
from .snippets import make_snippet

SORTS = ("relevance", "newest", "oldest")
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
    journal: str | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    sort: str | None = None      # None: relevance for a query, newest when browsing
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
        sort = one("sort")
        if sort is not None and sort not in SORTS:
            raise QueryError("sort", f"must be one of {', '.join(SORTS)}")
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
            journal=journal,
            date_from=day("from"),
            date_to=day("to"),
            sort=sort,
            page=integer("page", 1, 1, MAX_PAGE),
            per_page=integer("per_page", 20, 1, MAX_PER_PAGE),
        )
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise QueryError("from", "the from date is after the to date")
        return request

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "newest")

    def to_params(self, **changes) -> dict[str, list[str]]:
        """The request as query-string parameters (for links), with some values changed."""
        values = {
            "q": [self.q] if self.q else [],
            "municipality": list(self.municipality),
            "committee": list(self.committee),
            "year": list(self.year),
            "decision": list(self.decision),
            "kle": list(self.kle),
            "journal": [self.journal] if self.journal else [],
            "from": [self.date_from.isoformat()] if self.date_from else [],
            "to": [self.date_to.isoformat()] if self.date_to else [],
            "sort": [self.sort] if self.sort else [],
            "page": [str(self.page)] if self.page != 1 else [],
            "per_page": [str(self.per_page)] if self.per_page != 20 else [],
        }
        for key, value in changes.items():
            key = {"date_from": "from", "date_to": "to"}.get(key, key)
            values[key] = [] if value in (None, "", [], ()) else ([str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)])
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

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def to_json(self) -> dict:
        """The document the JSON API serves and ``searchsvc search --json`` prints."""
        return {
            "query": self.request.q,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "sort": self.request.effective_sort,
            "results": self.results,
            "facets": {name: [v.to_json() for v in values] for name, values in self.facets.items()},
            "suggestion": self.suggestion,
            "messages": self.messages,
            "relaxed": self.relaxed,
        }


def _sort_facet(sort: str):
    if sort == "relevance":
        return None
    newest = sort == "newest"
    return sorting.MultiFacet([sorting.FieldFacet("date", reverse=newest),
                               sorting.FieldFacet("item_number")])


def _filter_mask(request: SearchRequest, searcher, table) -> np.ndarray | None:
    """The documents the request's filters (facet values, journal number, dates) allow,
    from the document table's arrays; None when nothing is filtered."""
    masks = [table.docs_with(facet.name, getattr(request, facet.name)) for facet in FACETS
             if getattr(request, facet.name)]
    if request.journal:
        masks.append(match_mask(wq.Term("journal", request.journal.lower()), searcher, table))
    if request.date_from:
        masks.append(table.date >= int(request.date_from.strftime("%Y%m%d")))
    if request.date_to:
        masks.append(table.date <= int(request.date_to.strftime("%Y%m%d")))
    if not masks:
        return None
    mask = table.live
    for other in masks:
        mask = mask & other
    return mask


def prepare(archive: Archive) -> None:
    """Open the current snapshot (its document table) and start learning the words
    snippets need, so that a new server process's first request does not pay for it.
    Does nothing before the first reindex."""
    try:
        snapshot = archive.snapshot()
    except IndexMissing:
        return
    word_forms(_snippet_analyzer(archive.datadir.path / snapshot.generation))


def search(archive: Archive, request: SearchRequest, *, snippets: bool = True) -> SearchResults:
    """Run a search: the requested page of results, facet counts over all matches.

    Results are cached per index snapshot (a commit makes a new one); each caller
    gets its own copy.

    :param snippets: False leaves each result's ``snippet`` None (exports that do not show them).
    :raise IndexMissing: before the first reindex.
    """
    snapshot = archive.snapshot()
    return archive.results.get_or_compute((snapshot.key, request, snippets),
                                          lambda: _search(archive, snapshot, request, snippets=snippets))


def _search(archive: Archive, snapshot, request: SearchRequest, *, snippets: bool = True) -> SearchResults:
    searcher = snapshot.searcher
    table = snapshot.table
    reader = searcher.reader()
    parsed: ParsedQuery = parse_query(request.q, searcher.schema, reader)
    filter_mask = _filter_mask(request, searcher, table)
    messages = list(parsed.notes)

    def matching_docs(parsed: ParsedQuery) -> np.ndarray:
        # A mask over the snapshot's documents (matches.py), not a walk over Whoosh's matchers.
        mask = match_mask(wq.Every() if parsed.is_empty else parsed.query, searcher, table)
        return mask if filter_mask is None else mask & filter_mask

    docnums = matching_docs(parsed)
    relaxed = None
    if not docnums.any() and parsed.tree is not None:
        # Nothing matched every word as typed: retry with close spellings, then any word.
        for mode in ("fuzzy", "any"):
            retry = parse_query(request.q, searcher.schema, reader, mode=mode)
            if retry.query == parsed.query:
                continue
            docnums = matching_docs(retry)
            if docnums.any():
                parsed, relaxed = retry, mode
                messages.append(_relaxed_message(retry))
                break
    if not docnums.any() and parsed.tree is not None:
        messages.append("Ingen resultater. Prøv andre eller færre ord"
                        + (", eller fjern en afgrænsning." if filter_mask is not None else "."))
    suggestion = _suggestion(reader, parsed, request.q)
    total = int(docnums.sum())
    counts = {facet.name: table.counts(facet.name, docnums) for facet in FACETS}

    sort = request.effective_sort
    start = (request.page - 1) * request.per_page
    hits: list[tuple[int, float | None]] = []
    if sort in ("newest", "oldest"):
        # Date order is precomputed per snapshot: a page is a slice of it.
        hits = [(docnum, None) for docnum in table.page(docnums, sort, start, request.per_page)]
    elif total and start < total:
        top = None
        if sort == "relevance" and not parsed.is_empty:
            # The exact best scores without scoring every match in Python (topdocs.py).
            top = top_documents(searcher, table, parsed.query, docnums, start + request.per_page)
        if top is not None:
            hits = list(top[start:])
        else:
            allowed = None if filter_mask is None else set(np.flatnonzero(docnums).tolist())
            results = searcher.search(parsed.query if not parsed.is_empty else wq.Every(),
                                      filter=allowed, limit=start + request.per_page,
                                      sortedby=_sort_facet(sort) if sort != "relevance" or parsed.is_empty else None,
                                      terms=False)
            scored = sort == "relevance" and not parsed.is_empty
            hits = [(hit.docnum, hit.score if scored else None) for hit in results[start:]]

    ids = [searcher.stored_fields(docnum)["id"] for docnum, _ in hits]
    rows = snapshot.store.items(ids)
    analyzer = _snippet_analyzer(archive.datadir.path / snapshot.generation)
    highlight = parsed.highlight
    # The analyser's tokens, but only where a snippet can use them (snippet_tokens.py).
    analyze = snippet_analyzer(word_forms(analyzer),
                               set().union(*highlight.concepts, *(f for p in highlight.phrases for f in p)),
                               highlight.prefixes)

    results_out = []
    for (docnum, score), item_id in zip(hits, ids):
        row = rows.get(item_id)
        if row is None:  # indexed but not (yet) stored: an interrupted reindex; skip it
            continue
        results_out.append({
            "id": row["id"],
            "title": row["title"],
            "municipality": row["municipality"],
            "committee": row["committee"],
            "date": row["date"],
            "item_number": row["item_number"],
            "journal_number": row["journal_number"],
            "decisions": row["decisions"],
            "closed": row["closed"],
            "meeting_id": row["meeting_id"],
            "snippet": make_snippet(row["sections"], parsed.highlight, analyze) if snippets else None,
            "url": f"/items/{row['id']}",
            "score": round(score, 3) if score is not None else None,
        })

    facets = {
        facet.name: facet.values(counts[facet.name], getattr(request, facet.name))
        for facet in FACETS
    }
    return SearchResults(request=request, total=total, results=results_out, facets=facets,
                         suggestion=suggestion, messages=messages, parsed_query=parsed.text,
                         relaxed=relaxed)


def _relaxed_message(parsed: ParsedQuery) -> str:
    if parsed.mode == "fuzzy" and parsed.respellings:
        found = ", ".join(f"{', '.join(close)} (for {typed})" for typed, close in parsed.respellings.items())
        return f"Ingen resultater med ordene, som de er skrevet. Viser resultater for lignende ord: {found}."
    return "Ingen resultater med alle ordene. Viser resultater, der indeholder mindst ét af dem."


def _suggestion(reader, parsed: ParsedQuery, typed: str) -> str | None:
    """The query with unknown or misspelt words replaced by the index's likely word, when
    there is one ("did you mean")."""
    suggestion = typed
    for word in dict.fromkeys(positive_words(parsed.tree)):
        corrected = terms.correction(reader, word)
        if corrected:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", corrected, suggestion, flags=re.IGNORECASE)
    return suggestion if suggestion != typed else None


@lru_cache(maxsize=4)
def _analyzer_for(folder: Path, mtime_ns: int):
    return danish_analyzer(CompoundDictionary.load(folder))


def _snippet_analyzer(folder: Path):
    """The index analyser with the generation's compound dictionary, so that snippets
    mark compound parts as the index found them (reloaded when the dictionary changes)."""
    try:
        mtime_ns = (folder / DICTIONARY_FILE).stat().st_mtime_ns
    except FileNotFoundError:
        mtime_ns = 0
    return _analyzer_for(folder, mtime_ns)
