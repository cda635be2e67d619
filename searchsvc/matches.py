"""The documents a query matches, as a boolean array over one index snapshot.

Whoosh finds matches by walking matcher trees in Python, one document at a time; for a
common word in a large archive that is tens of thousands of steps per field. Here
the common query shapes are evaluated as set algebra instead: a term is its posting
list (read a block at a time), ``Or`` is a union, ``And`` an intersection, ``Not`` a
complement. Any other kind of query (phrases, ranges) is handed to Whoosh's own
``docs_for_query``, so every query matches exactly what Whoosh would match.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .doctable import DocTable


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
