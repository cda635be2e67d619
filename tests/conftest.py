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
