"""What several test modules share besides fixtures: where the data is, writing a
config, building indexes with the real reindex, and starting the real server.

Imported by ``conftest.py`` and by test modules alike (``from helpers import ...``:
pytest puts this folder on the path), so that no module imports ``conftest`` itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from searchsvc.config import Config, load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchService

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus"
IN_CI = os.environ.get("CI") == "true"

SAMPLE_2021 = "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"


def require_corpus(*parts: str) -> Path:
    """A path inside ../shared/corpus; skips (outside CI only) when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing, and CI=true requires the shared corpus")
        pytest.skip(f"{path} is absent: these tests need ../shared/corpus beside the checkout")
    return path


def write_config(folder: Path, sources: list[tuple[Path, str]], *, extra: str = "") -> Path:
    """Write a config.toml in ``folder`` with an index under it and the given sources."""
    lines = ['[index]', 'path = "index"', ""]
    for path, municipality in sources:
        lines += ["[[sources]]", f'path = "{path}"', f'municipality = "{municipality}"', ""]
    file = folder / "config.toml"
    file.write_text("\n".join(lines) + extra, encoding="utf-8")
    return file


def index_samples(folder: Path) -> Config:
    """samples/ indexed with the real reindex into ``folder``; returns the config."""
    copy = folder / "samples"
    shutil.copytree(SAMPLES, copy)
    config = load_config(write_config(folder, [(copy, "Frederiksberg Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == []
    return config


def index_samples_in_segments(folder: Path) -> SearchService:
    """samples/ and copies of its 2021 meeting on other days, indexed by three real
    reindex runs into ``folder``: several segments, one with deleted documents (a
    changed meeting's items are deleted and added anew). Returns the service over it.

    The engine's comparisons with Whoosh run on this when ../shared is absent.
    """
    config = index_samples(folder)
    source = config.sources[0].path
    meeting = (source / SAMPLE_2021).read_text("utf-8")
    for day in (4, 5, 6):
        (source / f"copy-{day}.txt").write_text(meeting.replace("d. 03-05-2021", f"d. {day:02d}-05-2021"), "utf-8")
    assert reindex(config, workers=1).items_added == 12
    changed = source / "copy-5.txt"
    changed.write_text(changed.read_text("utf-8").replace("Udvalget udsatte sagen.", "Udvalget godkendte sagen."), "utf-8")
    assert reindex(config, workers=1).items_updated == 4
    return SearchService(config.index_path)


def index_greve_sample(folder: Path, files: slice) -> SearchService:
    """Every n-th real Greve meeting (``files`` slices the sorted list), indexed with the
    real reindex into ``folder``; returns the service over it. Skips without ../shared."""
    greve = folder / "greve"
    greve.mkdir()
    for path in sorted(require_corpus("greve").glob("*.json"))[files]:
        shutil.copy(path, greve / path.name)
    config = load_config(write_config(folder, [(greve, "Greve Kommune")]))
    assert reindex(config, workers=1).failures == []
    return SearchService(config.index_path)


def sample_rows() -> list[dict]:
    """Store rows (``item_row``) of the samples' items, parsed but not stored or indexed."""
    from searchsvc.sources import read_source
    from searchsvc.store.items import item_row

    rows = []
    for path in sorted(SAMPLES.glob("*.txt")):
        parsed = read_source(path, path.read_bytes(), municipality="Frederiksberg Kommune")
        rows += [item_row(item) for meeting in parsed.meetings for item in meeting.items]
    return rows


def start_server(config_file: Path, *options: str):
    """Start ``searchsvc serve --port 0`` on a config; return (process, base URL).

    The server is the real one (waitress, two worker processes unless ``options`` say
    otherwise) on a free loopback port.
    Its log goes to a temporary file, so a full pipe can never block it.
    """
    import queue
    import subprocess
    import sys
    import tempfile
    import threading

    command = [sys.executable, "-c", "import sys; from searchsvc.cli import main; sys.exit(main())",
               "--config", str(config_file), "serve", "--host", "127.0.0.1", "--port", "0", "--threads", "4", "--workers", "2", *options]
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    process.log = log
    lines: queue.Queue[str] = queue.Queue()
    process.access_log = []  # the access-log lines it prints after its address

    def read() -> None:
        lines.put(process.stdout.readline())
        for line in process.stdout:  # read on, or a full pipe would stop the server
            process.access_log.append(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        line = lines.get(timeout=60)  # the server prints its address once it listens
    except queue.Empty:
        line = ""
    if not line.startswith("Serving on http://"):
        log.seek(0)
        logged = log.read()
        stop_server(process)
        raise AssertionError(f"serve did not start: {line!r} {logged!r}")
    return process, line.split("Serving on ", 1)[1].strip()


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except Exception:
        process.kill()
        process.wait()
    process.stdout.close()
    process.log.close()


def can_mount() -> bool:
    """Whether a small tmpfs can be mounted here (root, and a kernel that lets us)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/searchsvc-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()
