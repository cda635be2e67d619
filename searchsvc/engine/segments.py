"""Writing Whoosh segments fast: the same files Whoosh writes, with less Python per word.

A full reindex spends its time in Whoosh's pure-Python writer, not in parsing. Three
parts of it cost far more than they need to, and ``SegmentWriter`` here replaces them
while writing the segment Whoosh's own writer would: the same terms, postings (with
positions), field lengths and stored fields (tests compare):

- **analysis**: Whoosh runs a generator per filter and a token object per word form,
  and encodes positions word by word; here the Danish fields are tokenized with one
  regular expression and each distinct word's forms are computed once (the Danish
  filter's cache, ``analysis.DanishFilter.token_forms``);
- **the posting pool**: Whoosh pickles every posting one by one into sorted runs on
  disk once its buffer fills and merges them back with a heap, so that time per item
  grows with the size of the batch; here they are held in flat arrays and sorted once,
  with numpy (``_Pool``), and ``indexer`` starts a new segment once one holds
  ``SEGMENT_POSTINGS``;
- **field lengths**: Whoosh reads each posting's document length back from the
  segment's column file, one posting at a time; here each field's lengths are read
  once (``_Lengths``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import groupby

import numpy as np
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.formats import Positions

from .analysis import DanishFilter, NormalizeFilter, attach_dictionary
from .codec import CodecSegmentWriter, add_postings, has_length_column
from .compounds import CompoundDictionary


class SegmentWriter(CodecSegmentWriter):
    """Whoosh's segment writer with fast Danish analysis, pool and length lookups."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _Pool()
        self._analysis: dict[str, _Analysis] = {}
        # Whoosh's own add_document handles what this one leaves out.
        self._simple = all(not field.vector and not field.separate_spelling()
                           for _, field in self.schema.items())

    def attach_dictionary(self, dictionary: CompoundDictionary) -> None:
        """Split compounds with ``dictionary`` in the documents added from now on."""
        attach_dictionary(self.schema, dictionary)
        self._analysis = {name: _Analysis(field) for name, field in self.schema.items()
                          if _Analysis.handles(field)}

    def add_document(self, **fields) -> None:
        """Add a document as Whoosh does (no boosts, vectors or spelling fields)."""
        if not self._simple or any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self.check_state()
        self.check_fields(fields)
        docnum, perdoc, add = self.docnum, self.perdocwriter, self.pool.add_postings
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                if field.indexed:
                    analysis = self._analysis.get(name)
                    items = analysis.word_values(value) if analysis else list(field.index(value))
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    add(name, docnum, items)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self.mark_added()
        self.docnum += 1

    def write_postings(self) -> None:
        # What Whoosh's FieldWriter.add_postings does, a term's postings at a time
        # instead of one posting at a time through a generic loop.
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
        writer = self.fieldwriter
        for fieldname, terms in groupby(self.pool.sorted_groups(), key=lambda group: group[0][0]):
            writer.start_field(fieldname, self.schema[fieldname])
            doc_lengths = lengths.of(fieldname) if lengths else _NoLengths()
            for (_, tbytes), docnums, weights, values in terms:
                writer.start_term(tbytes)
                add_postings(writer, docnums, weights, values, [doc_lengths[docnum] for docnum in docnums])
                writer.finish_term()
            writer.finish_field()
        writer.close()
        if lengths:
            lengths.close()


class _Analysis:
    """A Danish field's postings from its text: what the field's analyser and its
    ``Positions`` format produce together, one distinct word at a time."""

    def __init__(self, field) -> None:
        items = field.analyzer.items
        self.pattern = items[0].expression
        self.danish = items[-1]
        self.encode = field.format.encode
        self.boost = field.format.field_boost
        # The encoded value of a one-position posting (most postings), by its position.
        self.single: dict[int, bytes] = {}

    @staticmethod
    def handles(field) -> bool:
        """Whether a field's analyser is exactly the Danish pipeline (``danish_analyzer``)."""
        items = getattr(getattr(field, "analyzer", None), "items", None)
        return (type(getattr(field, "format", None)) is Positions and items is not None
                and [type(i) for i in items] == [RegexTokenizer, LowercaseFilter, NormalizeFilter, DanishFilter]
                and not items[0].gaps)

    def word_values(self, text: str) -> list[tuple[bytes, int, float, bytes]]:
        # Positions are gathered per distinct token first (one dict lookup per word), then
        # handed to the token's forms: a form of one token shares its list, a form of
        # several (``Klager``, ``klagerne``: ``klag``) gets theirs merged and sorted.
        by_token: dict[str, list[int]] = {}
        for pos, token in enumerate(self.pattern.findall(text)):
            found = by_token.get(token)
            if found is None:
                by_token[token] = [pos]
            else:
                found.append(pos)
        positions: dict[bytes, list[int]] = {}
        merged: list[bytes] = []
        # The filter's cache, read directly: this loop runs once per distinct word of each text.
        known, compute = self.danish.cache.get, self.danish.token_forms
        for token, poslist in by_token.items():
            for form in (known(token) or compute(token))[1]:
                found = positions.get(form)
                if found is None:
                    positions[form] = poslist
                else:
                    positions[form] = found + poslist  # a new list: ``found`` may be shared
                    merged.append(form)
        for form in merged:
            positions[form].sort()
        boost, encode, single = self.boost, self.encode, self.single
        values = []
        for form, poslist in positions.items():
            if len(poslist) == 1:
                pos = poslist[0]
                vbytes = single.get(pos)
                if vbytes is None:
                    vbytes = single[pos] = encode(poslist)
                values.append((form, 1, boost, vbytes))
            else:
                values.append((form, len(poslist), len(poslist) * boost, encode(poslist)))
        return values


