"""Close spellings from the spelling index agree with Whoosh's own look-up, and a query's
spelling work is bounded."""

from __future__ import annotations

import random

import pytest
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import damerau_levenshtein

from searchsvc.engine.analysis import EXACT_MARK, STOPWORDS
from searchsvc.search import SearchService
from searchsvc.search.query import MAX_RESPELLED, parse_query
from searchsvc.search.syntax import MAX_PREFIXES


@pytest.fixture(scope="module")
def snapshot(shared_sample_index):
    return SearchService.open(shared_sample_index).view().snapshot


def _whoosh_close_words(reader, word: str, limit: int = 5) -> list[str]:
    """What close_words gave when it walked Whoosh's term dictionary with ``terms_within``:
    Whoosh's general one (Damerau-Levenshtein, as a reader of several segments uses it;
    a single segment's automaton counts a transposition as two edits)."""
    if len(word) < 4 or not word.isalpha():
        return []
    maxdist = 1 if len(word) < 8 else 2
    found = []
    for term in IndexReader.terms_within(reader, "body", EXACT_MARK + word, maxdist, prefix=2):
        candidate = term[1:]
        if candidate != word and candidate not in STOPWORDS:
            found.append((damerau_levenshtein(candidate, word), -reader.doc_frequency("body", term), candidate))
    return [candidate for _, _, candidate in sorted(found)[:limit]]


def test_close_words_are_whooshs_own(snapshot):
    rng = random.Random(5)
    words = sorted(w for letter in snapshot.terms.spellings.by_letter.values() for w in letter if len(w) >= 4)
    typed = []
    for word in rng.sample(words, 150):
        i = rng.randrange(len(word))
        typed += [word, word[:i] + word[i + 1:], word[:i] + "e" + word[i:], word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:]]
    reader = snapshot.searcher.reader()
    differing = [w for w in typed if snapshot.terms.close_words(w) != _whoosh_close_words(reader, w)]
    assert not differing, differing[:5]
    assert any(snapshot.terms.close_words(w) for w in typed)  # the comparison compared something


def test_a_query_respells_at_most_a_bounded_number_of_words(snapshot):
    rng = random.Random(7)
    unknown = " ".join("".join(rng.choice("bcdfghjklmnprstv") for _ in range(9)) for _ in range(60))
    parsed = parse_query("borgerdialg " + unknown, snapshot.terms, mode="fuzzy")
    assert len(parsed.respellings) <= MAX_RESPELLED


def test_prefix_words_beyond_the_limit_are_searched_as_words():
    parsed = parse_query(" OR ".join(f"bo{chr(97 + n)}*" for n in range(MAX_PREFIXES + 5)))
    assert parsed.text.count("*") == MAX_PREFIXES
    assert any(f"første {MAX_PREFIXES}" in note for note in parsed.notes)
