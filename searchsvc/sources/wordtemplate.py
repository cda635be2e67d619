"""The text of an agenda item as case systems' Word templates print it (Acadre, eDoc).

One item reads::

    412. Lokalplan 1-23 for boliger ved Stationsvej. Endelig vedtagelse
    Sagsnr.: 19/10345
    Sagen afgøres i: Byrådet
    Resumé
    ...
    Beslutning i Teknik- og Miljøudvalget den 03-02-2020
    ...

The number and title (the title may wrap), labelled lines (``Sagsnr.:``, ``Dok.nr.:``,
``Sagen afgøres i:``), then sections under headings that stand alone on their lines, one of
them per body that decided the case (``sources/history.py`` tells this meeting's from the
earlier ones). eDoc prints the same with a tab after the number and its decision headings as
``Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2``. Used by the PDF
reader for printed minutes (``sources/wordpdf.py``) and by the eDoc reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date

from ..domain.model import Section
from .history import dated_decision, resolve

# Headings of the templates, matched on a line of their own, case aside, colon aside.
HEADINGS = {
    h.lower(): h
    for h in (
        "Resumé", "Resume", "Sammendrag", "Baggrund", "Sagsfremstilling", "Supplerende sagsfremstilling",
        "Økonomi", "Økonomi og organisatoriske konsekvenser", "Økonomiske konsekvenser",
        "Økonomiske konsekvenser og finansiering", "Lovgrundlag", "Bilag", "Indstilling",
        "Beslutningen træffes af", "Tidligere behandling", "Høring", "Kommunikation",
        "Miljøvurdering", "Beslutning", "Sagens forløb", "Historik",
    )
}
# Labelled one-line fields: the journal number, the document number (dropped: it numbers
# the item's document, not the case) and who decides the case (kept as a section).
_JOURNAL = re.compile(r"^Sags?\s*nr\.?\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_DOCUMENT = re.compile(r"^Dok\.?\s*nr\.?\s*:", re.IGNORECASE)
_LABELLED = re.compile(r"^(?P<label>Sagen afgøres (?:i|af)|Beslutningen træffes af)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
# eDoc closes a decision with this line, names following when members were absent.
_ABSENT = re.compile(r"^Følgende deltog ikke i behandlingen af punktet\s*:\s*(?P<names>.*)$", re.DOTALL | re.MULTILINE)
_EARLIER_MEETING = re.compile(r"\bden \d{1,2}\.\s*[a-zæøå]+ \d{4}\b.*\bPunkt \d+", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"^(?:\d{1,2}[.)]|[-•])\s+")
ITEM_START = re.compile(r"^(?P<number>\d{1,4})\.[ \t]+(?P<title>\S.*)$")


@dataclass
class ItemText:
    number: int
    title: str
    journal_number: str | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def attachments(self) -> list[str]:
        """The lines of the Bilag sections, their list numbers ("1. ") aside; "Ingen" is none."""
        names = [_LIST_NUMBER.sub("", line.strip()) for s in self.sections if s.heading == "Bilag"
                 for line in s.text.split("\n")]
        return [name for name in names if name and name.lower() != "ingen"]


def heading_of(line: str) -> str | None:
    """The section a stripped line starts, in its usual spelling, or None."""
    key = " ".join(line.split()).rstrip(":").strip()
    if key.lower() in HEADINGS:
        return HEADINGS[key.lower()]
    if dated_decision(key):
        return key
    return None


def parse_item_text(lines: list[str], *, meeting_date: Date, committee: str) -> ItemText | None:
    """Parse one item's lines, starting at its ``N. title`` line; None if it is not one."""
    match = ITEM_START.match(lines[0].strip()) if lines else None
    if match is None:
        return None
    item = ItemText(int(match["number"]), match["title"].strip())
    title = [item.title]
    i = 1
    # The title runs on until a labelled line, a heading or a blank line.
    while i < len(lines) and (line := lines[i].strip()) and not _is_label(line) and heading_of(line) is None:
        title.append(line)
        i += 1
    item.title = " ".join(" ".join(title).split())
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []

    def close() -> None:
        content = _join(body)
        if heading is not None or content:
            sections.append(Section(heading or _leading_heading(content), content))

    for raw in lines[i:]:
        line = raw.strip()
        at_top = heading is None and not "".join(body).strip()
        if at_top and (journal := _JOURNAL.match(line)):
            item.journal_number = item.journal_number or journal["value"].strip()
            continue
        if at_top and _DOCUMENT.match(line):
            continue
        if labelled := _LABELLED.match(line):
            close()
            sections.append(Section(_label(labelled["label"]), labelled["value"].strip()))
            heading, body = None, []
            continue
        if (name := heading_of(line)) is not None:
            close()
            heading, body = name, []
            continue
        body.append(raw.rstrip())
    close()
    sections = [_attendance(s) for s in resolve(sections, meeting_date=meeting_date, committee=committee)]
    item.sections = sections
    return item


def _leading_heading(text: str) -> str:
    """Text before the first heading: the earlier meetings that treated the case, when it
    names only those ("Sundheds- og Forebyggelsesudvalget den 30. maj 2012 Punkt 7"); else
    untitled (the numbered notices of "Meddelelser")."""
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(_EARLIER_MEETING.search(line) for line in lines):
        return "Tidligere behandling"
    return ""


def _is_label(line: str) -> bool:
    return bool(_JOURNAL.match(line) or _DOCUMENT.match(line) or _LABELLED.match(line))


def _label(label: str) -> str:
    label = " ".join(label.split())
    return label[:1].upper() + label[1:].lower()


def _attendance(section: Section) -> Section:
    """eDoc's "Følgende deltog ikke ..." line: absent members as an attendance note, or nothing."""
    if section.heading != "Beslutning":
        return section
    match = _ABSENT.search(section.text)
    if match is None:
        return section
    names = " ".join(match["names"].split())
    decision = section.text[: match.start()].rstrip()
    return Section(section.heading, f"{decision}\nFraværende: {names}" if names else decision)


def _join(lines: list[str]) -> str:
    """Join body lines: blank lines separate paragraphs, runs of them collapse."""
    text = "\n".join(line.strip() for line in lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
