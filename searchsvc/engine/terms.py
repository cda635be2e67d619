"""The index vocabulary of one snapshot: "did you mean", typo and æ/ø/å look-ups.

Every word is indexed as written (``=borgerdialog``, see ``analysis.py``), so the
``body`` field's terms are the corpus vocabulary, with document frequencies. Close
spellings are found without walking the term dictionary: ``Spellings`` holds the
generation's words (the compound dictionary's counts, which every indexed word enters)
by first letter, and rapidfuzz's C++ edit distances pick the close ones.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .analysis import EXACT_MARK, STOPWORDS, exact_term, lemma_term, part_term, stem_term

FIELD = "body"
# Fallback spellings for keyboards without æ and ø.
_FALLBACKS = (("ae", "æ"), ("oe", "ø"))


class Spellings:
    """The words of a generation as written, grouped by first letter, for close spellings."""

    def __init__(self, words: Iterable[str]) -> None:
        by_letter: dict[str, list[str]] = {}
        for word in words:
            if word not in STOPWORDS:
                by_letter.setdefault(word[0], []).append(word)
        self.by_letter = {letter: sorted(found) for letter, found in by_letter.items()}

    def within(self, word: str, maxdist: int) -> list[str]:
        """The words within ``maxdist`` edits of ``word`` (adjacent transpositions count as one),
        with its first letter, as Whoosh's ``terms_within`` finds them."""
        candidates = self.by_letter.get(word[:1], [])
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        return [candidate for candidate, _, _ in found]


class Terms:
    """Look-ups in a reader's vocabulary (a snapshot's)."""

    def __init__(self, reader, spellings: Spellings) -> None:
        self.reader = reader
        self.spellings = spellings

    def document_frequency(self, term: str) -> int:
        return self.reader.doc_frequency(FIELD, term)

    def is_known(self, word: str) -> bool:
        """Whether a lowercase word is found at all: by stem, as written or as a compound part."""
        return any(self.document_frequency(term) for term in
                   (stem_term(word), lemma_term(word) or stem_term(word), exact_term(word) or stem_term(word),
                    part_term(word)))

    def close_words(self, word: str, limit: int = 5) -> list[str]:
        """Indexed words within a small edit distance of ``word``, closest and most frequent
        first. One edit for short words, two from eight letters; the first letter is kept."""
        word = word.lower()
        if len(word) < 4 or not word.isalpha():
            return []
        maxdist = 1 if len(word) < 8 else 2
        found = []
        for candidate in self.spellings.within(word, maxdist):
            frequency = self.document_frequency(EXACT_MARK + candidate)
            if candidate == word or not frequency:  # not (or no longer) in this snapshot
                continue
            found.append((OSA.distance(candidate, word), -frequency, candidate))
        return [candidate for _, _, candidate in sorted(found)[:limit]]

    def correction(self, word: str) -> str | None:
        """The word a person probably meant, when ``word`` is unknown or a rare misspelling
        of a common word (``autismekordinator`` → ``autismekoordinator``); else None."""
        word = word.lower()
        if len(word) < 4 or not word.isalpha() or word in STOPWORDS:
            return None
        if self.letter_variants(word):
            return None  # typed without æ/ø: found anyway
        frequency = max(self.document_frequency(stem_term(word)), self.document_frequency(part_term(word)))
        if frequency > 2:
            return None
        for candidate in self.close_words(word, limit=3):
            # An unknown word takes any indexed neighbour; a rare one only a far commoner one.
            if self.document_frequency(EXACT_MARK + candidate) > 5 * frequency:
                return candidate
        return None

    def letter_variants(self, word: str) -> list[str]:
        """Spellings with ``æ``/``ø`` for ``ae``/``oe`` that the index has (``aeldrereform``
        → ``ældrereform``), as a fallback for keyboards without them."""
        word = word.lower()
        if "ae" not in word and "oe" not in word:
            return []
        pieces = re.split(r"(ae|oe)", word)
        choices = [(piece, dict(_FALLBACKS)[piece]) if piece in ("ae", "oe") else (piece,) for piece in pieces]
        variants = []
        for combination in itertools.islice(itertools.product(*choices), 1, 17):  # the first is the word itself
            variant = "".join(combination)
            if any(self.document_frequency(term) for term in (stem_term(variant), part_term(variant))):
                variants.append(variant)
        return variants