class _Pool:
    """A segment's postings in flat arrays, some 30 bytes each (as Python tuples they
    took some 150), grouped by (field, term) and sorted only when the segment is written."""

    def __init__(self) -> None:
        self.terms: dict[tuple[str, bytes], int] = {}  # (field, term) -> its number
        self.term_numbers = array("i")
        self.docnums = array("i")
        self.weights = array("d")
        self.values = bytearray()
        self.value_ends = array("I")  # a segment's values stay far below 4 GB

    @property
    def size(self) -> int:
        """The postings held."""
        return len(self.docnums)

    def add_postings(self, fieldname: str, docnum: int, items: list) -> None:
        """Add a document's postings in one field: (term, freq, weight, value) each."""
        terms, numbers = self.terms, []
        weights, values = [], []
        for tbytes, _, weight, vbytes in items:
            number = terms.get((fieldname, tbytes))
            if number is None:
                number = terms[(fieldname, tbytes)] = len(terms)
            numbers.append(number)
            weights.append(weight)
            values.append(vbytes or b"")
        end = len(self.values)
        ends = []
        for vbytes in values:
            end += len(vbytes)
            ends.append(end)
        self.term_numbers.extend(numbers)
        self.docnums.extend([docnum] * len(numbers))
        self.weights.extend(weights)
        self.values += b"".join(values)
        self.value_ends.extend(ends)

    def add(self, posting: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting (field, term, docnum, weight, value): Whoosh's merge of a
        segment with deletions into a new one (``add_reader``) adds them so."""
        fieldname, tbytes, docnum, weight, vbytes = posting
        self.add_postings(fieldname, docnum, [(tbytes, None, weight, vbytes)])

    def sorted_groups(self) -> Iterator[tuple[tuple[str, bytes], list[int], list[float], list[bytes]]]:
        """Each (field, term) with its postings' docnums, weights and values in document
        order, in the order Whoosh's pool sorts them. Empties the pool."""
        if not self.terms:
            return
        keys = list(self.terms)  # in number order
        by_key = sorted(range(len(keys)), key=keys.__getitem__)
        ranks = np.empty(len(keys), dtype=np.int32)
        ranks[by_key] = np.arange(len(keys), dtype=np.int32)
        keys = [keys[number] for number in by_key]
        self.terms = {}
        term_ranks = ranks[np.frombuffer(self.term_numbers, dtype=np.int32)]
        docnums = np.frombuffer(self.docnums, dtype=np.int32)
        order = np.lexsort((docnums, term_ranks))
        term_ranks = term_ranks[order]
        bounds = [0, *(np.flatnonzero(np.diff(term_ranks)) + 1).tolist(), len(order)]
        ends = np.frombuffer(self.value_ends, dtype=np.uint32)
        starts = np.concatenate((np.zeros(1, dtype=np.uint32), ends[:-1]))
        # The columns in sorted order stay arrays, made Python lists a term at a time: as
        # whole lists, a segment's 16 million postings took some 2.5 GB more at 50k items.
        sorted_docnums = docnums[order]
        sorted_weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        sorted_starts, sorted_ends = starts[order], ends[order]
        values = bytes(self.values)
        self.values = bytearray()
        for low, high in zip(bounds, bounds[1:]):
            yield (keys[int(term_ranks[low])], sorted_docnums[low:high].tolist(), sorted_weights[low:high].tolist(),
                   [values[start:end] for start, end in zip(sorted_starts[low:high].tolist(),
                                                            sorted_ends[low:high].tolist())])

    def cleanup(self) -> None:
        self.__dict__.update(_Pool().__dict__)


class _Lengths:
    """A segment's field lengths, each field's read once."""

    def __init__(self, reader) -> None:
        self.reader = reader

    def of(self, fieldname: str) -> list | _NoLengths:
        """Every document's length in a field, as Whoosh's ``doc_field_length`` gives it."""
        if not has_length_column(self.reader, fieldname):
            return _NoLengths()
        return [self.reader.doc_field_length(n, fieldname) for n in range(self.reader.doc_count_all())]

    def close(self) -> None:
        self.reader.close()


class _NoLengths:
    """The lengths of a field that records none."""

    def __getitem__(self, docnum: int) -> int:
        return 0
