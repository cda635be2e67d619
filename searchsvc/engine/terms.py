"""Lookups in the index vocabulary: completion, "did you mean", typo and æøå variants.

Every word is indexed as written (``=borgerdialog``, see ``analysis.py``), so the
``body`` field's terms are the corpus vocabulary, with document frequencies. These
functions read it through an index reader; ``complete`` takes the ``Archive`` so that
a completion endpoint can call it directly.
"""

from __future__ import annotations

import heapq
import itertools
import re

from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import EXACT_MARK, STOPWORDS, exact_term, part_term, stem_term

FIELD = "body"
MAX_COMPLETIONS = 10
# Completion reads at most this many vocabulary entries for one prefix.
MAX_SCANNED = 5000
# Fallback spellings for keyboards without æ and ø.
_FALLBACKS = (("ae", "æ"), ("oe", "ø"))


def document_frequency(reader, term: str) -> int:
    return reader.doc_frequency(FIELD, term)


def is_known(reader, word: str) -> bool:
    """Whether a lowercase word is found at all: by stem, as written or as a compound part."""
    return any(document_frequency(reader, term) for term in
               (stem_term(word), exact_term(word) or stem_term(word), part_term(word)))


def completions(reader, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
    """Words as written that start with ``prefix``, most frequent first
    (``spildev`` → ``spildevand``, ``spildevandsplan``, ...)."""
    prefix = prefix.lower()
    if not prefix:
        return []
    if prefix.isdigit():
        mark, strip = prefix, 0  # numbers are indexed as they are
    else:
        mark, strip = EXACT_MARK + prefix, len(EXACT_MARK)
    scanned = itertools.islice(reader.expand_prefix(FIELD, mark), MAX_SCANNED)
    words = []
    for term in scanned:
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        words.append((document_frequency(reader, text), text[strip:]))
    return [word for _, word in heapq.nlargest(limit, words, key=lambda pair: (pair[0], -len(pair[1])))]


def complete(archive, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
    """Completions for what a person is typing: the last word completed from the index
    vocabulary, the words before it kept as typed (``plan for spildev`` →
    ``plan for spildevand``, ...). Fewer than two letters give no completions.

    :raise IndexMissing: before the first reindex.
    """
    match = re.match(r"^(.*?)(\w+)$", prefix or "", re.DOTALL)
    if not match or len(match.group(2)) < 2:
        return []
    before, last = match.groups()
    reader = archive.snapshot().searcher.reader()
    return [before + word for word in completions(reader, last, limit)]


def close_words(reader, word: str, limit: int = 5) -> list[str]:
    """Indexed words within a small edit distance of ``word``, closest and most frequent
    first. One edit for short words, two from eight letters; the first letter is kept."""
    word = word.lower()
    if len(word) < 4 or not word.isalpha():
        return []
    maxdist = 1 if len(word) < 8 else 2
    found = []
    for term in reader.terms_within(FIELD, EXACT_MARK + word, maxdist, prefix=len(EXACT_MARK) + 1):
        candidate = term[len(EXACT_MARK):]
        if candidate == word or candidate in STOPWORDS:
            continue
        found.append((damerau_levenshtein(candidate, word), -document_frequency(reader, term), candidate))
    return [candidate for _, _, candidate in sorted(found)[:limit]]


def correction(reader, word: str) -> str | None:
    """The word a person probably meant, when ``word`` is unknown or a rare misspelling of a
    common word (``autismekordinator`` → ``autismekoordinator``); else None."""
    word = word.lower()
    if len(word) < 4 or not word.isalpha() or word in STOPWORDS:
        return None
    if letter_variants(reader, word):
        return None  # typed without æ/ø: found anyway
    frequency = max(document_frequency(reader, stem_term(word)), document_frequency(reader, part_term(word)))
    if frequency > 2:
        return None
    for candidate in close_words(reader, word, limit=3):
        # An unknown word takes any indexed neighbour; a rare one only a far commoner one.
        if document_frequency(reader, EXACT_MARK + candidate) > 5 * frequency:
            return candidate
    return None


def letter_variants(reader, word: str) -> list[str]:
    """Spellings with ``æ``/``ø`` for ``ae``/``oe`` that the index has (``aeldrereform`` →
    ``ældrereform``), as a fallback for keyboards without them."""
    word = word.lower()
    if "ae" not in word and "oe" not in word:
        return []
    pieces = re.split(r"(ae|oe)", word)
    choices = [(piece, dict(_FALLBACKS)[piece]) if piece in ("ae", "oe") else (piece,) for piece in pieces]
    variants = []
    for combination in itertools.islice(itertools.product(*choices), 1, 17):  # the first is the word itself
        variant = "".join(combination)
        if any(document_frequency(reader, term) for term in
               (stem_term(variant), part_term(variant))):
            variants.append(variant)
    return variants
