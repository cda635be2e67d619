"""Per-document arrays of one index snapshot: facet codes, sort keys, live documents.

Facet counts, filters and date order are array operations over these (numpy), not
walks over Whoosh's stored fields. The arrays are read from the index's postings and
columns one segment at a time, and a segment's arrays are kept for as long as the
segment is live: a Whoosh segment never changes once written, so when a reindex adds
one meeting only its new segment is read. Deletions do change (a set per segment) and
are read per snapshot.

Document numbers are the snapshot's: a segment's own numbers plus its offset.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from whoosh.query.spans import Span, bisect_spans

from ..lru import LRUCache
from . import codec
from .schema import GROUP_COLUMNS, KEYWORD_COLUMNS, SORT_COLUMNS

EMPTY = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


@dataclass
class Postings:
    """A term's postings in one segment: document numbers (deleted ones included), their
    weights, and where each block of them lies in the postings file (its first index
    into ``ids``, its data's offset and length, its compression), to read positions."""

    ids: np.ndarray
    weights: np.ndarray
    blocks: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes + self.blocks.nbytes


NO_POSTINGS = Postings(EMPTY, EMPTY_WEIGHTS, np.zeros((0, 4), dtype=np.int64))


def read_postings(reader, fieldname: str, text) -> Postings:
    """A term's postings in one segment reader, read a block at a time; empty when the
    term is absent."""
    matcher = codec.leaf_matcher(reader, fieldname, text)
    if matcher is None:
        return NO_POSTINGS
    id_chunks, weight_chunks, blocks = [], [], []
    count = 0
    for offset, length, compression, ids, found in codec.posting_blocks(matcher):
        if offset >= 0:
            blocks.append((count, offset, length, compression))
        id_chunks.append(ids)
        if found is None or isinstance(found, float):  # None: all 1.0; a float: all the same
            weight_chunks.append(np.full(len(ids), 1.0 if found is None else found))
        else:
            weight_chunks.append(np.asarray(found, dtype=np.float64))
        count += len(ids)
    if not id_chunks:
        return NO_POSTINGS
    return Postings(np.concatenate(id_chunks).astype(np.int32), np.concatenate(weight_chunks),
                    np.array(blocks, dtype=np.int64).reshape(-1, 4))


def positions_at(reader, fieldname: str, text, postings: Postings, docnums: np.ndarray) -> dict[int, list[int]]:
    """The positions of a term in some documents of one segment (segment-local numbers),
    read from just the blocks that hold them; documents without the term are left out."""
    found: dict[int, list[int]] = {}
    if not len(postings.blocks) or not len(docnums):
        return found
    index = np.searchsorted(postings.ids, docnums)
    inside = index < len(postings.ids)
    docnums, index = docnums[inside], index[inside]
    held = postings.ids[index] == docnums
    docnums, index = docnums[held], index[held]
    if not len(docnums):
        return found
    decode = reader.schema[fieldname].format.decode_positions
    block_of = np.searchsorted(postings.blocks[:, 0], index, side="right") - 1
    values: list = []
    current = -1
    start = 0
    for docnum, i, block in zip(docnums.tolist(), index.tolist(), block_of.tolist()):
        if block != current:
            start, offset, length, compression = postings.blocks[block].tolist()
            values = codec.block_values(reader, fieldname, text, offset, length, compression)
            current = block
        found[docnum] = decode(values[i - start])
    return found


def near(positions: list[list[int]], slop: int, ordered: bool, mindist: int) -> bool:
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


class PostingCache:
    """Postings read before, by segment and term, up to a number of bytes. A segment
    never changes, so an entry is valid for as long as its segment lives."""

    def __init__(self, max_bytes: int = 128 * 1024 * 1024) -> None:
        self._cache: LRUCache[Postings] = LRUCache(max_bytes, size_of=lambda postings: postings.nbytes)

    def get(self, leaf, fieldname: str, text) -> Postings:
        """A term's postings in one segment reader."""
        if not isinstance(text, bytes):
            try:
                text = leaf.schema[fieldname].to_bytes(text)
            except (KeyError, ValueError):
                return NO_POSTINGS
        key = (leaf.segment().segment_id(), fieldname, text)
        return self._cache.get_or_compute(key, lambda: read_postings(leaf, fieldname, text))


class Vocabulary:
    """The values of each facet, numbered from 1 (0: no value). It only grows, so codes
    stay valid in every segment's arrays."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {name: [""] for name in KEYWORD_COLUMNS}
        self._codes: dict[str, dict[str, int]] = {name: {} for name in KEYWORD_COLUMNS}
        self._lock = threading.Lock()

    def find(self, facet: str, value: str) -> int | None:
        """The code of a value, or None when no document has had it."""
        return self._codes[facet].get(value)

    def code(self, facet: str, value: str) -> int:
        """The code of a value read from the index, numbering it when new."""
        codes = self._codes[facet]
        found = codes.get(value)
        if found is None:
            with self._lock:
                found = codes.get(value)
                if found is None:
                    found = codes[value] = len(self.values[facet])
                    self.values[facet].append(value)
        return found


@dataclass
class SegmentArrays:
    """One segment's facet codes and sort keys, by segment-local document number."""

    size: int
    codes: dict[str, np.ndarray]                          # single-valued facets
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]       # multi-valued: (docs, codes)
    date: np.ndarray
    item_number: np.ndarray
    groups: dict[str, np.ndarray]                         # GROUP_COLUMNS: the case thread
    lengths: dict[str, np.ndarray] = field(default_factory=dict)   # read when first scored

    def field_lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each document's length in a field as Whoosh's scoring sees it (the stored
        byte, decoded; 0 for none)."""
        found = self.lengths.get(fieldname)
        if found is None:
            found = codec.length_column(reader, fieldname, self.size)
            if found is None:
                found = np.zeros(self.size)
            self.lengths[fieldname] = found
        return found

    @classmethod
    def read(cls, reader, vocabulary: Vocabulary) -> SegmentArrays:
        size = reader.doc_count_all()
        codes: dict[str, np.ndarray] = {}
        pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, multi in KEYWORD_COLUMNS.items():
            terms = list(reader.field_terms(name)) if name in reader.schema else []
            if multi:
                docs, values = [EMPTY], [EMPTY]
                for term in terms:
                    ids = read_postings(reader, name, term).ids
                    docs.append(ids)
                    values.append(np.full(len(ids), vocabulary.code(name, term), dtype=np.int32))
                pairs[name] = (np.concatenate(docs), np.concatenate(values))
            else:
                column = np.zeros(size, dtype=np.int32)
                for term in terms:
                    column[read_postings(reader, name, term).ids] = vocabulary.code(name, term)
                codes[name] = column
        date, item_number = (_column(reader, name, size) for name in SORT_COLUMNS)
        return cls(size, codes, pairs, date, item_number, {name: _column(reader, name, size) for name in GROUP_COLUMNS})


def firsts(keys: np.ndarray) -> np.ndarray:
    """The positions of each key's first occurrence, in order: collapsing a ranked list
    of documents to one per group (the case thread) is ``ranked[firsts(group[ranked])]``."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.unique(keys, return_index=True)[1])


