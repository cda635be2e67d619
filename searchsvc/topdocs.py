"""The best-scoring documents of a query, without scoring every match in Python.

Whoosh ranks by walking each matching document through the query's matcher tree; for a
common word in a large archive that is tens of thousands of documents, each through a
dozen term matchers, and the page needs only the best twenty. Here ranking is done
in two steps, and the result is exactly Whoosh's, scores and order:

1. An upper bound of every match's score, for all matches at once (numpy): BM25F per
   term from its posting list and the field lengths (Whoosh's formula, on the values
   Whoosh reads), combined as Whoosh's matchers combine them: sums for ``Or``, ``And``,
   ``AndMaybe`` and phrases, the positive side of ``AndNot``. A phrase's bound is its
   words' sum, the score it gets where the words do stand together.
2. Whoosh scores, with its own matchers, the documents whose bound puts them in the
   top ``limit``; the lowest of those scores is a floor, and every other document whose
   bound reaches the floor is scored too. Whatever is left cannot reach the page.

Ties are ordered by document number, as Whoosh orders them. For a query with parts
this module does not bound (prefixes, ``Every``, other weightings), ``top_documents``
returns None and the caller lets Whoosh rank.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from .doctable import DocTable

# Whoosh's sums and ours may round differently in the last bit.
_MARGIN = 1e-9
# Beyond this share of the matches, scoring candidates one by one costs more than
# Whoosh's own walk.
_MAX_SHARE = 0.25


class _Unbounded(Exception):
    """A part of the query this module cannot bound."""


def top_documents(searcher, table: DocTable, query: wq.Query, mask: np.ndarray,
                  limit: int) -> list[tuple[int, float]] | None:
    """The ``limit`` best (document number, score) among the mask's documents, best
    first, as ``searcher.search(query, limit=limit)`` would rank them when restricted to
    the mask; None when the query cannot be bounded here."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F:
        return None
    matches = np.flatnonzero(mask)
    if not len(matches):
        return []
    try:
        bound = _Bounds(searcher, table, weighting).of(query)
    except _Unbounded:
        return None
    bound = bound[matches] * (1 + _MARGIN) + _MARGIN
    order = np.lexsort((matches, -bound))
    first = matches[order[:limit]]
    scores = _whoosh_scores(searcher, query, first)
    if scores is None:
        return None
    floor = min(scores.values()) if len(scores) >= min(limit, len(matches)) else -np.inf
    rest = matches[order[limit:]][bound[order[limit:]] >= floor]
    if len(rest) > _MAX_SHARE * len(matches) and len(rest) > 4 * limit:
        return None
    if len(rest):
        more = _whoosh_scores(searcher, query, rest)
        if more is None:
            return None
        scores.update(more)
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


def _whoosh_scores(searcher, query: wq.Query, docnums: np.ndarray) -> dict[int, float] | None:
    """Whoosh's own score of each document (which must all match), by moving the query's
    matcher to each in turn; None if one does not match (then the bounds were wrong)."""
    context = searcher.context()
    wanted = np.sort(docnums)
    scores: dict[int, float] = {}
    for subsearcher, offset in searcher.leaf_searchers():
        size = subsearcher.doc_count_all()
        local = wanted[(wanted >= offset) & (wanted < offset + size)] - offset
        if not len(local):
            continue
        matcher = query.matcher(subsearcher, context)
        for docnum in local.tolist():
            if not matcher.is_active():
                return None
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active() or matcher.id() != docnum:
                return None
            scores[docnum + offset] = matcher.score()
    return scores if len(scores) == len(docnums) else None


class _Bounds:
    """Upper bounds of a query's scores over the whole snapshot (0 where it cannot match)."""

    def __init__(self, searcher, table: DocTable, weighting: scoring.BM25F) -> None:
        self.searcher = searcher
        self.table = table
        self.weighting = weighting

    def zeros(self) -> np.ndarray:
        return np.zeros(self.table.size)

    def of(self, node: wq.Query) -> np.ndarray:
        kind = type(node)
        if node is wq.NullQuery or kind is type(wq.NullQuery):
            return self.zeros()
        if kind is wq.Term:
            return self.term(node.fieldname, node.text) * node.boost
        if kind in (wq.Or, wq.And):
            if kind is wq.Or and (node.scale is not None or node.minmatch):
                raise _Unbounded
            subqueries = node.subqueries
            if not subqueries:
                return self.zeros()
            if len(subqueries) == 1:  # Whoosh uses the child's matcher, without the boost
                return self.of(subqueries[0])
            total = self.zeros()
            for child in subqueries:
                total += self.of(child)
            return total * node.boost
        if kind is wq.Not:
            # Inside an intersection Whoosh scores "not" as a constant 1.
            return np.ones(self.table.size)
        if kind is wq.AndMaybe:
            return self.of(node.a) + self.of(node.b)
        if kind is wq.AndNot:
            return self.of(node.a)
        if kind is wq.Phrase:
            total = self.zeros()
            for word in node.words:
                total += self.term(node.fieldname, word)
            return total * node.boost
        if kind is wq.SpanNear2:
            total = self.zeros()
            for child in node.qs:
                if type(child) is not wq.Term:
                    raise _Unbounded
                total += self.term(child.fieldname, child.text) * child.boost
            return total
        raise _Unbounded

    def term(self, fieldname: str, text) -> np.ndarray:
        """BM25F of one term in every document holding it (Whoosh's ``bm25``)."""
        searcher = self.searcher
        scores = self.zeros()
        if fieldname not in searcher.schema:
            return scores
        field = searcher.schema[fieldname]
        if not field.scorable:
            raise _Unbounded
        try:
            btext = field.to_bytes(text) if not isinstance(text, bytes) else text
        except ValueError:
            return scores
        if (fieldname, btext) not in searcher.reader():
            return scores
        weighting = self.weighting
        B = weighting._field_B.get(fieldname, weighting.B)
        K1 = weighting.K1
        idf = searcher.idf(fieldname, btext)
        avgfl = searcher.avg_field_length(fieldname) or 1
        for leaf, offset in searcher.reader().leaf_readers():
            ids, weights = self.table.postings.get(leaf, fieldname, btext)
            if not len(ids):
                continue
            arrays, _ = self.table.segments[leaf.segment().segment_id()]
            lengths = arrays.field_lengths(leaf, fieldname)[ids]
            scores[ids + offset] = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
        return scores
