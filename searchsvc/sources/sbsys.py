"""SBSYS eDagsorden publication exports (root ``Publication``), as OS2dagsorden reads them.

Layout: ``Agendas/Agenda`` holds the ``Meeting`` (``When`` ``15-05-2013 16:30:00``,
``Where``), the ``Committee`` (``Name``, ``CommitteeGroup/Name``, ``PeriodStart/End``) and
``Items/Item``: ``Number``, ``Caption`` (the title), ``IsPublic``, ``Case/Number`` (the
journal number, often empty), ``Fields/ItemField`` (``Caption`` such as Sammendrag,
Sagsfremstilling, Beslutningen træffes af; ``Content`` as HTML, or plain text for
``Multiline`` fields; ``IsFeedback`` marks the decision fields) and
``Enclosures/Enclosure`` (``Name``; ``InstantiationFilePathRelative`` is the file the
export wrote beside itself).

A decision field is the meeting's committee's (``Beslutning``, or
``FORRETNINGSUDVALGETS BESLUTNING``) or a later body's (``REGIONSRÅDETS BESLUTNING``); its
entries may be dated (``18. september 2012: ...``), the earlier ones being history.
"Tomt indhold" is the template's placeholder for an empty field.

A regional council's committees sit in the committee group ``REGIONSRÅD``: such a file
belongs to the region it names (``Region Hovedstaden``), whatever the source says.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import PureWindowsPath

from ..domain.blocks import Block, Paragraphs, blocks_text
from ..domain.model import Attendee, Meeting, Section
from ..errors import ParseError
from .history import DECISION, HISTORY, same_body, split_dated_entries
from .htmltext import html_to_lines
from .sectionblocks import line_blocks
from .xmldoc import capitalise_shouting, load_xml, parse_datetime, text, time_of

ROOT = "Publication"
PLACEHOLDERS = frozenset({"tomt indhold"})
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
_REGION_NAME = re.compile(r"\bRegion (" + "|".join(REGIONS) + r")\b")


def looks_like_sbsys(root_tag: str | None, data: bytes) -> bool:
    return root_tag == ROOT and b"<Agendas" in data


def parse_sbsys(data: bytes, *, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    """Parse an SBSYS publication: one meeting per agenda in it.

    :raise ParseError: when it is not such an export, or a meeting lacks its date.
    """
    root = load_xml(data, path=path, warnings=warnings)
    if root.tag != ROOT:
        raise ParseError(path, f"the root element is <{root.tag}>, not <{ROOT}>: not an SBSYS publication")
    agendas = root.findall("Agendas/Agenda")
    if not agendas:
        raise ParseError(path, "no Agendas/Agenda in the publication")
    organisation = _organisation(root, data) or municipality
    return [_meeting(agenda, path=path, municipality=organisation) for agenda in agendas]


def named_files(data: bytes) -> list[str]:
    """The files the export wrote beside itself: its enclosures (``Enclosures\\1.pdf``)."""
    root = load_xml(data, path="", warnings=[])
    names = {text(enclosure, "InstantiationFilePathRelative") for enclosure in root.iter("Enclosure")}
    return sorted(PureWindowsPath(name).as_posix() for name in names if name)


def _organisation(root: ET.Element, data: bytes) -> str | None:
    """The region a regional council's export belongs to, when it names one."""
    groups = {text(group, "Name").lower() for group in root.iter("CommitteeGroup")}
    if not any(group.startswith("regionsråd") for group in groups):
        return None
    # HTML content escapes nothing in region names, so the raw bytes will do.
    found = Counter(_REGION_NAME.findall(data.decode("utf-8", errors="replace")))
    return f"Region {found.most_common(1)[0][0]}" if found else None