def _column(reader, fieldname: str, size: int) -> np.ndarray:
    if fieldname not in reader.schema or not reader.has_column(fieldname):
        return np.zeros(size, dtype=np.int64)
    return np.fromiter(reader.column_reader(fieldname), dtype=np.int64, count=size)


@dataclass
class DocTable:
    """The arrays of one snapshot: every segment's, end to end, and which documents live."""

    size: int
    live: np.ndarray
    codes: dict[str, np.ndarray]
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    date: np.ndarray
    item_number: np.ndarray
    groups: dict[str, np.ndarray]
    vocabulary: Vocabulary
    segments: dict[str, tuple[SegmentArrays, int]] = field(default_factory=dict)  # by segment id
    postings: PostingCache = field(default_factory=PostingCache)
    _orders: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, reader, vocabulary: Vocabulary, cache: dict[str, SegmentArrays],
              postings: PostingCache | None = None) -> DocTable:
        """The table of a (multi-segment) reader, reusing the cached arrays of segments
        read before; ``cache`` is left holding exactly the live segments."""
        parts: list[tuple[SegmentArrays, int]] = []
        live_parts: list[np.ndarray] = []
        seen: dict[str, tuple[SegmentArrays, int]] = {}
        for leaf, offset in reader.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            key = segment.segment_id() if segment is not None else None
            arrays = cache.get(key) if key else None
            if arrays is None:
                arrays = SegmentArrays.read(leaf, vocabulary)
                if key:
                    cache[key] = arrays
            if key:
                seen[key] = (arrays, offset)
            parts.append((arrays, offset))
            live = np.ones(arrays.size, dtype=bool)
            if leaf.has_deletions():
                deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)
                live[deleted] = False
            live_parts.append(live)
        for stale in [k for k in cache if k not in seen]:
            del cache[stale]
        size = sum(a.size for a, _ in parts)

        def joined(get) -> np.ndarray:
            return np.concatenate([get(a) for a, _ in parts]) if parts else np.zeros(0, dtype=np.int64)

        pairs = {}
        for name, multi in KEYWORD_COLUMNS.items():
            if multi:
                docs = [a.pairs[name][0] + offset for a, offset in parts]
                values = [a.pairs[name][1] for a, _ in parts]
                pairs[name] = (np.concatenate(docs) if docs else EMPTY,
                               np.concatenate(values) if values else EMPTY)
        return cls(
            size=size,
            live=np.concatenate(live_parts) if live_parts else np.zeros(0, dtype=bool),
            codes={name: joined(lambda a, n=name: a.codes[n]) for name, multi in KEYWORD_COLUMNS.items() if not multi},
            pairs=pairs,
            date=joined(lambda a: a.date),
            item_number=joined(lambda a: a.item_number),
            groups={name: joined(lambda a, n=name: a.groups[n]) for name in GROUP_COLUMNS},
            vocabulary=vocabulary,
            segments=seen,
            postings=postings or PostingCache(),
        )

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def docs_with(self, facet: str, values) -> np.ndarray:
        """A mask of the documents with any of these values of a keyword column."""
        found = (self.vocabulary.find(facet, v) for v in values)
        known = [code for code in found if code is not None]
        if facet in self.codes:
            return np.isin(self.codes[facet], known)
        docs, codes = self.pairs[facet]
        mask = self.none()
        mask[docs[np.isin(codes, known)]] = True
        return mask

    def counts(self, facet: str, mask: np.ndarray) -> dict[str, int]:
        """Value counts of one keyword column over the documents of a mask."""
        values = self.vocabulary.values[facet]
        if facet in self.codes:
            tally = np.bincount(self.codes[facet][mask], minlength=len(values))
        else:
            docs, codes = self.pairs[facet]
            tally = np.bincount(codes[mask[docs]], minlength=len(values))
        return {values[code]: int(tally[code]) for code in np.flatnonzero(tally) if code}

    def order(self, sort: str) -> np.ndarray:
        """Every document number in ``newest`` order (date descending, then agenda item
        number) or ``oldest`` (date, then item number); ties in document order."""
        found = self._orders.get(sort)
        if found is None:
            docnums = np.arange(self.size)
            date = -self.date if sort == "newest" else self.date
            found = self._orders[sort] = np.lexsort((docnums, self.item_number, date))
        return found

    def grouped(self, mask: np.ndarray, column: str, *, once: bool = False) -> np.ndarray:
        """A mask's documents oldest first, grouped by a group column (``GROUP_COLUMNS``):
        groups in the order of their first document, each in date and item order (with
        ``once``, only that first document of each group)."""
        docs = np.flatnonzero(mask)
        _, codes = np.unique(self.groups[column][docs], return_inverse=True)
        when = self.date[docs] * 100_000 + self.item_number[docs]  # date, then item number
        first = np.full(len(docs), np.iinfo(np.int64).max)
        np.minimum.at(first, codes, when)
        ordered = np.lexsort((docs, when, codes, first[codes]))
        return docs[ordered[firsts(codes[ordered])]] if once else docs[ordered]

    def page(self, mask: np.ndarray, sort: str, start: int, count: int, group: str | None = None) -> list[int]:
        """The document numbers of one page of a mask's documents in date order; with a
        group column, only the first document of each group in that order."""
        ordered = self.order(sort)
        ordered = ordered[mask[ordered]]
        if group is not None:
            ordered = ordered[firsts(self.groups[group][ordered])]
        return ordered[start:start + count].tolist()

    def group_count(self, mask: np.ndarray, group: str) -> int:
        """How many groups (case threads) a mask's documents fall in."""
        return len(np.unique(self.groups[group][mask]))
