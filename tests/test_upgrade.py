"""An index written by an earlier layout of the code still opens."""

from __future__ import annotations

import pickle

from searchsvc.engine import analysis, codec  # importing the engine sets the alias
from searchsvc.engine.schema import make_schema


def test_a_schema_pickled_under_the_former_module_path_unpickles(monkeypatch):
    # Pickle the schema as the former layout did: its analysers under searchsvc.analysis.
    for name in ("DanishFilter", "NormalizeFilter"):
        monkeypatch.setattr(getattr(analysis, name), "__module__", "searchsvc.analysis")
    data = pickle.dumps(make_schema())
    monkeypatch.undo()
    assert b"searchsvc.analysis" in data and b"searchsvc.engine.analysis" not in data
    schema = pickle.loads(data)
    assert any(isinstance(part, analysis.DanishFilter) for part in schema["body"].analyzer.items)


def test_the_installed_whoosh_is_the_minor_version_the_codec_was_checked_against():
    import whoosh

    assert whoosh.versionstring().rsplit(".", 1)[0] == codec.WHOOSH_VERSION_CHECKED.rsplit(".", 1)[0]