def _meeting(agenda: ET.Element, *, path: str, municipality: str) -> Meeting:
    when_text = text(agenda, "Meeting/When")
    if not when_text:
        raise ParseError(path, "the meeting has no date (Meeting/When)")
    when = parse_datetime(when_text, path=path, what="Meeting/When")
    committee = capitalise_shouting(text(agenda, "Committee/Name") or text(agenda, "Name"))
    if not committee:
        raise ParseError(path, "the meeting names no committee (Committee/Name)")
    meeting = Meeting(
        municipality=municipality, committee=committee, period=_period(agenda), date=when.date(),
        time=time_of(when_text, when), place=text(agenda, "Meeting/Where") or None, source_path=path,
        attendees=_members(agenda),
    )
    decided = False
    for element in agenda.findall("Items/Item"):
        decided |= _item(meeting, element, path=path)
    # An agenda is published before the meeting, minutes after it: only minutes hold its decisions.
    meeting.kind = "referat" if decided else "dagsorden"
    for item in meeting.items:
        item.kind = meeting.kind
    meeting.items.sort(key=lambda i: i.item_number)
    return meeting


# SBSYS's participation states that mean a member did not take part ("NotDecided" is the
# state before the meeting, and all the corpus holds).
_ABSENT_STATES = {"absent", "notparticipating", "cancelled", "declined", "notattending"}


def _members(agenda: ET.Element) -> list[Attendee]:
    """The meeting's members (``Meeting/Members/MeetingMember``), absent where their state says so."""
    return [Attendee(name, absent=text(member, "ParticipationStatusAsText").lower() in _ABSENT_STATES)
            for member in agenda.findall("Meeting/Members/MeetingMember") if (name := text(member, "Name"))]


def _period(agenda: ET.Element) -> str | None:
    start, end = text(agenda, "Committee/PeriodStart"), text(agenda, "Committee/PeriodEnd")
    first, last = (re.search(r"\b(\d{4})\b", value) for value in (start, end))
    if first and last:
        return f"{first.group(1)}-{last.group(1)}"
    return None


def _item(meeting: Meeting, item: ET.Element, *, path: str) -> bool:
    """Add one item; True when it holds a decision of this meeting."""
    number_text = text(item, "Number")
    if not number_text.isdecimal():
        raise ParseError(path, f"an item's Number {number_text[:20]!r} is not an item number")
    number = int(number_text)
    title = text(item, "Caption")
    if not title:
        raise ParseError(path, f"agenda item {number} has no title (Caption)")
    sections: list[Section] = []
    decision: str | None = None
    history: list[str] = []
    for field in item.findall("Fields/ItemField"):
        caption = capitalise_shouting(text(field, "Caption"))
        blocks = _content(field)
        body = blocks_text(blocks)
        if text(field, "IsFeedback") == "True" and _is_own_decision(caption, meeting.committee):
            found, earlier = split_dated_entries(body, body=meeting.committee, meeting_date=meeting.date)
            decision = decision or found
            if earlier:
                history.append(earlier)
            continue
        if body:
            sections.append(Section.of_blocks(caption, blocks))
    if history:
        sections.append(Section(HISTORY, "\n\n".join(history)))
    if decision:
        sections.insert(0, Section(DECISION, decision))
    attachments = [name for e in item.findall("Enclosures/Enclosure") if (name := text(e, "Name"))]
    meeting.add_item(
        number, title,
        journal_number=text(item, "Case/Number") or None,
        sections=sections, attachments=attachments,
        closed=text(item, "IsPublic") == "False",
    )
    return decision is not None


def _is_own_decision(caption: str, committee: str) -> bool:
    """"Beslutning", or the decision field of this meeting's committee ("Forretningsudvalgets beslutning")."""
    words = caption.lower().split()
    if words == ["beslutning"]:
        return True
    return bool(words) and words[-1] == "beslutning" and same_body(" ".join(words[:-1]), committee)


def _content(field: ET.Element) -> list[Block]:
    """A field's blocks (its tables and sub-headings kept); none for a placeholder."""
    raw = field.findtext("Content") or ""
    blocks: list[Block] = line_blocks(html_to_lines(raw)) if text(field, "FieldTypeAsEnum") == "Html" else [
        Paragraphs("\n".join(line.strip() for line in raw.strip().splitlines()))]
    return [] if blocks_text(blocks).lower() in PLACEHOLDERS else blocks
