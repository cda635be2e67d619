"""Snippets: the best fragment of the best-matching section, with the matches marked.

The text is HTML-escaped and only ``<mark>`` tags are added, so a snippet is safe to
insert into a page as it is. Matching compares index forms, so a query for ``klager``
marks ``klagerne`` (same stem) and a query for ``spildevand`` marks
``Spildevandsplanen`` (a compound part). A phrase is marked where it occurs as a
phrase, and its words are not marked elsewhere: ``"borgerdialog i fokus"`` marks the
three words together, not every lone ``i`` in the section.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..domain.attendance import searchable_section
from ..domain.model import DECISION_HEADINGS, RESUME_HEADINGS
from .query import Highlight

FRAGMENT_CHARS = 240
CONTEXT_BEFORE = 70

# When matches tie, the decision and the summary say most about an item.
_PREFERENCE = {heading: 3 for heading in DECISION_HEADINGS} | {h: 2 for h in RESUME_HEADINGS}


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    forms: frozenset[str]


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    key: int    # which query word or phrase it matches


def make_snippet(sections: list[dict], highlight: Highlight,
                 analyze: Callable[[str], Iterable]) -> str | None:
    """The snippet for an item, or None when it has no text.

    :param sections: the item's sections (``heading``, ``text``) in document order.
    :param highlight: what to mark, from the parsed query.
    :param analyze: the index's text analyser in index mode with ``chars=True``: every
        form of a word comes as a token with the word's position and characters.
    """
    best: tuple[tuple, dict, str, list[_Match]] | None = None
    for position, section in enumerate(sections):
        # Who sent apologies is not what was decided: the text as search reads it.
        text = searchable_section(section["heading"], section["text"])
        if not text.strip() or section["heading"] == "Bilag":
            continue
        found = find_matches(text, highlight, analyze)
        score = (len({m.key for m in found}), _PREFERENCE.get(section["heading"], 1), -position)
        if best is None or score > best[0]:
            best = (score, section, text, found)
    if best is None:
        return None
    _, section, text, found = best
    fragment = _fragment(text, found)
    heading = section["heading"].strip()
    return f"{html.escape(heading)}: {fragment}" if heading else fragment


def find_matches(text: str, highlight: Highlight, analyze: Callable[[str], Iterable]) -> list[_Match]:
    """The spans of ``text`` to mark: phrases where they occur as phrases, then query words."""
    words = _words(text, analyze)
    matches: list[_Match] = []
    covered: set[int] = set()
    for key, phrase in enumerate(highlight.phrases):
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if all(words[i + k].forms & phrase[k] for k in range(size)):
                matches.append(_Match(words[i].start, words[i + size - 1].end, key))
                covered.update(range(i, i + size))
    offset = len(highlight.phrases)
    prefixes = tuple(highlight.prefixes)
    for i, word in enumerate(words):
        if i in covered:
            continue
        for key, concept in enumerate(highlight.concepts, start=offset):
            if word.forms & concept:
                matches.append(_Match(word.start, word.end, key))
                break
        else:
            if prefixes and any(form.startswith(prefixes) for form in word.forms):
                matches.append(_Match(word.start, word.end, -1))
    return sorted(matches, key=lambda m: m.start)


def _words(text: str, analyze: Callable[[str], Iterable]) -> list[_Word]:
    """The words of a text with all their index forms (tokens share a word's position)."""
    words: list[_Word] = []
    current: tuple[int, int, int] | None = None
    forms: set[str] = set()
    for token in analyze(text):
        key = (token.pos, token.startchar, token.endchar)
        if key != current:
            if current is not None:
                words.append(_Word(current[1], current[2], frozenset(forms)))
            current, forms = key, set()
        forms.add(token.text)
    if current is not None:
        words.append(_Word(current[1], current[2], frozenset(forms)))
    return words


def _fragment(text: str, matches: list[_Match]) -> str:
    """A window of the text around the most distinct matches, escaped and marked."""
    if matches:
        # The window holding the most different query words (then the most matches),
        # starting a little before one of them.
        span = FRAGMENT_CHARS - CONTEXT_BEFORE

        def richness(anchor: _Match) -> tuple[int, int]:
            inside = [m for m in matches if anchor.start <= m.start and m.end <= anchor.start + span]
            return len({m.key for m in inside}), len(inside)

        anchor = max(matches, key=richness).start
        begin = max(0, anchor - CONTEXT_BEFORE)
    else:
        begin = 0
    end = min(len(text), begin + FRAGMENT_CHARS)
    # Snap to word boundaries.
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 and space < (anchor if matches else end) else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + FRAGMENT_CHARS // 2 else end
    parts, cursor = [], begin
    for match in matches:
        if match.start < cursor or match.end > end:
            continue
        parts.append(html.escape(text[cursor:match.start]))
        parts.append(f"<mark>{html.escape(text[match.start:match.end])}</mark>")
        cursor = match.end
    parts.append(html.escape(text[cursor:end]))
    fragment = " ".join("".join(parts).split())
    return ("… " if begin > 0 else "") + fragment + (" …" if end < len(text) else "")
