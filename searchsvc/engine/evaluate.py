"""Matching and scoring query nodes over one snapshot: one visitor, one rule per node.

Whoosh finds and ranks matches by walking matcher trees in Python, one document at a
time; for a common word in a large archive that is tens of thousands of steps. Here
each node kind has one ``_Rule`` that says, in one place, how it

- **matches**: as set algebra over posting lists (a boolean mask over the snapshot's
  documents): a term is its posting list, ``Or`` a union, ``And`` an intersection,
  ``Not`` a complement, a phrase the documents holding all its words where their
  positions stand together;
- **scores**: for a set of documents at once (numpy), the way Whoosh's matchers combine
  scores: BM25F per term from its postings and the field lengths (Whoosh's formula on
  the values Whoosh reads), boosts, sums; a phrase (or ``Near``) scores the sum of its
  words where they stand together, so counting it everywhere gives an upper bound;
- **translates** into Whoosh's own query, for what this module does not score itself
  (prefixes, whose scoring in Whoosh depends on segment sizes, and ``Every``).

``top`` ranks exactly: bounds for every match, exact scores (phrase positions read from
just the blocks that hold them) for those that can reach the page, then for every other
document whose bound reaches the page's lowest score. Ties go by document number, as in
Whoosh; a score can differ from Whoosh's in the last bit (sums in another order).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from . import codec, nodes
from .columns import DocTable, firsts, near, positions_at

# Our sums and Whoosh's may round differently in the last bit.
_MARGIN = 1e-9


class _Unscored(Exception):
    """A part of the query this module does not score."""


class Evaluator:
    """Matches and ranks query nodes over one snapshot (a searcher and its columns)."""

    def __init__(self, searcher, table: DocTable) -> None:
        self.searcher = searcher
        self.table = table
        self.leaves = list(searcher.reader().leaf_readers())
        # Scoring state: the sorted documents being scored, exactly or as a bound.
        self.docs = np.zeros(0, dtype=np.int64)
        self.exact = False
        self._scores: dict[tuple[str, bytes], np.ndarray] = {}

    # -- matching -----------------------------------------------------------------------

    def match(self, node: nodes.Node) -> np.ndarray:
        """A mask of the live documents the node matches (deleted ones never match)."""
        return _rule(node).match(self, node) & self.table.live

    def mask(self, node: nodes.Node) -> np.ndarray:  # deleted documents included
        return _rule(node).match(self, node)

    def term_mask(self, fieldname: str, terms_of) -> np.ndarray:
        """The documents holding any of a field's terms (``terms_of`` names them per segment)."""
        mask = self.table.none()
        if fieldname not in self.searcher.schema:
            return mask
        for leaf, offset in self.leaves:
            try:
                terms = list(terms_of(leaf))
            except Exception:  # a field this segment lacks
                continue
            for text in terms:
                ids = self.table.postings.get(leaf, fieldname, text).ids
                if len(ids):
                    mask[ids + offset] = True
        return mask

    def near_mask(self, terms: list[tuple[str, str, float]], slop: int, ordered: bool, mindist: int) -> np.ndarray:
        """The documents where the terms stand together (Whoosh's span test)."""
        mask = self.table.none()
        if not terms or not all(self.present(field, text) for field, text, _ in terms):
            return mask
        candidates = self.table.live.copy()
        for field, text, _ in terms:
            candidates &= self.term_mask(field, lambda leaf, t=text: [t])
        self._score_docs(np.flatnonzero(candidates), exact=True)
        mask[self.docs[self._applies(terms, slop, ordered, mindist)]] = True
        return mask

    # -- ranking ------------------------------------------------------------------------

    def top(self, node: nodes.Node, mask: np.ndarray, limit: int, *, restrict: bool,
            groups: np.ndarray | None = None) -> list[tuple[int, float | None]]:
        """The ``limit`` best (document number, score) among the mask's documents, best
        first, as Whoosh's ``searcher.search`` ranks them. ``restrict``: the mask holds
        fewer documents than the node matches (a filter applies). ``groups``: a group key
        per document (the case thread): only the best document of each group counts."""
        found = self._top(node, mask, limit, groups) if type(self.searcher.weighting) is scoring.BM25F else None
        if found is not None:
            return [(docnum, score) for docnum, score in found]
        # What this module does not score: Whoosh ranks it, within the mask.
        allowed = set(np.flatnonzero(mask).tolist()) if restrict else None
        query = _rule(node).whoosh(node)
        scored = not isinstance(node, nodes.Every)
        # Grouped: ask for more until ``limit`` groups are found, or all matches.
        fetch = limit if groups is None else min(4 * limit, max(limit, int(mask.sum())))
        while True:
            results = self.searcher.search(query, filter=allowed, limit=fetch, terms=False)
            hits = [(hit.docnum, hit.score if scored else None) for hit in results]
            if groups is not None:
                hits = [hits[i] for i in firsts(groups[[docnum for docnum, _ in hits]])]
            if groups is None or len(hits) >= limit or len(results) < fetch:
                return hits[:limit]
            fetch *= 4

    def _top(self, node: nodes.Node, mask: np.ndarray, limit: int, groups: np.ndarray | None
             ) -> list[tuple[int, float]] | None:
        matches = np.flatnonzero(mask)
        if not len(matches):
            return []
        try:
            bound = self.scores(node, matches, exact=False)
        except _Unscored:
            return None
        order = np.lexsort((matches, -bound))
        # Grouped: the best-bounded document of each of the first ``limit`` groups; the
        # lowest of their exact scores is a floor no group below the page can reach.
        head = order[:limit] if groups is None else order[firsts(groups[matches[order]])[:limit]]
        checked = np.sort(matches[head])
        scores = self.scores(node, checked, exact=True)
        floor = scores.min() * (1 - _MARGIN)
        rest = np.setdiff1d(matches[bound >= floor], checked, assume_unique=True)
        if len(rest):
            checked = np.concatenate([checked, rest])
            scores = np.concatenate([scores, self.scores(node, rest, exact=True)])
        ranked = np.lexsort((checked, -scores))
        if groups is not None:
            ranked = ranked[firsts(groups[checked[ranked]])]
        return [(int(checked[i]), float(scores[i])) for i in ranked[:limit]]

    def scores(self, node: nodes.Node, docs: np.ndarray, exact: bool) -> np.ndarray:
        """The scores of the documents (sorted, all matches): exact, or counting every
        phrase as applying (an upper bound)."""
        self._score_docs(docs, exact)
        return self.score(node)

    def _score_docs(self, docs: np.ndarray, exact: bool) -> None:
        self.docs = docs
        self.exact = exact
        self._scores = {}

    def score(self, node: nodes.Node) -> np.ndarray:
        return _rule(node).score(self, node)

    def zeros(self) -> np.ndarray:
        return np.zeros(len(self.docs))

    def segments(self):
        """(segment reader, its offset, the slice of ``docs`` in it)."""
        for leaf, offset in self.leaves:
            low, high = np.searchsorted(self.docs, [offset, offset + leaf.doc_count_all()])
            if high > low:
                yield leaf, offset, slice(low, high)

    def span(self, terms: list[tuple[str, str, float]], slop: int, ordered: bool, mindist: int) -> np.ndarray:
        """The sum of the terms' scores where they stand together (everywhere, for a bound)."""
        if not all(self.present(field, text) for field, text, _ in terms):
            return self.zeros()  # Whoosh: a word the index lacks matches nothing
        total = self.zeros()
        for field, text, boost in terms:
            scores = self.term(field, text)
            total = total + (scores * boost if boost != 1.0 else scores)
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
                    where[part.start + n] = near([positions[docnum] for positions in found],
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
        if not searcher.schema[fieldname].scorable:
            raise _Unscored
        try:
            btext = self.bytes(fieldname, text)
        except ValueError:
            return self.zeros()
        found = self._scores.get((fieldname, btext))
        if found is not None:
            return found
        scores = self.zeros()
        if (fieldname, btext) in searcher.reader():
            weighting = searcher.weighting
            B, K1 = codec.bm25_b(weighting, fieldname), weighting.K1
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
        self._scores[(fieldname, btext)] = scores
        return scores


# -- the rules: how each node kind matches, scores and reads in Whoosh ----------------------

class _Rule:
    def match(self, ev: Evaluator, node) -> np.ndarray:
        raise NotImplementedError

    def score(self, ev: Evaluator, node) -> np.ndarray:
        raise _Unscored

    def whoosh(self, node) -> wq.Query:
        raise NotImplementedError


class _TermRule(_Rule):
    def match(self, ev, node):
        return ev.term_mask(node.field, lambda leaf: [node.text])

    def score(self, ev, node):
        scores = ev.term(node.field, node.text)
        return scores * node.boost if node.boost != 1.0 else scores

    def whoosh(self, node):
        return wq.Term(node.field, node.text, boost=node.boost)


class _PrefixRule(_Rule):
    def match(self, ev, node):
        return ev.term_mask(node.field, lambda leaf: leaf.expand_prefix(node.field, node.text))

    def whoosh(self, node):
        return wq.Prefix(node.field, node.text, boost=node.boost)


class _PhraseRule(_Rule):
    def match(self, ev, node):
        return ev.near_mask(self._terms(node), node.slop, True, 1)

    def score(self, ev, node):
        total = ev.span(self._terms(node), node.slop, True, 1)
        return total * node.boost if node.boost != 1.0 else total

    def whoosh(self, node):
        return wq.Phrase(node.field, list(node.words), slop=node.slop, boost=node.boost)

    @staticmethod
    def _terms(node) -> list[tuple[str, str, float]]:
        return [(node.field, word, 1.0) for word in node.words]


class _NearRule(_Rule):
    def match(self, ev, node):
        return ev.near_mask(self._terms(node), node.slop, False, 0)

    def score(self, ev, node):
        return ev.span(self._terms(node), node.slop, False, 0)

    def whoosh(self, node):
        return wq.SpanNear2([_rule(t).whoosh(t) for t in node.terms], slop=node.slop, ordered=False, mindist=0)

    @staticmethod
    def _terms(node) -> list[tuple[str, str, float]]:
        return [(term.field, term.text, term.boost) for term in node.terms]


class _OrRule(_Rule):
    def match(self, ev, node):
        mask = ev.table.none()
        for child in node.children:
            mask |= ev.mask(child)
        return mask

    def score(self, ev, node):
        return _sum(ev, node)

    def whoosh(self, node):
        return wq.Or([_rule(c).whoosh(c) for c in node.children], boost=node.boost)


class _AndRule(_Rule):
    def match(self, ev, node):
        if not node.children:  # Whoosh matches nothing with an empty And
            return ev.table.none()
        mask = ev.table.live.copy()
        for child in node.children:
            mask &= ev.mask(child)
        return mask

    def score(self, ev, node):
        return _sum(ev, node)

    def whoosh(self, node):
        return wq.And([_rule(c).whoosh(c) for c in node.children], boost=node.boost)


def _sum(ev: Evaluator, node) -> np.ndarray:
    if not node.children:
        return ev.zeros()
    if len(node.children) == 1:  # Whoosh uses the child's matcher, without the boost
        return ev.score(node.children[0])
    total = ev.score(node.children[0])
    for child in node.children[1:]:
        total = total + ev.score(child)
    return total * node.boost if node.boost != 1.0 else total


class _NotRule(_Rule):
    def match(self, ev, node):
        return ~ev.mask(node.child)

    def score(self, ev, node):
        return np.ones(len(ev.docs))  # inside an intersection Whoosh scores "not" as 1

    def whoosh(self, node):
        return wq.Not(_rule(node.child).whoosh(node.child))


class _AndMaybeRule(_Rule):
    def match(self, ev, node):
        return ev.mask(node.required)

    def score(self, ev, node):
        return ev.score(node.required) + ev.score(node.optional)

    def whoosh(self, node):
        return wq.AndMaybe(_rule(node.required).whoosh(node.required), _rule(node.optional).whoosh(node.optional))


class _EveryRule(_Rule):
    def match(self, ev, node):
        return ev.table.live.copy()

    def whoosh(self, node):
        return wq.Every()


class _NothingRule(_Rule):
    def match(self, ev, node):
        return ev.table.none()

    def score(self, ev, node):
        return ev.zeros()

    def whoosh(self, node):
        return wq.NullQuery


_RULES: dict[type, _Rule] = {
    nodes.Term: _TermRule(), nodes.Prefix: _PrefixRule(), nodes.Phrase: _PhraseRule(), nodes.Near: _NearRule(),
    nodes.Or: _OrRule(), nodes.And: _AndRule(), nodes.Not: _NotRule(), nodes.AndMaybe: _AndMaybeRule(),
    nodes.Every: _EveryRule(), nodes.Nothing: _NothingRule(),
}


def _rule(node: nodes.Node) -> _Rule:
    return _RULES[type(node)]


def to_whoosh(node: nodes.Node) -> wq.Query:
    """Whoosh's own query for a node (the tests compare the engine with Whoosh through it)."""
    return _rule(node).whoosh(node)
