"""HTML to plain text, as a reader sees the page: for formats that carry their text as HTML.

Inline elements (``span``, ``em``, ``a`` ...) add nothing between their texts, so a word
split across two spans (``Erhvervsu</span><span>dvalget``) stays one word. Block elements
and ``<br>`` break lines; paragraphs, headings, lists and tables are set off by a blank
line; list items keep their marker ("- " or "1. "); table cells are joined by " | ".
Only the standard library's ``html.parser`` is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Blocks set off by a blank line.
_PARAGRAPHS = frozenset({"p", "ul", "ol", "table", "blockquote", "pre", "dl", "hr", "figure", *_HEADINGS})
# Blocks that only break the line.
_LINES = frozenset(
    {"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "main", "nav",
     "aside", "address", "caption", "figcaption", "form", "fieldset", "thead", "tbody", "tfoot",
     "center"}
)
_CELLS = frozenset({"td", "th"})
_BOLD = frozenset({"b", "strong"})
_LISTS = frozenset({"ul", "ol"})
# Their content is not text a reader sees.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
CELL_SEPARATOR = " | "

_SPACE = re.compile(r"\s+")  # \s covers the no-break space as well
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


@dataclass
class TextLine:
    """One line of text; ``heading`` is its level (1-6) when it came from h1-h6."""

    text: str
    heading: int | None = None
    # A blank line goes before this one (a new paragraph).
    gap: bool = False
    # All of its text is bold: a heading set as <p><strong>...</strong></p>.
    bold: bool = False


def html_to_text(html: str) -> str:
    """Convert HTML to plain text: lines for blocks, a blank line between paragraphs.

    >>> html_to_text("<p>Erhvervsu</span><span>dvalget</p><ul><li>a</li><li>b &amp; c</li></ul>")
    'Erhvervsudvalget\\n\\n- a\\n- b & c'

    Never raises: broken markup is read as far as it goes.
    """
    return join_lines(html_to_lines(html))


def html_to_lines(html: str) -> list[TextLine]:
    """Convert HTML to text lines, each stripped, none empty, headings marked with their level."""
    try:
        return _convert(html)
    except AssertionError:
        # html.parser asserts on a marked section it does not know ("<![foo"); read it as text.
        return _convert(html.replace("<![", "&lt;!["))


def join_lines(lines: list[TextLine]) -> str:
    """Join text lines, with one blank line wherever a line starts a paragraph."""
    out: list[str] = []
    for line in lines:
        if line.gap and out:
            out.append("")
        out.append(line.text)
    return "\n".join(out)


def _convert(html: str) -> list[TextLine]:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    converter.end_block(gap=False)
    return converter.lines


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[TextLine] = []
        self._parts: list[str] = []
        self._gap = False
        self._hidden = 0
        self._bold = 0
        self._plain = False  # the pending line has text outside bold
        self._heading: int | None = None
        # One entry per open list: its tag and the number of its next item.
        self._lists: list[list[int | str]] = []
        self._marker = ""
        self._row: list[str] | None = None
        self._in_cell = False

    # -- what tags do

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BOLD:
            self._bold += 1
        elif tag == "br":
            self._line_break()
        elif tag in _CELLS:
            self._start_cell()
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in _PARAGRAPHS or tag in _LINES:
            self._block_boundary(tag)
            if tag in _HEADINGS:
                self._heading = _HEADINGS[tag]
            elif tag in _LISTS:
                self._lists.append([tag, _start_number(attrs)])
            elif tag == "li":
                self._marker = self._next_marker()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BOLD:
            self._bold = max(0, self._bold - 1)
        elif tag in _CELLS:
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag in _PARAGRAPHS or tag in _LINES:
            if tag == "table":
                self._end_row()
            elif tag in _LISTS and self._lists:
                self._lists.pop()
            self._block_boundary(tag)
            if tag in _HEADINGS:
                self._heading = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>, <p/>: a start tag that is also its end.
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            text = _SPACE.sub(" ", _INVISIBLE.sub("", data))
            self._parts.append(text)
            if not self._bold and text.strip():
                self._plain = True

    # -- lines, lists, tables

    def _block_boundary(self, tag: str) -> None:
        if self._row is not None:
            # Inside a table row a block only separates words within the cell.
            self._parts.append(" ")
            return
        # Within a list, paragraphs and nested lists stay with their item.
        self.end_block(gap=tag in _PARAGRAPHS and not self._lists)

    def _line_break(self) -> None:
        if self._row is not None:
            self._parts.append(" ")
        elif _clean("".join(self._parts)):
            self.end_block(gap=False)
        elif self.lines:
            # A <br> on an empty line: <br><br> makes a blank line.
            self._gap = True

    def end_block(self, *, gap: bool) -> None:
        """Finish the pending line, if it has text; ``gap`` sets off what follows."""
        text = _clean("".join(self._parts))
        bold = not self._plain
        self._parts = []
        self._plain = False
        if text:
            if self._marker:
                text = f"{self._marker} {text}"
                self._marker = ""
            self.lines.append(TextLine(text, self._heading, self._gap, bold))
            self._gap = False
        if gap and self.lines:
            self._gap = True

    def _next_marker(self) -> str:
        if not self._lists:
            return "-"
        entry = self._lists[-1]
        indent = "  " * (len(self._lists) - 1)
        if entry[0] != "ol":
            return f"{indent}-"
        number = int(entry[1])
        entry[1] = number + 1
        return f"{indent}{number}."

    def _start_cell(self) -> None:
        if self._row is None:
            # A cell outside any <tr>: the row is implied.
            self.end_block(gap=False)
            self._row = []
        elif self._in_cell:
            self._end_cell()
        self._in_cell = True

    def _end_cell(self) -> None:
        if self._row is None:
            return
        self._row.append(_clean("".join(self._parts)))
        self._parts = []
        self._in_cell = False

    def _end_row(self) -> None:
        if self._row is None:
            return
        if self._in_cell or _clean("".join(self._parts)):
            self._end_cell()
        cells = self._row
        self._row = None
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            self._parts = [CELL_SEPARATOR.join(cells)]
            self.end_block(gap=False)


def _start_number(attrs: list[tuple[str, str | None]]) -> int:
    for name, value in attrs:
        if name == "start" and value and value.strip().isdigit():
            return int(value.strip())
    return 1


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
