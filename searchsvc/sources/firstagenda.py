"""The FirstAgenda JSON format: one meeting as the publication API serves it.

Layout (see ``shared/corpus/README.md``): ``Udvalg.Navn`` (committee and period),
``Moede.Dato`` (ISO date-time with offset), ``Moede.Sted``, and ``Dagsordenpunkter[]``, each
with ``Punktnummer``, ``Navn``, ``SagsNummer``, ``Bilag[].Navn`` and ``Felter[].Html``. The
HTML holds the sections under h2/h3/h4 headings: ``<h3>Beslutning</h3>`` first, then
``<h3>Fremstilling</h3>`` wrapping Sagsprocedure, Resume, Indstilling ..., then
``<h3>Sagens forløb</h3>``. A closed item is published as its bare decision, without headings.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..domain.model import Attendee, Meeting, Section, split_period
from ..domain.portals import Portal, guid, portal_for
from ..errors import ParseError
from .htmltext import TextLine, html_to_lines
from .sectionblocks import section_of_lines

# The h3 headings FirstAgenda puts around every item: the decision, the case presentation
# ("Fremstilling", a wrapper: a section only when text sits right under it) and the
# decisions of the other committees the case passed through.
DECISION_HEADING = "Beslutning"
WRAPPER_HEADING = "Fremstilling"
FRAME_HEADINGS = {h.lower(): h for h in (DECISION_HEADING, WRAPPER_HEADING, "Sagens forløb")}
# The headings of the case template. Case officers set them as h2/h3/h4, as bold
# paragraphs or as plain ones, even within one item; a line holding nothing else but one
# of them is a heading. Other headings ("Baggrund", "Økonomi") are subheadings within a
# section, or paragraphs set in a heading style ("Der er ikke høringspligt i denne sag.").
TEMPLATE_HEADINGS = {
    h.lower(): h
    for h in (
        "Sagsprocedure", "Resume", "Resumé", "Indstilling", "Sagsbeskrivelse", "Sagsfremstilling",
        "Økonomiske konsekvenser", "Lovgrundlag", "Tidsplan", "Kommunikation", "Høring",
        "Øvrige forhold", "Øvrige konsekvenser", "Øvrige opmærksomhedspunkter", "Øvrig information",
    )
}
# Added when a case returns: "Supplerende sagsfremstilling til Byrådsmøde 23. april 2025";
# a heading when set as one (h2-h4 or bold).
SUPPLEMENT_PREFIXES = ("supplerende ", "ny supplerende ")


def parse_firstagenda(data: bytes | str, *, path: str, municipality: str,
                      portal: str | None = None) -> Meeting:
    """Parse one FirstAgenda meeting document.

    :param data: the JSON document (UTF-8 when bytes).
    :param path: the source file, used in errors and stored with the items.
    :param municipality: the municipality the configuration names for this source.
    :param portal: the base URL of the portal it came from; by default the
        municipality's portal in the shipped table. The meeting, its items and their
        attachments link to their public pages there (when the document has their ids).
    :return: the meeting with its items in agenda order.
    :raise ParseError: when the document is not JSON or not a FirstAgenda meeting.
    """
    document = _load(data, path)
    if not isinstance(document, dict):
        raise ParseError(path, f"expected a JSON object (a FirstAgenda meeting), found {_kind(document)}")
    committee_name = _text(_field(_object(document, "Udvalg", path), "Navn", path, where="Udvalg"))
    if not committee_name:
        raise ParseError(path, "Udvalg.Navn (the committee) is empty")
    meeting_doc = _object(document, "Moede", path)
    raw_date = _field(meeting_doc, "Dato", path, where="Moede")
    if not isinstance(raw_date, str):
        raise ParseError(path, f"Moede.Dato is {_kind(raw_date)}, not a date-time")
    try:
        # The local time as written: the offset only says which zone that is.
        when = datetime.fromisoformat(raw_date.strip())
    except ValueError:
        raise ParseError(path, f"Moede.Dato {raw_date[:40]!r} is not an ISO date-time") from None
    # A bare date ("2022-01-10") names no time of day.
    time = when.strftime("%H:%M") if len(raw_date.strip()) > 10 else None
    place = meeting_doc.get("Sted")
    items = document.get("Dagsordenpunkter")
    if not isinstance(items, list):
        raise ParseError(path, f"Dagsordenpunkter (the agenda items) is {_kind(items)}, not a list")

    # ".Spørgsmål / Svar til Byrådet": the leading dot only sorts the entry last in their lists.
    committee, period = split_period(committee_name.lstrip(". "))
    site = Portal(portal) if portal else portal_for(municipality)
    # The meeting's id is the document's; Moede.Id is the all-zero "no value".
    document_id = guid(document.get("Id")) or guid(meeting_doc.get("Id"))
    meeting = Meeting(
        municipality=municipality, committee=committee, period=period, date=when.date(),
        time=time, place=_text(place) or None, source_path=path, kind=_document_kind(meeting_doc),
        source_url=site.meeting_url(document_id) if site and document_id else None,
        attendees=_attendees(meeting_doc.get("Moededeltagere")),
    )
    for index, item in enumerate(items):
        _parse_item(meeting, item, where=f"Dagsordenpunkter[{index}]", path=path,
                    site=site if document_id else None, meeting_id=document_id or "")
    return meeting


def _attendees(value: Any) -> list[Attendee]:
    """The members listed for the meeting, absent or not (malformed entries skipped)."""
    attendees = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict) and (name := _text(entry.get("Name"))):
            absent = entry.get("Absent") is True or entry.get("ParticipationCancelled") is True
            attendees.append(Attendee(name, absent=absent))
    return attendees


def _document_kind(meeting: dict) -> str | None:
    """Agenda or minutes. ``Moede.Navn`` says "Referat" on minutes where a municipality
    names them so; Greve names every publication "Dagsorden", agenda and minutes alike,
    and marks a held meeting whose decisions are entered with ``Afsluttet: true``."""
    name = meeting.get("Navn")
    if isinstance(name, str) and "referat" in name.lower():
        return "referat"
    finished = meeting.get("Afsluttet")
    if isinstance(finished, bool):
        return "referat" if finished else "dagsorden"
    if isinstance(name, str) and "dagsorden" in name.lower():
        return "dagsorden"
    return None


def _load(data: bytes | str, path: str) -> Any:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(path, f"not valid UTF-8 (byte {error.start}), as JSON must be") from None
    if not data.strip():
        raise ParseError(path, "the file is empty")
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        raise ParseError(path, f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except (ValueError, RecursionError) as error:
        # Numbers too long to convert, or nesting too deep to follow.
        raise ParseError(path, f"not readable JSON: {error}") from None


def _parse_item(meeting: Meeting, item: Any, *, where: str, path: str, site: Portal | None,
                meeting_id: str) -> None:
    if not isinstance(item, dict):
        raise ParseError(path, f"{where} is {_kind(item)}, not an agenda item object")
    number = _item_number(_field(item, "Punktnummer", path, where=where), where=where, path=path)
    where = f"agenda item {number}"
    title = _text(item.get("Navn"))
    if not title:
        raise ParseError(path, f"{where} has no title (Navn)")
    journal_number = item.get("SagsNummer")
    if journal_number is not None and not isinstance(journal_number, str):
        raise ParseError(path, f"{where}: SagsNummer is {_kind(journal_number)}, not text")
    html = "\n".join(
        _text_field(field, "Html", where=f"{where}: Felter", path=path)
        for field in _list(item, "Felter", where=where, path=path)
    )
    attachments = [
        (_text(_text_field(attachment, "Navn", where=f"{where}: Bilag", path=path)),
         guid(attachment.get("Id")))
        for attachment in _list(item, "Bilag", where=where, path=path)
    ]
    attachments = [(name, bilag_id) for name, bilag_id in attachments if name]
    item_id = guid(item.get("Id"))
    meeting.add_item(
        number, title,
        journal_number=_text(journal_number) or None,
        sections=split_sections(html_to_lines(html)),
        attachments=[name for name, _ in attachments],
        closed=title.lower().startswith("lukket:"),
        source_url=site.item_url(meeting_id, item_id) if site and item_id else None,
        attachment_urls=[site.attachment_url(b) if site and b else None for _, b in attachments],
    )


def split_sections(lines: list[TextLine]) -> list[Section]:
    """Group an item's text lines into sections at its section headings, in document order.

    Text before the first heading (all of it, in a closed item) is the decision; the
    ``Fremstilling`` wrapper is dropped when no text sits directly under it.
    """
    sections: list[Section] = []
    heading: str | None = None
    body: list[TextLine] = []

    def close() -> None:
        section = section_of_lines(heading or DECISION_HEADING, body)
        kept = section.text or (heading is not None and heading != WRAPPER_HEADING)
        if kept:
            sections.append(section)

    for line in lines:
        name = section_heading(line)
        if name is None:
            body.append(line)
            continue
        close()
        heading, body = name, []
    close()
    return sections


def section_heading(line: TextLine) -> str | None:
    """The section this line starts, in its usual spelling; None for a line of text."""
    text = line.text.rstrip(":").strip()
    key = text.lower()
    if key in TEMPLATE_HEADINGS:
        return TEMPLATE_HEADINGS[key]
    if line.heading is not None and key in FRAME_HEADINGS:
        return FRAME_HEADINGS[key]
    if (line.heading is not None or line.bold) and key.startswith(SUPPLEMENT_PREFIXES) and len(text) <= 120:
        return text
    return None


# -- checking the shape of the document


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number",
             float: "a number", type(None): "missing or null"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any) -> str:
    """A JSON string with its whitespace normalised; "" for null."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _field(document: dict[str, Any], key: str, path: str, *, where: str) -> Any:
    if key not in document:
        raise ParseError(path, f"{where} has no {key}")
    return document[key]


def _object(document: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise ParseError(path, f"{key} is {_kind(value)}, not an object: not a FirstAgenda meeting")
    return value


def _list(item: dict[str, Any], key: str, *, where: str, path: str) -> list[Any]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(path, f"{where}: {key} is {_kind(value)}, not a list")
    return value


def _text_field(entry: Any, key: str, *, where: str, path: str) -> str:
    if not isinstance(entry, dict):
        raise ParseError(path, f"{where} holds {_kind(entry)}, not an object")
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(path, f"{where}: {key} is {_kind(value)}, not text")
    return value


def _item_number(value: Any, *, where: str, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 10:
        return int(value.strip())
    raise ParseError(path, f"{where}: Punktnummer {str(value)[:20]!r} is not an item number")
