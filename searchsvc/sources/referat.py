"""The referat text format: the text of published PDF minutes.

Layout (see ``shared/corpus/README.md``): a header (``REFERAT <committee> d. DD-MM-YYYY``,
``Mødedato ...``, ``Mødested ...``), a table of contents, then one block per agenda item
that starts at a ``Punkt N: title`` line, followed by the journal number and sections whose
headings stand alone on their lines.
"""

from __future__ import annotations

import re
from datetime import date as Date

from ..domain.journal import JOURNAL_LINE
from ..domain.model import Meeting, Section, split_period
from ..errors import ParseError
from .sectionblocks import text_blocks

# Headings recognised when a line holds nothing else. Running text that merely starts
# with one of these words ("Behandling af klager ...") is not a heading.
SECTION_HEADINGS = frozenset(
    {
        "Resume", "Resumé", "Beslutning", "Beslutninger", "Indstilling", "Sagsfremstilling",
        "Sagsbeskrivelse", "Økonomi", "Økonomiske konsekvenser", "Borgmesterpåtegning",
        "Behandling", "Bilag", "Historik", "Lovgrundlag", "Sagens forløb", "Sagsforløb",
        "Sagsprocedure", "Beslutningspunkter", "Tidligere beslutninger", "Høring",
        "Kommunikation", "Udvalgets bemærkninger", "Borgmesterens Afdelings påtegning",
    }
)
# Headings that also name documents: inside a Bilag list, "Indstilling" is an attachment
# (Aarhus lists the proposal itself first), not the start of a section.
DOCUMENT_NAMES = frozenset({"Indstilling"})
# Aarhus items embed whole documents, introduced by a short line of their own in capitals:
# "BESLUTNINGSFORSLAG FRA DD", "INDSTILLING FRA MAGISTRATSAFDELINGEN FOR TEKNIK OG MILJØ",
# "BESLUTNINGSFORSLAG FRA V, LA, DD, KF, RV, M og ALT". They end the decision text, so
# they are headings too (kept as written).
DOCUMENT_HEADING = re.compile(r"^(?:BESLUTNINGSFORSLAG|INDSTILLING) FRA \S.{0,100}$")

_HEADER = re.compile(
    r"^(?P<kind>REFERAT|DAGSORDEN|BESLUTNINGSPROTOKOL)\s+(?P<committee>.+?)\s+d\.\s*"
    r"(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})\s*$",
    re.IGNORECASE,
)
_MEETING_TIME = re.compile(r"^Mødedato\b.*?\bkl\.\s*(\d{1,2})[:.](\d{2})")
_PLACE = re.compile(r"^Mødested\s+(.+)$")
ITEM_LINE = re.compile(r"^Punkt\s+(\d+)\s*:\s*(.*)$")
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>")
_EMPHASIS = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")


def clean_line(line: str) -> str:
    """Strip leftover markup (``<u>``, ``<ul ...>``, ``*emphasis*``) from a text line."""
    line = _MARKUP.sub(" ", line)
    line = _EMPHASIS.sub(r"\1", line)
    return re.sub(r"[ \u00a0]{2,}", " ", line).rstrip()


