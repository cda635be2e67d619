"""Acadre MM agenda exports (root ``root``, nested ``table name=...`` of ``field name=...``).

Layout: ``table name="agenda"`` (``name`` "Referat" or "Dagsorden") holds the
``committee`` table (``name``), the ``meeting`` table (``date`` ``2013-06-20 10:30``,
``location``, ``address`` with ``<br>`` between its lines) and ``agendaitemparents``
tables whose ``sort`` (matched by ``agitemid``) is the item's number; each ``agendaitem``
has ``name`` (title), ``caseno`` (journal number), ``accessname`` ("Åben" or not), its
sections as ``bullet`` tables (``bulletname``, HTML ``bulletcontent``, ``bulletsortorder``)
and its attachments as ``enclosure`` tables (``name``, ``filename``, ``sort``).

A case treated before carries one ``Beslutning i <udvalg> den DD-MM-YYYY`` bullet per
treatment: this meeting's is the decision, the others its history (``history.py``).

Beside it the export writes a manifest (root ``root`` with ``table name="producedAgenda"``):
the meeting and the documents produced (``docfilename``, ``xmlfilename``, ``filesfolder``).
It holds no items; what it names are parts of the export, never unknown files.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..domain.model import Attendee, Meeting
from ..errors import ParseError
from .history import resolve
from .htmltext import html_to_lines, html_to_text
from .sectionblocks import section_of_lines
from .xmldoc import load_xml, parse_datetime, time_of

ROOT = "root"


def looks_like_acadre(root_tag: str | None, data: bytes) -> bool:
    return root_tag == ROOT and b'<table name="agenda"' in data[:4096] and b'name="agendaitem"' in data


def looks_like_acadre_manifest(root_tag: str | None, data: bytes) -> bool:
    return root_tag == ROOT and b'<table name="producedAgenda"' in data


def fields(table: ET.Element | None) -> dict[str, str]:
    """The ``field name=... `` values of a table's first ``fields`` group (first value wins)."""
    values: dict[str, str] = {}
    group = table.find("fields") if table is not None else None
    for field in group if group is not None else []:
        if (name := field.get("name")) is not None:
            values.setdefault(name, field.text or "")
    return values


def _attributes(table: ET.Element | None) -> list[dict[str, str]]:
    """A manifest table's groups, each as one dict of its fields' attributes."""
    groups = []
    for group in table.findall("fields") if table is not None else []:
        values: dict[str, str] = {}
        for field in group:
            values.update(field.attrib)
        groups.append(values)
    return groups


def _table(parent: ET.Element, name: str) -> ET.Element | None:
    return parent.find(f"table[@name='{name}']")


