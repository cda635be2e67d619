"""Danish text analysis: a Whoosh pipe of tokenizer and filters, and the term forms.

Every word is indexed at its position in up to four forms, in the same field:

- its **stem** (Danish snowball, cached), so ``klagerne`` finds ``klager``: ``klag``;
- the stem of its **lemma** (simplemma's Danish dictionary, with the exceptions in
  ``lemma-exceptions.tsv``) where that differs from the word's own stem, so that forms
  a suffix stripper cannot relate find each other: ``børn`` is also indexed as ``barn``,
  ``digitalt`` as ``digital``;
- the word **as written** (lowercased), marked ``=``, so an exact form can rank above a
  stem-only match: ``=klagerne``;
- the **parts** of a compound, stemmed and marked ``+``, so ``spildevand`` finds
  ``Spildevandsplanen``: ``+spildevand``, ``+plan`` (see ``compounds.py``).

Keeping the forms in one field (rather than parallel fields) keeps positions shared,
so phrases work on stems, and keeps one set of field-length statistics. Numbers and
journal numbers (``15.04.10-P20-3-20``, ``23-013472``, ``EMN-2025-003383``) are single
tokens with one form. ``å`` and ``aa`` are the same letter in Danish collation
(``Århus``/``Aarhus``), so stems and parts are computed on the folded spelling; the
as-written form keeps ``å`` so that suggestions read as Danish.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from ..domain.journal import JOURNAL_PATTERN
from .lemmas import PartSplitter, lemma_term, part_lemma_term
from .stems import STOPWORDS, fold, stem, stem_term

# Bump when the terms a text produces change: an index built by another version is
# rebuilt in full by the next reindex.
ANALYSIS_VERSION = 6  # 6: attendance notes left out of the text, names in their own fields

EXACT_MARK = "="
PART_MARK = "+"

TOKEN_PATTERN = re.compile(rf"(?:{JOURNAL_PATTERN})(?![\w.-]*\w)|\w+", re.UNICODE)


def lemma_holders(words: Iterable[str]) -> dict[str, list[str]]:
    """For each lemma term, the words indexed under it that do not hold it as a
    substring (``barn``: ``børn``, ``børnene``): what a text must contain to match it,
    beside ``findable``'s string."""
    found: dict[str, list[str]] = {}
    for word in words:
        term = lemma_term(word)
        if term is not None and findable(term) not in fold(word):
            found.setdefault(term, []).append(word)
    return found


def findable(form: str) -> str:
    """A string that every word indexed under ``form`` holds, lowercased and ``å``-folded
    (for pre-filtering text before analysing it). Forms are such substrings, marks
    aside, except stems mended by the ``-el`` rule, whose ``l`` then goes too, and
    lemma terms of irregular words (``lemma_holders`` lists those).

    >>> findable("=regler"), findable("+spildevand"), findable("regl"), findable("midl")
    ('regler', 'spildevand', 'reg', 'mid')
    """
    text = form.lstrip(EXACT_MARK + PART_MARK)
    if form.startswith(EXACT_MARK):
        return fold(text)
    if len(text) >= 4 and re.search(r"[^aeiouyæøå]l$", text):
        return text[:-1]
    return text


def exact_term(word: str) -> str | None:
    """The as-written form of a lowercase word, or None when it is indexed without one
    (numbers and journal numbers are their own exact form; function words have none)."""
    if not word.isalpha():
        return word
    return None if word in STOPWORDS else EXACT_MARK + word


def part_term(word: str) -> str:
    """The form a compound part is indexed under (and looked up by)."""
    return PART_MARK + stem_term(word)


def is_stopword(word: str) -> bool:
    """Whether a lowercase word is a Danish function word (``paa`` is ``på``).

    >>> is_stopword("og"), is_stopword("paa"), is_stopword("plan")
    (True, True, False)
    """
    return word in STOPWORDS or ("aa" in word and word.replace("aa", "å") in STOPWORDS)


class NormalizeFilter(Filter):
    """Compose Unicode (``a`` + combining ring is ``å``), so one word has one spelling."""

    def __call__(self, tokens):
        for token in tokens:
            if not token.text.isascii():
                token.text = unicodedata.normalize("NFC", token.text)
            yield token


