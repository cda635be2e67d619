"""Snippet tokens: the snippets the analyser's own tokens give, from far fewer tokens.

Compared on the samples indexed in segments, and on real Greve meetings when ../shared
is present.
"""

from __future__ import annotations

import pytest
from helpers import index_greve_sample
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

from searchsvc.engine import nodes
from searchsvc.engine.analysis import TOKEN_PATTERN, danish_analyzer
from searchsvc.engine.compounds import CompoundDictionary
from searchsvc.engine.tokens import WordForms, snippet_analyzer
from searchsvc.search.query import parse_query
from searchsvc.search.snippets import make_snippet

GREVE_QUERIES = [
    "budget", "skole", "lokalplan", "Greve", "og", "ældrereform", "spildevand", "budget 2024",
    '"godkendelse af"', '"lokalplan for"', "budget OR regnskab", "skole -budget", "lokal*",
    "udv*", "23-*", "plan for spildevand", "århus", "aarhus", "på", "orientering fra formanden",
    "Økonomiudvalget", "2023", "borgerdialog i fokus",
]
SAMPLE_QUERIES = [
    "borgerdialog", "uddannelse", "handleplan", "Frederiksberg", "og", "ledige", "borgerdialog fokus",
    '"Borgerdialog i fokus"', '"handleplan for"', "borgerdialog OR jobcenter", "uddannelse -borgerdialog",
    "handle*", "udv*", "15.04*", "plan for handling", "på", "orientering om forløb", "Arbejdsmarkedsafdelingen",
    "2021", "integrationspolitikens handleplan", "sundhedspolitik", "aeldre",
]
# Queries whose words are in no section text (a journal number is not), so nothing is marked.
UNMARKED = {"23-*", "15.04*"}


@pytest.fixture(scope="module")
def service_of(segmented_samples, tmp_path_factory):
    """The samples in segments (shared by the session), or a sample of real Greve
    meetings (indexed when first asked for; skips without ../shared), by name."""
    built = {"samples": segmented_samples}

    def service_of(dataset: str):
        if dataset not in built:
            built[dataset] = index_greve_sample(tmp_path_factory.mktemp("snippets"), slice(5, None, 30))
        return built[dataset]
    return service_of


def highlight_forms(highlight) -> set[str]:
    return set().union(*highlight.concepts, *(f for p in highlight.phrases for f in p))


@pytest.mark.parametrize("dataset, text", [("samples", q) for q in SAMPLE_QUERIES]
                         + [("greve", q) for q in GREVE_QUERIES])
def test_the_same_snippets(service_of, dataset, text):
    service = service_of(dataset)
    view = service.view()
    snapshot = view.snapshot
    # The analyser itself, with the generation's compound dictionary (a separate one:
    # the snapshot's word forms learn words in a background thread).
    analyzer = danish_analyzer(CompoundDictionary.load(service.datadir.path / view.generation))
    parsed = parse_query(text, snapshot.terms)
    highlight = parsed.highlight
    fast = snippet_analyzer(snapshot.word_forms, highlight_forms(highlight), highlight.prefixes)

    def slow(section: str):
        return analyzer(section, chars=True, positions=True, mode="index")

    found = snapshot.top(parsed.query, snapshot.match(parsed.query), 25, restrict=False) if not isinstance(parsed.query, nodes.Every) else []
    ids = snapshot.ids([docnum for docnum, _ in found])
    ids += [fields["id"] for fields in list(snapshot.searcher.all_stored_fields())[::40]]
    rows = view.store.items(ids)
    assert rows
    marked = 0
    for row in rows.values():
        expected = make_snippet(row["sections"], highlight, slow)
        assert make_snippet(row["sections"], highlight, fast) == expected
        marked += "<mark>" in (expected or "")
    if text not in UNMARKED:
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
    words = WordForms(danish_analyzer())
    analyze = snippet_analyzer(words, {"budget"}, ())
    words.forms("Budgettet")  # another thread learns it after this search began
    tokens = analyze("Om Budgettet for 2025")
    assert {t.text for t in tokens if t.startchar == 3} >= {"budget"}


def test_words_forgotten_at_the_limit_are_learned_anew(monkeypatch):
    from searchsvc.engine import tokens as snippet_tokens

    monkeypatch.setattr(snippet_tokens, "MAX_WORDS", 3)
    words = WordForms(danish_analyzer())
    words.learn(["budget", "skole", "vej"])
    analyze = snippet_analyzer(words, {"budget"}, ())
    words.learn(["plan", "Budgettet", "regnskab"])  # forgets everything once, meanwhile
    assert words.epoch == 1
    tokens = analyze("Budgettet og skolen")
    assert [t.startchar for t in tokens if t.text == "budget"] == [0]
