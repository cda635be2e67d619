"""Tables as the sources carry them: HTML cells read one at a time, and tab-separated lines.

Either way the result is a ``Table`` block (``domain/blocks.py``) when the rows and columns
make one: at least two rows of at least two columns. A "table" of one row or one column
only lays text out (a signature box, a framed note) and stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.blocks import Cell, Table, table_of

_SPACE = re.compile(r"\s+")  # \s covers the no-break space as well
MAX_SPAN = 50  # a larger colspan or rowspan is a typo, not a layout


@dataclass
class _DraftCell:
    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    header: bool = False     # a <th>, or a cell of <thead>
    plain: bool = False      # holds text that is not bold
    colspan: int = 1
    rowspan: int = 1

    def break_line(self) -> None:
        text = _SPACE.sub(" ", "".join(self.parts)).strip()
        if text:
            self.lines.append(text)
        self.parts = []

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class HtmlTable:
    """The rows of one HTML table as a parser meets its tags and text.

    Whitespace between cells is dropped; text outside any cell opens one. Paragraphs and
    line breaks inside a cell are kept as the cell's lines.
    """

    def __init__(self) -> None:
        self._rows: list[tuple[list[_DraftCell], bool]] = []
        self._row: list[_DraftCell] | None = None
        self._cell: _DraftCell | None = None
        self.in_head = False

    def start_row(self) -> None:
        self.end_row()
        self._row = []

    def end_row(self) -> None:
        self.end_cell()
        if self._row is not None:
            self._rows.append((self._row, self.in_head))
            self._row = None

    def start_cell(self, *, header: bool, attrs: list[tuple[str, str | None]]) -> None:
        self.end_cell()
        if self._row is None:
            self._row = []
        self._cell = _DraftCell(header=header or self.in_head,
                                colspan=_span(attrs, "colspan"), rowspan=_span(attrs, "rowspan"))

    def end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._cell.break_line()
            self._row.append(self._cell)
        self._cell = None

    def add_text(self, text: str, *, bold: bool) -> None:
        if self._cell is None:
            if not text.strip():
                return
            self.start_cell(header=False, attrs=[])
        assert self._cell is not None
        self._cell.parts.append(text)
        if text.strip() and not bold:
            self._cell.plain = True

    def line_break(self, marker: str = "") -> None:
        """A new line within the cell (a paragraph, a line break); ``marker`` starts it."""
        if self._cell is not None:
            self._cell.break_line()
            if marker:
                self._cell.parts.append(f"{marker} ")

    def finish(self) -> Table | list[str]:
        """The table; or, when it only lays text out, its lines of text."""
        self.end_row()
        rows = [(row, head) for row, head in self._rows if any(cell.lines for cell in row)]
        marked = 0
        for row, head in rows:
            filled = [cell for cell in row if cell.lines]
            if not (head or all(cell.header for cell in filled) or not any(cell.plain for cell in filled)):
                break
            marked += 1
        if marked >= len(rows):  # all of it bold: emphasis, not headings
            marked = min(1, marked)
        cells = _unstack([[Cell(c.text, c.colspan, c.rowspan) for c in row] for row, _ in rows])
        if not any(cell.colspan > 1 or cell.rowspan > 1 for row in cells for cell in row):
            cells = [_trimmed(row) for row in cells]
        if len(cells) < 2 or max(len(row) for row in cells) < 2:
            return _as_lines(cells)
        return table_of(cells, marked_header_rows=marked)


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    for key, value in attrs:
        if key == name and value and value.strip().isdigit():
            return max(1, min(int(value.strip()), MAX_SPAN))
    return 1


def _unstack(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Split a row whose cells hold one paragraph per visual row, as many as each other
    (hospitals in one cell, their amounts in the next), into those rows."""
    result: list[list[Cell]] = []
    for row in rows:
        counts = {len(cell.text.split("\n")) for cell in row}
        if (len(row) >= 2 and len(counts) == 1 and min(counts) >= 2
                and all(cell.colspan == cell.rowspan == 1 and cell.text for cell in row)):
            columns = [cell.text.split("\n") for cell in row]
            result.extend([Cell(column[n]) for column in columns] for n in range(min(counts)))
        else:
            result.append(row)
    return result


def _trimmed(row: list[Cell]) -> list[Cell]:
    row = list(row)
    while row and not row[-1].text:
        row.pop()
    return row


def _as_lines(rows: list[list[Cell]]) -> list[str]:
    """A layout table's text: a column's paragraphs as lines, a row's cells on one line."""
    if all(len(row) <= 1 for row in rows):
        return [line for row in rows for cell in row for line in cell.text.split("\n") if line]
    return [text for row in rows if (text := Table((tuple(row),)).text)]


# -- tab-separated lines (text extracted from PDF minutes)


def is_tab_row(line: str) -> bool:
    """Whether a line of extracted text is a table row: cells separated by tabs."""
    return "\t" in line and bool(line.replace("\t", "").strip())


def tab_table(lines: list[str]) -> Table | list[str]:
    """The table of tab-separated lines (blank lines among them are dropped); or, for a
    single row or column, its text."""
    rows = [_trimmed([Cell(" ".join(cell.split())) for cell in line.split("\t")])
            for line in lines if line.strip()]
    if len(rows) < 2 or max(len(row) for row in rows) < 2:
        return _as_lines(rows)
    return table_of(rows)


def tab_runs(lines: list[str]) -> list[tuple[int, int]]:
    """The (start, end) line ranges of tab-separated tables in a section's lines.

    A blank line between two runs of rows with as many columns is inside one table (PDF
    extraction puts one where a row breaks across a page or a border).
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not is_tab_row(lines[i]):
            i += 1
            continue
        start = i
        while i < len(lines) and is_tab_row(lines[i]):
            i += 1
        if runs and _only_blank(lines[runs[-1][1]:start]) and _columns(lines[runs[-1][0]:runs[-1][1]]) == _columns(lines[start:i]):
            start = runs.pop()[0]
        runs.append((start, i))
    return runs


def _only_blank(lines: list[str]) -> bool:
    return all(not line.strip() for line in lines)


def _columns(lines: list[str]) -> int:
    return max((len(line.rstrip("\t ").split("\t")) for line in lines if line.strip()), default=0)