def parse_acadre(data: bytes, *, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    """Parse an Acadre agenda export into its meeting.

    :raise ParseError: when it is not one, or lacks the committee or meeting date.
    """
    root = load_xml(data, path=path, warnings=warnings)
    agenda = _table(root, "agenda")
    if root.tag != ROOT or agenda is None:
        raise ParseError(path, 'no <table name="agenda">: not an Acadre agenda export')
    committee = " ".join(fields(_table(agenda, "committee")).get("name", "").split())
    if not committee:
        raise ParseError(path, "the export names no committee (table committee, field name)")
    meeting_table = _table(agenda, "meeting")
    meeting_fields = fields(meeting_table)
    when_text = meeting_fields.get("date", "").strip()
    if not when_text:
        raise ParseError(path, "the meeting has no date (table meeting, field date)")
    when = parse_datetime(when_text, path=path, what="the meeting date")
    kind = fields(agenda).get("name", "").strip().lower()
    meeting = Meeting(
        municipality=municipality, committee=committee, period=None, date=when.date(),
        time=time_of(when_text, when), place=_place(meeting_fields), source_path=path,
        kind=kind if kind in ("dagsorden", "referat") else None,
        attendees=_members(meeting_table),
    )
    numbers = {}
    for parent in agenda.iter("table"):
        if parent.get("name") == "agendaitemparents":
            values = fields(parent)
            if values.get("agitemid") and values.get("sort", "").strip().isdecimal():
                numbers[values["agitemid"].strip()] = int(values["sort"])
    for table in agenda.iter("table"):
        if table.get("name") == "agendaitem":
            _item(meeting, table, numbers, path=path)
    if not meeting.items:
        raise ParseError(path, "the export holds no agenda items (table agendaitem)")
    meeting.items.sort(key=lambda i: i.item_number)
    return [meeting]


def _members(meeting: ET.Element | None) -> list[Attendee]:
    """The meeting's members (``meetmember`` tables), absent where ``absent`` is 1."""
    members = [fields(m) for m in meeting.findall("table[@name='meetmember']/table[@name='member']")] \
        if meeting is not None else []
    return [Attendee(" ".join(m["name"].split()), absent=m.get("absent", "").strip() == "1")
            for m in members if m.get("name", "").strip()]


def _place(meeting: dict[str, str]) -> str | None:
    location = " ".join(meeting.get("location", "").split())
    address = [" ".join(line.split()) for line in html_to_text(meeting.get("address", "")).split("\n")]
    parts = [part for part in (location, *address) if part]
    return ", ".join(parts) or None


def _item(meeting: Meeting, table: ET.Element, numbers: dict[str, int], *, path: str) -> None:
    values = fields(table)
    sysid = values.get("sysid", "").strip()
    if sysid not in numbers:
        raise ParseError(path, f"agenda item {sysid or '?'} has no number (no agendaitemparents sort for it)")
    number = numbers[sysid]
    title = " ".join(values.get("name", "").split())
    if not title:
        raise ParseError(path, f"agenda item {number} has no title (field name)")
    bullets = sorted(
        (fields(b) for b in table.findall("table[@name='bullet']")),
        key=lambda b: _order(b.get("bulletsortorder"), path),
    )
    sections = [
        section for b in bullets
        if (section := section_of_lines(" ".join(b.get("bulletname", "").split()),
                                        html_to_lines(b.get("bulletcontent", "")))).text
    ]
    sections = resolve(sections, meeting_date=meeting.date, committee=meeting.committee)
    enclosures = sorted((fields(e) for e in table.findall("table[@name='enclosure']")),
                        key=lambda e: _order(e.get("sort"), path))
    access = values.get("accessname", "").strip().lower()
    meeting.add_item(
        number, title,
        journal_number=values.get("caseno", "").strip() or None,
        sections=sections,
        attachments=[name for e in enclosures if (name := " ".join(e.get("name", "").split()))],
        closed=bool(access) and access != "åben",
    )


def named_files(data: bytes) -> list[str]:
    """The files an agenda export or a manifest names: attachments, produced documents.

    Not the manifest's ``xmlfilename``: that is the agenda export itself, minutes to index.
    """
    root = load_xml(data, path="", warnings=[])
    names: list[str] = []
    for table in root.iter("table"):
        if table.get("name") == "enclosure":
            names.append(fields(table).get("filename", ""))
        elif table.get("name") == "producedAgenda":
            for group in _attributes(table):
                names += [group.get("docfilename", ""), group.get("filesfolder", "")]
    return [name.strip() for name in names if name and name.strip()]


def parse_acadre_manifest(data: bytes, *, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    """Read a manifest: it holds no items (its meeting comes from the agenda export).

    :raise ParseError: when it is not one.
    """
    root = load_xml(data, path=path, warnings=warnings)
    if root.tag != ROOT or _table(root, "producedAgenda") is None:
        raise ParseError(path, 'no <table name="producedAgenda">: not an Acadre manifest')
    return []


def _order(value: str | None, path) -> int:
    """A sort field's number (an empty one sorts first).

    :raise ParseError: the field holds something else than a whole number.
    """
    value = (value or "0").strip() or "0"
    if not value.lstrip("-").isdecimal():
        raise ParseError(path, f"a sort order is not a whole number: {value[:20]!r}")
    return int(value)
