"""Aarhus publication pages: one meeting's agenda or minutes, as saved from the web.

Aarhus publishes through FirstAgenda's publication site. A page is made from one
template, so its fields are found by their classes and the text inside them goes through
``htmltext``: ``<h1 class="green dato">Referat 1. oktober 2025 kl. 15.45</h1>``, the
committee in ``<span class="udvalg">``, the place in ``<span class="sted">``, then one
``<tr class="punktrow">`` per item with its number in ``<span class="label ...">``, its
title in ``<h2 class="overskrift">``, its case number in ``<span class="sagsnummer">`` and,
in ``<div class="punkt">``, its sections under h3 headings ("Beslutninger", "Resume",
"Sagsforløb:" ...; an empty h3 before the item's introduction) and its attachments as
``<a class="bilag-link">``.
"""

from __future__ import annotations

import re
from datetime import date as Date

from ..domain.calendar import MONTH_NUMBERS
from ..domain.model import Meeting, Section, split_period
from ..domain.portals import Portal, guid, portal_for
from ..errors import ParseError
from .htmltext import TextLine, html_to_lines, html_to_text
from .referat import DOCUMENT_HEADING, strip_municipality
from .sectionblocks import section_of_lines

_TITLE = re.compile(r'<h1 class="[^"]*\bdato\b[^"]*"[^>]*>(.*?)</h1>', re.DOTALL)
_MEETING = re.compile(
    r"^(?P<kind>Dagsorden|Referat)\s+(?P<d>\d{1,2})\.\s*(?P<month>\w+)\s+(?P<y>\d{4})"
    r"(?:\s+kl\.\s*(?P<h>\d{1,2})[.:](?P<min>\d{2}))?",
    re.IGNORECASE,
)
_COMMITTEE = re.compile(r'<span class="udvalg">(.*?)</span>', re.DOTALL)
_PLACE = re.compile(r'<span class="sted">(.*?)</span>', re.DOTALL)
_ROW = re.compile(r'<tr class="punktrow\b')
_NUMBER = re.compile(r'<span class="label label-default">\s*(\d+)\s*</span>')
_ITEM_TITLE = re.compile(r'<h2 class="overskrift\b[^"]*"[^>]*>(.*?)</h2>', re.DOTALL)
# The details cell ends where the item's menu cell begins; tables in the text have no
# "punkt-tabel" cells, so their </td> does not end it.
_DETAILS = re.compile(r'<div class="details"[^>]*>(.*?)(?:</td>\s*<td class="punkt-tabel"|$)', re.DOTALL)
_JOURNAL = re.compile(r'<span class="sagsnummer">(.*?)</span>', re.DOTALL)
_BODY = re.compile(r'<div class="punkt">(.*?)(?:<h3>\s*Bilag\s*</h3>|$)', re.DOTALL)
_H3 = re.compile(r"<h3\b[^>]*>(.*?)</h3>", re.DOTALL)
_ATTACHMENT = re.compile(r'<a\b([^>]*class="bilag-link"[^>]*)>(.*?)</a>', re.DOTALL)
# The page links an attachment relative to its portal: /vis/pdf/bilag/<id>/?...
_ATTACHMENT_ID = re.compile(r'href="/vis/pdf/bilag/([0-9a-fA-F-]{36})', re.IGNORECASE)

# Markers of the template, for telling these pages from other HTML.
_SIGNATURE = (b'id="dagsordenDetaljer"', b'class="punktrow')


def looks_like_aarhus_html(data: bytes) -> bool:
    """True when the bytes are a saved FirstAgenda publication page (as Aarhus serves it)."""
    return all(marker in data for marker in _SIGNATURE)


