"""A reindex rebuilds in full, and says why, when the live index was analysed or
classified by another version of the code; otherwise it stays incremental."""

from __future__ import annotations

from searchsvc.engine import writer
from searchsvc.jobs import reindex as reindex_module
from searchsvc.jobs.reindex import reindex


def test_other_decision_rules_rebuild_once(sample_config, monkeypatch):
    assert reindex(sample_config, workers=1).failures == []
    assert not any("rebuilt in full" in w for w in reindex(sample_config, workers=1).warnings)
    monkeypatch.setattr(reindex_module, "RULES_VERSION", 99)
    report = reindex(sample_config, workers=1)
    assert "rebuilt in full: the decisions were classified by other rules" in report.warnings
    assert report.items_added == 10  # every item classified again
    assert not any("rebuilt in full" in w for w in reindex(sample_config, workers=1).warnings)


def test_another_analysis_version_rebuilds(sample_config, monkeypatch):
    assert reindex(sample_config, workers=1).failures == []
    monkeypatch.setattr(writer, "ANALYSIS_VERSION", 99)
    report = reindex(sample_config, workers=1)
    assert "rebuilt in full: the index was built by another version of the analysis" in report.warnings
    assert report.items_added == 10


def test_files_read_by_earlier_parsers_are_read_again_once(sample_config):
    """A store written before the parsers kept tables (no 'parsers' state) is rebuilt,
    so that every item gets its tables; the run after that is incremental again."""
    import sqlite3

    from searchsvc.store.generations import DataDir

    assert reindex(sample_config, workers=1).failures == []
    with sqlite3.connect(DataDir(sample_config.index_path).current() / "items.sqlite") as db:
        db.execute("DELETE FROM state WHERE name = 'parsers'")  # as an earlier version left it
    report = reindex(sample_config, workers=1)
    assert "rebuilt in full: the files were read by an earlier version of the parsers" in report.warnings
    assert report.items_added == 10
    assert not any("rebuilt in full" in w for w in reindex(sample_config, workers=1).warnings)
