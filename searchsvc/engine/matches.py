"""The documents a query matches, as a boolean array over one index snapshot.

Whoosh finds matches by walking matcher trees in Python, one document at a time; for a
common word in a large archive that is tens of thousands of steps per field. Here
the common query shapes are evaluated as set algebra instead: a term is its posting
list (read a block at a time), ``Or`` is a union, ``And`` an intersection, ``Not`` a
complement, a phrase the documents holding all its words where their positions follow
one another. Any other kind of query (ranges, spans with a wider slop) is handed to
Whoosh's own ``docs_for_query``, so every query matches exactly what Whoosh matches.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .columns import DocTable, positions_at


def match_mask(query: wq.Query, searcher, table: DocTable) -> np.ndarray:
    """A mask of the live documents the query matches (deleted ones never match)."""
    return _mask(query, searcher, table) & table.live


def _mask(node: wq.Query, searcher, table: DocTable) -> np.ndarray:
    kind = type(node)
    if node is wq.NullQuery or kind is type(wq.NullQuery):
        return table.none()
    if kind is wq.Every and not node.fieldname:
        return table.live.copy()
    if kind is wq.Term:
        return _terms(searcher, table, node.fieldname, lambda leaf: [node.text])
    if kind is wq.Prefix:
        return _terms(searcher, table, node.fieldname,
                      lambda leaf: leaf.expand_prefix(node.fieldname, node.text))
    if kind in (wq.Or, wq.DisjunctionMax) and not getattr(node, "minmatch", 0):
        mask = table.none()
        for child in node.subqueries:
            mask |= _mask(child, searcher, table)
        return mask
    if kind is wq.And:
        if not node.subqueries:  # Whoosh matches nothing with an empty And
            return table.none()
        mask = table.live.copy()
        for child in node.subqueries:
            mask &= _mask(child, searcher, table)
        return mask
    if kind is wq.Not:
        return ~_mask(node.query, searcher, table)
    if kind is wq.AndNot:
        return _mask(node.a, searcher, table) & ~_mask(node.b, searcher, table)
    if kind is wq.Require:
        return _mask(node.a, searcher, table) & _mask(node.b, searcher, table)
    if kind is wq.AndMaybe:
        return _mask(node.a, searcher, table)
    if kind is wq.Phrase and node.slop == 1:
        return _phrase(node, searcher, table)
    # Phrases, ranges and the rest: Whoosh knows best.
    mask = table.none()
    docnums = np.fromiter(searcher.docs_for_query(node), dtype=np.int64)
    mask[docnums] = True
    return mask


def _terms(searcher, table: DocTable, fieldname: str, terms_of) -> np.ndarray:
    """The documents holding any of a field's terms (``terms_of`` names them per segment)."""
    mask = table.none()
    if fieldname not in searcher.schema:
        return mask
    for leaf, offset in searcher.reader().leaf_readers():
        try:
            terms = list(terms_of(leaf))
        except Exception:  # a field this segment lacks
            continue
        for text in terms:
            ids = table.postings.get(leaf, fieldname, text).ids
            if len(ids):
                mask[ids + offset] = True
    return mask


def _phrase(node: wq.Phrase, searcher, table: DocTable) -> np.ndarray:
    """The documents where the words stand one after another (Whoosh's ``Phrase`` with
    the default slop of 1: each word at the position after the one before)."""
    mask = table.none()
    field = searcher.schema[node.fieldname] if node.fieldname in searcher.schema else None
    if field is None or not node.words:
        return mask
    try:
        words = [field.to_bytes(word) if not isinstance(word, bytes) else word for word in node.words]
    except ValueError:
        return mask
    for leaf, offset in searcher.reader().leaf_readers():
        if not all((node.fieldname, word) in leaf for word in words):
            continue  # Whoosh: a word the segment lacks matches nothing in it
        postings = [table.postings.get(leaf, node.fieldname, word) for word in words]
        candidates = postings[0].ids
        for other in postings[1:]:
            candidates = np.intersect1d(candidates, other.ids, assume_unique=True)
        if not len(candidates):
            continue
        found = [positions_at(leaf, node.fieldname, word, p, candidates) for word, p in zip(words, postings)]
        for docnum in candidates.tolist():
            starts = set(found[0][docnum])
            for shift, positions in enumerate(found[1:], start=1):
                following = set(positions[docnum])
                starts = {p for p in starts if p + shift in following}
                if not starts:
                    break
            if starts:
                mask[docnum + offset] = True
    return mask
