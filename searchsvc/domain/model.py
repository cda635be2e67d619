"""The data model: a meeting and its agenda items, as every source format yields them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as Date

from .blocks import Block, Paragraphs, blocks_text
from .decisions import classify_decision, split_attendance
from .journal import KLE, parse_kle

DECISION_HEADINGS = ("Beslutning", "Beslutninger")
RESUME_HEADINGS = ("Resume", "Resumé")

# An id is lowercase ASCII, digits and hyphens: safe in a URL and never a file path.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,150}$")

# Committee names carry the electoral period: "Udvalget_2018-21", "Byråd 2022-2025".
_PERIOD_SUFFIX = re.compile(r"[\s_]+((?:19|20)\d{2}\s*-\s*(?:(?:19|20)?\d{2}))\s*$")


def split_period(committee: str) -> tuple[str, str | None]:
    """Split the electoral-period suffix off a committee name.

    >>> split_period("Arbejdsmarkeds- og Uddannelsesudvalget_2018-21")
    ('Arbejdsmarkeds- og Uddannelsesudvalget', '2018-21')
    >>> split_period("Byråd 2022-2025")
    ('Byråd', '2022-2025')
    """
    committee = " ".join(committee.split())
    match = _PERIOD_SUFFIX.search(committee)
    if not match:
        return committee, None
    return committee[: match.start()].strip(), match.group(1).replace(" ", "")


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (æ→ae, ø→oe, å→aa)."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:8]


@dataclass
class Section:
    """One headed part of an item. ``text`` is what search reads; ``blocks``, when the
    section has a table or a sub-heading, is how its page lays the same text out."""

    heading: str
    text: str
    blocks: list[Block] = field(default_factory=list)

    @classmethod
    def of_blocks(cls, heading: str, blocks: list[Block]) -> Section:
        """A section of these blocks; one of plain paragraphs only is kept as its text."""
        text = blocks_text(blocks)
        if all(isinstance(block, Paragraphs) for block in blocks):
            return cls(heading, text)
        return cls(heading, text, list(blocks))


@dataclass(frozen=True)
class Attendee:
    """A member listed for a meeting (FirstAgenda's ``Moededeltagere``)."""

    name: str
    absent: bool = False


@dataclass
class Item:
    """One agenda item (punkt) of one meeting: the unit that search finds."""

    municipality: str
    committee: str
    period: str | None
    date: Date
    time: str | None
    place: str | None
    item_number: int
    title: str
    journal_number: str | None = None
    sections: list[Section] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    closed: bool = False
    source_path: str = ""
    source_hash: str = ""
    # What the published document is: "dagsorden" (agenda) or "referat" (minutes); None
    # when the format does not say. Stored and indexed as the item's ``status``.
    kind: str | None = None
    # The item's public page at the publisher, and each attachment's (None where unknown).
    source_url: str | None = None
    attachment_urls: list[str | None] = field(default_factory=list)
    # The members the meeting lists (``Meeting.attendees``); the item's own notes
    # correct them (``domain.attendance.item_participants``).
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def meeting_id(self) -> str:
        return meeting_id(self.municipality, self.committee, self.date, self.time)

    @property
    def id(self) -> str:
        """Deterministic from municipality, committee, meeting date and time, item number."""
        return (
            f"{slugify(self.municipality)}-{self.date.isoformat()}-{self.item_number}-"
            f"{_digest(self.municipality, self.committee, self.date, self.time, self.item_number)}"
        )

    @property
    def kle(self) -> KLE | None:
        return parse_kle(self.journal_number)

    def section(self, *headings: str) -> str | None:
        """The text of the first section with one of these headings, or None."""
        for section in self.sections:
            if section.heading in headings:
                return section.text
        return None

    @property
    def decision_text(self) -> str | None:
        text = self.section(*DECISION_HEADINGS)
        return None if text is None else split_attendance(text)[0]

    @property
    def attendance(self) -> str | None:
        text = self.section(*DECISION_HEADINGS)
        return None if text is None else split_attendance(text)[1]

    @property
    def decisions(self) -> list[str]:
        """The decision keys; none for an agenda's item with no decision yet (not
        ``ingen-beslutning``: the meeting has not been held)."""
        keys = classify_decision(self.decision_text)
        return [] if self.kind == "dagsorden" and keys == ["ingen-beslutning"] else keys


def meeting_id(municipality: str, committee: str, date: Date, time: str | None) -> str:
    """The id of a meeting, deterministic from what identifies it."""
    return f"{slugify(municipality)}-{date.isoformat()}-{_digest(municipality, committee, date, time)}"


@dataclass
class Meeting:
    municipality: str
    committee: str
    period: str | None
    date: Date
    time: str | None
    place: str | None
    items: list[Item] = field(default_factory=list)
    source_path: str = ""
    kind: str | None = None  # "dagsorden" or "referat", as on Item
    source_url: str | None = None
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def id(self) -> str:
        return meeting_id(self.municipality, self.committee, self.date, self.time)

    def add_item(
        self,
        item_number: int,
        title: str,
        *,
        journal_number: str | None = None,
        sections: list[Section] | None = None,
        attachments: list[str] | None = None,
        closed: bool = False,
        source_url: str | None = None,
        attachment_urls: list[str | None] | None = None,
    ) -> Item:
        """Create an item of this meeting, append it and return it.

        :param attachment_urls: the attachments' public URLs, in the order of ``attachments``.
        """
        item = Item(
            municipality=self.municipality,
            committee=self.committee,
            period=self.period,
            date=self.date,
            time=self.time,
            place=self.place,
            item_number=item_number,
            title=title,
            journal_number=journal_number or None,
            sections=sections or [],
            attachments=attachments or [],
            closed=closed,
            source_path=self.source_path,
            kind=self.kind,
            source_url=source_url,
            attachment_urls=attachment_urls or [None] * len(attachments or []),
            attendees=self.attendees,
        )
        self.items.append(item)
        return item
