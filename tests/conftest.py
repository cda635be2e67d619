"""Shared fixtures: the real corpus, and indexes built with the real reindex."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex

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


# Greve meetings (by the start of the file name) that the search-quality tests read,
# beside both Frederiksberg meetings and one Aarhus agenda: indexed in seconds.
DANISH_GREVE_MEETINGS = (
    "Klima-, Teknik- og Miljøudvalget_2022-10-13",  # Udbud af buslinje 224
    "Klima-, Teknik- og Miljøudvalget_2022-11-17",  # ladestandere til el-biler
    "Klima-, Teknik- og Miljøudvalget_2023-05-25",  # Forslag til Spildevandsplan 2023-2031
    "Byråd 2022-2025_2023-11-06",                    # Spildevandsplan 2023-2031 - godkendelse
    "Byråd 2022-2025_2024-01-29",                    # Lejeaftale med Greve Spildevand
    "Kultur- og Fritidsudvalget_2024-04-24",         # Egnsteateraftale for Opera Hedeland
    "Sundheds- og Omsorgsudvalget_2024-03-18",       # Ny ældrereform, initiativer i udspil
    "Sundheds- og Omsorgsudvalget_2024-06-03",       # Ældrereform og status på initiativer
)


@pytest.fixture(scope="session")
def danish_index(tmp_path_factory):
    """Real minutes from three municipalities (both Frederiksberg meetings, the Greve
    meetings above, the Aarhus city council of 2025-10-08) indexed once per session
    with the real reindex, for the search-quality tests; returns the config."""
    import glob

    corpus = require_corpus()
    folder = tmp_path_factory.mktemp("danish")
    greve, aarhus = folder / "greve", folder / "aarhus"
    greve.mkdir()
    aarhus.mkdir()
    for prefix in DANISH_GREVE_MEETINGS:
        found = sorted((corpus / "greve").glob(glob.escape(prefix) + "*.json"))
        assert found, f"no Greve meeting file starts with {prefix!r}"
        shutil.copy(found[0], greve / found[0].name)
    shutil.copy(corpus / "aarhus" / "byraad_dagsorden_2025-10-08.html", aarhus)
    config = load_config(write_config(folder, [(corpus / "frederiksberg", "Frederiksberg Kommune"),
                                               (greve, "Greve Kommune"), (aarhus, "Aarhus Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == []
    return config


@pytest.fixture(scope="session")
def danish_archive(danish_index):
    """An ``Archive`` over ``danish_index``."""
    from searchsvc.search.service import Archive

    return Archive(danish_index.index_path)


def index_greve_sample(folder: Path, files: slice):
    """Every n-th real Greve meeting (``files`` slices the sorted list), indexed with the
    real reindex into ``folder``; returns the Archive over it."""
    from searchsvc.search.service import Archive

    greve = folder / "greve"
    greve.mkdir()
    for path in sorted(require_corpus("greve").glob("*.json"))[files]:
        shutil.copy(path, greve / path.name)
    config = load_config(write_config(folder, [(greve, "Greve Kommune")]))
    assert reindex(config, workers=1).failures == []
    return Archive(config.index_path)


@pytest.fixture(scope="session")
def greve_rows() -> list[dict]:
    """Store rows (``item_row``) of every 20th real Greve meeting's items, parsed but
    not stored or indexed: for tests that write indexes themselves."""
    from searchsvc.sources import read_source
    from searchsvc.store.items import item_row

    rows = []
    for path in sorted(require_corpus("greve").glob("*.json"))[::20]:
        parsed = read_source(path, path.read_bytes(), municipality="Greve Kommune")
        rows += [item_row(item) for meeting in parsed.meetings for item in meeting.items]
    assert len(rows) > 100
    return rows
