"""eDoc meeting exports (root ``Meeting``), as OS2dagsorden reads them.

Layout: ``Committee``, ``MeetingDate`` (``04-12-2012 13:00:00``), ``MeetingState``
("Referat endeligt godkendt"), and per ``MeetingAgendaTypes/MeetingAgendaType`` (``AgendaType``
"Åben dagsorden" or "Lukket dagsorden"; ``FullText``, the whole printed document, whose
cover names the place) the ``MeetingAgendaItems/MeetingAgendaItem``: ``AgendaItemNumber``,
``Document/Title``, ``Document/Attachments/Attachment/Title`` and ``FullText``, the item as
the Word template prints it (``sources/wordtemplate.py``): ``Sagsnr.:``, the sections, and
``Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2``.

Real exports carry Word's page breaks as ``&#xC;``, which XML forbids; ``xmldoc`` reads
them as line breaks. Items are listed in no particular order; they are sorted by number.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..domain.model import Meeting, Section
from ..errors import ParseError
from .wordtemplate import parse_item_text
from .xmldoc import load_xml, parse_datetime, text, time_of

ROOT = "Meeting"
# The cover: "tirsdag den 4. december 2012, kl. 13:00" and on the next line "i <place>".
_WHEN_LINE = re.compile(r"^\w+dag den \d{1,2}\. \w+ \d{4}(?:, kl\. \d{1,2}[:.]\d{2})?$", re.IGNORECASE)
_PLACE_LINE = re.compile(r"^i (?P<place>\S.*)$")


def looks_like_edoc(root_tag: str | None, data: bytes) -> bool:
    return root_tag == ROOT and b"<MeetingAgendaTypes" in data


def parse_edoc(data: bytes, *, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    """Parse an eDoc meeting export into its meeting.

    :raise ParseError: when it is not such an export, or lacks its committee or date.
    """
    root = load_xml(data, path=path, warnings=warnings)
    if root.tag != ROOT or root.find("MeetingAgendaTypes") is None:
        raise ParseError(path, f"the root element is <{root.tag}> without MeetingAgendaTypes: not an eDoc meeting")
    committee = text(root, "Committee")
    if not committee:
        raise ParseError(path, "the meeting names no committee (Committee)")
    when_text = text(root, "MeetingDate")
    if not when_text:
        raise ParseError(path, "the meeting has no date (MeetingDate)")
    when = parse_datetime(when_text, path=path, what="MeetingDate")
    agenda_types = root.findall("MeetingAgendaTypes/MeetingAgendaType")
    state = text(root, "MeetingState").lower()
    meeting = Meeting(
        municipality=municipality, committee=committee, period=None, date=when.date(),
        time=time_of(when_text, when), place=_place(agenda_types), source_path=path,
        kind="referat" if "referat" in state else "dagsorden",
    )
    for agenda_type in agenda_types:
        closed = text(agenda_type, "AgendaType").lower().startswith("lukket")
        for entry in agenda_type.findall("MeetingAgendaItems/MeetingAgendaItem"):
            _item(meeting, entry, closed=closed, path=path)
    meeting.items.sort(key=lambda i: i.item_number)
    return [meeting]


def named_files(data: bytes) -> list[str]:
    """The PDF files the export names: the printed documents, items and attachments."""
    root = load_xml(data, path="", warnings=[])
    return sorted({name for element in root.iter("PDFDocument") if (name := text(element))})


def _place(agenda_types: list[ET.Element]) -> str | None:
    for agenda_type in agenda_types:
        lines = [line.strip() for line in (agenda_type.findtext("FullText") or "").splitlines() if line.strip()]
        for line, following in zip(lines, lines[1:]):
            if _WHEN_LINE.match(line) and (match := _PLACE_LINE.match(following)):
                return match["place"]
    return None


def _item(meeting: Meeting, entry: ET.Element, *, closed: bool, path: str) -> None:
    number_text = text(entry, "AgendaItemNumber")
    if not number_text.isdecimal():
        raise ParseError(path, f"an item's AgendaItemNumber {number_text[:20]!r} is not an item number")
    number = int(number_text)
    title = text(entry, "Document/Title")
    lines = (entry.findtext("FullText") or "").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    parsed = parse_item_text(lines, meeting_date=meeting.date, committee=meeting.committee)
    if not title and parsed is not None:
        title = parsed.title
    if not title:
        raise ParseError(path, f"agenda item {number} has no title (Document/Title)")
    sections: list[Section] = parsed.sections if parsed is not None else []
    attachments = [name for a in entry.findall("Document/Attachments/Attachment") if (name := text(a, "Title"))]
    meeting.add_item(
        number, title,
        journal_number=parsed.journal_number if parsed is not None else None,
        sections=sections, attachments=attachments, closed=closed,
    )
