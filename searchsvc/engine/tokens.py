"""Tokens for snippets: where a section's words hold the query's forms, with no analysis.

A snippet looks at every section of every result on a page. Analysing all that text
again at query time (tokenizer, stems, lemmas, compound splitting) cost more than the
search itself, so the index keeps what a snippet needs: the lexicon (``lexicon.py``)
maps each form to the words indexed under it. A search looks its forms up once; a
section is then only tokenized with the analyser's own pattern, and its words are
compared with those words:

- a section that holds none of the strings its matching words must contain is not
  tokenized at all (most sections of a page);
- of a section that can match, only the words that do are passed on, each with its
  query forms, with one placeholder wherever other words lie between them, so that a
  phrase still matches only where its words are adjacent.

The tokens are those the analyser gives (same positions and characters), less the
forms no query word has, so ``snippets.find_matches`` finds the same matches.
An index without a lexicon (built before it; the next reindex rebuilds it) gets the
analyser's own tokens for every section.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from .analysis import TOKEN_PATTERN, findable, fold
from .lexicon import Lexicon

# Never a form of any word, and never the start of one: it stands for skipped words.
PLACEHOLDER = "\x00"


class Token:
    """What the snippet code reads of a Whoosh token."""

    __slots__ = ("text", "pos", "startchar", "endchar")

    def __init__(self, text: str, pos: int, startchar: int, endchar: int) -> None:
        self.text = text
        self.pos = pos
        self.startchar = startchar
        self.endchar = endchar


@dataclass
class SnippetWords:
    """What a snapshot gives snippets: the lexicon, or else the analyser itself."""

    lexicon: Lexicon | None
    analyzer: Any
    # One thread at a time in the analyser: the compound dictionary fills its caches
    # lazily, and a half-filled one splits words wrongly.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def analyze(self, text: str) -> list[Token]:
        """The analyser's own tokens (index mode, positions and characters)."""
        with self.lock:
            return [Token(t.text, t.pos, t.startchar, t.endchar)
                    for t in self.analyzer(text, positions=True, chars=True, mode="index")]


def snippet_analyzer(words: SnippetWords, forms: Iterable[str], prefixes: Iterable[str]
                     ) -> Callable[[str], list[Token]]:
    """An ``analyze(text)`` for ``snippets.make_snippet`` that finds the same matches
    as the analyser itself when the snippet marks only words with one of ``forms`` or
    a form starting with one of ``prefixes``."""
    forms = frozenset(forms)
    prefixes = tuple(prefixes)
    if words.lexicon is None:
        return words.analyze
    if not forms and not prefixes:
        return lambda text: []
    wanted = words.lexicon.words_with(forms, prefixes)
    needles = _needles(wanted, (*forms, *prefixes))

    def analyze(text: str) -> list[Token]:
        lower = text.lower()
        folded = lower if lower.isascii() else fold(unicodedata.normalize("NFC", lower))
        if not any(needle in folded for needle in needles):
            return []
        # The words of a lowercased text are the lowercased words (the token pattern
        # knows both cases alike), where lowercasing keeps every character's place; so
        # they are the lexicon's words as they are, and one set operation in C finds the
        # hits. Rare texts (decomposed letters, characters whose lowercase is longer)
        # get their words lowercased and composed one by one.
        if len(lower) == len(text) and (lower.isascii() or unicodedata.is_normalized("NFC", lower)):
            source, tokens = lower, TOKEN_PATTERN.findall(lower)
            hits = {word: wanted[word] for word in wanted.keys() & set(tokens)}
        else:
            source, tokens = text, TOKEN_PATTERN.findall(text)
            hits = {token: wanted[word] for token in set(tokens)
                    if (word := unicodedata.normalize("NFC", token.lower())) in wanted}
        if not hits:
            return []
        # Sections run to thousands of words: pick the hits out in C (map, compress),
        # not in a Python loop over every word.
        flags = list(map(hits.__contains__, tokens))
        out: list[Token] = []
        previous = None
        for pos, match in compress(zip(range(len(tokens)), TOKEN_PATTERN.finditer(source)), flags):
            start, end = match.span()
            if previous is not None and pos > previous + 1:  # words in between
                out.append(Token(PLACEHOLDER, pos - 1, start, start))
            for form in hits[match.group()]:
                out.append(Token(form, pos, start, end))
            previous = pos
        return out

    return analyze


def _needles(wanted: dict[str, tuple[str, ...]], forms: Iterable[str]) -> tuple[str, ...]:
    """Strings one of which every text holding a wanted word holds (lowercase, folded):
    the forms' ``findable`` strings, and the words that hold none of those (a lemma:
    ``børn`` for ``barn``)."""
    found = {findable(form) for form in forms}
    base = tuple(found)
    for word in wanted:
        folded = fold(word)
        if not any(needle in folded for needle in base):
            found.add(folded)
    return tuple(found)
