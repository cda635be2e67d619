"""Running one search over one view: match, filter, count facets, rank (one result per
case thread unless ``group=none``), make snippets.

``SearchService.search`` (``service.py``) calls ``run_search`` with the view's index
snapshot and store, and caches what it returns.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from ..engine import nodes
from ..engine.reader import Snapshot
from ..engine.terms import Terms
from ..engine.tokens import snippet_analyzer
from ..store.cases import thread_steps
from ..store.items import Store
from .coordination import coordinated_hits, word_counts
from .facets import FACETS, facet_counts, facet_mask
from .query import ParsedQuery, parse_query, positive_words
from .ranking import Ranking
from .request import SearchRequest, SearchResults
from .snippets import make_snippet

# A search spends at most this long before it skips the extras (the lenient retries and
# "did you mean"), so that one long query cannot hold a server process for seconds.
# Counted in the CPU time of the search's own thread (``time.thread_time``), not on the
# wall clock: on a busy machine a wall-clock budget ran out for ordinary queries, whose
# any-word retry was then skipped and which found nothing.
EXTRAS_SECONDS = 0.5
OUT_OF_TIME = "Søgningen var for omfattende til at prøve lignende stavemåder; prøv med færre ord."
# Distinct words of one query checked for a likely correction, at most.
MAX_CORRECTED = 20


def _facet_masks(request: SearchRequest, snapshot: Snapshot) -> dict[str, np.ndarray]:
    """One mask per narrowing of the request: each facet with chosen values (its values
    are alternatives), the journal number, the dates."""
    table = snapshot.table
    masks = {facet.name: facet_mask(table, facet, getattr(request, facet.name)) for facet in FACETS
             if getattr(request, facet.name)}
    if request.journal:
        masks["journal"] = snapshot.match(nodes.Term("journal", request.journal.lower()))
    if request.date_from:
        masks["from"] = table.date >= int(request.date_from.strftime("%Y%m%d"))
    if request.date_to:
        masks["to"] = table.date <= int(request.date_to.strftime("%Y%m%d"))
    return masks


def _combined(table, masks: dict[str, np.ndarray], leave_out: str | None = None) -> np.ndarray | None:
    """The documents every mask allows (but ``leave_out``'s); None when nothing filters."""
    chosen = [mask for name, mask in masks.items() if name != leave_out]
    if not chosen:
        return None
    mask = table.live
    for other in chosen:
        mask = mask & other
    return mask


@dataclass
class Matched:
    """What a request matches in a snapshot, before ordering: the query (perhaps relaxed),
    its matches, and those the filters allow."""

    parsed: ParsedQuery
    masks: dict[str, np.ndarray]      # one per narrowing (``_facet_masks``)
    filter_mask: np.ndarray | None
    query_mask: np.ndarray
    docnums: np.ndarray
    relaxed: str | None
    messages: list[str]


def match_request(snapshot: Snapshot, request: SearchRequest, ranking: Ranking, started: float) -> Matched:
    """Match the request's query and filters; retry leniently when nothing matched."""
    terms = snapshot.terms
    parsed: ParsedQuery = parse_query(request.q, terms, ranking=ranking)
    masks = _facet_masks(request, snapshot)
    filter_mask = _combined(snapshot.table, masks)
    messages = list(parsed.notes)

    def matching_docs(parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        """The query's matches, and those the filters allow."""
        mask = snapshot.match(parsed.query)
        return mask, (mask if filter_mask is None else mask & filter_mask)

    query_mask, docnums = matching_docs(parsed)
    relaxed = None
    if not docnums.any() and parsed.tree is not None and ranking.lenient_retry:
        # Nothing matched every word as typed: retry with close spellings, then any word.
        for mode in ("fuzzy", "any"):
            if time.thread_time() - started > EXTRAS_SECONDS:
                messages.append(OUT_OF_TIME)
                break
            retry = parse_query(request.q, terms, mode=mode, ranking=ranking)
            if retry.query == parsed.query:
                continue
            retried, retried_docnums = matching_docs(retry)
            if retried_docnums.any():
                query_mask, docnums = retried, retried_docnums
                parsed, relaxed = retry, mode
                messages.append(_relaxed_message(retry))
                break
    if not docnums.any() and parsed.tree is not None:
        messages.append("Ingen resultater. Prøv andre eller færre ord"
                        + (", eller fjern en afgrænsning." if filter_mask is not None else "."))
    return Matched(parsed, masks, filter_mask, query_mask, docnums, relaxed, messages)


def run_search(snapshot: Snapshot, store: Store, request: SearchRequest, ranking: Ranking, *,
               snippets: bool = True) -> SearchResults:
    """The requested page of results and the facet counts over all matches.

    :param snippets: False leaves each result's ``snippet`` None.
    """
    started = time.thread_time()
    table = snapshot.table
    terms = snapshot.terms
    matched = match_request(snapshot, request, ranking, started)
    parsed, masks, filter_mask = matched.parsed, matched.masks, matched.filter_mask
    query_mask, docnums, relaxed, messages = matched.query_mask, matched.docnums, matched.relaxed, matched.messages
    suggestion = None
    if time.thread_time() - started <= EXTRAS_SECONDS:
        suggestion = _suggestion(terms, parsed, request.q)
    elif OUT_OF_TIME not in messages:
        messages.append(OUT_OF_TIME)
    total = int(docnums.sum())
    # One result per case thread (issue 19): the thread column collapses the ranked
    # documents; filters and facet counts stay on items.
    group = "thread" if request.grouped else None
    threads = table.group_count(docnums, "thread") if group else None
    # A facet whose values are chosen counts its values without its own filter (the values
    # of one facet are alternatives): ticking "Byråd" leaves the other committees beside it,
    # each counted as if ticked too. The other facets count the matches as they are.
    counts = {}
    for facet in FACETS:
        counted = docnums
        if facet.name in masks:
            others = _combined(table, masks, leave_out=facet.name)
            counted = query_mask if others is None else query_mask & others
        counts[facet.name] = facet_counts(table, facet, counted)

    start = (request.page - 1) * request.per_page
    if relaxed == "any" and request.effective_sort == "relevance":
        # Any of the words: those with more of them first, each saying how many (coordination.py).
        word_count, asked = word_counts(snapshot, parsed, terms, ranking)
        hits = coordinated_hits(snapshot, parsed, docnums, word_count, start, request.per_page,
                                restrict=filter_mask is not None, group=group)
    else:
        hits = ordered_hits(snapshot, parsed, docnums, request.effective_sort, start, request.per_page,
                            restrict=filter_mask is not None, group=group)

    results_out = result_rows(snapshot, store, hits, parsed, snippets=snippets, group=group)
    if relaxed == "any" and request.effective_sort == "relevance":
        holds = dict(zip(snapshot.ids([docnum for docnum, _ in hits]), (int(word_count[d]) for d, _ in hits)))
        for result in results_out:
            result["words_matched"], result["words_asked"] = holds[result["id"]], asked

    facets = {
        facet.name: facet.values(counts[facet.name], getattr(request, facet.name))
        for facet in FACETS
    }
    return SearchResults(request=request, total=total, results=results_out, facets=facets,
                         suggestion=suggestion, messages=messages, parsed_query=parsed.text,
                         relaxed=relaxed, threads=threads)


def ordered_hits(snapshot: Snapshot, parsed: ParsedQuery, docnums: np.ndarray, sort: str, start: int,
                 count: int, *, restrict: bool, group: str | None = None) -> list[tuple[int, float | None]]:
    """Matches ``start`` to ``start + count`` in the order ``sort`` asks, with their scores
    (None when not ranked by relevance).

    :param restrict: the matches are a filtered subset of the query's (engine/evaluate.py).
    :param group: "thread": one document per case thread, the best (or first) of each.
    """
    table = snapshot.table
    if sort in ("newest", "oldest"):
        # Date order is precomputed per snapshot: a page is a slice of it.
        return [(docnum, None) for docnum in table.page(docnums, sort, start, count, group)]
    if sort == "case":
        # A journal number's items case by case (issue 13): one thread after another.
        ordered = table.grouped(docnums, "thread", once=group is not None)
        return [(int(docnum), None) for docnum in ordered[start:start + count]]
    if start < (table.group_count(docnums, "thread") if group else int(docnums.sum())):
        # The exact best scores without scoring every match in Python (engine/evaluate.py).
        return snapshot.top(parsed.query, docnums, start + count, restrict=restrict, group=group)[start:]
    return []


def result_rows(snapshot: Snapshot, store: Store, hits: list[tuple[int, float | None]], parsed: ParsedQuery, *,
                snippets: bool = True, extra: tuple[str, ...] = (), group: str | None = None) -> list[dict]:
    """The results of these hits, from the store of the snapshot's view, with snippets.

    :param extra: more store columns to copy into each result (an export's decision text).
    :param group: "thread": each result carries its case thread (its steps from the store).
    """
    ids = snapshot.ids([docnum for docnum, _ in hits])
    rows = store.items(ids)
    steps = thread_steps(store, list(dict.fromkeys(row["thread_id"] for row in rows.values()))) if group else {}
    highlight = parsed.highlight
    # The analyser's tokens, but only where a snippet can use them (engine/tokens.py).
    analyze = snippet_analyzer(snapshot.snippet_words,
                               set().union(*highlight.concepts, *(f for p in highlight.phrases for f in p)),
                               highlight.prefixes)
    results = []
    for (_, score), item_id in zip(hits, ids):
        row = rows.get(item_id)
        if row is None:  # indexed but not (yet) stored: an interrupted reindex; skip it
            continue
        results.append({
            "id": row["id"],
            "title": row["title"],
            "municipality": row["municipality"],
            "committee": row["committee"],
            "date": row["date"],
            "item_number": row["item_number"],
            "journal_number": row["journal_number"],
            "decisions": row["decisions"],
            "closed": row["closed"],
            "status": row["status"],
            "thread_id": row["thread_id"],
            "meeting_id": row["meeting_id"],
            "snippet": make_snippet(row["sections"], parsed.highlight, analyze) if snippets else None,
            "score": round(score, 3) if score is not None else None,
            "thread": case_thread(row["thread_id"], steps[row["thread_id"]]) if group else None,
            **{column: row.get(column) for column in extra},
        })
    return results


def case_thread(thread_id: str, steps: list[dict]) -> dict:
    """A result's case thread: its steps oldest first, and the latest step's decisions
    and agenda or minutes as the case's status."""
    latest = steps[-1] if steps else {"decisions": [], "status": None}
    return {"id": thread_id, "steps": steps, "decisions": latest["decisions"], "status": latest["status"]}


def _relaxed_message(parsed: ParsedQuery) -> str:
    if parsed.mode == "fuzzy" and parsed.respellings:
        found = ", ".join(f"{', '.join(close)} (for {typed})" for typed, close in parsed.respellings.items())
        return f"Ingen resultater med ordene, som de er skrevet. Viser resultater for lignende ord: {found}."
    return "Ingen resultater med alle ordene. Viser resultater, der indeholder mindst ét af dem, dem med flest af ordene først."


def _suggestion(terms: Terms, parsed: ParsedQuery, typed: str) -> str | None:
    """The query with unknown or misspelt words replaced by the index's likely word, when
    there is one ("did you mean")."""
    suggestion = typed
    for word in list(dict.fromkeys(positive_words(parsed.tree)))[:MAX_CORRECTED]:
        corrected = terms.correction(word)
        if corrected:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", corrected, suggestion, flags=re.IGNORECASE)
    return suggestion if suggestion != typed else None
