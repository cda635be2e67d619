"""Shared fixtures: the real corpus, and indexes built with the real reindex."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from searchsvc.config import load_config
from searchsvc.reindex import reindex

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus"
IN_CI = os.environ.get("CI") == "true"


def require_corpus(*parts: str) -> Path:
    """A path inside ../shared/corpus; skips (outside CI only) when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing, and CI=true requires the shared corpus")
        pytest.skip(f"{path} is absent: these tests need ../shared/corpus beside the checkout")
    return path


@pytest.fixture
def corpus():
    """The folder of the shared real corpus (skips outside CI when absent)."""
    return require_corpus()


def write_config(folder: Path, sources: list[tuple[Path, str]], *, extra: str = "") -> Path:
    """Write a config.toml in ``folder`` with an index under it and the given sources."""
    lines = ['[index]', 'path = "index"', ""]
    for path, municipality in sources:
        lines += ["[[sources]]", f'path = "{path}"', f'municipality = "{municipality}"', ""]
    file = folder / "config.toml"
    file.write_text("\n".join(lines) + extra, encoding="utf-8")
    return file


@pytest.fixture
def sample_config(tmp_path):
    """A config over a private copy of samples/ (10 Frederiksberg items), not yet indexed."""
    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy)
    return load_config(write_config(tmp_path, [(copy, "Frederiksberg Kommune")]))


@pytest.fixture
def sample_index(sample_config):
    """The samples indexed with the real reindex; returns the config."""
    report = reindex(sample_config, workers=1)
    assert report.failures == []
    return sample_config


@pytest.fixture(scope="session")
def shared_sample_index(tmp_path_factory):
    """The samples indexed once per test session, for tests that only read; returns the config.

    Tests that change the index (a reindex, a removed file) use ``sample_index`` instead.
    """
    folder = tmp_path_factory.mktemp("shared-samples")
    copy = folder / "samples"
    shutil.copytree(SAMPLES, copy)
    config = load_config(write_config(folder, [(copy, "Frederiksberg Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == []
    return config


@pytest.fixture
def app(shared_sample_index):
    """The web app over the indexed samples (shared, read-only)."""
    from searchsvc.web import create_app

    return create_app(shared_sample_index)


@pytest.fixture
def client(app):
    """A Flask test client of ``app``."""
    return app.test_client()


def start_server(config_file: Path):
    """Start ``searchsvc serve --port 0`` on a config; return (process, base URL).

    The server is the real one (waitress, in its own process) on a free loopback port.
    Its log goes to a temporary file, so a full pipe can never block it.
    """
    import queue
    import subprocess
    import sys
    import tempfile
    import threading

    command = [sys.executable, "-c", "import sys; from searchsvc.cli import main; sys.exit(main())",
               "--config", str(config_file), "serve", "--host", "127.0.0.1", "--port", "0", "--threads", "4"]
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    process.log = log
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=60)  # the server prints its address once it listens
    except queue.Empty:
        line = ""
    if not line.startswith("Serving on http://"):
        stop_server(process)
        log.seek(0)
        raise AssertionError(f"serve did not start: {line!r} {log.read()!r}")
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


@pytest.fixture
def live_server(sample_index):
    """``searchsvc serve`` running over the indexed samples; yields its base URL."""
    process, url = start_server(sample_index.file)
    try:
        yield url
    finally:
        stop_server(process)
