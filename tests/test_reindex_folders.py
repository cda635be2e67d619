"""Nothing under a source folder is skipped in silence: every file is parsed, reported as
not minutes (with its reason), or counted as an attachment its export names. On the real
OS2dagsorden exports, with the files a real export folder also holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import require_corpus, write_config
from word_minutes_pdf import Line, Minutes, heading, paragraphs, render

from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.search.service import SearchService
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store


@pytest.fixture
def export_folder(tmp_path) -> Path:
    """The OS2dagsorden exports, with attachments they name, an image and a foreign XML."""
    folder = tmp_path / "os2dagsorden"
    shutil.copytree(require_corpus("os2dagsorden"), folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    (folder / "3525829E1.DOCX").write_bytes(b"PK\x03\x04 an Acadre attachment")  # named by the Acadre export
    (folder / "Files_1863_3687982").mkdir()  # the manifest's files folder
    (folder / "Files_1863_3687982" / "referat.pdf").write_bytes(b"%PDF-1.4 produced referat\n%%EOF\n")
    (folder / "Enclosures").mkdir()  # where SBSYS writes its enclosures
    (folder / "Enclosures" / "1.pdf").write_bytes(b"%PDF-1.4 an enclosure\n%%EOF\n")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 not minutes")
    (folder / "feed.xml").write_bytes(b"<?xml version='1.0'?><rss><channel/></rss>")
    (folder / ".DS_Store").write_bytes(b"hidden: not a file of the source")
    return folder


@pytest.fixture
def config(tmp_path, export_folder):
    return load_config(write_config(tmp_path, [(export_folder, "Ballerup Kommune")]))


def names(pairs) -> dict[str, str]:
    return {Path(path).name: reason for path, reason in pairs}


def test_every_file_is_parsed_reported_or_an_attachment(config):
    report = reindex(config, workers=1)
    assert report.failures == []
    assert (report.files_seen, report.files_parsed, report.files_attached, report.files_unknown) == (10, 5, 3, 2)
    assert names(report.unknown) == {
        "foto.jpg": "unknown format '.jpg': not a minutes file (by its extension)",
        "feed.xml": "unknown format '.xml': not a minutes file (root element <rss>: none of SBSYS, eDoc, Acadre)",
    }
    assert report.items_added == 5 + 4 + 8 + 1
    assert "; 2 files of unknown format; 3 attachments of exports; items: 18 added" in report.summary()
    # The eDoc file's forbidden characters are a warning, not a failure.
    assert any("characters that XML forbids" in warning for warning in report.warnings)


def test_the_files_own_organisation_wins_over_the_folders(config):
    reindex(config, workers=1)
    store = Store(DataDir(config.index_path).current())
    assert dict(store.counts("municipality")) == {"Ballerup Kommune": 14, "Region Hovedstaden": 4}


def test_unknown_files_are_reported_on_every_run_without_being_read_again(config):
    reindex(config, workers=1)
    again = reindex(config, workers=1)
    assert (again.files_parsed, again.files_skipped, again.files_attached, again.files_unknown) == (0, 5, 3, 2)
    assert names(again.unknown).keys() == {"foto.jpg", "feed.xml"}


def test_an_attachment_arriving_after_its_export_is_still_an_attachment(config, export_folder):
    reindex(config, workers=1)
    (export_folder / "2531342E2.DOC").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")  # named by Acadre
    (export_folder / "notes.odt").write_bytes(b"PK\x03\x04 named by nothing")
    report = reindex(config, workers=1)
    assert (report.files_attached, report.files_unknown) == (4, 3)
    assert "notes.odt" in names(report.unknown) and "2531342E2.DOC" not in names(report.unknown)


def test_stats_count_the_files_that_are_not_minutes(config):
    reindex(config, workers=1)
    stats = SearchService(config.index_path).stats()
    assert names(stats["unknown_files"]).keys() == {"foto.jpg", "feed.xml"}
    assert stats["attachment_files"] == 3 and stats["failed_files"] == []
    output = CliRunner().invoke(main, ["--config", str(config.file), "stats"]).output
    assert "Sources with errors: 0" in output
    assert "Files of unknown format (not minutes): 2" in output and "foto.jpg: unknown format '.jpg'" in output
    assert "Attachments named by exports: 3" in output


def test_cli_reports_unknown_files_and_strict_makes_them_an_error(config):
    runner = CliRunner()
    lenient = runner.invoke(main, ["--config", str(config.file), "reindex", "--quiet"])
    assert lenient.exit_code == 0, lenient.output
    assert "not minutes: " in lenient.output and "foto.jpg: unknown format '.jpg'" in lenient.output
    assert "2 files of unknown format" in lenient.output
    strict = runner.invoke(main, ["--config", str(config.file), "reindex", "--quiet", "--strict"])
    assert strict.exit_code == 1
    assert "error: " in strict.output and "feed.xml: unknown format '.xml'" in strict.output


def test_a_file_of_unknown_format_named_as_a_source_is_a_failure(tmp_path, export_folder):
    config = load_config(write_config(tmp_path, [(export_folder / "feed.xml", "Ballerup Kommune")]))
    report = reindex(config, workers=1)
    assert names(report.failures) == {"feed.xml": "unknown format '.xml': not a minutes file "
                                                  "(root element <rss>: none of SBSYS, eDoc, Acadre)"}
    assert report.unknown == []


def test_a_source_folder_per_system(tmp_path):
    """Frederiksberg, Aarhus, Greve (three meetings), the exports and printed Word minutes:
    each folder indexed whole, nothing failed, nothing unknown."""
    greve = tmp_path / "greve"
    greve.mkdir()
    for path in sorted(require_corpus("greve").glob("*.json"))[:3]:
        shutil.copy(path, greve)
    word = tmp_path / "word"
    word.mkdir()
    (word / "referat.pdf").write_bytes(render(Minutes(
        committee="Teknik- og Miljøudvalget", running_date="3. februar 2020 - kl. 16:00",
        cover=[Line("Referat"), Line("Teknik- og Miljøudvalget"), Line("Mandag den 3. februar 2020"),
               Line("Kl. 16:00"), Line("Rådhuset")],
        items=[(f"{n}. Sag nummer {n}", [Line(f"Sagsnr.: 20/{n:05d}"), heading("Indstilling"),
                                          *paragraphs("Direktøren indstiller, at sagen godkendes. " * 40),
                                          heading("Beslutning i Teknik- og Miljøudvalget den 03-02-2020"),
                                          *paragraphs("Godkendt.")]) for n in range(1, 6)],
    )))
    sources = [(require_corpus("frederiksberg"), "Frederiksberg Kommune"), (require_corpus("aarhus"), "Aarhus Kommune"),
               (greve, "Greve Kommune"), (require_corpus("os2dagsorden"), "Ballerup Kommune"), (word, "Syddjurs Kommune")]
    config = load_config(write_config(tmp_path, sources))
    report = reindex(config, workers=1)
    assert report.failures == [] and report.unknown == []
    store = Store(DataDir(config.index_path).current())
    counts = dict(store.counts("municipality"))
    assert counts["Syddjurs Kommune"] == 5 and counts["Region Hovedstaden"] == 4
    assert {"Frederiksberg Kommune", "Aarhus Kommune", "Greve Kommune", "Ballerup Kommune"} <= counts.keys()
    decided = store.db.execute(
        "SELECT decision_text FROM items WHERE municipality = 'Syddjurs Kommune'").fetchall()
    assert [row[0] for row in decided] == ["Godkendt."] * 5


def test_a_source_may_name_the_organisation_of_some_of_its_files(tmp_path, export_folder):
    extra = '[sources.municipalities]\n"acadre_syddjurs_*" = "Syddjurs Kommune"\n'
    config = load_config(write_config(tmp_path, [(export_folder, "Ballerup Kommune")], extra=extra))
    assert config.sources[0].municipality_of(export_folder / "ACADRE_Syddjurs_puk.xml") == "Syddjurs Kommune"
    reindex(config, workers=1)
    store = Store(DataDir(config.index_path).current())
    assert dict(store.counts("municipality")) == {"Ballerup Kommune": 13, "Region Hovedstaden": 4, "Syddjurs Kommune": 1}


def test_municipalities_of_a_source_must_be_names(tmp_path, export_folder):
    from searchsvc.errors import ConfigError

    extra = '[sources.municipalities]\n"acadre_*" = 3\n'
    with pytest.raises(ConfigError, match=r"sources\[1\].municipalities must be a table of file name patterns"):
        load_config(write_config(tmp_path, [(export_folder, "Ballerup Kommune")], extra=extra))


def test_an_export_under_the_name_its_manifest_gives_it_is_minutes(tmp_path, export_folder):
    # Real Acadre exports keep the agenda under the name the manifest names (3687981.xml).
    (export_folder / "acadre_syddjurs_puk_2013-06-20.xml").rename(export_folder / "3687981.xml")
    config = load_config(write_config(tmp_path, [(export_folder, "Ballerup Kommune")]))
    report = reindex(config, workers=1)
    assert (report.files_parsed, report.files_attached, report.items_added) == (5, 3, 18)
