"""Danish lemmas: a word's dictionary form (simplemma, with the exceptions of municipal
Danish in ``lemma-exceptions.tsv``), and the lemma terms a word and a compound part are
indexed and looked up by beside their stems."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Protocol

import simplemma

from .stems import STOPWORDS, stem_term


class PartSplitter(Protocol):
    """What analysis needs of a compound dictionary (``compounds.CompoundDictionary``):
    the parts a word splits into, and whether a word is the corpus's. A protocol, so that
    analysis does not import compounds, which builds on the stems."""

    def all_parts(self, word: str) -> list[str]: ...

    def known(self, word: str) -> bool: ...


def _read_lemma_exceptions() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The lemma exceptions: whole words, and word endings (written ``-ending``)."""
    words: dict[str, str] = {}
    endings: list[tuple[str, str]] = []
    text = resources.files("searchsvc.engine").joinpath("lemma-exceptions.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, lemma_of, *_ = line.split("\t")
        if word.startswith("-"):
            endings.append((word[1:], lemma_of))
        else:
            words[word] = lemma_of
    return words, tuple(sorted(endings, key=lambda pair: -len(pair[0])))


_LEMMA_WORDS, _LEMMA_ENDINGS = _read_lemma_exceptions()


def load_lemmas() -> None:
    """Load the Danish lemma data now (about 1.5 s, once per process): before forking
    processes that lemmatize, so that they share it instead of each loading it."""
    simplemma.lemmatize("barn", lang="da")


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a lowercase Danish word (``børnene`` → ``barn``).

    Municipal Danish uses some words in a sense the general dictionary does not put
    first (``ældre``, the elderly, is not ``gammel``; ``udsatte``, vulnerable, is not
    the verb ``udsætte``): ``lemma-exceptions.tsv`` keeps those, and mends endings the
    dictionary gets wrong (``-centret`` is ``center``, not ``centrum``).

    >>> lemma("børnene"), lemma("digitalt"), lemma("ældre"), lemma("jobcentret")
    ('barn', 'digital', 'ældre', 'jobcenter')
    """
    found = _LEMMA_WORDS.get(word)
    if found is not None:
        return found
    for ending, replacement in _LEMMA_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)] + replacement
    return simplemma.lemmatize(word, lang="da").lower()


def lemma_term(word: str) -> str | None:
    """The stem of a word's lemma, where it differs from the word's own stem (else None):
    the extra term a word is indexed and looked up by.

    >>> lemma_term("børn"), lemma_term("barn"), lemma_term("digitalt"), lemma_term("og")
    ('barn', None, 'digital', None)
    """
    if not word.isalpha() or word in STOPWORDS:
        return None
    found = stem_term(lemma(word))
    return found if found != stem_term(word) else None


def part_lemma_term(part: str, dictionary: PartSplitter) -> str | None:
    """The lemma term of a compound part, where it differs from the part's stem. A part
    ending in a linking ``e`` or ``s`` is looked up without it when that is a word of
    the corpus (``børne`` in ``børneudvalget`` is ``børn``, lemma ``barn``).

    >>> class Known:
    ...     def known(self, word): return word == "børn"
    ...     def all_parts(self, word): return []
    >>> part_lemma_term("børne", Known()), part_lemma_term("skole", Known())
    ('barn', None)
    """
    base = part
    if part[-1:] in ("e", "s") and len(part) > 4 and dictionary.known(part[:-1]):
        base = part[:-1]
    found = lemma_term(base) or stem_term(base)
    return found if found != stem_term(part) else None
