"""PDF minutes: the text layer of a published referat, read with pypdf.

The text goes to the referat parser (``sources/referat.py``) once the page furniture is
gone: running headers, footers and page numbers sit between the lines of any item that
crosses a page break and would otherwise end up inside its sections.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pypdf


from ..domain.journal import JOURNAL_LINE
from ..domain.model import Meeting
from ..errors import ParseError
from .pdflines import join_wrapped
from .referat import ITEM_LINE, SECTION_HEADINGS, parse_referat
from .wordpdf import looks_like_word_minutes, parse_word_minutes

# Where headers and footers live, twice over: among this many non-blank lines at either
# end of a page's text (pypdf yields drawing order, and a footer is often drawn before
# the body), and within this fraction of the page height from its top or bottom edge.
ZONE_LINES = 3
MARGIN_BAND = 0.12

# A line that is only a page number, in any of its usual dresses: "7", "Side 7",
# "Side 7 af 28", "7/28", "- 7 -".
_PAGE_NUMBER = re.compile(
    r"^(?:(?:side|page)\s*)?\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$",
    re.IGNORECASE,
)


@dataclass
class PageText:
    """The text of one page, and the text drawn in its top and bottom margin bands."""

    text: str
    margins: str = ""

    def in_margins(self, line: str) -> bool:
        """True when the line was drawn within a margin band (whitespace aside)."""
        return "".join(line.split()) in self.margins


def parse_pdf(data: bytes, *, path: str, municipality: str) -> Meeting:
    """Parse the PDF of one meeting's minutes.

    :param data: the file's content.
    :param path: the source file, used in errors and stored with the items.
    :param municipality: the municipality the configuration names for this source.
    :raise ParseError: when the file is not a readable PDF, has no text layer, or its
        text is not a referat.
    """
    raw = extract_pages(data, path=path)
    pages = strip_furniture(raw)
    # A page break is a line break, not a paragraph: sentences run on across it.
    text = "\n".join(page.strip("\n") for page in pages)
    # Two layouts: the referat's "Punkt 33: title", or a Word template's "412. Title"
    # over "Sagsnr.: 19/10345" (sources/wordpdf.py).
    lines = text.split("\n")
    if not any(ITEM_LINE.match(line.strip()) for line in lines) and looks_like_word_minutes(lines):
        running = [line for page in raw for line in page.text.split("\n")]
        meeting = parse_word_minutes(lines, path=path, municipality=municipality, running=running)
    else:
        meeting = parse_referat(text, path=path, municipality=municipality)
    # Printed lines back into sentences (pdflines.py), once the sections are found.
    for item in meeting.items:
        for section in item.sections:
            section.text = join_wrapped(section.text)
    return meeting


def extract_pages(data: bytes, *, path: str) -> list[PageText]:
    """The text of each page, in order.

    :raise ParseError: when the data is not a PDF, is truncated, damaged or encrypted,
        or holds no text at all.
    """
    # The header may follow a few bytes of junk; the spec allows it within the first 1024.
    if b"%PDF-" not in data[:1024]:
        raise ParseError(path, "not a PDF (no %PDF- header)")
    # pypdf repairs a missing end silently and would yield the first pages only:
    # half the minutes must not pass for all of them.
    if b"%%EOF" not in data[-2048:]:
        raise ParseError(path, "the PDF is truncated (no %%EOF marker at its end)")
    try:
        with warnings.catch_warnings():
            # pypdf warns about damage it repairs; whether text comes out decides.
            warnings.simplefilter("ignore")
            from pypdf import PdfReader  # imported here: most reindex runs read no PDF

            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ParseError(path, "the PDF is encrypted with a password")
            pages = [_page_text(page) for page in reader.pages]
    except ParseError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on a damaged file
        raise ParseError(path, f"the PDF cannot be read ({type(error).__name__}: {error})") from None
    if not pages:
        raise ParseError(path, "the PDF has no pages")
    if not any(page.text.strip() for page in pages):
        raise ParseError(path, "the PDF has no text layer (scanned PDF?)")
    return pages


def _page_text(page: pypdf.PageObject) -> PageText:
    box = page.mediabox
    bottom, height = float(box.bottom), float(box.height)
    low, high = bottom + MARGIN_BAND * height, bottom + (1 - MARGIN_BAND) * height
    margins: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text origin in page space
        if not low <= y <= high:
            margins.append(text)

    text = page.extract_text(visitor_text=visit) or ""
    return PageText(text, "".join("".join(margins).split()))


def strip_furniture(pages: list[PageText]) -> list[str]:
    """The text of each page without its running headers, footers and page numbers.

    A line is furniture when it stands among the first or last ``ZONE_LINES`` non-blank
    lines of its page, was drawn within the page's margin bands, and recurs so, page
    numbers aside, on more than half of the pages (three at least): "Side 7 af 28"
    matches "Side 8 af 28", "Referat 27-08-2025 side 7" matches "... side 8". The band
    keeps the last line of a short page ("Godkendt.", mid-page) from ever counting.
    Section headings, item lines and journal numbers are never furniture, and the first
    page keeps its top, where the meeting header may double as the running header.
    """
    split = [page.text.split("\n") for page in pages]
    seen: Counter[str] = Counter()
    for number, (page, lines) in enumerate(zip(pages, split), start=1):
        seen.update({_shape(lines[i], number) for i in _zone(lines) if _is_candidate(lines[i], page)})
    needed = max(3, len(pages) // 2 + 1)
    repeated = {shape for shape, count in seen.items() if count >= needed}

    cleaned = []
    for number, (page, lines) in enumerate(zip(pages, split), start=1):
        drop = {
            i for i in _zone(lines, top=number > 1)
            if _is_candidate(lines[i], page) and _shape(lines[i], number) in repeated
        }
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return cleaned


def _zone(lines: list[str], *, top: bool = True) -> set[int]:
    """Indexes of the non-blank lines at the bottom of a page, and at its top if asked."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    zone = set(filled[-ZONE_LINES:])
    if top:
        zone |= set(filled[:ZONE_LINES])
    return zone


def _is_candidate(line: str, page: PageText) -> bool:
    line = line.strip()
    if line in SECTION_HEADINGS or ITEM_LINE.match(line) or JOURNAL_LINE.match(line):
        return False
    return page.in_margins(line)


def _shape(line: str, page_number: int) -> str:
    """A line with its page number blanked, so that the furniture of all pages looks alike.

    A line that is nothing but a page number loses all its digits (printed numbers may
    be offset from the page's position); in any other line only the page's own number,
    standing as a word of its own, is blanked: dates and journal numbers keep their digits.
    """
    line = " ".join(line.split())
    if _PAGE_NUMBER.match(line):
        return re.sub(r"\d+", "#", line)
    return re.sub(rf"(?<![\w.,/-])0*{page_number}(?![\w.,-])", "#", line)
