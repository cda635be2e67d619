"""PDF text lines joined into paragraphs (issue 17), on the real Aarhus city-council PDF
and on small texts."""

from __future__ import annotations

from helpers import require_corpus
from searchsvc.sources.pdf import parse_pdf
from searchsvc.sources.pdflines import join_wrapped


def test_the_aarhus_pdf_reads_in_sentences():
    path = require_corpus("aarhus", "byraad_dagsorden_2025-08-27.pdf")
    meeting = parse_pdf(path.read_bytes(), path=str(path), municipality="Aarhus Kommune")
    item = next(i for i in meeting.items if i.item_number == 9)
    text = "\n".join(section.text for section in item.sections)
    assert "cykelbro fra Dokk1 til Balticagade skulle undersøges." in text
    assert "udarbejdet forskellige forslag til modeller" in text
    every_line = [line.strip() for i in meeting.items for s in i.sections for line in s.text.split("\n")]
    assert "." not in every_line or all(s.text == "." for i in meeting.items for s in i.sections
                                        if "." in [line.strip() for line in s.text.split("\n")])
    # Sentences end lines; a line ending in the middle of one goes on with a capital (a name) at most.
    mid_sentence = [line for line in every_line if line and line[-1].isalpha()]
    assert len(mid_sentence) < len(every_line) // 5


def test_lists_headings_and_empty_decisions_keep_their_lines():
    assert join_wrapped("Direktøren indstiller, at\n1. lokalplanen vedtages,\n2. svarene gives.") == \
        "Direktøren indstiller, at\n1. lokalplanen vedtages,\n2. svarene gives."
    assert join_wrapped(".") == "."
    assert join_wrapped("Godkendt.\n.") == "Godkendt."
    assert join_wrapped("Økonomi\nDer er ingen udgifter.") == "Økonomi\nDer er ingen udgifter."
    assert join_wrapped("en sætning der\nfortsætter her.") == "en sætning der fortsætter her."
