"""A section's lines into its blocks: paragraphs, sub-headings and tables.

From HTML (``htmltext.TextLine``), a line that carries a table is a table, and a short
line set as a heading, or all in bold or italics, is a sub-heading ("Baggrund", "Den
videre proces") unless it reads as a sentence (ends in ".", "," or ";"), a quotation, a
list item, a table row or an attendance note ("Ikke til stede:", shown under Fremmøde).
From extracted text, runs of tab-separated lines are tables (``tables.tab_runs``).
"""

from __future__ import annotations

import re

from ..domain.blocks import CELL_END, Block, Paragraphs, Subheading, Table
from ..domain.decisions import split_attendance
from ..domain.model import Section
from .htmltext import TextLine, join_lines
from .tables import tab_runs, tab_table

SUBHEADING_MAX_CHARS = 100
_QUOTES = "\"'«»“”„"
_LIST_ITEM = re.compile(r"^(?:[-•*–]|\d+[.)])\s")


def section_of_lines(heading: str, lines: list[TextLine]) -> Section:
    """The section of these HTML text lines, with blocks where it has a table or a sub-heading."""
    return Section.of_blocks(heading, line_blocks(lines))


def line_blocks(lines: list[TextLine]) -> list[Block]:
    """Group HTML text lines into blocks, in order."""
    blocks: list[Block] = []
    pending: list[TextLine] = []

    def flush() -> None:
        if text := join_lines(pending):
            blocks.append(Paragraphs(text))
        pending.clear()

    for line in lines:
        if line.table is not None:
            flush()
            blocks.append(line.table)
        elif is_subheading(line):
            flush()
            blocks.append(Subheading(line.text.strip()))
        else:
            pending.append(line)
    flush()
    return blocks


def is_subheading(line: TextLine) -> bool:
    """Whether a line of HTML text heads what follows it within its section."""
    text = line.text.strip()
    if line.table is not None or not (line.heading is not None or line.bold or line.italic):
        return False
    return (0 < len(text) <= SUBHEADING_MAX_CHARS and any(c.isalpha() for c in text)
            and text[-1] not in ".,;" and text[0] not in _QUOTES and not _LIST_ITEM.match(text)
            and CELL_END not in text and split_attendance(text)[1] is None)


def text_blocks(lines: list[str]) -> list[Block]:
    """Group lines of extracted text into paragraphs and tab-separated tables, in order.

    Paragraphs are the lines between tables, joined as ``_join`` in ``referat`` does:
    blank lines part paragraphs, runs of them collapse.
    """
    blocks: list[Block] = []
    cursor = 0
    for start, end in tab_runs(lines):
        _add_text(blocks, lines[cursor:start])
        found = tab_table(lines[start:end])
        if isinstance(found, Table):
            blocks.append(found)
        else:
            _add_text(blocks, found)
        cursor = end
    _add_text(blocks, lines[cursor:])
    return blocks


def _add_text(blocks: list[Block], lines: list[str]) -> None:
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip())
    if text:
        blocks.append(Paragraphs(text))
