"""Items lost or doubled without a word (issue 18, items 1-3 and 14): a meeting in two
files, an unreadable or emptied source folder, a read failure that sticks, SQLite on a
full disk.

Permission denied as root: chmod 000 does not stop root, so the reindex runs in a
child process whose capability bounding set lacks CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH (``prctl(PR_CAPBSET_DROP)`` before exec): the kernel then refuses
it the folder or file as it would any user. Not root: chmod alone does it.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, SAMPLES, can_mount, require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.errors import ConfigError
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchRequest, SearchService
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _without_permission_override() -> None:
    """In the child before exec: give up root's right to ignore file permissions."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def reindex_cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    """``searchsvc reindex`` in a child process that file permissions bind, even as root."""
    return subprocess.run([sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet", *args],
                          capture_output=True, text=True, cwd=REPO, preexec_fn=_without_permission_override)


def index_now(config: Path) -> None:
    """A setup run, in this process (no permissions to drop, no start-up to pay)."""
    assert reindex(load_config(config), workers=1).failures == []


def stored_ids(config: Path) -> set[str]:
    report = integrity.check(load_config(config).index_path)
    assert report.problems == []
    return report.searchable


def greve_config(tmp_path: Path, count: int, nested: int = 0) -> tuple[Path, Path]:
    """A config over ``count`` real Greve meetings, the last ``nested`` of them in a
    subfolder ``greve/sub``; returns (config file, source folder)."""
    folder = tmp_path / "greve"
    (folder / "sub").mkdir(parents=True)
    files = sorted(require_corpus("greve").glob("*.json"))[:count]
    for n, path in enumerate(files):
        shutil.copy2(path, folder / "sub" if n >= count - nested else folder)
    return write_config(tmp_path, [(folder, "Greve Kommune")]), folder


# -- 1. a meeting in two files ----------------------------------------------------------

def test_a_meeting_in_two_files_is_indexed_once_and_outlives_either_copy(tmp_path):
    source = tmp_path / "samples"
    shutil.copytree(SAMPLES, source)
    config = write_config(tmp_path, [(source, "Frederiksberg Kommune")])
    index_now(config)
    before = stored_ids(config)
    original = next(p for p in sorted(source.glob("*.txt")) if "2021" in p.name)
    copy = source / f"copy_{original.name}"
    shutil.copy2(original, copy)

    doubled = reindex_cli(config, "--full")
    assert doubled.returncode == 1
    assert f"failed: {copy}: duplicate of {original}" in doubled.stderr
    assert stored_ids(config) == before
    service = SearchService(load_config(config).index_path)
    results = service.search(SearchRequest(q="", per_page=100))
    assert results.total == len(before) == len({hit["id"] for hit in results.results})

    copy.unlink()   # the copy goes: the original's items stay
    after = reindex_cli(config)
    assert after.returncode == 0, after.stderr
    assert "0 removed" in after.stdout and stored_ids(config) == before

    shutil.copy2(original, copy)
    assert reindex(load_config(config), workers=1).failures[0][0] == str(copy)
    original.unlink()   # the original goes: the copy's items take its place
    moved = reindex(load_config(config), workers=1)
    assert moved.failures == [] and moved.items_removed == 0 and moved.items_updated > 0
    assert stored_ids(config) == before


# -- 2. an unreadable or emptied source --------------------------------------------------

@pytest.mark.parametrize("full", [False, True], ids=["plain", "full"])
def test_an_unreadable_subfolder_is_an_error_and_keeps_its_items(tmp_path, full):
    config, folder = greve_config(tmp_path, 8, nested=3)
    index_now(config)
    before = stored_ids(config)
    os.chmod(folder / "sub", 0)
    try:
        run = reindex_cli(config, *(["--full"] if full else []))
    finally:
        os.chmod(folder / "sub", 0o755)
    assert run.returncode == 1
    assert f"failed: {folder / 'sub'}: the folder cannot be listed (Permission denied)" in run.stderr
    assert "0 removed" in run.stdout
    assert stored_ids(config) == before
    index_now(config)
    assert stored_ids(config) == before


def test_an_unreadable_source_folder_keeps_every_item(tmp_path):
    config, folder = greve_config(tmp_path, 6)
    index_now(config)
    before = stored_ids(config)
    os.chmod(folder, 0)
    try:
        run = reindex_cli(config)
    finally:
        os.chmod(folder, 0o755)
    assert run.returncode == 1
    assert f"failed: {folder}: the folder cannot be listed" in run.stderr
    assert stored_ids(config) == before


@pytest.mark.parametrize("full", [False, True], ids=["plain", "full"])
def test_an_emptied_source_stops_before_writing_unless_removals_are_allowed(tmp_path, full):
    config, folder = greve_config(tmp_path, 8)
    index_now(config)
    before = stored_ids(config)
    index = load_config(config).index_path
    generation = DataDir(index).current()
    commit = Store(generation).index_commit()
    aside = tmp_path / "aside"
    folder.rename(aside)
    folder.mkdir()   # an unmounted share: the mount point, empty
    refused = reindex_cli(config, *(["--full"] if full else []))
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: reindex stopped before writing anything")
    assert f"{folder}: {len(before)} of {len(before)} items (100%)" in refused.stderr
    assert "--allow-removals" in refused.stderr
    assert DataDir(index).current() == generation and Store(generation).index_commit() == commit
    assert stored_ids(config) == before
    assert sorted(p.name for p in index.glob("gen-*")) == [generation.name]

    # Some files gone, under the share: allowed. All of them, with --allow-removals.
    folder.rmdir()
    aside.rename(folder)
    for path in sorted(folder.glob("*.json"))[:1]:
        path.unlink()
    index_now(config)
    shutil.rmtree(folder)
    folder.mkdir()
    allowed = reindex_cli(config, "--allow-removals", *(["--full"] if full else []))
    assert allowed.returncode == 0, allowed.stderr
    assert stored_ids(config) == set()


def test_the_share_of_removals_is_configurable(tmp_path):
    source = tmp_path / "samples"
    shutil.copytree(SAMPLES, source)
    config = write_config(tmp_path, [(source, "Frederiksberg Kommune")], extra="[reindex]\nmax_removals = 0.5\n")
    assert load_config(config).max_removals == 0.5
    bad = write_config(tmp_path, [(source, "Frederiksberg Kommune")], extra="[reindex]\nmax_removals = 25\n")
    with pytest.raises(ConfigError, match="reindex.max_removals must be a share from 0 to 1"):
        load_config(bad)


# -- 3. a read failure does not stick ---------------------------------------------------

def test_a_file_that_could_not_be_read_is_read_again_on_the_next_run(tmp_path):
    source = tmp_path / "samples"
    shutil.copytree(SAMPLES, source)
    config = write_config(tmp_path, [(source, "Frederiksberg Kommune")])
    late = source.parent / "late.txt"
    shutil.move(next(p for p in sorted(source.glob("*.txt")) if "2021" in p.name), late)
    index_now(config)
    before = stored_ids(config)
    arrived = source / late.name
    shutil.move(late, arrived)
    os.chmod(arrived, 0)
    failed = reindex_cli(config)
    assert failed.returncode == 1
    assert f"failed: {arrived}: cannot be read: Permission denied" in failed.stderr
    os.chmod(arrived, 0o644)   # size and modification time as they were
    retried = reindex_cli(config)
    assert retried.returncode == 0, retried.stderr
    assert "1 parsed" in retried.stdout
    assert stored_ids(config) > before


# -- 14. SQLite on a full disk ----------------------------------------------------------

@pytest.mark.skipif(not can_mount(), reason="needs a small tmpfs (root and mount); the file-size limit "
                                             "fails Whoosh's writes first, never SQLite's alone")
def test_sqlite_on_a_full_disk_says_so_and_leaves_no_write_ahead_log(tmp_path):
    config, folder = greve_config(tmp_path, 4)
    index = load_config(config).index_path
    index.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(index)], check=True)
    try:
        assert reindex_cli(config).returncode == 0
        before = stored_ids(config)
        reader = sqlite3.connect(DataDir(index).current() / "items.sqlite")   # a server's connection
        reader.execute("SELECT count(*) FROM items").fetchone()
        for path in sorted(require_corpus("greve").glob("*.json"))[4:70]:
            shutil.copy2(path, folder)
        free = os.statvfs(index)
        with open(index / "ballast", "wb") as ballast:   # the disk full but for 256 KB
            ballast.write(b"\0" * (free.f_bavail * free.f_frsize - 256 * 1024))
        failed = reindex_cli(config)
        assert failed.returncode == 1
        assert f"{index}: No space left on device" in failed.stderr, failed.stderr   # SQLite's, as itself
        assert "cannot rollback" not in failed.stderr
        wal = DataDir(index).current() / "items.sqlite-wal"
        assert not wal.exists() or wal.stat().st_size < 64 * 1024
        assert stored_ids(config) == before
        reader.close()
        (index / "ballast").unlink()
        subprocess.run(["mount", "-o", "remount,size=256m", str(index)], check=True)
        assert reindex_cli(config).returncode == 0
        assert len(stored_ids(config)) > len(before)
    finally:
        time.sleep(0.1)
        subprocess.run(["umount", "--lazy", str(index)], check=True)
