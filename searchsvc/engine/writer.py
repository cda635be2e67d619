"""Writing the index: one batch of changes per commit, in parallel for large batches,
and the commit housekeeping (rolling back, dropping old commits) that a reindex needs."""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files

from ..processes import can_fork, die_with_parent
from . import codec, lexicon
from .analysis import ANALYSIS_VERSION, analysis_version, learned_words, word_counts
from .compounds import CompoundDictionary
from .lemmas import load_lemmas
from .schema import WHOOSH_DIR, item_document, make_schema, row_text, whoosh_storage
from .segments import SegmentWriter


def create_index(generation: Path):
    """Create an empty index in a generation folder."""
    folder = generation / WHOOSH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return whoosh_storage(folder).create_index(make_schema())


def open_index(generation: Path):
    """Open a generation's index (creating it when the folder has none)."""
    folder = generation / WHOOSH_DIR
    if not whoosh_index.exists_in(str(folder)):
        return create_index(generation)
    return whoosh_storage(folder).open_index()


def outdated(generation: Path) -> str | None:
    """Why a generation's index must be rebuilt in full, or None when it need not: it
    was built by another version of the analysis (adding documents would mix two kinds
    of terms), or before lexicons (``lexicon.py``: it would lack the earlier words)."""
    folder = generation / WHOOSH_DIR
    if not whoosh_index.exists_in(str(folder)):
        return None
    ix = whoosh_index.open_dir(str(folder))
    if analysis_version(ix.schema) != ANALYSIS_VERSION:
        return "the index was built by another version of the analysis"
    if ix.doc_count_all() > 0 and lexicon.missing(generation):
        return "the index has no lexicon (an earlier version built it)"
    return None


def update_dictionary(generation: Path, rows: list[dict], words: Mapping[str, int] | None = None
                      ) -> CompoundDictionary:
    """The generation's compound dictionary, extended with the words of ``rows`` and saved.

    :param words: those words already counted (``analysis.word_counts`` of the rows'
        ``row_text``), as a reindex counts them in its parsing processes.

    A full rebuild starts from an empty dictionary and adds every row before any is
    indexed; an incremental run only adds words. So a document is never split with
    parts that a later run takes away, and ``reindex --full`` re-splits everything.
    """
    dictionary = CompoundDictionary.load(generation)
    if rows:
        dictionary.update(words if words is not None else word_counts(row_text(row) for row in rows))
        dictionary.save(generation)
    return dictionary


# Each indexing process gets at least this many documents: below it, starting processes
# costs more than it saves. A batch this large is written in segments of at most
# SEGMENT_POSTINGS postings (the writer holds a segment's postings in memory, some 30
# bytes each: this bounds a process to about 500 MB of them). Fewer, larger segments
# search faster: at 50,000 items six segments took half as long again as two.
PARALLEL_ROWS = 1000
SEGMENT_POSTINGS = 16_000_000


