"""Faults: a reindex killed at any moment, two runs at once, a full disk, a read-only
index folder. Readers must always see one whole committed corpus.

These are the bounded versions; ``bench/reliability/faults.py`` is the full campaign
(24 kills over a larger corpus), whose figures the README reports.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, can_mount, require_corpus, start_server, stop_server, write_config

from searchsvc.engine import writer as indexer
from searchsvc.errors import IndexLocked
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchService
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"


def load_script(stem: str):
    """A script of bench/reliability/ (the campaigns these tests run a bounded part of)."""
    name = f"reliability_{stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "reliability" / f"{stem}.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def cli(config: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, "--config", str(config), *args],
                          capture_output=True, text=True, cwd=REPO, **kwargs)


def assert_whole(index: Path, expected: set[str] | None = None, service: SearchService | None = None) -> None:
    report = integrity.check(index, service)
    assert report.problems == []
    if expected is not None:
        assert report.searchable == expected


# -- the window between the index commit and the store commit --------------------------

def test_an_index_commit_the_store_never_recorded_is_invisible_then_undone(sample_index):
    index = sample_index.index_path
    server = SearchService(index)
    before = integrity.check(index, server).searchable
    generation = DataDir(index).current()
    store = Store(generation)
    victim = sorted(before)[0]
    phantom = {**store.item(victim), "id": "phantom-item", "title": "Fantomsag"}
    # What a run killed after Whoosh committed, before SQLite did, leaves on disk.
    indexer.write_changes(indexer.open_index(generation), remove_ids=[victim], add_rows=[phantom])
    assert indexer.latest_commit(indexer.open_index(generation)) > store.index_commit()

    assert_whole(index, before)                  # a reader that opens now
    assert_whole(index, before, service=server)  # a reader that was open before
    assert integrity.leftovers(index) != []      # ... and the next run has something to undo

    report = reindex(sample_index, workers=1)
    assert any("repaired" in w for w in report.warnings)
    assert_whole(index, before)
    assert_whole(index, before, service=server)
    assert integrity.leftovers(index) == []


# -- SIGKILL at moments spread over the phases (the campaign, bounded) -----------------

@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    require_corpus("greve")
    faults = load_script("faults")
    root = tmp_path_factory.mktemp("faults")
    workspace = faults.Workspace(root / "work", greve=16, reserve=10, rng=random.Random(3))
    first = cli(workspace.config, "reindex", "--quiet")
    assert first.returncode == 0, first.stderr
    calibration = {mode: faults.calibrate(workspace, mode == "full") for mode in ("plain", "full")}
    server = SearchService(workspace.index)
    server.view()
    return faults, workspace, calibration, server


@pytest.mark.parametrize("mode, target", [
    ("full", "parse"),     # worker processes running: they must not keep the lock
    ("full", "write"),
    ("full", "event"),     # the new generation's index committed, not yet published
    ("plain", "parse"),
    ("plain", "write"),    # the writer's files appearing
    ("plain", "event"),    # the index committed, the store not yet
])
def test_a_killed_reindex_leaves_a_whole_corpus_and_the_next_run_restores_it(campaign, mode, target):
    faults, workspace, calibration, server = campaign
    if target in faults.EVENTS[mode]:
        low, high = faults.DELAYS[target]
    else:
        low, high = faults.windows(calibration[mode])[target]
    kill_after = (low + high) / 2
    trial = faults.run_trial(workspace, faults.Trial(0, mode, target, kill_after), server, log=lambda t: None)
    assert trial.problems == []
    assert trial.visible in ("previous", "new") and trial.orphans == 0
    assert trial.items_after > 0


def test_a_reader_never_brings_back_a_generation_a_full_rebuild_deleted(sample_index):
    server = SearchService(sample_index.index_path)
    before = integrity.check(sample_index.index_path, server).searchable
    old = DataDir(sample_index.index_path).current()
    reindex(sample_index, full=True, workers=1)
    assert not old.exists()
    # A reader thread that read the pointer just before the publish opens the old store.
    with pytest.raises(sqlite3.OperationalError):
        Store(old, create=False).item_ids()
    assert not old.exists()
    assert integrity.check(sample_index.index_path, server).searchable == before
    assert integrity.leftovers(sample_index.index_path) == []


def test_a_lock_file_left_by_a_dead_run_does_not_block(sample_index):
    # The lock is an flock: the kernel drops it with the process; the file stays behind.
    lock = Path(sample_index.index_path) / "reindex.lock"
    lock.write_text("999999999\n")
    report = reindex(sample_index, workers=1)
    assert report.files_seen == 2
    assert lock.read_text().strip() == str(os.getpid())


# -- a reindex while the server is under load -------------------------------------------

@pytest.mark.parametrize("full", [False, True], ids=["plain", "full"])
def test_a_reindex_under_load_fails_no_request_and_shows_at_once(tmp_path, full):
    require_corpus("greve")
    load = load_script("load")
    figures = load.run(seconds=6, clients=4, greve=8, add=4, full=full, threads=4, seed=5, root=tmp_path)
    assert figures["all"]["requests"] > 0 and figures["during"]["requests"] > 0
    assert figures["all"]["failed"] == 0, figures["failures"]
    assert figures["server_errors"] == []
    # The first request after the reindex command returned sees the new meetings.
    assert figures["items_after"] == figures["items_expected_after"] > figures["items_before"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/<pid>/fd (Linux)")
def test_no_store_connection_crosses_the_fork_into_the_server_workers(sample_index):
    """An SQLite connection open in the parent when it forks shares its lock state with
    the workers' own connections: a reindex's commit then corrupted what they read
    ('database disk image is malformed' under bench/reliability/load.py --seconds 60)."""
    process, _ = start_server(sample_index.file)
    try:
        held = [os.readlink(fd) for fd in Path(f"/proc/{process.pid}/fd").iterdir()
                if "items.sqlite" in os.readlink(fd)]
        assert held == []
    finally:
        stop_server(process)


# -- two runs at once ------------------------------------------------------------------

def test_two_reindex_runs_at_once(tmp_path):
    greve = require_corpus("greve")
    source = tmp_path / "greve"
    source.mkdir()
    for path in sorted(greve.glob("*.json"))[:20]:
        shutil.copy2(path, source)
    config = write_config(tmp_path, [(source, "Greve Kommune")])
    index = tmp_path / "index"
    # --wait: the probe below takes the lock for an instant, which must not stop the first run.
    first = subprocess.Popen([sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet", "--full",
                              "--wait"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while first.poll() is None:  # wait until the first run holds the lock
            try:
                with DataDir(index).lock():
                    pass
            except IndexLocked:
                break
            time.sleep(0.01)
        assert first.poll() is None, "the first run ended before the test could overlap it"
        second = cli(config, "reindex", "--quiet")
        waiting = cli(config, "reindex", "--quiet", "--wait", timeout=600)
    finally:
        first.wait(timeout=600)
    assert second.returncode == 3
    assert second.stderr.startswith("Error: another reindex is running on ") and "Traceback" not in second.stderr
    assert f"(process {first.pid}), or use --wait" in second.stderr   # who holds it, and what to do
    assert first.returncode == 0, first.stderr
    assert waiting.returncode == 0 and " 0 parsed, 20 unchanged" in waiting.stdout
    assert_whole(index)
    assert integrity.leftovers(index) == []


# -- a full disk and a read-only folder ------------------------------------------------

CAN_MOUNT = can_mount()


@contextlib.contextmanager
def mounted(*command: str, target: Path):
    subprocess.run(["mount", *command, str(target)], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(target)], check=True)  # this process may hold files open


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def grow_sources(config, count: int) -> None:
    greve = require_corpus("greve")
    target = config.sources[0].path.parent / "greve"
    target.mkdir()
    for path in sorted(greve.glob("*.json"))[:count]:
        shutil.copy2(path, target)
    text = config.file.read_text("utf-8")
    config.file.write_text(text + f'\n[[sources]]\npath = "{target}"\nmunicipality = "Greve Kommune"\n', "utf-8")


@pytest.mark.parametrize("full", [False, True], ids=["plain", "full"])
def test_a_full_disk_stops_the_reindex_cleanly_and_gives_the_space_back(sample_config, tmp_path, full):
    """On a small tmpfs where the system allows mounting (root); otherwise the file-size
    limit (RLIMIT_FSIZE) makes the index files' writes fail the same way (EFBIG)."""
    index = sample_config.index_path
    index.mkdir(parents=True, exist_ok=True)
    with (mounted("-t", "tmpfs", "-o", "size=6m", "tmpfs", target=index) if CAN_MOUNT
          else contextlib.nullcontext()):
        assert cli(sample_config.file, "reindex", "--quiet").returncode == 0
        before = integrity.check(index).searchable
        used = folder_bytes(index)
        grow_sources(sample_config, 40)
        limit = None if CAN_MOUNT else 2 * 1024 * 1024

        def small_files():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        failed = subprocess.run(
            [sys.executable, "-c", CLI, "--config", str(sample_config.file), "reindex", "--quiet"]
            + (["--full"] if full else []),
            capture_output=True, text=True, cwd=REPO, preexec_fn=small_files if limit else None)
        assert failed.returncode == 1
        assert failed.stderr.startswith("Error: reindex stopped, ")
        assert ("No space left on device" if CAN_MOUNT else "File too large") in failed.stderr
        assert "searches still see the last complete reindex" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert_whole(index, before)
        assert integrity.leftovers(index) == []
        assert folder_bytes(index) < used * 1.5   # what the failed run wrote is gone
        if CAN_MOUNT:
            subprocess.run(["mount", "-o", "remount,size=64m", str(index)], check=True)
        recovered = cli(sample_config.file, "reindex", "--quiet")
        assert recovered.returncode == 0, recovered.stderr
        report = integrity.check(index)
        assert report.problems == [] and len(report.searchable) > len(before)


