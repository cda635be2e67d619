"""A section's blocks: its text as the page lays it out (paragraphs, sub-headings, tables).

A section's ``text`` is what search reads; its blocks, when it has any, are how the page
shows it. Only sections with a table or a sub-heading get blocks; others are their text.
A table's text keeps its cells apart: each cell is followed by ``CELL_END`` (" |"), so no
two cells run together into one number, one word or a range ("2020 | - 565.000 kr. |",
never "2020 - 565.000 kr."), even where a snippet joins the lines of a row or of two rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .calendar import MONTHS

# Follows every non-empty cell of a row in the text: a word boundary to the tokenizer,
# and a visible one in a snippet, where line breaks become spaces.
CELL_END = " |"
CELL_SEPARATOR = CELL_END + " "

# A cell that holds an amount rather than a label: "1.400.000", "-3.200", "82% (186)", "+ 700.000 kr.".
_AMOUNT = re.compile(r"^(?:kr\.\s*)?[-+−–]?\s*\d[\d.,]*\s*(?:%|kr\.?|mio\.?|t\.?\s*kr\.?)?(?:\s*\(\d[\d.,]*\))?$", re.IGNORECASE)
_NIL = ("-", "–", "÷")
# A day or a period of the calendar: what the first column of a timetable holds.
_DATE = re.compile(r"\b(?:" + "|".join(MONTHS) + r"|primo|medio|ultimo|uge\s+\d+)\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d{2}\??$")


@dataclass(frozen=True)
class Cell:
    """One table cell; its lines are separated by newlines (paragraphs within the cell)."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table: rows of cells, the first ``header_rows`` of them column headings."""

    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0

    @property
    def text(self) -> str:
        """The table as search reads it (``table_text``)."""
        return table_text([cell.text for cell in row] for row in self.rows)


@dataclass(frozen=True)
class Paragraphs:
    """Plain text: blank lines part paragraphs, newlines break lines."""

    text: str


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section ("Baggrund", "Den videre proces")."""

    text: str


Block = Paragraphs | Subheading | Table


def blocks_text(blocks: list[Block]) -> str:
    """The search text of a section's blocks: each block's text, a blank line between them."""
    return "\n\n".join(text for block in blocks if (text := block.text.strip()))


def table_text(rows: Iterable[Iterable[str]]) -> str:
    """A table's text as search reads it, from its cells' texts: a line per row, each
    non-empty cell (its whitespace collapsed) followed by " |"."""
    lines = []
    for row in rows:
        cells = [cell for cell in (" ".join(text.split()) for text in row) if cell]
        if cells:
            lines.append(CELL_SEPARATOR.join(cells) + CELL_END)
    return "\n".join(lines)


def table_of(rows: list[list[Cell]], *, marked_header_rows: int = 0) -> Table:
    """A table of these rows, with the rows that head its columns worked out.

    :param marked_header_rows: leading rows the source marks as headings (``<th>``,
        ``<thead>``, all bold). Unmarked, the first row heads the columns unless it reads
        as data (``reads_as_data``); rows after a heading row that start with an empty
        cell and hold no amount head them too ("", "2021", "2022").
    """
    count = len(rows)
    if marked_header_rows:
        header = marked_header_rows
    elif rows and not reads_as_data(rows[0]):
        header = 1
        while header < count - 1 and not rows[header][0].text.strip() and not any(
                is_amount(cell.text) for cell in rows[header]):
            header += 1
    else:
        header = 0
    # At least one row of data: a heading over nothing is no heading.
    return Table(tuple(tuple(row) for row in rows), min(header, max(count - 1, 0)))


def reads_as_data(row: list[Cell]) -> bool:
    """Whether an unmarked first row is data rather than column headings: it holds an
    amount after its first cell ("1.400.000"; a year is a heading, and a first cell of
    "1.000 kr." names the unit), starts with a date of a timetable ("9. september 2025",
    "Primo 2023") or holds a sentence (more than eight words)."""
    return (any(is_amount(cell.text) for cell in row[1:]) or bool(row and _DATE.search(row[0].text))
            or any(len(cell.text.split()) > 8 for cell in row))


def is_amount(text: str) -> bool:
    """Whether a cell holds an amount ("1.400.000", "-3.200", "82% (186)", "-" for none),
    not a label or a year."""
    text = " ".join(text.split())
    return text in _NIL or (bool(text) and not _YEAR.match(text) and bool(_AMOUNT.match(text)))


# -- as stored and served (JSON)


def block_json(block: Block) -> dict[str, Any]:
    """A block as the store and the API hold it."""
    if isinstance(block, Table):
        return {"type": "table", "header_rows": block.header_rows,
                "rows": [[cell_json(cell) for cell in row] for row in block.rows]}
    kind = "heading" if isinstance(block, Subheading) else "text"
    return {"type": kind, "text": block.text}


def cell_json(cell: Cell) -> dict[str, Any]:
    found: dict[str, Any] = {"text": cell.text}
    if cell.colspan > 1:
        found["colspan"] = cell.colspan
    if cell.rowspan > 1:
        found["rowspan"] = cell.rowspan
    return found


def block_from_json(found: dict[str, Any]) -> Block:
    """A block read back from ``block_json``."""
    if found.get("type") == "table":
        rows = tuple(tuple(Cell(str(cell.get("text", "")), int(cell.get("colspan", 1)), int(cell.get("rowspan", 1)))
                           for cell in row) for row in found.get("rows", []))
        return Table(rows, int(found.get("header_rows", 0)))
    if found.get("type") == "heading":
        return Subheading(str(found.get("text", "")))
    return Paragraphs(str(found.get("text", "")))


def json_blocks_text(blocks: list[dict[str, Any]]) -> str:
    """The search text of blocks as stored: ``blocks_text`` of them read back, read
    straight from the JSON (every search reads it for the sections of its results)."""
    texts = (table_text((str(cell.get("text", "")) for cell in row) for row in block.get("rows", []))
             if block.get("type") == "table" else str(block.get("text", ""))
             for block in blocks)
    return "\n\n".join(stripped for text in texts if (stripped := text.strip()))

