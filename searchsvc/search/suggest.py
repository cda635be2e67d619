"""Suggestions while typing: the last word of a query completed from the words of titles.

Cheap by design: the title vocabulary (each word with the number of items whose title
holds it) is built once per index snapshot (by the service), and a completion is a binary search in its
sorted word list. Titles are what people remember of an agenda item, and their words
are real surface forms (not stems), so they read well as completions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import QueryError

MAX_SUGGEST_CHARS = 200
MIN_PREFIX = 2
MAX_LIMIT = 20

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LAST_WORD = re.compile(r"([^\W\d_]+)$", re.UNICODE)


@dataclass(frozen=True)
class Suggestion:
    text: str    # the whole query with its last word completed
    word: str    # the completed word
    count: int   # items whose title holds the word

    def to_json(self) -> dict:
        return {"text": self.text, "word": self.word, "count": self.count}


class TitleVocabulary:
    """The lowercased words of titles (three letters or more) with their item counts."""

    def __init__(self, titles: Iterable[tuple[str, int]]) -> None:
        counts: Counter[str] = Counter()
        for title, items in titles:
            for word in {w.lower() for w in _WORD.findall(title) if len(w) >= 3}:
                counts[word] += items
        self.counts = counts
        self.words = sorted(counts)

    def complete(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Words starting with ``prefix`` (lowercase), most frequent first."""
        start = bisect_left(self.words, prefix)
        end = bisect_left(self.words, prefix + "\U0010ffff", lo=start)
        found = sorted(self.words[start:end], key=lambda w: (-self.counts[w], w))
        return [(w, self.counts[w]) for w in found[:limit]]


def complete(vocabulary: TitleVocabulary, text: str, limit: int = 8) -> list[Suggestion]:
    """Completions of what a person is typing: the last word completed, the rest kept.

    Nothing is suggested while the last word is shorter than two letters or the text
    ends in a space (the word is finished).

    :raise QueryError: ``q`` is longer than 200 characters or ``limit`` is out of range.
    """
    if len(text) > MAX_SUGGEST_CHARS:
        raise QueryError("q", f"at most {MAX_SUGGEST_CHARS} characters")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    match = _LAST_WORD.search(text)
    if match is None or len(match.group(1)) < MIN_PREFIX:
        return []
    head, prefix = text[: match.start()], match.group(1).lower()
    return [
        Suggestion(text=head + word, word=word, count=count)
        for word, count in vocabulary.complete(prefix, limit + 1)
        if word != prefix
    ][:limit]
