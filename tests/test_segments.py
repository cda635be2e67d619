"""The fast segment writer writes exactly the index Whoosh's own writer writes.

On the samples' items, and on real Greve items when ../shared is present.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from searchsvc.engine import segments
from searchsvc.engine import writer as indexer
from searchsvc.engine.analysis import attach_dictionary
from searchsvc.engine.schema import item_document

# Per dataset: at least this many distinct terms (a comparison worth making), and the
# limits that split its rows into several segments, written by several processes.
DATASETS = {
    "samples": {"terms": 5_000, "segment_postings": 500, "parallel_rows": 2, "segments": 5},
    "greve": {"terms": 10_000, "segment_postings": 5_000, "parallel_rows": 20, "segments": 10},
}


@pytest.fixture(params=list(DATASETS))
def dataset(request) -> tuple[list[dict], dict]:
    """The rows of a dataset (``samples_rows`` or ``greve_rows``) and its limits."""
    return request.getfixturevalue(f"{request.param}_rows"), DATASETS[request.param]


def _contents(generation: Path) -> dict:
    """Everything a reader sees of an index: terms with their postings (document, weight,
    encoded positions), field lengths and stored fields."""
    with indexer.open_index(generation).reader() as reader:
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[fieldname, text] = found
        count = reader.doc_count_all()
        lengths = {f: [reader.doc_field_length(d, f) for d in range(count)] for f in reader.schema.scorable_names()}
        return {"postings": postings, "lengths": lengths, "stored": list(reader.all_stored_fields())}


def _write(generation: Path, rows: list[dict], writer_class) -> dict:
    ix = indexer.create_index(generation)
    dictionary = indexer.update_dictionary(generation, rows)
    writer = writer_class(ix)
    if isinstance(writer, segments.SegmentWriter):
        writer.attach_dictionary(dictionary)
    else:
        attach_dictionary(writer.schema, dictionary)
    for row in rows:
        writer.add_document(**item_document(row))
    writer.commit()
    return _contents(generation)


def test_fast_writer_writes_what_whoosh_writes(tmp_path, dataset):
    rows, limits = dataset
    whoosh = _write(tmp_path / "whoosh", rows, WhooshSegmentWriter)
    fast = _write(tmp_path / "fast", rows, segments.SegmentWriter)
    assert len(whoosh["postings"]) > limits["terms"]
    assert fast["postings"].keys() == whoosh["postings"].keys()
    assert fast == whoosh


@pytest.mark.parametrize("procs", [1, 2])
def test_a_large_batch_is_written_in_several_segments_holding_the_same_documents(tmp_path, dataset,
                                                                                  monkeypatch, procs):
    """Segments of at most SEGMENT_POSTINGS postings, in one process or in several."""
    rows, limits = dataset
    single = tmp_path / "single"
    indexer.write_changes(indexer.create_index(single), add_rows=rows, procs=1)
    monkeypatch.setattr(indexer, "SEGMENT_POSTINGS", limits["segment_postings"])
    monkeypatch.setattr(indexer, "PARALLEL_ROWS", limits["parallel_rows"])
    parts = tmp_path / "parts"
    indexer.write_changes(indexer.create_index(parts), add_rows=rows, procs=procs)
    with indexer.open_index(single).reader() as reader:
        assert len(reader.leaf_readers()) == 1
    with indexer.open_index(parts).reader() as reader:
        assert len(reader.leaf_readers()) > limits["segments"]

    def terms_of_each_document(generation: Path) -> dict[str, set]:
        with indexer.open_index(generation).reader() as reader:
            ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
            found: dict[str, set] = {item: set() for item in ids.values()}
            for fieldname, text in reader.all_terms():
                for docnum in reader.postings(fieldname, text).all_ids():
                    found[ids[docnum]].add((fieldname, text))
            return found

    expected = terms_of_each_document(single)
    assert len(expected) == len(rows)
    assert terms_of_each_document(parts) == expected
