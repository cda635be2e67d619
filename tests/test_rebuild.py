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
