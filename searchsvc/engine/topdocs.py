"""The best-scoring documents of a query, without walking every match through Whoosh.

Whoosh ranks by moving the query's matcher tree through each matching document in
Python; for a common word in a large archive that is tens of thousands of documents,
each through a dozen term matchers, and a page needs twenty. Here:

1. Every match's score is computed at once (numpy) the way Whoosh's matchers combine
   it: BM25F per term from its posting list and the field lengths (Whoosh's formula on
   the values Whoosh reads), boosts, sums for ``Or``, ``And`` and ``AndMaybe``, the
   positive side of ``AndNot``, 1 for a ``Not`` inside an intersection. A phrase (or
   span) scores the sum of its words where they stand together, so its score is known
   but not where it applies: counting it everywhere gives an upper bound.
2. The documents whose bound reaches the top ``limit`` are checked: their words'
   positions (read from just the posting blocks that hold them) say where each phrase
   applies, by Whoosh's own span test, which gives their exact scores; the lowest of
   the best ``limit`` is a floor, and every other document whose bound reaches the
   floor is checked too. What is left cannot reach the page.

Ties are ordered by document number, as Whoosh orders them. Sums are added in query
order rather than Whoosh's tree order, so a score can differ from Whoosh's in the last
bit (1e-16 of it); nothing shown changes. For parts this module does not score
(prefixes, whose scoring in Whoosh depends on segment sizes, ``Every``, other
weightings) ``top_documents`` returns None and the caller lets Whoosh rank.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from whoosh.query.spans import Span, bisect_spans

from .columns import DocTable, positions_at

# Our sums and Whoosh's may round differently in the last bit.
_MARGIN = 1e-9


class _Unscored(Exception):
    """A part of the query this module does not score."""


def top_documents(searcher, table: DocTable, query: wq.Query, mask: np.ndarray,
                  limit: int) -> list[tuple[int, float]] | None:
    """The ``limit`` best (document number, score) among the mask's documents, best
    first, as ``searcher.search(query, limit=limit)`` ranks them within the mask; None
    when the query has parts this module does not score."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F:
        return None
    matches = np.flatnonzero(mask)
    if not len(matches):
        return []
    scorer = _Scorer(searcher, table, weighting)
    try:
        bound = scorer.scores(query, matches, exact=False)
    except _Unscored:
        return None
    order = np.lexsort((matches, -bound))
    checked = np.sort(matches[order[:limit]])
    scores = scorer.scores(query, checked, exact=True)
    best = np.sort(scores)[::-1][:limit]
    floor = best[-1] * (1 - _MARGIN) if len(best) >= min(limit, len(matches)) else -np.inf
    rest = np.sort(matches[order[limit:]][bound[order[limit:]] >= floor])
    if len(rest):
        checked = np.concatenate([checked, rest])
        scores = np.concatenate([scores, scorer.scores(query, rest, exact=True)])
    ranked = np.lexsort((checked, -scores))[:limit]
    return [(int(checked[i]), float(scores[i])) for i in ranked]


def _near(positions: list[list[int]], slop: int, ordered: bool, mindist: int) -> bool:
    """Whether the words stand together: Whoosh's ``SpanNear2`` test on their positions."""
    aspans = [Span(p) for p in positions[0]]
    i = 1
    while i < len(positions) and aspans:
        bspans = [Span(p) for p in positions[i]]
        spans = set()
        for aspan in aspans:
            start = aspan.start if ordered else max(0, aspan.start - slop)
            j = bisect_spans(bspans, start)
            while j < len(bspans):
                bspan = bspans[j]
                j += 1
                if bspan.end < aspan.start - slop or (ordered and aspan.start > bspan.start):
                    continue
                if bspan.start > aspan.end + slop:
                    break
                if mindist <= aspan.distance_to(bspan) <= slop:
                    spans.add(aspan.to(bspan))
        aspans = sorted(spans)
        i += 1
    return i == len(positions) and bool(aspans)