def parse_referat(text: str, *, path: str, municipality: str) -> Meeting:
    """Parse the text of one meeting's minutes.

    :param text: the whole file, decoded.
    :param path: the source file, used in errors and stored with the items.
    :param municipality: the municipality the configuration names for this source.
    :raise ParseError: when the header or the agenda items cannot be found.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meeting = _parse_header(lines, path=path, municipality=municipality)
    starts = [i for i, line in enumerate(lines) if ITEM_LINE.match(line.strip())]
    if not starts:
        raise ParseError(path, "no agenda items ('Punkt N: title' lines) found")
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        _parse_item(meeting, lines[start:end], first_line=start + 1, path=path)
    return meeting


def _parse_header(lines: list[str], *, path: str, municipality: str) -> Meeting:
    header = time = place = None
    for number, raw in enumerate(lines[:60], start=1):
        line = raw.strip()
        if header is None and (match := _HEADER.match(line)):
            header = match
            header_line = number
        elif match := _MEETING_TIME.match(line):
            time = f"{int(match.group(1)):02d}:{match.group(2)}"
        elif (match := _PLACE.match(line)) and place is None:
            place = match.group(1).strip()
        if ITEM_LINE.match(line):
            break
    if header is None:
        raise ParseError(path, "no meeting header ('REFERAT <committee> d. DD-MM-YYYY') found", line=1)
    try:
        date = Date(int(header["y"]), int(header["m"]), int(header["d"]))
    except ValueError:
        raise ParseError(path, f"the meeting date {header['d']}-{header['m']}-{header['y']} is not a date", line=header_line) from None
    committee, period = split_period(strip_municipality(header["committee"], municipality))
    # A beslutningsprotokol is minutes by another name.
    kind = "dagsorden" if header["kind"].lower() == "dagsorden" else "referat"
    return Meeting(municipality=municipality, committee=committee, period=period, date=date,
                   time=time, place=place, source_path=path, kind=kind)


def strip_municipality(committee: str, municipality: str) -> str:
    """"Aarhus Byråd" of "Aarhus Kommune" is its "Byråd", as other sources name it.

    Items carry the municipality anyway; committee names are compared across sources.
    """
    name = re.sub(r"\s+kommune$", "", municipality.strip(), flags=re.IGNORECASE)
    rest = committee.strip()
    if name and rest.lower().startswith(name.lower() + " ") and rest[len(name):].strip():
        return rest[len(name):].strip()
    return rest


def _parse_item(meeting: Meeting, lines: list[str], *, first_line: int, path: str) -> None:
    match = ITEM_LINE.match(lines[0].strip())
    assert match  # the caller split at item lines
    number = int(match.group(1))
    title_parts = [match.group(2).strip()]
    journal_number = None
    i = 1
    # The title may wrap onto further lines, until the journal number or the first heading.
    while i < len(lines):
        line = lines[i].strip()
        if line in SECTION_HEADINGS:
            break
        i += 1
        if not line:
            continue
        if JOURNAL_LINE.match(line):
            journal_number = line
            break
        title_parts.append(line)
    # "Meddelelser:" ends in a colon in the source; the colon is layout, not title.
    title = _join_title(title_parts).rstrip(":").strip()
    if not title:
        raise ParseError(path, f"agenda item {number} has no title", line=first_line)

    closed = title.lower().startswith("lukket:")
    # Text before the first heading is kept, not dropped. Of a closed item only the
    # decision is published, and Aarhus prints it unheaded; elsewhere it stays untitled.
    leading = "Beslutning" if closed else ""
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []
    for raw in lines[i:]:
        line = raw.strip()
        if _is_heading(line, inside=heading):
            if heading is not None or _join(body):
                sections.append(Section.of_blocks(heading or leading, text_blocks(body)))
            heading, body = line, []
        else:
            body.append(clean_line(raw))
    if heading is not None or _join(body):
        sections.append(Section.of_blocks(heading or leading, text_blocks(body)))

    attachments = [
        line.strip() for s in sections if s.heading == "Bilag" for line in s.text.split("\n") if line.strip()
    ]
    meeting.add_item(number, title, journal_number=journal_number, sections=sections,
                     attachments=attachments, closed=closed)


def _is_heading(line: str, *, inside: str | None) -> bool:
    """True when a stripped line starts a section, given the heading of the current one."""
    if inside == "Bilag" and line in DOCUMENT_NAMES:
        return False
    return line in SECTION_HEADINGS or bool(DOCUMENT_HEADING.match(line))


def _join_title(parts: list[str]) -> str:
    """Join the lines of a wrapped title; a line ending in a hyphen ("2030-") runs on unspaced."""
    title = ""
    for part in filter(None, parts):
        if re.search(r"\w-$", title):
            title += part
        else:
            title = f"{title} {part}" if title else part
    return title


def _join(lines: list[str]) -> str:
    """Join body lines into paragraphs: blank lines separate, runs of them collapse."""
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
