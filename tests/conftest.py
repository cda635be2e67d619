"""Shared fixtures: the real corpus, and indexes built with the real reindex.

Functions that test modules call themselves live in ``helpers.py``: no module imports
this one.
"""

from __future__ import annotations

import shutil

import pytest
from helpers import (SAMPLES, index_samples, index_samples_in_segments, require_corpus, sample_rows, start_server,
                     stop_server, write_config)

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchService


@pytest.fixture
def corpus():
    """The folder of the shared real corpus (skips outside CI when absent)."""
    return require_corpus()


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
    return index_samples(tmp_path_factory.mktemp("shared-samples"))


@pytest.fixture(scope="session")
def sample_service(shared_sample_index):
    """A ``SearchService`` over ``shared_sample_index`` (read-only)."""
    return SearchService.open(shared_sample_index)


@pytest.fixture(scope="session")
def segmented_samples(tmp_path_factory):
    """A ``SearchService`` over the samples indexed in several segments, with deleted
    documents (``helpers.index_samples_in_segments``); read-only. Built once per session."""
    return index_samples_in_segments(tmp_path_factory.mktemp("segmented-samples"))


@pytest.fixture
def app(shared_sample_index):
    """The web app over the indexed samples (shared, read-only)."""
    from searchsvc.web import create_app

    return create_app(shared_sample_index)


@pytest.fixture
def client(app):
    """A Flask test client of ``app``."""
    return app.test_client()


@pytest.fixture
def live_server(sample_index):
    """``searchsvc serve`` running over the indexed samples (the test's own copy, which it
    may change); yields its base URL."""
    process, url = start_server(sample_index.file)
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def shared_live_server(shared_sample_index):
    """``searchsvc serve`` over ``shared_sample_index``, started once per session, for
    tests that only read; yields its base URL."""
    process, url = start_server(shared_sample_index.file)
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
def danish_service(danish_index):
    """A ``SearchService`` over ``danish_index``."""
    return SearchService.open(danish_index)


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


@pytest.fixture(scope="session")
def samples_rows() -> list[dict]:
    """Store rows of the samples' ten items, parsed but not stored or indexed."""
    rows = sample_rows()
    assert len(rows) == 10
    return rows
