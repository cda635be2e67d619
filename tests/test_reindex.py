"""Incremental reindex on real files: unchanged, touched, changed, removed, corrupt, locked."""

import os
import shutil

import pytest
from click.testing import CliRunner

from helpers import SAMPLES, write_config

from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.engine.writer import indexed_ids, open_index, write_changes
from searchsvc.errors import IndexLocked
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store

FILE_2021 = "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"


def ids(config, q=""):
    results = SearchService(config.index_path).search(SearchRequest(q=q, per_page=100))
    return {r["id"] for r in results.results}


def store_and_index(config):
    generation = DataDir(config.index_path).current()
    return Store(generation).item_ids(), indexed_ids(open_index(generation))


def test_first_run_indexes_all_ten_items(sample_config):
    report = reindex(sample_config, workers=1)
    assert (report.files_seen, report.files_parsed, report.items_added) == (2, 2, 10)
    assert len(ids(sample_config)) == 10
    stored, indexed = store_and_index(sample_config)
    assert stored == indexed and len(stored) == 10


def test_unchanged_files_are_not_read(sample_index):
    # Unchanged by size and modification time: files overwritten with garbage of their own
    # size, their times put back, would fail to parse if they were read.
    for path in sample_index.sources[0].path.glob("*.txt"):
        stat = path.stat()
        path.write_bytes(b"\x00" * stat.st_size)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = reindex(sample_index, workers=1)
    assert (report.files_skipped, report.files_parsed, report.items_added) == (2, 0, 0)
    assert report.failures == [] and len(ids(sample_index)) == 10


def test_touched_file_with_same_content_changes_nothing(sample_index):
    path = sample_index.sources[0].path / FILE_2021
    os.utime(path, ns=(1, 1))
    report = reindex(sample_index, workers=1)
    assert (report.files_skipped, report.files_parsed, report.items_updated) == (2, 0, 0)


def test_changed_file_replaces_its_items(sample_index):
    path = sample_index.sources[0].path / FILE_2021
    text = path.read_text("utf-8").replace("Udvalget udsatte sagen.", "Udvalget godkendte sagen om ferskvandsfisk.")
    path.write_text(text, "utf-8")
    report = reindex(sample_index, workers=1)
    assert (report.files_parsed, report.items_updated, report.items_added, report.items_removed) == (1, 4, 0, 0)
    [hit] = SearchService(sample_index.index_path).search(SearchRequest(q="ferskvandsfisk")).results
    assert hit["item_number"] == 35 and hit["decisions"] == ["godkendt"]


def test_removed_item_and_removed_file(sample_index):
    path = sample_index.sources[0].path / FILE_2021
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("Punkt 35:")], "utf-8")
    report = reindex(sample_index, workers=1)
    assert report.items_removed == 1 and len(ids(sample_index)) == 9
    path.unlink()
    report = reindex(sample_index, workers=1)
    assert report.items_removed == 3 and len(ids(sample_index)) == 6
    stored, indexed = store_and_index(sample_index)
    assert stored == indexed and len(stored) == 6


def test_corrupt_file_keeps_its_last_good_items(sample_index):
    path = sample_index.sources[0].path / FILE_2021
    good = path.read_bytes()
    path.write_bytes(b"\x00\x9f\x92\x96 garbage")
    report = reindex(sample_index, workers=1)
    assert report.files_failed == 1
    assert report.failures == [(str(path.resolve()), "the file is binary, not text")]
    assert len(ids(sample_index)) == 10  # nothing lost
    assert ids(sample_index, "borgerdialog")
    # Still failing on the next run, without re-reading it.
    again = reindex(sample_index, workers=1)
    assert again.files_failed == 1 and again.files_parsed == 0
    # A full rebuild keeps them too.
    full = reindex(sample_index, full=True, workers=1)
    assert full.files_failed == 1 and len(ids(sample_index)) == 10
    # A good version replaces them.
    path.write_bytes(good.replace("Udvalget udsatte sagen.".encode(), "Udvalget godkendte sagen.".encode()))
    fixed = reindex(sample_index, workers=1)
    assert fixed.files_failed == 0 and fixed.files_parsed == 1
    stats = SearchService(sample_index.index_path).stats()
    assert stats["failed_files"] == [] and stats["items"] == 10


