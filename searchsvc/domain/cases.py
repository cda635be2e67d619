"""Case threads: the items under one journal number that are one case's path.

A journal number (``SagsNummer``) is not a case. Greve files unrelated items under one
number (a committee's yearly reports, a patient-safety inspection and a Seniorråd
election under 24-012104) and keeps standing items ("Godkendelse af dagsorden",
"Lukket: Henvendelser til formanden") under one number for years. A case keeps its
title, or most of it, on its way from a committee through Økonomiudvalget to the Byråd.

So the items of one municipality's journal number are split into threads, oldest
first: an item joins the thread whose titles are most like its own, when they are alike
enough and the thread has no item of the same meeting yet (two items of one meeting are
two cases); otherwise it starts a thread. A standing item is never threaded: each is
a thread of its own. A thread is named by the id of its first item.

Pure functions of plain data: the store feeds them rows and writes ``thread_id`` back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Small words that say nothing of what a case is about.
_STOP_WORDS = frozenset(
    "og i af for til om på med fra en et den det de der som samt vedr vedrørende ved".split()
)
# Titles of the items every meeting has, whatever the journal number (matched against
# the normalised title, "Lukket:" removed).
STANDING_TITLES = re.compile(
    r"""(?x)^(?:
        godkendelse\ af\ (?:dagsorden|referat|protokol)\b.*
      | underskrift\w*
      | huskeliste\b.*
      | (?:gensidig\ )?orientering(?:er)?(?:\ fra\ .*)?
      | (?:\w+\ )?orienterer(?:\ .*)?
      | meddelelse(?:r)?\b.*
      | henvendelse(?:r)?\ til\ (?:formanden|udvalget|borgmesteren)\b.*
      | spørgetid\b.*
      | eventuelt
      | program\ for\ \w+møde\w*
      | næste\ møde\b.*
      | lukke(?:t|de)\ punkt(?:er)?
    )$"""
)
_CLOSED_PREFIX = re.compile(r"^\s*lukket\s*[:\-–]\s*", re.IGNORECASE)
_WORD = re.compile(r"\w+")

# Two titles are one case's when at least this share of their words is common
# (Jaccard), or when all but a fifth of the shorter title's words are in the longer one
# ("Kvalitetsstandard for plejebolig" and "... - godkendelse"), at least two of them.
SAME_CASE_JACCARD = 0.5
SAME_CASE_OVERLAP = 0.8


def normalise_title(title: str) -> str:
    """The title in lower case, without "Lukket:", punctuation or extra spaces.

    >>> normalise_title("Lukket: Henvendelser til formanden")
    'henvendelser til formanden'
    >>> normalise_title("Greve Seniorråd 2025, model og tidspunkt for valg - godkendelse")
    'greve seniorråd 2025 model og tidspunkt for valg godkendelse'
    """
    title = _CLOSED_PREFIX.sub("", title)
    return " ".join(_WORD.findall(title.lower()))


def is_standing(title: str) -> bool:
    """Whether an item of this title comes back at every meeting (never one case).

    >>> is_standing("Godkendelse af dagsorden"), is_standing("Lukket: Orientering")
    (True, True)
    >>> is_standing("Orientering om årsregnskab 2022 og revisionsberetning")
    False
    """
    return bool(STANDING_TITLES.match(normalise_title(title)))


def title_words(title: str) -> frozenset[str]:
    """The words of a title that tell what it is about."""
    return frozenset(w for w in normalise_title(title).split() if w not in _STOP_WORDS)


def title_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """How alike two titles' words are, 0 to 1: Jaccard, or 1 for a near-containment.

    >>> title_similarity(title_words("Kvalitetsstandard for plejebolig"),
    ...                  title_words("Kvalitetsstandard for plejebolig - godkendelse"))
    1.0
    >>> title_similarity(title_words("Mødekalender 2023"), title_words("Mødekalender 2024"))
    0.0
    """
    if not a or not b:
        return 0.0
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return 0.0  # another year or another round: "mødekalender 2023", "status 2 2024"
    common = len(a & b)
    if common >= 2 and common >= SAME_CASE_OVERLAP * min(len(a), len(b)):
        return 1.0
    return common / len(a | b)


def _numbers(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if w.isdigit())


@dataclass(frozen=True)
class CaseStep:
    """What threading needs of one item."""

    id: str
    meeting_id: str
    date: str          # ISO date, so that strings sort as dates
    time: str | None
    committee: str
    item_number: int
    title: str

    @classmethod
    def of(cls, row: Mapping) -> CaseStep:
        return cls(row["id"], row["meeting_id"], row["date"], row["time"], row["committee"],
                   row["item_number"], row["title"])

    @property
    def order(self) -> tuple:
        return (self.date, self.time or "", self.committee, self.item_number, self.id)


@dataclass
class Thread:
    """One case: its items in date order."""

    steps: list[CaseStep] = field(default_factory=list)
    standing: bool = False
    _words: list[frozenset[str]] = field(default_factory=list)
    _meetings: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return self.steps[0].id

    def add(self, step: CaseStep, words: frozenset[str]) -> None:
        self.steps.append(step)
        self._words.append(words)
        self._meetings.add(step.meeting_id)

    def likeness(self, step: CaseStep, words: frozenset[str]) -> float:
        """How well an item continues this thread (0 when it cannot)."""
        if self.standing or step.meeting_id in self._meetings:
            return 0.0
        # Not through a title without numbers either: "mødekalender 2023" must not
        # reach "mødekalender 2024" by way of a plain "mødekalender".
        numbers = _numbers(words)
        if numbers and any(_numbers(own) and _numbers(own) != numbers for own in self._words):
            return 0.0
        return max(title_similarity(words, own) for own in self._words)


def thread_case(steps: Iterable[CaseStep]) -> list[Thread]:
    """Split the items of one journal number (one municipality's) into threads.

    :return: the threads, each in date order, ordered by their first item.
    """
    threads: list[Thread] = []
    for step in sorted(steps, key=lambda s: s.order):
        words = title_words(step.title)
        if not is_standing(step.title):
            scored = [(thread.likeness(step, words), n) for n, thread in enumerate(threads)]
            best = max(scored, default=(0.0, -1))
            if best[0] >= SAME_CASE_JACCARD:
                threads[best[1]].add(step, words)
                continue
        thread = Thread(standing=is_standing(step.title))
        thread.add(step, words)
        threads.append(thread)
    return threads


def thread_ids(rows: Iterable[Mapping]) -> dict[str, str]:
    """The thread id of every item row (``id``, ``municipality``, ``journal_number``,
    ``meeting_id``, ``date``, ``time``, ``committee``, ``item_number``, ``title``).

    An item without a journal number is a thread of its own, named by its id.
    """
    groups: dict[tuple[str, str], list[CaseStep]] = {}
    found: dict[str, str] = {}
    for row in rows:
        if row["journal_number"]:
            groups.setdefault((row["municipality"], row["journal_number"]), []).append(CaseStep.of(row))
        else:
            found[row["id"]] = row["id"]
    for steps in groups.values():
        for thread in thread_case(steps):
            for step in thread.steps:
                found[step.id] = thread.id
    return found
