"""PDF minutes printed from a case system's Word template (Acadre, eDoc and their kin).

Layout, page by page:

- a cover: ``Referat`` (or ``Dagsorden``), the committee, the meeting's name, its date
  (``Mandag den 3. februar 2020``, ``Mødedato: Torsdag den 20-06-2013``), time
  (``Kl. 16:00``, ``Mødetidspunkt: 16:00``), place (``Mødested: ...``, ``Sted: ...``),
  members and absentees;
- a table of contents: ``Indholdsfortegnelse`` / ``Punkt nr. ... Side``, one ``412. Title  3``
  line per item;
- the items, each as ``sources/wordtemplate.py`` reads it: ``412. Title``, ``Sagsnr.: 19/10345``,
  ``Sagen afgøres i: Byrådet``, sections, one ``Beslutning i <body> den DD-MM-YYYY`` per body
  that has treated the case;
- on every page after the cover, furniture: ``Referat For <udvalg>``,
  ``3. februar 2020 - kl. 16:00``, ``Side 2``, ``2 of 9``. The running header also names the
  committee, the kind of document, the date and the time when the cover does not.

Told from the Frederiksberg layout (``Punkt 33: title``) by its ``Sagsnr.:`` lines under
numbered titles (``looks_like_word_minutes``).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date as Date

from ..domain.calendar import MONTH_NUMBERS
from ..domain.model import Meeting
from ..errors import ParseError
from .wordtemplate import ITEM_START, parse_item_text

_KIND = {"referat": "referat", "dagsorden": "dagsorden", "beslutningsprotokol": "referat"}
_DAY = r"(?P<d>\d{1,2})\.\s*(?P<month>[a-zæøå]+)\s+(?P<y>\d{4})"
_NUMERIC_DAY = r"(?P<nd>\d{1,2})[-.](?P<nm>\d{1,2})[-.](?P<ny>\d{4})"
_TIME = r"(?P<h>\d{1,2})[:.](?P<min>\d{2})"
# Running header and footer pieces; a line made of nothing else is furniture.
_RUNNING_TITLE = re.compile(r"(?P<kind>Referat|Dagsorden|Beslutningsprotokol)\s+for\s+(?P<committee>.+?)"
                            r"(?=\s+\d{1,2}\.\s*[a-zæøå]+\s+\d{4}\s+-\s+kl\.|\s*$)", re.IGNORECASE)
_RUNNING_DATE = re.compile(rf"{_DAY}\s+-\s+kl\.\s*{_TIME}", re.IGNORECASE)
_PAGE = re.compile(r"\b(?:Side\s+\d{1,4}(?:\s+af\s+\d{1,4})?|\d{1,4}\s+(?:of|af)\s+\d{1,4})\b", re.IGNORECASE)
# The cover's fields.
_COVER_DATE = re.compile(rf"^(?:(?:Møde)?dato\s*:?\s*)?(?:\w+dag\s+)?(?:den\s+)?(?:{_DAY}|{_NUMERIC_DAY})\b", re.IGNORECASE)
_COVER_TIME = re.compile(rf"^(?:(?:Møde)?tidspunkt\s*:?\s*|Tid\s*:?\s*)?(?:kl\.\s*)?{_TIME}\b", re.IGNORECASE)
_COVER_PLACE = re.compile(r"^(?:Møde)?sted\s*:?\s+(?P<place>\S.*)$", re.IGNORECASE)
_TOC = re.compile(r"^(?:Indholdsfortegnelse|Punkt\s*nr\.?.*\bSide)$", re.IGNORECASE)
# Cover lines that start the list of members: what follows the time is a place until these.
_COVER_LISTS = re.compile(r"^(?:Medlemmer|Deltagere|Til stede|Fraværende|Afbud|Sekretær)\b", re.IGNORECASE)
_JOURNAL_LINE = re.compile(r"^Sags?\s*nr\.?\s*:", re.IGNORECASE)
# The title may wrap over a few lines before its Sagsnr.
TITLE_LINES = 4


def looks_like_word_minutes(lines: list[str]) -> bool:
    """True when numbered titles are followed by their ``Sagsnr.:`` line."""
    return bool(_items_without_contents(lines))


def strip_running_lines(lines: list[str]) -> list[str]:
    """Drop the lines that are nothing but running header, date or page number."""
    kept = []
    for line in lines:
        rest = _PAGE.sub(" ", _RUNNING_DATE.sub(" ", _RUNNING_TITLE.sub(" ", line)))
        if line.strip() and not rest.strip(" -|\t"):
            continue
        kept.append(line)
    return kept


def parse_word_minutes(lines: list[str], *, path: str, municipality: str,
                       running: list[str] | None = None) -> Meeting:
    """Parse the text lines of printed minutes in this layout (furniture may remain).

    :param running: the lines before furniture was stripped, for what the running header
        says (default: ``lines``).
    :raise ParseError: when the date, the committee or the items cannot be found.
    """
    committee, kind, header_day, header_time = _running_header(running if running is not None else lines)
    lines = strip_running_lines(lines)
    starts = _item_starts(lines)
    if not starts:
        raise ParseError(path, "no agenda items ('412. Title' followed by 'Sagsnr.:') found")
    cover = [line.strip() for line in lines[: starts[0]] if line.strip()]
    cover_kind, cover_committee, day, time, place = _cover(cover)
    committee = committee or cover_committee
    day = day or header_day
    if committee is None:
        raise ParseError(path, "no committee found (cover page or 'Referat For <udvalg>' header)")
    if day is None:
        raise ParseError(path, "no meeting date found on the cover page or in the running header")
    meeting = Meeting(municipality=municipality, committee=committee, period=None, date=day,
                      time=time or header_time, place=place, source_path=path, kind=kind or cover_kind)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        item = parse_item_text(lines[start:end], meeting_date=day, committee=committee)
        assert item is not None  # the starts are item lines
        meeting.add_item(item.number, item.title, journal_number=item.journal_number,
                         sections=item.sections, attachments=item.attachments,
                         closed=item.title.lower().startswith("lukket"))
    return meeting


def _running_header(lines: list[str]) -> tuple[str | None, str | None, Date | None, str | None]:
    """Committee, kind, date and time as the running header prints them, most common first."""
    titles: Counter[tuple[str, str]] = Counter()
    dates: Counter[tuple[Date, str]] = Counter()
    for line in lines:
        if match := _RUNNING_TITLE.search(line):
            if line.strip().lower().startswith(match["kind"].lower()):
                titles[(match["kind"].lower(), " ".join(match["committee"].split()))] += 1
        if match := _RUNNING_DATE.search(line):
            if (day := _day(match)) is not None:
                dates[(day, f"{int(match['h']):02d}:{match['min']}")] += 1
    # A phrase in running text ("referat for udvalget") occurs once; furniture on each page.
    title = next((t for t, count in titles.most_common(1) if count >= 2), None)
    when = next((w for w, count in dates.most_common(1) if count >= 2), None)
    return (title[1] if title else None, _KIND.get(title[0]) if title else None,
            when[0] if when else None, when[1] if when else None)


def _cover(lines: list[str]) -> tuple[str | None, str | None, Date | None, str | None, str | None]:
    """Kind, committee, date, time and place from the lines before the first item."""
    kind = committee = day = time = place = None
    after_time = False
    for n, line in enumerate(lines):
        if _TOC.match(line) or _COVER_LISTS.match(line):
            break
        if after_time and place is None and not _COVER_PLACE.match(line):
            # An unlabelled place: the line after the time ("Mødelokale 2, Rådhuset").
            place = line
        after_time = False
        if kind is None and line.lower() in _KIND:
            kind = _KIND[line.lower()]
            if n + 1 < len(lines) and not _COVER_DATE.match(lines[n + 1]):
                committee = " ".join(lines[n + 1].split())
        elif day is None and (match := _COVER_DATE.match(line)):
            day = _day(match)
        elif time is None and (match := _COVER_TIME.match(line)):
            time = f"{int(match['h']):02d}:{match['min']}"
            after_time = True
        elif place is None and (match := _COVER_PLACE.match(line)):
            place = match["place"].strip()
    return kind, committee, day, time, place


def _day(match: re.Match[str]) -> Date | None:
    groups = match.groupdict()
    try:
        if groups.get("nd"):
            return Date(int(groups["ny"]), int(groups["nm"]), int(groups["nd"]))
        month = MONTH_NUMBERS.get((groups.get("month") or "").lower())
        return Date(int(groups["y"]), month, int(groups["d"])) if month else None
    except ValueError:
        return None


def _item_starts(lines: list[str]) -> list[int]:
    """Where the items begin: after the contents, the entries of the contents in order;
    without contents, numbered titles followed by their Sagsnr. line."""
    toc = next((i for i, line in enumerate(lines) if _TOC.match(line.strip())), None)
    if toc is None:
        return _items_without_contents(lines)
    entries: list[tuple[int, str]] = []
    body_start = None
    for i in range(toc + 1, len(lines)):
        if match := ITEM_START.match(lines[i].strip()):
            number = int(match["number"])
            if any(number == known for known, _ in entries):
                body_start = i
                break
            entries.append((number, _contents_key(match["title"])))
    if body_start is None:
        return _items_without_contents(lines)
    starts: list[int] = []
    pending = list(entries)
    for i in range(body_start, len(lines)):
        if pending and (match := ITEM_START.match(lines[i].strip())):
            number, title = int(match["number"]), _title_key(match["title"])
            # The first entry still to come that this heading is; entries before it are
            # not printed in the body (a closed item left out of the public minutes).
            found = next((k for k, (known, key) in enumerate(pending)
                          if known == number and title.startswith(key[:15])), None)
            if found is not None:
                starts.append(i)
                del pending[:found + 1]
    return starts


def _items_without_contents(lines: list[str]) -> list[int]:
    starts: list[int] = []
    last = -1
    for i, line in enumerate(lines):
        match = ITEM_START.match(line.strip())
        if match is None or int(match["number"]) <= last:
            continue
        following = [text.strip() for text in lines[i + 1: i + 1 + TITLE_LINES + 1]]
        if any(_JOURNAL_LINE.match(text) for text in following):
            starts.append(i)
            last = int(match["number"])
    return starts


def _title_key(title: str) -> str:
    """A title for comparing: case and spacing aside."""
    return " ".join(title.lower().split())


def _contents_key(entry: str) -> str:
    """An entry of the contents as a title key: its dot leaders and page number gone."""
    return _title_key(re.sub(r"[.\s]*\.{3,}[.\s]*\d*$|\s+\d{1,3}$", "", entry))
