"""Atomic file writes, and what a killed writer leaves behind."""

from __future__ import annotations

import pytest

from searchsvc.files import leftover_temporaries, write_atomically
from searchsvc.jobs import integrity
from searchsvc.store.generations import POINTER, DataDir


def test_a_write_replaces_the_file_whole_and_leaves_nothing_beside_it(tmp_path):
    path = tmp_path / "state.json"
    write_atomically(path, b"old")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "state.json"
    write_atomically(path, b"old")
    with pytest.raises(TypeError):
        write_atomically(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old" and leftover_temporaries(path) == []


def test_a_killed_writers_pointer_is_found_and_cleaned(sample_index):
    datadir = DataDir(sample_index.index_path)
    stray = datadir.path / f".{POINTER}.4242.tmp"  # what a writer killed before its rename leaves
    stray.write_text("gen-x\n")
    assert stray.name in integrity.leftovers(sample_index.index_path)
    with datadir.lock():
        datadir.remove_stale(keep=datadir.current())
    assert not stray.exists()