def write_changes(ix, *, remove_sources: Iterable[str] = (), remove_ids: Iterable[str] = (),
                  add_rows: Iterable[dict] = (), procs: int = 1,
                  words: Mapping[str, int] | None = None) -> int:
    """Apply one batch of changes in a single commit; return the documents added.

    Documents of ``remove_sources`` and ``remove_ids`` go first, then ``add_rows`` are
    added, split into compound parts with the generation's dictionary, which first
    learns the words of ``add_rows``. The words indexed go into the generation's
    lexicon after the commit. The previous commit stays readable until
    ``drop_old_commits``: readers keep using it until the store records the new one.

    :param words: the words of ``add_rows`` already counted (``update_dictionary``).
    :param procs: processes to index ``add_rows`` with (each writes segments of its
        own, in row order); many rows only, and only where processes fork.
    """
    add_rows = list(add_rows)
    generation = Path(ix.storage.folder).parent
    dictionary = update_dictionary(generation, add_rows, words)
    writer = _KeepingWriter(ix)
    writer.attach_dictionary(dictionary)
    procs = min(procs, len(add_rows) // PARALLEL_ROWS)
    if not can_fork():
        procs = 1
    if procs > 1:
        load_lemmas()  # once here, inherited by the forked indexing processes
    empty = not writer.segments
    try:
        if not empty:  # an empty index (a full rebuild) has nothing to delete
            for source in remove_sources:
                writer.delete_by_term("source", source)
            for item_id in remove_ids:
                writer.delete_by_term("id", item_id)
        if procs > 1:
            writer.extra_segments, learned = _write_segments(ix, add_rows, dictionary, procs)
        elif len(add_rows) >= PARALLEL_ROWS:
            writer.extra_segments, learned = _index_rows(ix, add_rows, dictionary)
        else:
            for row in add_rows:
                writer.add_document(**item_document(row))
            learned = learned_words(writer.schema)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    # After the commit (a failed one leaves nothing of this run behind), before the
    # store names it, so that no search reads the commit without its words here.
    lexicon.add_words(generation, learned, start=empty)
    return len(add_rows)


class _KeepingWriter(SegmentWriter):
    """A writer whose commit leaves the previous commit's files in place (Whoosh's own
    deletes them at once), so that the store can go on naming it until its transaction
    commits, and a run killed in between leaves both readable."""

    extra_segments: list = []  # written by other writers (``_index_rows``), maybe in other processes

    def commit_segments(self, segments: list) -> None:
        codec.write_commit(self, [*segments, *self.extra_segments])


def _index_rows(ix, rows: list[dict], dictionary: CompoundDictionary) -> tuple[list, dict[str, tuple[str, ...]]]:
    """Index rows into new segments of at most ``SEGMENT_POSTINGS`` postings each (not
    committed: the caller's commit lists them); the segments in row order, and the
    words analysed with their forms."""
    segments: list = []
    learned: dict[str, tuple[str, ...]] = {}
    writer = None
    for row in rows:
        if writer is None:
            # No lock: the caller holds the index writer's lock and commits the segments.
            writer = SegmentWriter(ix, _lk=False)
            writer.attach_dictionary(dictionary)
        writer.add_document(**item_document(row))
        if writer.pool.size >= SEGMENT_POSTINGS:
            segments.append(writer.finalize_segment())
            learned.update(learned_words(writer.schema))
            writer = None
    if writer is not None:
        segments.append(writer.finalize_segment())
        learned.update(learned_words(writer.schema))
    return segments, learned


def _write_segments(ix, rows: list[dict], dictionary: CompoundDictionary, procs: int
                    ) -> tuple[list, dict[str, tuple[str, ...]]]:
    """Index rows in ``procs`` forked processes, each writing the segments of a slice of
    them (``_index_rows``); the segments in row order, for the caller's commit to list,
    and the words analysed with their forms.

    :raise RuntimeError: a process failed or died (its error in the message).
    """
    context = multiprocessing.get_context("fork")
    bounds = [len(rows) * n // procs for n in range(procs + 1)]
    results = context.Queue()
    processes = []
    try:
        # A forked process inherits its arguments as they are in memory (copy-on-write):
        # the rows are never pickled.
        processes = [context.Process(target=_segment_process, daemon=True,
                                     args=(ix.storage.folder, ix.indexname, rows, bounds[n], bounds[n + 1],
                                           dictionary, n, results, os.getpid()))
                     for n in range(procs)]
        for process in processes:
            process.start()
        segments: dict[int, list] = {}
        learned: dict[str, tuple[str, ...]] = {}
        while len(segments) < procs:
            try:
                number, written, error = results.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("an indexing process died") from None
                continue
            if error is not None:
                raise RuntimeError(f"an indexing process failed: {error}")
            segments[number] = written[0]
            learned.update(written[1])
        return [segment for n in range(procs) for segment in segments[n]], learned
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def _segment_process(folder: str, indexname: str, rows: list[dict], start: int, end: int,
                     dictionary: CompoundDictionary, number: int, results, parent: int) -> None:
    """One indexing process: rows[start:end] into new segments, reported on ``results``."""
    die_with_parent(parent)
    try:
        ix = whoosh_storage(Path(folder)).open_index(indexname)
        results.put((number, _index_rows(ix, rows[start:end], dictionary), None))
    except BaseException as error:  # reported to the parent, which stops the run
        results.put((number, None, f"{type(error).__name__}: {error}"))


def latest_commit(ix) -> int:
    """The newest commit (TOC generation) in the index folder."""
    return ix.latest_generation()


def drop_old_commits(ix) -> None:
    """Delete the files that only older commits use, once the store names the newest,
    and the temporary folders of writers that did not finish.

    Readers that still have them open keep reading (POSIX keeps unlinked files alive).
    Only call it while holding the reindex lock.
    """
    toc = TOC.read(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
    for name in ix.storage.list():
        if name.endswith(".tmp") and (Path(ix.storage.folder) / name).is_dir():
            shutil.rmtree(Path(ix.storage.folder) / name, ignore_errors=True)


def roll_back(ix, commit: int) -> int:
    """Forget the commits newer than ``commit`` (written by a run killed before its store
    committed); return how many. Their segment files go at the next ``drop_old_commits``.

    Does nothing when ``commit`` itself is not on disk: the index is then left as it is.
    Only call it while holding the reindex lock.
    """
    if not codec.commit_exists(ix, commit):
        return 0
    newer = [name for name, generation in codec.commit_files(ix) if generation > commit]
    for name in newer:
        ix.storage.delete_file(name)
    return len(newer)


def indexed_ids(ix) -> set[str]:
    """The ids of every document in the index."""
    ids: set[str] = set()
    with ix.searcher() as searcher:
        # The id field's terms, not the stored fields: a term list per segment is read
        # in a blink, 50,000 stored documents in seconds. A deleted document's term
        # stays until its segment is merged, so those are looked at one by one.
        for leaf, _ in searcher.reader().leaf_readers():
            terms = set(leaf.field_terms("id"))
            if leaf.has_deletions():
                for docnum in leaf.segment().deleted_docs():
                    item = leaf.stored_fields(docnum).get("id")
                    if item in terms and not any(True for _ in leaf.postings("id", item).all_ids()):
                        terms.discard(item)
            ids |= terms
    return ids
