"""Fast tokens for snippets: the index analyser's output, one distinct word at a time.

A snippet looks at every section of every result on a page, and running Whoosh's
analyser over all that text (a generator per filter, a token object per word form)
costs more than the search itself. Three things make it cheap without changing a
single snippet:

- a word's forms depend on the word alone (the tokenizer splits, each filter turns
  one token into forms), so they are computed once per distinct word and remembered;
- a section none of whose distinct words has a query form yields no tokens at all
  (the snippet finds no match in it either way);
- of a section that can match, only the words that do are passed on, with one
  placeholder wherever other words lie between them, so a phrase still matches only
  where its words are adjacent.

This holds for analysers made of a ``RegexTokenizer`` and the per-word filters named
in ``PER_WORD_FILTERS``; for any other analyser every call goes to the analyser itself.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import compress, filterfalse
from typing import Any

from whoosh.analysis import RegexTokenizer

from .analysis import DanishFilter, findable, fold

# Filters that turn each token into forms of that token alone (no context, no state).
PER_WORD_FILTERS = {"LowercaseFilter", "NormalizeFilter", "DanishFilter", "DanishStemFilter"}
# Never a form of any word, and never the start of one: it stands for skipped words.
PLACEHOLDER = "\x00"
# What a cache holds for a word not looked at yet (None is a valid answer).
_UNSEEN: Any = object()
MAX_WORDS = 300_000
COMMON_WORDS = 20_000


class Token:
    """What the snippet code reads of a Whoosh token."""

    __slots__ = ("text", "pos", "startchar", "endchar")

    def __init__(self, text: str, pos: int, startchar: int, endchar: int) -> None:
        self.text = text
        self.pos = pos
        self.startchar = startchar
        self.endchar = endchar


class WordForms:
    """An analyser's index forms per word, remembered, and the words per form."""

    def __init__(self, analyzer, unlike: Mapping[str, Iterable[str]] | None = None) -> None:
        """:param unlike: for forms that some words are indexed under without holding
            them (a lemma: ``barn`` for ``børn``), those words (``analysis.lemma_holders``)."""
        self.analyzer = analyzer
        items = getattr(analyzer, "items", None) or []
        self.per_word = (
            bool(items) and isinstance(items[0], RegexTokenizer) and not items[0].gaps
            and all(type(f).__name__ in PER_WORD_FILTERS for f in items[1:])
        )
        self.pattern = items[0].expression if self.per_word else None
        # Danish forms are substrings of their words' folded text (``findable``).
        self.danish = self.per_word and isinstance(items[-1], DanishFilter)
        self._forms: dict[str, tuple[str, ...] | None] = {}
        self._words: dict[str, set[str]] = {}  # form -> the words known to have it
        self._not_words: set[str] = set()  # tokens that alone tokenize otherwise
        # The words in the order their forms were learned; ``epoch`` counts the times
        # everything was forgotten (at MAX_WORDS). See ``snippet_analyzer``.
        self.learned: list[str] = []
        self.epoch = 0
        self.lock = threading.RLock()
        self.unlike = {form: tuple(fold(w) for w in words) for form, words in (unlike or {}).items()}

    def analyze(self, text: str) -> list[Token]:
        """The analyser's own tokens (index mode, positions and characters)."""
        # One thread at a time in the analyser: the compound dictionary fills its caches
        # lazily, and a half-filled one splits words wrongly.
        with self.lock:
            return [Token(t.text, t.pos, t.startchar, t.endchar)
                    for t in self.analyzer(text, positions=True, chars=True, mode="index")]

    def forms(self, word: str) -> tuple[str, ...] | None:
        """A token's forms, or None when the word alone would not tokenize as one token."""
        found = self._forms.get(word, _UNSEEN)
        if found is _UNSEEN:
            lower = word.lower()
            # The analyser lowercases first: "Budget" has the forms of "budget".
            found = self._forms.get(lower, _UNSEEN) if lower != word and len(lower) == len(word) else _UNSEEN
            if found is _UNSEEN:
                tokens = self.analyze(word)
                whole = all(t.pos == 0 and t.startchar == 0 and t.endchar == len(word) for t in tokens)
                found = tuple(t.text for t in tokens) if whole else None
            with self.lock:
                if len(self._forms) >= MAX_WORDS:
                    self._forms.clear()
                    self._words.clear()
                    self._not_words.clear()
                    self.learned = []
                    self.epoch += 1
                self._forms[word] = found
                for form in found or ():
                    self._words.setdefault(form, set()).add(word)
                if found is None:
                    self._not_words.add(word)
                self.learned.append(word)
        return found

    def learn(self, words: Iterable[str]) -> None:
        """Compute the forms of many words now (a server's common words, at start)."""
        for word in words:
            if word not in self._forms:
                self.forms(word)

    def start_learning(self, counts: Counter[str] | None) -> None:
        """Learn the corpus's most common words in a background thread, so that the
        first searches do not each split the compounds of the words on their page."""
        if self.per_word and counts:
            common = [word for word, _ in counts.most_common(COMMON_WORDS)]
            threading.Thread(target=self.learn, args=(common,), name="snippet-words", daemon=True).start()

    def words_with(self, forms: frozenset[str], prefixes: tuple[str, ...]) -> tuple[set[str], tuple[int, int]]:
        """The known words with one of ``forms``, or a form starting with a prefix, and
        the point in ``learned`` (epoch, length) up to which they were looked at."""
        with self.lock:
            found = set().union(*(self._words.get(f, ()) for f in forms))
            if prefixes:
                for form, words in self._words.items():
                    if form.startswith(prefixes):
                        found |= words
            return found, (self.epoch, len(self.learned))

    def unknown(self, words: set[str]) -> set[str]:
        """Those of ``words`` whose forms are not known yet."""
        # Not ``words - self._forms.keys()``: that walks every known word.
        return set(filterfalse(self._forms.__contains__, words))

    def learned_since(self, mark: tuple[int, int]) -> tuple[list[tuple[str, tuple[str, ...] | None]], tuple[int, int]]:
        """The words (with their forms) learned since ``mark`` (from ``words_with`` or
        an earlier call), and the mark to ask from next time."""
        with self.lock:
            epoch, done = mark
            if epoch != self.epoch:  # everything was forgotten since: all is new
                done = 0
            late = self.learned[done:]
            return [(word, self._forms.get(word)) for word in late], (self.epoch, done + len(late))

    def any_not_word(self, words: set[str]) -> bool:
        """Whether some of ``words`` would not tokenize as one token alone."""
        return not self._not_words.isdisjoint(words)