def test_a_read_only_index_folder_refuses_a_reindex_and_still_serves(sample_index, tmp_path):
    """A read-only bind mount where the system allows mounting (root); otherwise the
    folder's write permission is removed."""
    index = sample_index.index_path
    before = integrity.check(index).searchable
    (sample_index.sources[0].path / "extra.txt").write_text(
        (sample_index.sources[0].path / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt")
        .read_text("utf-8").replace("d. 03-05-2021", "d. 04-06-2021"), "utf-8")
    if CAN_MOUNT:
        context = mounted("--bind", "-o", "ro", str(index), target=index)
    elif os.geteuid() != 0:
        context = _read_only_permissions(index)
    else:
        pytest.skip("root without mount: permissions cannot make a folder read-only")
    with context:
        for args in (["reindex", "--quiet"], ["reindex", "--quiet", "--full"]):
            refused = cli(sample_index.file, *args)
            assert refused.returncode == 1
            assert refused.stderr.startswith("Error: reindex stopped, ") and "Traceback" not in refused.stderr
            assert "Read-only file system" in refused.stderr or "Permission denied" in refused.stderr
        assert_whole(index, before)
        searched = cli(sample_index.file, "search", "borgerdialog", "--json")
        assert searched.returncode == 0 and json.loads(searched.stdout)["total"] == 2
    assert_whole(index, before)
    assert cli(sample_index.file, "reindex", "--quiet").returncode == 0
    assert len(integrity.check(index).searchable) == len(before) + 4


@contextlib.contextmanager
def _read_only_permissions(index: Path):
    folders = [index, *[p for p in index.rglob("*") if p.is_dir()]]
    for folder in folders:
        folder.chmod(0o555)
    try:
        yield
    finally:
        for folder in folders:
            folder.chmod(0o755)
