"""Snippets: the best fragment of the best-matching section, with the matches marked.

The text is HTML-escaped and only ``<mark>`` tags are added, so a snippet is safe to
insert into a page as it is. Matching compares analysed forms (stems), so a query for
``klager`` marks ``klagerne`` too.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import DECISION_HEADINGS, RESUME_HEADINGS

FRAGMENT_CHARS = 240
CONTEXT_BEFORE = 70

# When matches tie, the decision and the summary say most about an item.
_PREFERENCE = {heading: 3 for heading in DECISION_HEADINGS} | {h: 2 for h in RESUME_HEADINGS}


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


def make_snippet(sections: list[dict], terms: set[str], analyze: Callable[[str], Iterable],
                 prefixes: Iterable[str] = ()) -> str | None:
    """The snippet for an item, or None when it has no text.

    :param sections: the item's sections (``heading``, ``text``) in document order.
    :param terms: the analysed query terms to mark.
    :param analyze: the index's text analyser, called with ``chars=True`` semantics.
    :param prefixes: analysed prefixes from ``word*`` queries; tokens starting with one match.
    """
    prefixes = tuple(prefixes)
    best: tuple[tuple[int, int, int], dict, list[_Match]] | None = None
    for position, section in enumerate(sections):
        text = section["text"]
        if not text.strip() or section["heading"] == "Bilag":
            continue
        found = [m for m in _all_tokens(text, analyze)
                 if m.term in terms or (prefixes and m.term.startswith(prefixes))]
        score = (len({m.term for m in found}), _PREFERENCE.get(section["heading"], 1), -position)
        if best is None or score > best[0]:
            best = (score, section, found)
    if best is None:
        return None
    _, section, found = best
    return f"{html.escape(section['heading'])}: {_fragment(section['text'], found)}"


def _all_tokens(text: str, analyze: Callable[[str], Iterable]) -> list[_Match]:
    return [_Match(t.startchar, t.endchar, t.text) for t in analyze(text)]


def _fragment(text: str, matches: list[_Match]) -> str:
    """A window of the text around the densest run of matches, escaped and marked."""
    if matches:
        # The window that holds the most matches, starting a little before one of them.
        starts = [m.start for m in matches]
        anchor = max(starts, key=lambda s: sum(1 for t in starts if s <= t < s + FRAGMENT_CHARS - CONTEXT_BEFORE))
        begin = max(0, anchor - CONTEXT_BEFORE)
    else:
        begin = 0
    end = min(len(text), begin + FRAGMENT_CHARS)
    # Snap to word boundaries.
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + FRAGMENT_CHARS // 2 else end
    parts, cursor = [], begin
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < cursor or match.end > end:
            continue
        parts.append(html.escape(text[cursor:match.start]))
        parts.append(f"<mark>{html.escape(text[match.start:match.end])}</mark>")
        cursor = match.end
    parts.append(html.escape(text[cursor:end]))
    fragment = " ".join("".join(parts).split())
    return ("… " if begin > 0 else "") + fragment + (" …" if end < len(text) else "")
