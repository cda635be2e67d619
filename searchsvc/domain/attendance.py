"""Who an agenda item's meeting lists, present or absent: the meeting's own list of members
(FirstAgenda's ``Moededeltagere``, SBSYS and Acadre member lists) corrected by the item's
attendance notes ("Afbud: NN", "Fraværende: NN", "NN deltog som stedfortræder").

Attendance is not what an item is about: the notes are left out of the searchable text
(``searchable_section``) and the names are indexed on their own, so that a search for a
person's name finds what they said or proposed, and the ``deltager`` filter finds the
meetings they were listed for.
"""

from __future__ import annotations

import re

from .decisions import split_attendance
from .model import DECISION_HEADINGS, Attendee

# Sections that carry attendance notes: this committee's decision, and the decisions of
# the meetings the case passed before (Greve's "Sagens forløb" repeats them, notes and all).
ATTENDANCE_SECTIONS = (*DECISION_HEADINGS, "Sagens forløb")

# "Afbud: A, B", "Fraværende: A", "Ikke til stede A (V)", "Afbud fra A (A)".
_ABSENT_LIST = re.compile(
    r"^\s*(?:afbud|fraværende|ikke til stede|ikke tilstede|fravær|deltog ikke)\s*(?:fra\b|:)?\s*(?P<names>.*)$",
    re.IGNORECASE)
_PRESENT_LIST = re.compile(r"^\s*(?:mødt|fremmødte|til stede|deltagere)\s*:\s*(?P<names>.*)$", re.IGNORECASE)
# One member, named first: "A (V) var ikke til stede.", "A deltog som suppleant for B ...",
# "A (V) deltog i mødet i X og ikke B (V) som angivet".
_ONE_MEMBER = re.compile(
    r"^\s*(?P<name>(?:[\w-]+\.?\s+){0,5}[\w-]+)\s*(?:\([^)]{1,12}\)\s*)?"
    r"(?P<what>deltog som (?:stedfortræder|suppleant)|deltog i mødet|var forhindret i at deltage"
    r"|var ikke til stede|var fraværende|havde meldt afbud)\b(?P<rest>.*)$",
    re.IGNORECASE)
_INSTEAD_OF = re.compile(r"(?:^\s*for|\bog ikke)\s+(?P<name>[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*){0,5})")
_SUBSTITUTE = re.compile(r"\(\s*stedfortræder\s*:\s*(?P<name>[^)]+)\)", re.IGNORECASE)
_PARTY = re.compile(r"\((?!\s*stedfortræder)[^)]{0,12}\)", re.IGNORECASE)
# A name: one to six words, each starting with a capital letter ("John T. Olsen", "Hans-Jørgen Kirstein").
_NAME = re.compile(r"[A-ZÆØÅÉÜÖÄ][\w.'-]*(?:\s+(?:[A-ZÆØÅÉÜÖÄ][\w.'-]*|von|van|de|la)){0,5}")


def clean_name(text: str) -> str | None:
    """A person's name as indexed: party letters and stray punctuation off, spaces single.

    >>> clean_name(" Jesper  Mathiesen (A) ")
    'Jesper Mathiesen'
    >>> clean_name("Lone Mortensen (V).")
    'Lone Mortensen'
    >>> clean_name("ingen") is None
    True
    """
    name = " ".join(_PARTY.sub(" ", text).split()).strip(" .,;:")
    return name if _NAME.fullmatch(name) else None


def _names(listed: str) -> list[str]:
    """The names of a list: "A, B og C (Stedfortræder: D)" gives A, B and C."""
    listed = _SUBSTITUTE.sub(" ", listed)
    parts = re.split(r",|;|\s+og\s+", listed)
    return [name for part in parts if (name := clean_name(part))]


def note_attendance(notes: str | None) -> list[Attendee]:
    """The members an item's attendance notes name, each absent or present.

    >>> note_attendance("Afbud: Torben Hoffmann (Stedfortræder: Conni Bergendorff), Tina Rottbøll")
    [Attendee(name='Torben Hoffmann', absent=True), Attendee(name='Tina Rottbøll', absent=True), \
Attendee(name='Conni Bergendorff', absent=False)]
    >>> note_attendance("Jette Andersen deltog som suppleant for Kenneth Jerkel i behandlingen af punktet.")
    [Attendee(name='Jette Andersen', absent=False), Attendee(name='Kenneth Jerkel', absent=True)]
    """
    found: list[Attendee] = []
    for line in (notes or "").splitlines():
        if match := _ONE_MEMBER.match(line):
            what = match["what"].lower()
            if name := clean_name(match["name"]):
                found.append(Attendee(name, absent=not what.startswith("deltog")))
            if other := _INSTEAD_OF.search(match["rest"]):
                if name := clean_name(other["name"]):
                    found.append(Attendee(name, absent=True))
        elif match := _ABSENT_LIST.match(line):
            found += [Attendee(name, absent=True) for name in _names(match["names"])]
            found += [Attendee(name) for m in _SUBSTITUTE.finditer(line) if (name := clean_name(m["name"]))]
        elif match := _PRESENT_LIST.match(line):
            found += [Attendee(name) for name in _names(match["names"])]
    return found


def unlisted_notes(notes: str | None) -> str | None:
    r"""The lines of attendance notes that say more than a list of absent names ("NN deltog
    som stedfortræder", "Afbud: A (Stedfortræder: B)"): a page that lists the people
    shows these beside the list, and not the rest again.

    >>> unlisted_notes("Fraværende: Mehmet Zeki Dogru")
    >>> unlisted_notes("Afbud: A B (Stedfortræder: C D)\nDorthe Bøgh Madsen deltog som stedfortræder.")
    'Afbud: A B (Stedfortræder: C D)\nDorthe Bøgh Madsen deltog som stedfortræder.'
    """
    lines = [line for line in (notes or "").splitlines() if line.strip()
             and not (_ABSENT_LIST.match(line) and not _SUBSTITUTE.search(line) and not _ONE_MEMBER.match(line))]
    return "\n".join(lines) or None


def item_participants(attendees: list[Attendee], notes: str | None) -> list[Attendee]:
    """Everyone listed for an item: the meeting's members, absent where the meeting's list
    or the item's notes say so, and the members only the notes name. One entry per name,
    in the meeting's order."""
    merged = {name: a.absent for a in attendees if (name := clean_name(a.name))}
    for noted in note_attendance(notes):
        # A note about this item outweighs the meeting's list ("Fraværende" for one item).
        merged[noted.name] = noted.absent
    return [Attendee(name, absent) for name, absent in merged.items()]


def searchable_section(heading: str, text: str) -> str:
    """A section's text as search reads it: a decision's attendance notes left out."""
    return split_attendance(text)[0] if heading in ATTENDANCE_SECTIONS else text
