"""The lexicon: every word the index holds, and the forms the analyser indexed it under.

Written at indexing time, so that a snippet finds its matches without analysing any
text at query time: the query's forms are looked up here (``words_with``), which gives
the words of the texts that hold them, and a section is then only tokenized and its
tokens compared with those words.

One file per generation, ``lexicon.npz``, replaced as a whole (write, then rename) by
each commit that brings words not in it yet, right after the index commit and before
the item store names that commit (which is when searches start to read it), so that
any snapshot a search reads finds all its words here. Words are never taken out: a
word of a removed item only makes a query's word list a little longer. Two sorted
arrays of UTF-8 strings (words, forms) and a form-to-words table, all numpy, so that a
lookup is a binary search in C and adding a meeting's few new words merges arrays
instead of looping over all words.

Words are lowercase and NFC, as the analyser's filters leave them; words longer than
``MAX_BYTES`` (no real word: long digit runs, glued-together strings) are left out, so
a snippet does not mark them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..files import write_atomically

LEXICON_FILE = "lexicon.npz"
MAX_BYTES = 96
# The file's layout; a file of another layout is not read (the index is then rebuilt).
FORMAT = 1


@dataclass(frozen=True)
class Lexicon:
    """The words of an index and their forms: ``words`` and ``forms`` sorted (bytes),
    the pairs sorted by form, ``starts[i]:starts[i + 1]`` the pairs of form ``i``."""

    words: np.ndarray       # dtype S: every word, sorted
    forms: np.ndarray       # dtype S: every form, sorted
    starts: np.ndarray      # int64, len(forms) + 1
    word_ids: np.ndarray    # int32: for each pair (by form), its word

    @classmethod
    def empty(cls) -> Lexicon:
        return cls(np.array([], dtype="S1"), np.array([], dtype="S1"), np.zeros(1, dtype=np.int64),
                   np.array([], dtype=np.int32))

    @classmethod
    def load(cls, generation: Path) -> Lexicon | None:
        """A generation's lexicon, or None when it has none (an index built before
        lexicons, or by a run that did not finish its first commit)."""
        try:
            with np.load(generation / LEXICON_FILE) as data:
                if int(data["format"]) != FORMAT:
                    return None
                return cls(data["words"], data["forms"], data["starts"], data["word_ids"])
        except FileNotFoundError:
            return None

    def __len__(self) -> int:
        return len(self.words)

    def words_with(self, forms: Iterable[str], prefixes: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
        """The words indexed under one of ``forms`` or a form starting with one of
        ``prefixes``, each with those of its forms."""
        found: dict[str, list[str]] = {}
        ranges = []
        for form in forms:
            key = form.encode("utf-8")
            at = int(np.searchsorted(self.forms, key))
            if at < len(self.forms) and self.forms[at] == key:
                ranges.append((at, at + 1))
        for prefix in prefixes:
            key = prefix.encode("utf-8")
            # No UTF-8 text holds the byte 0xff: every form starting with key sorts below.
            low, high = np.searchsorted(self.forms, [key, key + b"\xff"])
            ranges.append((int(low), int(high)))
        for low, high in ranges:
            for at in range(low, high):
                form = self.forms[at].decode("utf-8")
                for word in self.words[self.word_ids[self.starts[at]:self.starts[at + 1]]]:
                    found.setdefault(word.decode("utf-8"), []).append(form)
        return {word: tuple(dict.fromkeys(word_forms)) for word, word_forms in found.items()}

    def unknown(self, words: Iterable[str]) -> list[str]:
        """Those of ``words`` not in the lexicon."""
        keys = [word.encode("utf-8") for word in words]
        if not keys or not len(self.words):
            return [key.decode("utf-8") for key in keys]
        at = np.searchsorted(self.words, keys)
        inside = np.minimum(at, len(self.words) - 1)
        known = (at < len(self.words)) & (self.words[inside] == np.array(keys, dtype=self.words.dtype))
        return [key.decode("utf-8") for key, hit in zip(keys, known) if not hit]

    def extended(self, new: Mapping[str, Iterable[str]]) -> Lexicon:
        """This lexicon with the words of ``new`` (word -> forms) that it lacks."""
        added = {word: tuple(forms) for word, forms in new.items()
                 if len(word.encode("utf-8")) <= MAX_BYTES}
        added = {word: added[word] for word in self.unknown(added)}
        if not added:
            return self
        new_words = np.array([word.encode("utf-8") for word in added])
        words = np.concatenate([self.words, new_words])
        old_form_of_pair = np.repeat(np.arange(len(self.forms)), np.diff(self.starts))
        pair_forms = [form.encode("utf-8") for forms in added.values() for form in forms]
        forms_all = np.concatenate([self.forms, np.array(pair_forms, dtype="S")])
        forms, form_codes = np.unique(forms_all, return_inverse=True)
        # Every pair as (form code, word number in ``words`` before sorting).
        pair_form = np.concatenate([form_codes[old_form_of_pair], form_codes[len(self.forms):len(self.forms) + len(pair_forms)]])
        counts = [len(forms) for forms in added.values()]
        pair_word = np.concatenate([self.word_ids.astype(np.int64),
                                    np.repeat(np.arange(len(self.words), len(words)), counts)])
        order = np.argsort(words, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        pair_word = rank[pair_word]
        by_form = np.lexsort((pair_word, pair_form))
        pair_form = pair_form[by_form]
        starts = np.searchsorted(pair_form, np.arange(len(forms) + 1)).astype(np.int64)
        return Lexicon(words[order], forms, starts, pair_word[by_form].astype(np.int32))

    def save(self, generation: Path) -> None:
        """Write the lexicon into a generation folder, replacing the old one at once."""
        data = io.BytesIO()
        np.savez(data, format=np.array(FORMAT), words=self.words, forms=self.forms,
                 starts=self.starts, word_ids=self.word_ids)
        write_atomically(generation / LEXICON_FILE, data.getvalue())


def add_words(generation: Path, new: Mapping[str, Iterable[str]], *, start: bool) -> None:
    """Add words (word -> forms) to a generation's lexicon.

    :param start: the index is empty: begin a lexicon (else an index without one keeps
        none, since it would miss the words indexed before: ``missing`` tells).
    """
    lexicon = Lexicon.empty() if start else Lexicon.load(generation)
    if lexicon is None:
        return
    extended = lexicon.extended(new)
    if extended is not lexicon or start:
        extended.save(generation)


def missing(generation: Path) -> bool:
    """Whether a generation's index lacks a (readable) lexicon."""
    return Lexicon.load(generation) is None