class DanishFilter(Filter):
    """Turn each lowercase word into its stem, its as-written form and its compound parts.

    In ``query`` mode only the stem is produced. Function words (``og``, ``i``, ``til``)
    get no as-written form: they are half of all words, and ranking never needs it.
    The compound dictionary is attached for writing (``attach_dictionary``) and is not
    pickled with the index schema.

    This filter holds the analysis's one per-word cache: a token's forms, as text and
    as UTF-8 (what the segment writer stores), computed once per distinct token. A
    filter attached for writing also keeps every word it analysed with its forms
    (``learned``, unbounded, unlike the cache): what the writer adds to the lexicon.
    """

    def __init__(self, dictionary: PartSplitter | None = None) -> None:
        self.dictionary = dictionary
        self.version = ANALYSIS_VERSION
        self.cache: dict[str, tuple[tuple[str, ...], tuple[bytes, ...]]] = {}
        self.learned: dict[str, tuple[str, ...]] | None = None

    def __getstate__(self) -> dict:
        return {"version": self.version}

    def __setstate__(self, state: dict) -> None:
        self.dictionary = None
        self.version = state.get("version", 0)
        self.cache = {}
        self.learned = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DanishFilter) and other.version == self.version

    def attach(self, dictionary: PartSplitter | None) -> None:
        self.dictionary = dictionary
        self.cache = {}
        self.learned = {}

    def token_forms(self, token: str) -> tuple[tuple[str, ...], tuple[bytes, ...]]:
        """Every term a token (as tokenized, before lowercasing) is indexed under, stem
        first, as text and as UTF-8."""
        found = self.cache.get(token)
        if found is None:
            word = token.lower()
            if not word.isascii():
                word = unicodedata.normalize("NFC", word)
            forms = index_forms(word, self.dictionary)
            found = (forms, tuple(form.encode("utf-8") for form in forms))
            if self.learned is not None:
                self.learned[word] = forms
            if len(self.cache) < 500_000:
                self.cache[token] = found
        return found

    def forms(self, word: str) -> tuple[str, ...]:
        """Every term a lowercase word is indexed under, stem first."""
        return self.token_forms(word)[0]

    def __call__(self, tokens):
        for token in tokens:
            if token.mode == "query":
                token.text = stem_term(token.text)
                yield token
                continue
            for form in self.forms(token.text):
                token.text = form
                yield token


def index_forms(word: str, dictionary: PartSplitter | None = None) -> tuple[str, ...]:
    """The terms a lowercase word is indexed under: stem, lemma's stem, as written,
    compound parts.

    >>> index_forms("klagerne"), index_forms("og"), index_forms("2025")
    (('klag', '=klagerne'), ('og',), ('2025',))
    """
    stemmed = stem_term(word)
    if not word.isalpha():
        return (stemmed,)
    forms = [stemmed]
    if (lemmatized := lemma_term(word)) is not None:
        forms.append(lemmatized)
    if word not in STOPWORDS:
        forms.append(EXACT_MARK + word)
    if dictionary is not None:
        for part in dictionary.all_parts(word):
            forms.append(part_term(part))
            if (lemmatized := part_lemma_term(part, dictionary)) is not None:
                forms.append(PART_MARK + lemmatized)
    return tuple(dict.fromkeys(forms))


class DanishStemFilter(Filter):
    """The stemming filter of analysis version 1, kept so that older indexes still open."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = stem(token.text)
            yield token


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def danish_analyzer(dictionary: PartSplitter | None = None):
    """Tokenize and lowercase Danish text; index stems, exact forms and compound parts.

    >>> [t.text for t in danish_analyzer()("Klagerne om 15.04.10-P20-3-20")]
    ['klag', '=klagerne', 'om', '15.04.10-p20-3-20']
    """
    return tokenizer() | LowercaseFilter() | NormalizeFilter() | DanishFilter(dictionary)


def exact_analyzer():
    """Tokenize and lowercase, keeping words as written: how queries are read."""
    return tokenizer() | LowercaseFilter() | NormalizeFilter()


def words(text: str) -> Iterator[str]:
    """The lowercase words of a text as written (what the compound dictionary counts)."""
    for token in TOKEN_PATTERN.findall(text):
        if (word := _as_word(token)) is not None:
            yield word


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """The words of many texts (as ``words`` gives them), counted."""
    tokens: Counter[str] = Counter()
    for text in texts:
        tokens.update(TOKEN_PATTERN.findall(text))  # counted in C; each distinct token once below
    counts: Counter[str] = Counter()
    for token, count in tokens.items():
        if (word := _as_word(token)) is not None:
            counts[word] += count
    return counts


def _as_word(token: str) -> str | None:
    word = token.lower()
    if not word.isalpha():
        return None
    return word if word.isascii() else unicodedata.normalize("NFC", word)


def attach_dictionary(schema, dictionary: PartSplitter) -> None:
    """Give every Danish analyser of a (writer's) schema the compound dictionary."""
    for _, field in schema.items():
        for part in getattr(getattr(field, "analyzer", None), "items", ()):
            if isinstance(part, DanishFilter):
                part.attach(dictionary)


def learned_words(schema) -> dict[str, tuple[str, ...]]:
    """The words a (writer's) schema's Danish analysers analysed since they were
    attached, with their forms."""
    found: dict[str, tuple[str, ...]] = {}
    for _, field in schema.items():
        for part in getattr(getattr(field, "analyzer", None), "items", ()):
            if isinstance(part, DanishFilter) and part.learned:
                found.update(part.learned)
    return found


def analysis_version(schema) -> int:
    """The analysis version an index was built with (1 before versions were recorded)."""
    field = schema["body"] if "body" in schema else None
    for part in getattr(getattr(field, "analyzer", None), "items", ()):
        if isinstance(part, DanishFilter):
            return part.version
    return 1
