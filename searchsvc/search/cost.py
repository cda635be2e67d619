"""Whether a search is expensive, judged from its query text alone, before it runs.

Ordinary searches (one to four words, a phrase, a long prefix) take tens of
milliseconds of CPU; a query of dozens of words, or of prefixes (which Whoosh ranks
in Python, one expanded word at a time), takes up to a second. The server runs the
expensive ones apart, at a lower priority and one at a time (``slowlane.py``), so that
they cannot starve the ordinary ones. The estimate only tidies and parses the text
(about a millisecond for the longest query): no index look-up.

Measured on the shared corpus (4,577 items), CPU per search: ``skole*`` 130 ms,
``sk*`` 250-430 ms, ``bo* sk*`` 0.5-0.9 s, ``kommun* budge* skole* plan*`` 0.4-0.6 s,
eight common words 120-190 ms, 100 unknown words 300 ms; the checked-in log's
ordinary searches p50 31 ms, p95 110 ms, none with more than four words or one prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from .syntax import Group, Negation, Node, Phrase, Word, parse, tidy

# More words than this (the proximity bonus's own limit) make a search expensive.
MAX_WORDS = 8
# More prefix words than this, or one shorter than MIN_PREFIX letters.
MAX_PREFIXES = 1
MIN_PREFIX = 3


@dataclass(frozen=True)
class Cost:
    """What in a query costs: its words (phrase words included) and its prefix words."""

    words: int
    prefixes: tuple[str, ...]

    @property
    def expensive(self) -> bool:
        return (self.words > MAX_WORDS or len(self.prefixes) > MAX_PREFIXES
                or any(len(prefix) < MIN_PREFIX for prefix in self.prefixes))


def estimate(q: str | None) -> Cost:
    """The cost of a query as typed (``SearchRequest.q``)."""
    tidied, _ = tidy(q or "")
    tree = parse(tidied) if tidied.strip() else None
    words, prefixes = 0, []
    stack: list[Node | None] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Word):
            words += 1
            if node.prefix:
                prefixes.append(node.text)
        elif isinstance(node, Phrase):
            words += len(node.words)
        elif isinstance(node, Negation):
            stack.append(node.child)
        elif isinstance(node, Group):
            stack.extend(node.children)
    return Cost(words, tuple(prefixes))
