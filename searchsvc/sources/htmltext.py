"""HTML to plain text, as a reader sees the page: for formats that carry their text as HTML.

Inline elements (``span``, ``em``, ``a`` ...) add nothing between their texts, so a word
split across two spans (``Erhvervsu</span><span>dvalget``) stays one word. Block elements
and ``<br>`` break lines; paragraphs, headings, lists and tables are set off by a blank
line; list items keep their marker ("- " or "1. "). A table is one line that carries its
``Table`` (``sources/tables.py``), whose text keeps the cells apart ("a | b |"); a table
that only lays text out becomes lines. Only the standard library's ``html.parser`` is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..domain.blocks import Table
from .tables import HtmlTable

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
_ITALIC = frozenset({"i", "em"})
_LISTS = frozenset({"ul", "ol"})
# Their content is not text a reader sees.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})

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
    # All of its text is in italics (or bold italics): a lesser heading, as Greve sets them.
    italic: bool = False
    # The table this line is the text of.
    table: Table | None = None


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
    converter.end_table()
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
        self._italic = 0
        self._upright = False  # the pending line has text outside italics
        self._heading: int | None = None
        # One entry per open list: its tag and the number of its next item.
        self._lists: list[list[int | str]] = []
        self._marker = ""
        self._table: HtmlTable | None = None
        self._nested = 0  # tables open inside the table being read: their cells are its text

    # -- what tags do

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BOLD:
            self._bold += 1
        elif tag in _ITALIC:
            self._italic += 1
        elif self._table is not None or tag in _CELLS or tag == "tr":
            self._table_start(tag, attrs)
        elif tag == "br":
            self._line_break()
        elif tag == "table":
            self.end_block(gap=True)
            self._table = HtmlTable()
        elif tag in _PARAGRAPHS or tag in _LINES:
            self.end_block(gap=tag in _PARAGRAPHS and not self._lists)
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
        elif tag in _ITALIC:
            self._italic = max(0, self._italic - 1)
        elif self._table is not None:
            self._table_end(tag)
        elif tag in _PARAGRAPHS or tag in _LINES:
            if tag in _LISTS and self._lists:
                self._lists.pop()
            # Within a list, paragraphs and nested lists stay with their item.
            self.end_block(gap=tag in _PARAGRAPHS and not self._lists)
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
            if self._table is not None:
                self._table.add_text(text, bold=self._bold > 0)
                return
            self._parts.append(text)
            if not self._bold and text.strip():
                self._plain = True
            if not self._italic and text.strip():
                self._upright = True

    # -- lines, lists, tables

    def _line_break(self) -> None:
        if _clean("".join(self._parts)):
            self.end_block(gap=False)
        elif self.lines:
            # A <br> on an empty line: <br><br> makes a blank line.
            self._gap = True

    def end_block(self, *, gap: bool) -> None:
        """Finish the pending line, if it has text; ``gap`` sets off what follows."""
        text = _clean("".join(self._parts))
        bold, italic = not self._plain, not self._upright
        self._parts = []
        self._plain = self._upright = False
        if text:
            if self._marker:
                text = f"{self._marker} {text}"
                self._marker = ""
            self.lines.append(TextLine(text, self._heading, self._gap, bold, italic))
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

    def _table_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._table is None:  # a cell or row outside any <table>: the table is implied
            self.end_block(gap=True)
            self._table = HtmlTable()
        table = self._table
        if tag == "table":
            self._nested += 1
            table.line_break()
        elif self._nested:
            table.line_break()
        elif tag in _CELLS:
            table.start_cell(header=tag == "th", attrs=attrs)
        elif tag == "tr":
            table.start_row()
        elif tag == "thead":
            table.in_head = True
        elif tag in ("tbody", "tfoot"):
            table.in_head = False
        elif tag == "li":
            table.line_break("•")
        elif tag == "br" or tag in _PARAGRAPHS or tag in _LINES:
            table.line_break()

    def _table_end(self, tag: str) -> None:
        table = self._table
        assert table is not None
        if tag == "table":
            if self._nested:
                self._nested -= 1
                table.line_break()
            else:
                self.end_table()
        elif self._nested:
            if tag in _CELLS or tag == "tr" or tag in _PARAGRAPHS or tag in _LINES:
                table.line_break()
        elif tag in _CELLS:
            table.end_cell()
        elif tag == "tr":
            table.end_row()
        elif tag == "thead":
            table.in_head = False
        elif tag in _PARAGRAPHS or tag in _LINES:
            table.line_break()

    def end_table(self) -> None:
        """Finish the table being read, if any: a line that carries it, or its lines."""
        table, self._table, self._nested = self._table, None, 0
        if table is None:
            return
        found = table.finish()
        if isinstance(found, Table):
            if text := found.text:
                self.lines.append(TextLine(text, gap=bool(self.lines) or self._gap, table=found))
        else:
            for n, text in enumerate(found):
                self.lines.append(TextLine(text, gap=n == 0 and (bool(self.lines) or self._gap)))
        self._gap = True


def _start_number(attrs: list[tuple[str, str | None]]) -> int:
    for name, value in attrs:
        if name == "start" and value and value.strip().isdigit():
            return int(value.strip())
    return 1


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
