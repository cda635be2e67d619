"""An OS2dagsorden export that arrives after the files it names (issue 18): eDoc prints
its meeting as PDFs and names them in the export. Read before the export came, a PDF
is minutes; once the export is there it is the export's attachment, in a plain run as
in a ``--full`` one, and its items leave the index for the export's own. On the real
eDoc export, with a PDF of its meeting printed in the Word template's layout."""

from __future__ import annotations

import shutil

from helpers import require_corpus, write_config
from word_minutes_pdf import Line, Minutes, heading, paragraphs, render

from searchsvc.config import load_config
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex

EDOC = "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.xml"
PRINTED = "1533095.PDF"   # one of the PDFs the export names


def printed_minutes() -> bytes:
    """The export's meeting as its printed PDF reads: two items, decided."""
    return render(Minutes(
        committee="Sundheds- og Forebyggelsesudvalget", running_date="4. december 2012 - kl. 13:00",
        cover=[Line("Referat"), Line("Sundheds- og Forebyggelsesudvalget"), Line("Tirsdag den 4. december 2012"),
               Line("Kl. 13:00"), Line("Rådhuset")],
        items=[(f"{n}. Sag nummer {n}", [Line(f"Sagsnr.: 12/{n:05d}"), heading("Indstilling"),
                                          *paragraphs("Direktøren indstiller, at sagen godkendes. " * 20),
                                          heading("Beslutning i Sundheds- og Forebyggelsesudvalget den 04-12-2012"),
                                          *paragraphs("Godkendt.")]) for n in range(1, 3)],
    ))


def searchable(config) -> set[str]:
    report = integrity.check(config.index_path)
    assert report.problems == []
    return report.searchable


def test_an_export_arriving_after_its_pdf_makes_it_an_attachment(tmp_path):
    folder = tmp_path / "edoc"
    folder.mkdir()
    pdf = folder / PRINTED
    pdf.write_bytes(printed_minutes())
    config = load_config(write_config(tmp_path, [(folder, "Ballerup Kommune")]))
    alone = reindex(config, workers=1)
    assert (alone.failures, alone.files_parsed, alone.items_added) == ([], 1, 2)   # minutes, for now

    export = folder / EDOC
    shutil.copy(require_corpus("os2dagsorden", EDOC), export)
    export.chmod(0o644)
    report = reindex(config, workers=1)
    assert report.failures == []
    assert (report.files_parsed, report.files_attached, report.files_skipped) == (1, 1, 0)
    plain = searchable(config)
    assert len(plain) == 8                             # the export's items, and no more
    reindex(config, full=True, workers=1)
    assert searchable(config) == plain                 # what a full rebuild gives

    # The PDF saved again beside its unchanged export stays an attachment.
    pdf.write_bytes(pdf.read_bytes() + b"% saved again\n")
    again = reindex(config, workers=1)
    assert (again.failures, again.files_parsed, again.files_attached) == ([], 0, 1)
    assert searchable(config) == plain


def test_a_pdf_the_export_does_not_name_stays_minutes(tmp_path):
    """Only files an export names change role: a PDF of other minutes beside it stays minutes."""
    folder = tmp_path / "edoc"
    folder.mkdir()
    other = folder / "other.pdf"
    other.write_bytes(printed_minutes())
    config = load_config(write_config(tmp_path, [(folder, "Ballerup Kommune")]))
    assert reindex(config, workers=1).items_added == 2
    shutil.copy(require_corpus("os2dagsorden", EDOC), folder / EDOC)
    report = reindex(config, workers=1)
    assert (report.files_attached, report.files_skipped) == (0, 1)
    assert report.failures and report.failures[0][0] == str(folder / EDOC)   # the same meeting twice


def test_a_pdf_whose_export_goes_is_minutes_again(tmp_path):
    folder = tmp_path / "edoc"
    folder.mkdir()
    (folder / PRINTED).write_bytes(printed_minutes())
    export = folder / EDOC
    shutil.copy(require_corpus("os2dagsorden", EDOC), export)
    config = load_config(write_config(tmp_path, [(folder, "Ballerup Kommune")]))
    first = reindex(config, workers=1)
    assert (first.failures, first.files_attached, len(searchable(config))) == ([], 1, 8)
    export.unlink()
    report = reindex(config, workers=1, allow_removals=True)
    assert (report.failures, report.files_attached, report.files_parsed) == ([], 0, 1)
    assert len(searchable(config)) == 2    # the printed PDF's two items, as minutes