def test_broken_new_files_do_not_stop_the_others(sample_config):
    folder = sample_config.sources[0].path
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.txt").write_text("Just some notes, no minutes here.\n", "utf-8")
    report = reindex(sample_config, workers=1)
    reasons = dict((os.path.basename(p), r) for p, r in report.failures)
    assert reasons == {"empty.txt": "the file is empty",
                       "notes.txt": "line 1: no meeting header ('REFERAT <committee> d. DD-MM-YYYY') found"}
    assert report.items_added == 10


def test_cli_exit_codes_and_summary(sample_config):
    runner = CliRunner()
    ok = runner.invoke(main, ["--config", str(sample_config.file), "reindex"])
    assert ok.exit_code == 0, ok.output
    assert "2 files: 2 parsed, 0 unchanged, 0 failed; items: 10 added" in ok.output
    (sample_config.sources[0].path / "bad.txt").write_bytes(b"\x00binary")
    failed = runner.invoke(main, ["--config", str(sample_config.file), "reindex", "--quiet"])
    assert failed.exit_code == 1
    assert "failed: " in failed.output and "bad.txt: the file is binary, not text" in failed.output
    assert "3 files: 0 parsed, 2 unchanged, 1 failed" in failed.output


def test_second_reindex_stops_with_a_clear_message(sample_index):
    with DataDir(sample_index.index_path).lock():
        with pytest.raises(IndexLocked, match="another reindex is running"):
            reindex(sample_index, workers=1)
        result = CliRunner().invoke(main, ["--config", str(sample_index.file), "reindex"])
        assert result.exit_code == 3 and "another reindex is running" in result.output
    assert reindex(sample_index, workers=1).files_skipped == 2  # the lock was released


def test_full_rebuild_publishes_a_new_generation(sample_index):
    datadir = DataDir(sample_index.index_path)
    before = datadir.current()
    report = reindex(sample_index, full=True, workers=1)
    after = datadir.current()
    assert after != before and not before.exists()
    assert report.items_added == 10 and len(ids(sample_index)) == 10


def test_parallel_parsing_gives_the_same_items(sample_config):
    folder = sample_config.sources[0].path
    for n in range(20):  # enough files to use worker processes
        text = (folder / FILE_2021).read_text("utf-8").replace("d. 03-05-2021", f"d. {n + 1:02d}-06-2021")
        (folder / f"copy-{n}.txt").write_text(text, "utf-8")
    report = reindex(sample_config, workers=2)
    assert report.files_parsed == 22 and report.items_added == 10 + 20 * 4
    assert SearchService(sample_config.index_path).search(SearchRequest()).total == 90


def test_interrupted_run_is_repaired(sample_index):
    # Simulate a run killed after the store committed but before the index did.
    generation = DataDir(sample_index.index_path).current()
    victim = sorted(Store(generation).item_ids())[0]
    write_changes(open_index(generation), remove_ids=[victim])
    report = reindex(sample_index, workers=1)
    assert any("repaired" in w for w in report.warnings)
    stored, indexed = store_and_index(sample_index)
    assert stored == indexed and victim in indexed


def test_oversized_file_is_refused_unread(sample_config):
    huge = sample_config.sources[0].path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)
    report = reindex(sample_config, workers=1)
    [(path, reason)] = report.failures
    assert path.endswith("huge.txt") and "100 MB, larger than the 50 MB limit" in reason
    assert report.items_added == 10


def test_invalid_utf8_is_read_as_cp1252_with_a_warning(sample_config):
    path = sample_config.sources[0].path / FILE_2021
    path.write_bytes(path.read_text("utf-8").encode("cp1252", errors="replace"))
    report = reindex(sample_config, workers=1)
    assert report.failures == [] and report.items_added == 10
    assert any(FILE_2021 in w and "cp1252" in w for w in report.warnings)
    assert ids(sample_config, "opfølgning")


