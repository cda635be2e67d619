"""PDF minutes in the Word-template layout, drawn with reportlab for the tests.

The layout is the one case systems print (see ``searchsvc/sources/wordpdf.py``): a cover,
a table of contents, the items, and on every page after the cover a running header
(``Referat For <udvalg>`` left, ``3. februar 2020 - kl. 16:00`` right) and footer
(``Side N`` left, ``N of M`` right). Text wraps at the margin as Word wraps it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A4
MARGIN = 60
TOP = HEIGHT - 110  # below the running header band
BOTTOM = 110  # above the footer band
LEADING = 14


@dataclass
class Line:
    text: str
    bold: bool = False
    gap: float = 0.0  # space before the line


@dataclass
class Minutes:
    committee: str
    running_date: str  # "3. februar 2020 - kl. 16:00"
    cover: list[Line]
    items: list[tuple[str, list[Line]]]  # ("412. Title", the item's lines)
    kind: str = "Referat"
    contents: bool = True
    contents_titles: list[str] | None = None  # the contents' entries, when not the items' titles
    pages: list[list[Line]] = field(default_factory=list)


def render(minutes: Minutes) -> bytes:
    """The PDF's bytes."""
    pages = [[*minutes.cover]]
    body: list[Line] = []
    if minutes.contents:
        body += [Line("Indholdsfortegnelse", bold=True), Line("Punkt nr.    Side", gap=6)]
        # Page numbers in the contents are not checked by the reader; any will do.
        titles = minutes.contents_titles or [title for title, _ in minutes.items]
        body += [Line(f"{title}    {n + 3}") for n, title in enumerate(titles)]
        pages.append(_flow(body))
        body = []
    for title, lines in minutes.items:
        body += [Line(title, bold=True, gap=18), *lines]
    pages += _paginate(_flow(body))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    total = len(pages)
    for number, lines in enumerate(pages, start=1):
        if number > 1:
            _furniture(canvas, minutes, number, total)
        y = TOP if number > 1 else HEIGHT - 160
        for line in lines:
            y -= line.gap
            canvas.setFont("Helvetica-Bold" if line.bold else "Helvetica", 11)
            canvas.drawString(MARGIN, y, line.text)
            y -= LEADING
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _furniture(canvas: Canvas, minutes: Minutes, number: int, total: int) -> None:
    canvas.setFont("Helvetica", 9)
    canvas.drawString(MARGIN, HEIGHT - 50, f"{minutes.kind} For {minutes.committee}")
    canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 50, minutes.running_date)
    canvas.drawString(MARGIN, 45, f"Side {number}")
    canvas.drawRightString(WIDTH - MARGIN, 45, f"{number} of {total}")


def _flow(lines: list[Line]) -> list[Line]:
    """Wrap long lines at the text width, as a word processor does."""
    flowed = []
    for line in lines:
        font = "Helvetica-Bold" if line.bold else "Helvetica"
        parts = simpleSplit(line.text, font, 11, WIDTH - 2 * MARGIN) or [""]
        flowed.append(Line(parts[0], line.bold, line.gap))
        flowed += [Line(part, line.bold) for part in parts[1:]]
    return flowed


def _paginate(lines: list[Line]) -> list[list[Line]]:
    pages: list[list[Line]] = [[]]
    y = TOP
    for line in lines:
        needed = line.gap + LEADING
        if y - needed < BOTTOM:
            pages.append([])
            y = TOP
            line = Line(line.text, line.bold)  # no gap at the top of a page
            needed = LEADING
        pages[-1].append(line)
        y -= needed
    return pages


def paragraphs(*texts: str) -> list[Line]:
    """Body text: one Line per paragraph, a small gap between them."""
    return [Line(text, gap=4 if n else 0) for n, text in enumerate(texts)]


def heading(text: str) -> Line:
    return Line(text, bold=True, gap=8)