def snippet_analyzer(words: WordForms, forms: Iterable[str], prefixes: Iterable[str]
                     ) -> Callable[[str], list[Token]]:
    """An ``analyze(text)`` for ``snippets.make_snippet`` that finds the same matches
    as the analyser itself when the snippet marks only words with one of ``forms`` or
    a form starting with one of ``prefixes``."""
    forms = frozenset(forms)
    prefixes = tuple(prefixes)
    if not words.per_word:
        return words.analyze
    if not forms and not prefixes:
        return lambda text: []
    wanted, mark = words.words_with(forms, prefixes)
    # Words looked at in this search: the known words with the forms, and those not.
    seen = set(wanted)

    def is_wanted(word_forms) -> bool:
        return any(f in forms or (prefixes and f.startswith(prefixes)) for f in word_forms or ())

    def sort_new(new: set[str]) -> None:
        """Add the words of ``new`` with a query form to ``wanted``. Only unknown words,
        and words learned (by any thread) since ``words_with`` or the last call, are
        looked at one by one: every other known word was sorted by ``words_with``."""
        nonlocal mark
        epoch = mark[0]
        wanted.update(word for word in words.unknown(new) if is_wanted(words.forms(word)))
        late, mark = words.learned_since(mark)
        if mark[0] != epoch:  # everything was forgotten meanwhile, perhaps words of ``new``
            late += [(word, words.forms(word)) for word in new]
        wanted.update(word for word, word_forms in late if is_wanted(word_forms))
        seen.update(new)

    needles: tuple[str, ...] = ("",)
    if words.danish:
        found = {findable(form) for form in (*forms, *prefixes)}
        found.update(word for form in forms for word in words.unlike.get(form, ()))
        needles = tuple(found)
    pattern = words.pattern
    assert pattern is not None  # a per-word analyser's tokenizer

    def analyze(text: str) -> list[Token]:
        # A section without any of the strings its matches must hold is not tokenized.
        folded = text.lower()
        if not folded.isascii():
            folded = fold(unicodedata.normalize("NFC", folded))
        if not any(needle in folded for needle in needles):
            return []
        # The distinct words first, with set operations: most sections hold no query word.
        tokens = pattern.findall(text)
        present = set(tokens)
        new = present - seen
        if new:
            sort_new(new)
        if words.any_not_word(present):
            return words.analyze(text)
        if present.isdisjoint(wanted):
            return []
        # Sections run to thousands of words: pick the hits out in C (map, compress),
        # not in a Python loop over every word.
        flags = list(map(wanted.__contains__, tokens))
        hits = compress(zip(range(len(tokens)), pattern.finditer(text)), flags)
        out: list[Token] = []
        previous = None
        for pos, match in hits:
            start, end = match.span()
            if previous is not None and pos > previous + 1:  # words in between
                out.append(Token(PLACEHOLDER, pos - 1, start, start))
            for form in words.forms(match.group()) or ():
                out.append(Token(form, pos, start, end))
            previous = pos
        return out

    return analyze