def test_two_municipalities_with_the_same_committee_stay_apart(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(SAMPLES, tmp_path / name)
    config = load_config(write_config(tmp_path, [(tmp_path / "a", "Frederiksberg Kommune"),
                                                 (tmp_path / "b", "Greve Kommune")]))
    report = reindex(config, workers=1)
    assert report.items_added == 20
    service = SearchService(config.index_path)
    doc = service.search(SearchRequest(q="borgerdialog")).to_json()
    assert {v["value"]: v["count"] for v in doc["facets"]["municipality"]} == {
        "Frederiksberg Kommune": 2, "Greve Kommune": 2}
    assert len({r["id"] for r in doc["results"]}) == 4
    greve = service.search(SearchRequest(municipality=("Greve Kommune",))).to_json()
    assert greve["total"] == 10 and all(r["id"].startswith("greve-kommune-") for r in greve["results"])
    committees = {(c["municipality"], c["committee"]): c["items"] for c in service.committees()}
    assert committees[("Greve Kommune", "Arbejdsmarkeds- og Uddannelsesudvalget")] == 4
    assert committees[("Frederiksberg Kommune", "Arbejdsmarkeds- og Uddannelsesudvalget")] == 4
    # The case history stays within one municipality.
    item = service.item(greve["results"][3]["id"])
    assert all(c["municipality"] == "Greve Kommune" for c in item["case"])


def test_a_store_without_the_source_link_columns_is_rebuilt(sample_index):
    import sqlite3

    generation = DataDir(sample_index.index_path).current()
    with sqlite3.connect(generation / "items.sqlite") as db:  # as an older version wrote it
        db.execute("ALTER TABLE items DROP COLUMN attachment_urls")
    report = reindex(sample_index, workers=1)
    assert (report.files_parsed, report.items_added) == (2, 10)
    assert not Store(DataDir(sample_index.index_path).current()).outdated()


def test_a_changed_files_new_words_are_marked_in_snippets(sample_index):
    """The lexicon grows with each commit: a word first indexed by an incremental run
    is marked in its snippet (the snippet reads the lexicon, not the analyser)."""
    path = sample_index.sources[0].path / FILE_2021
    text = path.read_text("utf-8").replace("Udvalget udsatte sagen.", "Udvalget godkendte sagen om ferskvandsfiskene.")
    path.write_text(text, "utf-8")
    reindex(sample_index, workers=1)
    [hit] = SearchService(sample_index.index_path).search(SearchRequest(q="ferskvandsfisk")).results
    assert "<mark>ferskvandsfiskene</mark>" in hit["snippet"]


def test_an_index_without_a_lexicon_is_rebuilt(sample_index):
    from searchsvc.engine.lexicon import LEXICON_FILE

    generation = DataDir(sample_index.index_path).current()
    (generation / LEXICON_FILE).unlink()  # as a version before lexicons left it
    before = SearchService(sample_index.index_path).search(SearchRequest(q="borgerdialog")).results
    assert before and "<mark>" in before[0]["snippet"]  # the analyser marks it meanwhile
    report = reindex(sample_index, workers=1)
    assert "rebuilt in full: the index has no lexicon (an earlier version built it)" in report.warnings
    assert (report.files_parsed, report.items_added) == (2, 10)
    assert (DataDir(sample_index.index_path).current() / LEXICON_FILE).exists()


def test_the_compound_dictionary_counts_the_words_of_the_stored_items_once(sample_config):
    # The parsing processes count each file's words; a copy of a file (its meetings
    # indexed from the original) must add none of them.
    from searchsvc.engine.analysis import word_counts
    from searchsvc.engine.compounds import CompoundDictionary
    from searchsvc.engine.schema import row_text

    folder = sample_config.sources[0].path
    shutil.copy(folder / FILE_2021, folder / "copy.txt")
    report = reindex(sample_config, full=True, workers=1)
    assert report.files_failed == 1  # the copy: a duplicate
    generation = DataDir(sample_config.index_path).current()
    store = Store(generation)
    rows = store.items(sorted(store.item_ids())).values()
    assert CompoundDictionary.load(generation).counts == word_counts(row_text(row) for row in rows)
