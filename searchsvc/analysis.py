"""Danish text analysis: a Whoosh pipe of tokenizer and filters.

Journal numbers (``15.04.10-P20-3-20``, ``23-013472``, ``EMN-2025-003383``) are kept as
single tokens and never stemmed; words are lowercased and reduced to their Danish
snowball stem, so ``klagerne`` finds ``klager``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

# Journal-number shapes first, so that the word pattern does not split them.
JOURNAL_PATTERN = (
    r"\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅa-zæøå]\d{2})?(?:-\d+[A-Za-z]?)+"  # KLE with case part
    r"|\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅa-zæøå]\d{2})?"                  # a KLE prefix
    r"|[A-ZÆØÅa-zæøå]{2,6}-\d{2,4}-\d+"                                   # EMN-2025-003383
    r"|\d{2}-\d{3,}[A-Za-z]?"                                             # 23-013472, 19-033355K
)
TOKEN_PATTERN = re.compile(rf"(?:{JOURNAL_PATTERN})(?![\w.-]*\w)|\w+", re.UNICODE)

_stemmer = snowballstemmer.stemmer("danish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Danish snowball stem of a lowercase word; numbers and journal numbers unchanged."""
    if not word.isalpha():
        return word
    return _stemmer.stemWord(word)


class DanishStemFilter(Filter):
    """Replace each token's text by its Danish stem (cached)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = stem(token.text)
            yield token


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def danish_analyzer():
    """Tokenize, lowercase and stem Danish text.

    >>> [t.text for t in danish_analyzer()("Klagerne om 15.04.10-P20-3-20")]
    ['klag', 'om', '15.04.10-p20-3-20']
    """
    return tokenizer() | LowercaseFilter() | DanishStemFilter()


def exact_analyzer():
    """Tokenize and lowercase, keeping words as written."""
    return tokenizer() | LowercaseFilter()


def journal_terms(journal_number: str | None) -> list[str]:
    """The exact terms a journal number is found by: itself and its KLE prefixes.

    >>> journal_terms("15.04.10-P20-3-20")
    ['15.04.10-p20-3-20', '15', '15.04', '15.04.10', '15.04.10-p20']
    """
    if not journal_number:
        return []
    number = journal_number.strip().lower()
    terms = [number]
    match = re.match(r"^(\d{2})\.(\d{2})(?:\.(\d{2}))?(?:-([a-zæøå]\d{2}))?", number)
    if match:
        main, group, subject, facet = match.groups()
        terms += [main, f"{main}.{group}"]
        if subject:
            terms.append(f"{main}.{group}.{subject}")
            if facet:
                terms.append(f"{main}.{group}.{subject}-{facet}")
    return list(dict.fromkeys(terms))