class _Scorer:
    """Scores of a query for a sorted set of documents."""

    def __init__(self, searcher, table: DocTable, weighting: scoring.BM25F) -> None:
        self.searcher = searcher
        self.table = table
        self.weighting = weighting
        self.leaves = list(searcher.reader().leaf_readers())
        self.docs = np.zeros(0, dtype=np.int64)
        self.exact = False

    def scores(self, query: wq.Query, docs: np.ndarray, exact: bool) -> np.ndarray:
        """The scores of the documents (sorted, all matches): exact, or counting every
        phrase as applying (an upper bound)."""
        self.docs = docs
        self.exact = exact
        self._terms: dict[tuple[str, bytes], np.ndarray] = {}
        return self.score(query)

    def segments(self):
        """(segment reader, its offset, the slice of ``docs`` in it)."""
        for leaf, offset in self.leaves:
            low, high = np.searchsorted(self.docs, [offset, offset + leaf.doc_count_all()])
            if high > low:
                yield leaf, offset, slice(low, high)

    def zeros(self) -> np.ndarray:
        return np.zeros(len(self.docs))

    def score(self, node: wq.Query) -> np.ndarray:
        kind = type(node)
        if node is wq.NullQuery or kind is type(wq.NullQuery):
            return self.zeros()
        if kind is wq.Term:
            scores = self.term(node.fieldname, node.text)
            return scores * node.boost if node.boost != 1.0 else scores
        if kind in (wq.Or, wq.And):
            if kind is wq.Or and (node.scale is not None or node.minmatch):
                raise _Unscored
            subqueries = node.subqueries
            if not subqueries:
                return self.zeros()
            if len(subqueries) == 1:  # Whoosh uses the child's matcher, without the boost
                return self.score(subqueries[0])
            total = self.score(subqueries[0])
            for child in subqueries[1:]:
                total = total + self.score(child)
            return total * node.boost if node.boost != 1.0 else total
        if kind is wq.Not:
            # Inside an intersection Whoosh scores "not" as a constant 1.
            return np.ones(len(self.docs))
        if kind is wq.AndMaybe:
            return self.score(node.a) + self.score(node.b)
        if kind is wq.AndNot:
            return self.score(node.a)
        if kind is wq.Phrase:
            terms = [(node.fieldname, word, 1.0) for word in node.words]
            total = self._span(node, terms, node.slop, True, 1)
            return total * node.boost if node.boost != 1.0 else total
        if kind is wq.SpanNear2:
            if any(type(child) is not wq.Term for child in node.qs):
                raise _Unscored
            terms = [(child.fieldname, child.text, child.boost) for child in node.qs]
            return self._span(node, terms, node.slop, node.ordered, node.mindist)
        raise _Unscored

    def _span(self, node, terms: list[tuple[str, object, float]], slop: int, ordered: bool,
              mindist: int) -> np.ndarray:
        """The sum of the words' scores where they stand together (everywhere, for a bound)."""
        if not all(self.present(field, text) for field, text, _ in terms):
            return self.zeros()  # Whoosh: a word the index lacks matches nothing
        total = None
        for field, text, boost in terms:
            scores = self.term(field, text)
            scores = scores * boost if boost != 1.0 else scores
            total = scores if total is None else total + scores
        if not self.exact:
            return total
        return np.where(self._applies(terms, slop, ordered, mindist), total, 0.0)

    def _applies(self, terms, slop: int, ordered: bool, mindist: int) -> np.ndarray:
        where = np.zeros(len(self.docs), dtype=bool)
        for leaf, offset, part in self.segments():
            local = self.docs[part] - offset
            found = []
            for field, text, _ in terms:
                btext = self.bytes(field, text)
                postings = self.table.postings.get(leaf, field, btext)
                found.append(positions_at(leaf, field, btext, postings, local))
            for n, docnum in enumerate(local.tolist()):
                if all(docnum in positions for positions in found):
                    where[part.start + n] = _near([positions[docnum] for positions in found],
                                                  slop, ordered, mindist)
        return where

    def bytes(self, fieldname: str, text) -> bytes:
        return self.searcher.schema[fieldname].to_bytes(text) if not isinstance(text, bytes) else text

    def present(self, fieldname: str, text) -> bool:
        try:
            return (fieldname, self.bytes(fieldname, text)) in self.searcher.reader()
        except (KeyError, ValueError):
            return False

    def term(self, fieldname: str, text) -> np.ndarray:
        """BM25F of one term in each of the documents (Whoosh's ``bm25``; 0 without it)."""
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return self.zeros()
        field = searcher.schema[fieldname]
        if not field.scorable:
            raise _Unscored
        try:
            btext = self.bytes(fieldname, text)
        except ValueError:
            return self.zeros()
        found = self._terms.get((fieldname, btext))
        if found is not None:
            return found
        scores = self.zeros()
        if (fieldname, btext) in searcher.reader():
            weighting = self.weighting
            B = weighting._field_B.get(fieldname, weighting.B)
            K1 = weighting.K1
            idf = searcher.idf(fieldname, btext)
            avgfl = searcher.avg_field_length(fieldname) or 1
            for leaf, offset, part in self.segments():
                postings = self.table.postings.get(leaf, fieldname, btext)
                if not len(postings.ids):
                    continue
                local = self.docs[part] - offset
                index = np.minimum(np.searchsorted(postings.ids, local), len(postings.ids) - 1)
                held = postings.ids[index] == local
                weights = postings.weights[index[held]]
                arrays, _ = self.table.segments[leaf.segment().segment_id()]
                lengths = arrays.field_lengths(leaf, fieldname)[local[held]]
                scores[part][held] = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
        self._terms[(fieldname, btext)] = scores
        return scores