def parse_aarhus_html(html: str, *, path: str, municipality: str, portal: str | None = None) -> Meeting:
    """Parse a saved publication page: one meeting, agenda or minutes.

    :param html: the page, decoded.
    :param path: the source file, used in errors and stored with the items.
    :param municipality: the municipality the configuration names for this source.
    :param portal: the portal the page was saved from (default: the municipality's in the
        shipped table); its attachments link there. (A saved page does not hold its
        meeting's id, so the items cannot.)
    :raise ParseError: when the page is truncated, or its meeting date, committee or
        items cannot be found.
    """
    # A page cut short would still yield its first items: half a meeting must not pass
    # for all of it.
    if "</html>" not in html[-4096:].lower():
        raise ParseError(path, "the page is truncated (no </html> at its end)")
    meeting = _parse_meeting(html, path=path, municipality=municipality)
    rows = _ROW.split(html)[1:]
    if not rows:
        raise ParseError(path, 'no agenda items (<tr class="punktrow">) found')
    site = Portal(portal) if portal else portal_for(municipality)
    for position, row in enumerate(rows, start=1):
        _parse_item(meeting, row, position=position, path=path, site=site)
    return meeting


def _parse_meeting(html: str, *, path: str, municipality: str) -> Meeting:
    title = _TITLE.search(html)
    heading = html_to_text(title.group(1)) if title else ""
    match = _MEETING.match(heading)
    if match is None:
        raise ParseError(path, 'no meeting heading ("Referat 1. oktober 2025 kl. 15.45") found')
    month = MONTH_NUMBERS.get(match["month"].lower())
    try:
        day = Date(int(match["y"]), month or 0, int(match["d"]))
    except ValueError:
        raise ParseError(path, f"the meeting date {heading!r} is not a date") from None
    time = f"{int(match['h']):02d}:{match['min']}" if match["h"] else None
    committee = _COMMITTEE.search(html)
    if committee is None or not html_to_text(committee.group(1)):
        raise ParseError(path, 'no committee (<span class="udvalg">) found')
    name, period = split_period(strip_municipality(html_to_text(committee.group(1)), municipality))
    place = _PLACE.search(html)
    return Meeting(municipality=municipality, committee=name, period=period, date=day, time=time,
                   place=(html_to_text(place.group(1)) or None) if place else None, source_path=path,
                   kind=match["kind"].lower())


def _parse_item(meeting: Meeting, row: str, *, position: int, path: str, site: Portal | None) -> None:
    number = _NUMBER.search(row)
    title = _ITEM_TITLE.search(row)
    if number is None or title is None or not html_to_text(title.group(1)):
        raise ParseError(path, f"agenda item {position} on the page has no number or no title")
    details = _DETAILS.search(row)
    content = details.group(1) if details else ""
    journal = _JOURNAL.search(content)
    body = _BODY.search(content)
    links = [(text, _ATTACHMENT_ID.search(tag)) for tag, a in _ATTACHMENT.findall(content)
             if (text := html_to_text(a))]
    attachments = [text for text, _ in links]
    attachment_urls = [site.attachment_url(bilag) if site and found and (bilag := guid(found.group(1))) else None
                       for _, found in links]
    sections = _sections(body.group(1) if body else "")
    if attachments:
        sections.append(Section("Bilag", "\n".join(attachments)))
    item_title = html_to_text(title.group(1))
    meeting.add_item(
        int(number.group(1)), item_title,
        journal_number=html_to_text(journal.group(1)) if journal else None,
        sections=sections, attachments=attachments, attachment_urls=attachment_urls,
        closed=item_title.lower().startswith("lukket"),
    )


def _sections(body: str) -> list[Section]:
    """The sections under the h3 headings; text under an empty h3 is an untitled section.

    An embedded document ("BESLUTNINGSFORSLAG FRA DD") starts a section of its own, as
    the referat parser has it.
    """
    pieces = _H3.split(body)
    sections: list[Section] = []
    # pieces: text before the first h3, then heading and text by turns.
    for heading_html, text_html in zip(["", *pieces[1::2]], pieces[0::2]):
        heading = html_to_text(heading_html).rstrip(":").strip()
        lines: list[TextLine] = []
        for line in html_to_lines(text_html):
            if DOCUMENT_HEADING.match(line.text):
                _add(sections, heading, lines)
                heading, lines = line.text, []
            else:
                lines.append(line)
        _add(sections, heading, lines)
    return sections


def _add(sections: list[Section], heading: str, lines: list[TextLine]) -> None:
    section = section_of_lines(heading, lines)
    if heading or section.text:
        sections.append(section)
