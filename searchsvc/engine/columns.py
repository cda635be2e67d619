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

import pickle
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

from ..search.facets import FACETS

EMPTY = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)
_LENGTH_OF_BYTE = np.array([0.0] + [float(byte_to_length(b)) for b in range(1, 256)])


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


def posting_ids(reader, fieldname: str, text) -> np.ndarray:
    """The document numbers (segment-local, deleted ones included) holding a term in
    one segment reader, read a block at a time; empty when the term is absent."""
    return read_postings(reader, fieldname, text).ids


def read_postings(reader, fieldname: str, text) -> Postings:
    """A term's postings in one segment reader; empty when the term is absent."""
    try:
        matcher = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field this segment lacks
        return NO_POSTINGS
    if isinstance(matcher, FilterMatcher):  # deletions: the caller masks them
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        ids, found = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            found.append(matcher.weight())
            matcher.next()
        return Postings(np.array(ids, dtype=np.int32), np.array(found, dtype=np.float64), NO_POSTINGS.blocks)
    id_chunks, weight_chunks, blocks = [], [], []
    count = 0
    while matcher.is_active():
        blocks.append((count, matcher._dataoffset, matcher._nextoffset - matcher._dataoffset,
                       matcher._compression or 0))
        if matcher._data is None:
            matcher._read_data()
        ids = np.asarray(matcher._data[0], dtype=np.int64)  # delta-encoded unless bytes
        id_chunks.append(ids if matcher._byteids else np.cumsum(ids))
        found = matcher._data[1]  # None: all 1.0; a float: all the same
        if found is None or isinstance(found, float):
            weight_chunks.append(np.full(len(ids), 1.0 if found is None else found))
        else:
            weight_chunks.append(np.asarray(found, dtype=np.float64))
        count += len(ids)
        matcher._next_block()
    if not id_chunks:
        return NO_POSTINGS
    return Postings(np.concatenate(id_chunks).astype(np.int32), np.concatenate(weight_chunks),
                    np.array(blocks, dtype=np.int64))


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
    postfile = reader.postings(fieldname, text)
    if isinstance(postfile, FilterMatcher):
        postfile = postfile.child
    postfile = postfile._postfile
    decode = reader.schema[fieldname].format.decode_positions
    block_of = np.searchsorted(postings.blocks[:, 0], index, side="right") - 1
    values = None
    current = -1
    for docnum, i, block in zip(docnums.tolist(), index.tolist(), block_of.tolist()):
        if block != current:
            start, offset, length, compression = postings.blocks[block].tolist()
            data = postfile.get(offset, length)
            values = pickle.loads(zlib.decompress(data) if compression else data)[2]
            current = block
        found[docnum] = decode(values[i - start])
    return found


class PostingCache:
    """Postings read before, by segment and term, up to a number of bytes; the least
    recently used go first. A segment never changes, so an entry is valid for as long
    as its segment lives."""

    def __init__(self, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple, Postings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, leaf, fieldname: str, text) -> Postings:
        """A term's postings in one segment reader."""
        if not isinstance(text, bytes):
            try:
                text = leaf.schema[fieldname].to_bytes(text)
            except (KeyError, ValueError):
                return NO_POSTINGS
        key = (leaf.segment().segment_id(), fieldname, text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = read_postings(leaf, fieldname, text)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self.bytes += found.nbytes
                while self.bytes > self.max_bytes and self._entries:
                    _, old = self._entries.popitem(last=False)
                    self.bytes -= old.nbytes
        return found


class Vocabulary:
    """The values of each facet, numbered from 1 (0: no value). It only grows, so codes
    stay valid in every segment's arrays."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {f.name: [""] for f in FACETS}
        self._codes: dict[str, dict[str, int]] = {f.name: {} for f in FACETS}
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
    lengths: dict[str, np.ndarray] = field(default_factory=dict)   # read when first scored

    def field_lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each document's length in a field as Whoosh's scoring sees it (the stored
        byte, decoded; 0 for none)."""
        found = self.lengths.get(fieldname)
        if found is None:
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                found = np.zeros(self.size)
            else:
                found = _LENGTH_OF_BYTE[np.fromiter(column, dtype=np.int64, count=self.size)]
            self.lengths[fieldname] = found
        return found

    @classmethod
    def read(cls, reader, vocabulary: Vocabulary) -> SegmentArrays:
        size = reader.doc_count_all()
        codes: dict[str, np.ndarray] = {}
        pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for facet in FACETS:
            terms = list(reader.field_terms(facet.field)) if facet.field in reader.schema else []
            if facet.multi:
                docs, values = [EMPTY], [EMPTY]
                for term in terms:
                    ids = posting_ids(reader, facet.field, term)
                    docs.append(ids)
                    values.append(np.full(len(ids), vocabulary.code(facet.name, term), dtype=np.int32))
                pairs[facet.name] = (np.concatenate(docs), np.concatenate(values))
            else:
                column = np.zeros(size, dtype=np.int32)
                for term in terms:
                    column[posting_ids(reader, facet.field, term)] = vocabulary.code(facet.name, term)
                codes[facet.name] = column
        return cls(size, codes, pairs, _column(reader, "date", size), _column(reader, "item_number", size))


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
        for facet in FACETS:
            if facet.multi:
                docs = [a.pairs[facet.name][0] + offset for a, offset in parts]
                values = [a.pairs[facet.name][1] for a, _ in parts]
                pairs[facet.name] = (np.concatenate(docs) if docs else EMPTY,
                                     np.concatenate(values) if values else EMPTY)
        return cls(
            size=size,
            live=np.concatenate(live_parts) if live_parts else np.zeros(0, dtype=bool),
            codes={f.name: joined(lambda a, n=f.name: a.codes[n]) for f in FACETS if not f.multi},
            pairs=pairs,
            date=joined(lambda a: a.date),
            item_number=joined(lambda a: a.item_number),
            vocabulary=vocabulary,
            segments=seen,
            postings=postings or PostingCache(),
        )

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def docs_with(self, facet: str, values) -> np.ndarray:
        """A mask of the documents with any of these facet values."""
        found = (self.vocabulary.find(facet, v) for v in values)
        known = [code for code in found if code is not None]
        if facet in self.codes:
            return np.isin(self.codes[facet], known)
        docs, codes = self.pairs[facet]
        mask = self.none()
        mask[docs[np.isin(codes, known)]] = True
        return mask

    def counts(self, facet: str, mask: np.ndarray) -> dict[str, int]:
        """Value counts of one facet over the documents of a mask."""
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

    def page(self, mask: np.ndarray, sort: str, start: int, count: int) -> list[int]:
        """The document numbers of one page of a mask's documents in date order."""
        ordered = self.order(sort)
        return ordered[mask[ordered]][start:start + count].tolist()
