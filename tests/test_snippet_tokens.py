"""Snippet tokens: the snippets the analyser's own tokens give, from far fewer tokens."""

from __future__ import annotations

import pytest
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

from conftest import index_greve_sample
from searchsvc.engine.analysis import TOKEN_PATTERN
from searchsvc.search.query import parse_query
from searchsvc.search.searching import _snippet_analyzer
from searchsvc.engine.tokens import WordForms, snippet_analyzer, word_forms
from searchsvc.search.snippets import make_snippet

QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "og", "ældrereform", "spildevand", "budget 2024",
    '"godkendelse af"', '"lokalplan for"', "budget OR regnskab", "skole -budget", "lokal*",
    "udv*", "23-*", "plan for spildevand", "århus", "aarhus", "på", "orientering fra formanden",
    "Økonomiudvalget", "2023", "borgerdialog i fokus",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return index_greve_sample(tmp_path_factory.mktemp("snippets"), slice(5, None, 30))


def highlight_forms(highlight) -> set[str]:
    return set().union(*highlight.concepts, *(f for p in highlight.phrases for f in p))


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_snippets(archive, text):
    snapshot = archive.snapshot()
    searcher = snapshot.searcher
    analyzer = _snippet_analyzer(archive.datadir.path / snapshot.generation)
    parsed = parse_query(text, searcher.schema, searcher.reader())
    highlight = parsed.highlight
    fast = snippet_analyzer(word_forms(analyzer), highlight_forms(highlight), highlight.prefixes)

    def slow(section: str):
        return analyzer(section, chars=True, positions=True, mode="index")

    ids = [hit["id"] for hit in searcher.search(parsed.query, limit=25)] if not parsed.is_empty else []
    ids += [fields["id"] for fields in list(searcher.all_stored_fields())[::40]]
    rows = snapshot.store.items(ids)
    marked = 0
    for row in rows.values():
        expected = make_snippet(row["sections"], highlight, slow)
        assert make_snippet(row["sections"], highlight, fast) == expected
        marked += "<mark>" in (expected or "")
    if text not in ("23-*",):
        assert marked  # the comparison covered snippets with marks


def test_words_tokenize_alone_as_in_context():
    words = WordForms(RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter())
    assert words.per_word
    assert words.forms("Budget") == ("budget",)
    assert words.forms("15.04.10-P20-3-20") == ("15.04.10-p20-3-20",)
    assert words.forms("a.b") is None  # two tokens: not a word


def test_other_analysers_go_to_the_analyser():
    analyzer = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter()
    words = WordForms(analyzer)
    assert not words.per_word
    analyze = snippet_analyzer(words, {"budget"}, [])
    text = "Budget og regnskab for budget"
    assert [(t.text, t.startchar) for t in analyze(text)] == [(t.text, t.startchar) for t in analyzer(text, chars=True)]


def test_a_word_learned_by_another_search_meanwhile_is_still_marked():
    from searchsvc.engine.analysis import danish_analyzer

    words = WordForms(danish_analyzer())
    analyze = snippet_analyzer(words, {"budget"}, ())
    words.forms("Budgettet")  # another thread learns it after this search began
    tokens = analyze("Om Budgettet for 2025")
    assert {t.text for t in tokens if t.startchar == 3} >= {"budget"}


def test_words_forgotten_at_the_limit_are_learned_anew(monkeypatch):
    from searchsvc.engine import tokens as snippet_tokens
    from searchsvc.engine.analysis import danish_analyzer

    monkeypatch.setattr(snippet_tokens, "MAX_WORDS", 3)
    words = WordForms(danish_analyzer())
    words.learn(["budget", "skole", "vej"])
    analyze = snippet_analyzer(words, {"budget"}, ())
    words.learn(["plan", "Budgettet", "regnskab"])  # forgets everything once, meanwhile
    assert words.epoch == 1
    tokens = analyze("Budgettet og skolen")
    assert [t.startchar for t in tokens if t.text == "budget"] == [0]
