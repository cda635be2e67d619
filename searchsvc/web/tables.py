"""A stored table block as the item page lays it out: rows padded to one width, spans kept."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..domain.blocks import is_amount


def table_rows(block: dict) -> list[list[dict]]:
    """The rows of a table block, each cell ``{"text", "colspan", "rowspan"}``, every row
    filled with empty cells to the table's width (counting the cells that spans from
    rows above reach into), so that a column heading always has cells under it."""
    rows = [[{"text": cell.get("text", ""), "colspan": int(cell.get("colspan", 1)),
              "rowspan": int(cell.get("rowspan", 1))} for cell in row] for row in block.get("rows", [])]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        column = 0
        for cell in row:
            while (r, column) in taken:
                column += 1
            span = min(cell["rowspan"], len(rows) - r)
            taken.update((r + down, column + across)
                         for down in range(span) for across in range(cell["colspan"]))
            column += cell["colspan"]
    width = max((column + 1 for _, column in taken), default=0)
    for r, row in enumerate(rows):
        used = sum(1 for row_number, _ in taken if row_number == r)
        row.extend({"text": "", "colspan": 1, "rowspan": 1} for _ in range(width - used))
    return rows


def span_attributes(cell: dict) -> Markup:
    """`` colspan="2"`` and `` rowspan="3"`` where a cell spans more than one."""
    return Markup("").join(Markup(' {}="{}"').format(name, cell[name])
                           for name in ("colspan", "rowspan") if cell[name] > 1)


def cell_lines(text: str) -> Markup:
    """A cell's text, escaped, its lines (paragraphs in the source) kept apart."""
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


FILTERS = {"table_rows": table_rows, "span_attributes": span_attributes, "cell_lines": cell_lines,
           "is_amount": is_amount}
