"""Every access to Whoosh's private names, in one module.

searchsvc reads and writes Whoosh's files faster than Whoosh's public API lets it:
posting blocks as arrays, positions from just the blocks that hold them, field lengths
as columns, segments written by a faster writer and listed in a commit of our own
choosing. Each of these needs a name Whoosh does not promise to keep. They are all
here, so that a new Whoosh version is checked in one place; the rest of the engine
calls these functions and classes only.

Checked against whoosh-reloaded 2.7.5 (``pyproject.toml`` pins ``>=2.7.5,<2.8``). The
tests that compare the engine's results with Whoosh's own (``test_segments.py``,
``test_evaluate.py``, ``test_columns.py``) are the guard when that pin moves.
"""

from __future__ import annotations

import pickle
import re
import sys
import zlib
from collections.abc import Iterator

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.index import TOC, FileIndex
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

WHOOSH_VERSION_CHECKED = "2.7.5"


def _alias_former_modules() -> None:
    """Whoosh pickles a schema's analysers with their module path; indexes written
    before the engine package existed name ``searchsvc.analysis``. Alias it, so that
    such an index opens (and the next reindex finds it outdated and rebuilds it)."""
    from . import analysis

    sys.modules.setdefault("searchsvc.analysis", analysis)


_alias_former_modules()

# A stored length byte, decoded (Whoosh's ``byte_to_length``), for every byte value.
LENGTH_OF_BYTE = np.array([0.0] + [float(byte_to_length(b)) for b in range(1, 256)])


# -- reading postings ---------------------------------------------------------------------

def leaf_matcher(reader, fieldname: str, text):
    """The raw block matcher of a term in one segment reader (deletions not applied),
    or None when the term or field is absent."""
    try:
        matcher = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field this segment lacks
        return None
    if isinstance(matcher, FilterMatcher):  # deletions: the caller masks them
        matcher = matcher.child
    return matcher


def posting_blocks(matcher) -> Iterator[tuple[int, int, int, np.ndarray, object]]:
    """Each posting block of a matcher: (data offset, data length, compression, the
    block's document numbers, its weights as stored: None, a float, or a sequence).
    Falls back to one posting at a time for matchers that are not block matchers."""
    if not isinstance(matcher, W3LeafMatcher):
        ids: list[int] = []
        found: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            found.append(matcher.weight())
            matcher.next()
        if ids:
            yield -1, 0, 0, np.array(ids, dtype=np.int64), found
        return
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        block = np.asarray(matcher._data[0], dtype=np.int64)  # delta-encoded unless bytes
        yield (matcher._dataoffset, matcher._nextoffset - matcher._dataoffset, matcher._compression or 0,
               block if matcher._byteids else np.cumsum(block), matcher._data[1])
        matcher._next_block()


def block_values(reader, fieldname: str, text, offset: int, length: int, compression: int) -> list:
    """The encoded values (positions) of one posting block, read from the postings file."""
    matcher = leaf_matcher(reader, fieldname, text)
    data = matcher._postfile.get(offset, length)
    return pickle.loads(zlib.decompress(data) if compression else data)[2]


def length_column(reader, fieldname: str, size: int) -> np.ndarray | None:
    """Each document's length in a field as Whoosh's scoring sees it (the stored byte,
    decoded), or None when the segment records no lengths for the field."""
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return LENGTH_OF_BYTE[np.fromiter(column, dtype=np.int64, count=size)]


def has_length_column(perdoc_reader, fieldname: str) -> bool:
    """Whether a per-document reader (a segment being written) records a field's lengths."""
    return perdoc_reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) is not None


def bm25_b(weighting, fieldname: str) -> float:
    """BM25F's ``B`` for a field (Whoosh keeps per-field values privately)."""
    return weighting._field_B.get(fieldname, weighting.B)


# -- commits ----------------------------------------------------------------------------------

def searcher_at(ix, commit: int) -> Searcher:
    """A searcher over one commit (TOC generation) of the index.

    :raise OSError: that commit's files are gone.
    """
    toc = TOC.read(ix.storage, ix.indexname, gen=commit)
    reader = FileIndex._reader(ix.storage, toc.schema, toc.segments, toc.generation)
    return Searcher(reader, fromindex=ix)


def commit_exists(ix, commit: int) -> bool:
    return ix.storage.file_exists(TOC._filename(ix.indexname, commit))


def commit_files(ix) -> Iterator[tuple[str, int]]:
    """The commit (TOC) files in the index folder, with their generations."""
    pattern: re.Pattern = TOC._pattern(ix.indexname)
    for name in ix.storage.list():
        if match := pattern.match(name):
            yield name, int(match.group(1))


def write_commit(writer, segments: list) -> None:
    """Write a commit (TOC) that lists ``segments``, for ``writer``'s generation."""
    TOC(writer.schema, segments, writer.generation).write(writer.storage, writer.indexname)


# -- the segment writer ------------------------------------------------------------------------

def add_postings(fieldwriter, docnums: list[int], weights: list[float], values: list[bytes],
                 lengths: list[int]) -> None:
    """Add the current term's postings (in document order) to a segment's field writer:
    the blocks and statistics that ``FieldWriter.add`` for each posting makes, a block's
    worth of postings at a time instead of one call per posting."""
    postings = fieldwriter._postwriter
    limit, total, start = postings._blocklimit, len(docnums), 0
    while start < total:
        if len(postings._ids) >= limit:
            postings._write_block()
        end = min(total, start + limit - len(postings._ids))
        postings._ids.extend(docnums[start:end])
        chunk = weights[start:end]
        postings._weights.extend(chunk)
        postings._maxweight = max(postings._maxweight, max(chunk))
        postings._values.extend(value for value in values[start:end] if value)
        given = [length for length in lengths[start:end] if length]
        if given:
            shortest = min(given)
            if postings._minlength is None or shortest < postings._minlength:
                postings._minlength = shortest
            postings._maxlength = max(postings._maxlength, max(given))
        start = end


class CodecSegmentWriter(WhooshSegmentWriter):
    """Whoosh's segment writer with its private steps under public names, for the
    engine's faster writer (``segments.py``) to override and call."""

    def check_state(self) -> None:
        self._check_state()

    def check_fields(self, fields: dict) -> None:
        self._check_fields(self.schema, fields)

    def mark_added(self) -> None:
        self._added = True

    def finalize_segment(self):
        """Write the segment out without committing it; the segment, for a commit to list."""
        return self._finalize_segment()

    def write_postings(self) -> None:
        """Write the pooled postings to the segment (Whoosh's own way; override to speed up)."""
        super()._flush_segment()

    def commit_segments(self, segments: list) -> None:
        """Write the commit listing ``segments`` (Whoosh's own way; override to keep or add)."""
        super()._commit_toc(segments)

    def _flush_segment(self) -> None:
        self.write_postings()

    def _commit_toc(self, segments) -> None:
        self.commit_segments(segments)
