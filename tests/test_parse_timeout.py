"""A file that keeps its parser busy does not stall the reindex (issue 18): each file has
a time bound ([reindex] parse_timeout); past it the file fails with that reason, keeps
its items, and the other files are indexed.

The stuck parse is real: a 50 KB PDF whose one page draws five million one-letter
strings, compressed, which pypdf reads for minutes (about 30 microseconds a string
here), as a decompression bomb would keep any reader busy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from helpers import REPO, SAMPLE_2021, SAMPLES, require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.errors import ConfigError
from searchsvc.jobs import integrity
from searchsvc.jobs.reindex import reindex

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"


def slow_pdf(strings: int = 5_000_000) -> bytes:
    """A valid one-page PDF whose content stream shows ``strings`` strings."""
    content = b"BT /F1 12 Tf 72 720 Td\n" + b"(a) Tj\n" * strings + b"ET\n"
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def searchable(config: Path) -> set[str]:
    report = integrity.check(load_config(config).index_path)
    assert report.problems == []
    return report.searchable


def minutes_with_a_pdf(tmp_path: Path, greve: int = 0) -> tuple[Path, Path]:
    """The samples, the real Aarhus PDF minutes and ``greve`` real Greve meetings in one
    source folder, indexed; returns (config file with a 3 s bound, the PDF)."""
    source = tmp_path / "minutes"
    shutil.copytree(SAMPLES, source)
    pdf = source / "byraad_referat.pdf"
    shutil.copy(require_corpus("aarhus", "byraad_dagsorden_2025-08-27.pdf"), pdf)
    for path in sorted(require_corpus("greve").glob("*.json"))[:greve]:
        shutil.copy(path, source / path.name)
    config = write_config(tmp_path, [(source, "Aarhus Kommune")], extra="[reindex]\nparse_timeout = 3\n")
    assert reindex(load_config(config), workers=1).failures == []
    return config, pdf


def test_a_stuck_parse_is_skipped_and_keeps_its_items(tmp_path):
    config, pdf = minutes_with_a_pdf(tmp_path)
    before = searchable(config)
    pdf.write_bytes(slow_pdf())           # the PDF replaced by one that keeps pypdf busy
    later = pdf.parent / "later.txt"      # and another meeting arrives beside it
    later.write_text((SAMPLES / SAMPLE_2021).read_text("utf-8").replace("d. 03-05-2021", "d. 04-05-2021"), "utf-8")
    children = set(_children(os.getpid()))
    report = reindex(load_config(config), workers=1)
    assert report.failures == [(str(pdf), "took longer than 3 s: skipped, its items kept")]
    assert report.files_parsed == 1 and report.items_added == 4
    after = searchable(config)
    assert before < after and len(after - before) == 4   # the PDF's items kept, the new meeting's added
    assert set(_children(os.getpid())) <= children       # the stuck parser is gone

    # Every run tries it again (it may have been a busy machine): bounded again.
    again = reindex(load_config(config), workers=1)
    assert again.failures == [(str(pdf), "took longer than 3 s: skipped, its items kept")]
    assert searchable(config) == after


def test_a_stuck_parse_among_parallel_workers_from_the_command_line(tmp_path):
    """``searchsvc reindex --full --workers 2``: the other process parses every other file
    while one is stuck; the rebuild carries the stuck file's items over."""
    config, pdf = minutes_with_a_pdf(tmp_path, greve=14)   # 17 files: the parallel path
    before = searchable(config)
    pdf.write_bytes(slow_pdf())
    run = subprocess.run([sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet", "--full",
                          "--workers", "2"], capture_output=True, text=True, cwd=REPO,
                         timeout=120)  # unbounded, the PDF alone would take minutes
    assert run.returncode == 1
    assert f"failed: {pdf}: took longer than 3 s: skipped, its items kept" in run.stderr
    assert run.stdout.startswith("17 files: 16 parsed, 0 unchanged, 1 failed"), run.stdout
    assert searchable(config) == before


def test_the_bound_can_be_switched_off_and_must_be_seconds(tmp_path):
    base = write_config(tmp_path, [(SAMPLES, "Frederiksberg Kommune")])
    assert load_config(base).parse_timeout == 120
    base.write_text(base.read_text("utf-8") + "[reindex]\nparse_timeout = 0\n", "utf-8")
    config = load_config(base)
    assert config.parse_timeout == 0
    assert reindex(config, workers=1).files_parsed == 2   # in this process, unbounded
    base.write_text(base.read_text("utf-8").replace("parse_timeout = 0", 'parse_timeout = "2 min"'), "utf-8")
    with pytest.raises(ConfigError, match="reindex.parse_timeout must be a number of seconds"):
        load_config(base)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found
