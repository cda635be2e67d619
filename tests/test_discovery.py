"""Which files a reindex reads: a file name that is not UTF-8, a file that vanishes
between the scan and its read, and symbolic links out of the source folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.jobs.discovery import NOT_UTF8
from searchsvc.jobs.reindex import reindex
from searchsvc.search import SearchService
from tests.conftest import SAMPLES, write_config

FILE_2021 = "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"      # 4 items
FILE_2024 = "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget_2024-08-19.txt"  # 6 items


# -- a file name that is not UTF-8 ----------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_refused_alone(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    shutil.copy(SAMPLES / FILE_2021, folder)
    bad = os.fsencode(folder) + b"/bad\xff\xfe.txt"
    with open(bad, "wb") as handle:
        handle.write((SAMPLES / FILE_2024).read_bytes())
    config = load_config(write_config(tmp_path, [(folder, "Frederiksberg Kommune")]))
    for _ in range(2):   # a fresh index, then an existing one
        report = reindex(config, workers=1)
        assert report.failures == [(f"{folder}/bad\\xff\\xfe.txt", NOT_UTF8)]
        assert SearchService.open(config).item_count() == 4   # the other file's items
    result = CliRunner().invoke(main, ["--config", str(config.file), "reindex", "-q"])
    assert result.exit_code == 1
    assert "failed: " in result.stderr and "bad\\xff\\xfe.txt" in result.stderr
    assert "Traceback" not in result.output


# -- a file that vanishes during the run ------------------------------------------------------

@pytest.mark.parametrize("fresh", [True, False])
def test_a_file_deleted_between_the_scan_and_its_read_is_a_vanished_file(sample_config, fresh):
    folder = sample_config.sources[0].path
    if not fresh:
        assert reindex(sample_config, workers=1).items_added == 10
        for path in folder.iterdir():   # changed: both are read again
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))

    def delete_the_next(done: int, total: int) -> None:
        # Called after each file is parsed (one process, files in sorted order).
        if done == 1:
            (folder / FILE_2024).unlink()

    report = reindex(sample_config, workers=1, progress=delete_the_next)
    assert report.failures == []
    assert any(FILE_2024 in warning and "vanished" in warning for warning in report.warnings)
    assert SearchService.open(sample_config).item_count() == 4
    again = reindex(sample_config, workers=1)
    assert (again.failures, again.items_removed, again.files_seen) == ([], 0, 1)


# -- symbolic links ----------------------------------------------------------------------------

@pytest.fixture
def linked(tmp_path):
    """A source folder holding one file, a link to a system file, a link to a folder
    outside the tree, a link to a file inside it, and a link cycle."""
    folder, outside = tmp_path / "minutes", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    shutil.copy(SAMPLES / FILE_2021, folder)
    shutil.copy(SAMPLES / FILE_2024, outside)
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "other").symlink_to(outside, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / FILE_2021)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return tmp_path, folder


def test_links_out_of_the_source_folder_are_skipped_with_a_warning(linked):
    root, folder = linked
    config = load_config(write_config(root, [(folder, "Frederiksberg Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == []
    assert report.files_seen == 1   # the file, once (same.txt and loop lead back to it)
    everything = " ".join(report.warnings)
    assert "/etc/passwd" not in everything and "root:" not in everything
    skipped = sorted(Path(w.split(":", 1)[0]).name for w in report.warnings if "symbolic link to outside" in w)
    assert skipped == ["other", "passwd.txt"]
    assert SearchService.open(config).item_count() == 4


def test_follow_symlinks_reads_links_anywhere(linked):
    root, folder = linked
    (folder / "passwd.txt").unlink()
    file = write_config(root, [(folder, "Frederiksberg Kommune")])
    file.write_text(file.read_text("utf-8") + "follow_symlinks = true\n", "utf-8")
    config = load_config(file)
    assert config.sources[0].follow_symlinks is True
    report = reindex(config, workers=1)
    assert report.failures == [] and report.warnings == []
    assert SearchService.open(config).item_count() == 10


def test_follow_symlinks_must_be_a_boolean(tmp_path):
    file = write_config(tmp_path, [(tmp_path, "Greve Kommune")])
    file.write_text(file.read_text("utf-8") + 'follow_symlinks = "yes"\n', "utf-8")
    with pytest.raises(Exception, match=r"sources\[1\].follow_symlinks must be true or false"):
        load_config(file)
