"""Snippet tokens: the snippets the analyser's own tokens give, from the lexicon.

Compared on the samples indexed in segments, and on real Greve meetings when ../shared
is present: a list of queries, and the whole benchmark query log.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from helpers import index_greve_sample

from searchsvc.engine import nodes
from searchsvc.engine.analysis import danish_analyzer
from searchsvc.engine.compounds import CompoundDictionary
from searchsvc.engine.lexicon import LEXICON_FILE, Lexicon
from searchsvc.engine.tokens import SnippetWords, snippet_analyzer
from searchsvc.search import SearchRequest
from searchsvc.search.query import parse_query
from searchsvc.search.ranking import Ranking
from searchsvc.search.searching import run_search
from searchsvc.search.snippets import make_snippet

QUERY_LOG = Path(__file__).resolve().parents[1] / "bench" / "queries.jsonl"

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
    assert snapshot.snippet_words.lexicon is not None
    fast = snippet_analyzer(snapshot.snippet_words, highlight_forms(highlight), highlight.prefixes)

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




def test_the_same_snippets_for_the_whole_query_log(service_of):
    """Every request of the benchmark's query log (fuzzy retries, any-word fallbacks and
    filters included) gets the same page, snippets and all, with the lexicon as with
    the analyser re-run at query time (on real Greve meetings: the log's queries are
    made from them)."""
    service = service_of("greve")
    view = service.view()
    snapshot = view.snapshot
    analyzer = danish_analyzer(CompoundDictionary.load(service.datadir.path / view.generation))
    slow = dataclasses.replace(snapshot, snippet_words=SnippetWords(None, analyzer))
    marked = 0
    for line in QUERY_LOG.read_text(encoding="utf-8").splitlines():
        params = {k: v for k, v in json.loads(line).items() if k != "kind"}
        request = SearchRequest.from_params(params)
        fast_page = run_search(snapshot, view.store, request, Ranking())
        slow_page = run_search(slow, view.store, request, Ranking())
        assert [r["snippet"] for r in fast_page.results] == [r["snippet"] for r in slow_page.results], params
        marked += sum("<mark>" in (r["snippet"] or "") for r in fast_page.results)
    assert marked > 100


def test_lexicon_lookups(tmp_path):
    lexicon = Lexicon.empty().extended({
        "budgettet": ("budget", "=budgettet"), "budget": ("budget", "=budget"),
        "børn": ("børn", "barn", "=børn"), "skolebørn": ("skolebørn", "=skolebørn", "+skol", "+barn"),
    })
    assert lexicon.words_with({"budget"}) == {"budgettet": ("budget",), "budget": ("budget",)}
    assert lexicon.words_with({"barn"}) == {"børn": ("barn",)}
    assert lexicon.words_with(set(), ("+b",)) == {"skolebørn": ("+barn",)}
    assert lexicon.words_with({"nothing"}, ("zz",)) == {}
    # A later commit's words join those of the earlier ones; known words are not added twice.
    later = lexicon.extended({"budget": ("other",), "vej": ("vej", "=vej"), "x" * 200: ("x",)})
    assert len(later) == 5  # the 200-letter word is left out
    assert later.words_with({"budget", "vej"}) == {
        "budgettet": ("budget",), "budget": ("budget",), "vej": ("vej",)}
    assert later.unknown(["vej", "sti", "børn"]) == ["sti"]
    later.save(tmp_path)
    assert (tmp_path / LEXICON_FILE).exists()
    again = Lexicon.load(tmp_path)
    assert again is not None and again.words_with({"barn"}) == {"børn": ("barn",)}
    assert Lexicon.load(tmp_path / "nowhere") is None


def test_an_index_without_a_lexicon_gets_the_analysers_tokens(segmented_samples):
    analyzer = danish_analyzer()
    words = SnippetWords(None, analyzer)
    analyze = snippet_analyzer(words, {"budget"}, [])
    text = "Budgettet og regnskab for budget"
    assert [(t.text, t.startchar) for t in analyze(text)] == [
        (t.text, t.startchar) for t in analyzer(text, chars=True, positions=True, mode="index")]


@pytest.mark.parametrize("text", [
    "Budgettet for BØRNENE og skolebørn i Århus",
    "Decomposed: A\u030arhus og bo\u0308rn, budget",     # letters as base + combining mark
    "İstanbul-budgettet og budget",                      # lowercase longer than the letter
    "Sag 15.04.10-P20-3-20 og 23-013472K om budget",
])
def test_texts_of_every_kind_give_the_analysers_matches(text):
    analyzer = danish_analyzer()
    [danish] = [part for part in analyzer.items if hasattr(part, "learned")]
    danish.attach(None)  # as the writer does: it keeps the words it analyses
    list(analyzer(text, mode="index"))
    words = SnippetWords(Lexicon.empty().extended(danish.learned), analyzer)
    found = 0
    for forms in ({"budg"}, {"=budgettet", "barn"}, {"=århus", "aarhus"}, {"15.04.10-p20-3-20", "23-013472k"}):
        fast = snippet_analyzer(words, forms, ())
        matches = {(t.text, t.startchar, t.endchar) for t in fast(text) if t.text in forms}
        expected = {(t.text, t.startchar, t.endchar)
                    for t in analyzer(text, chars=True, positions=True, mode="index") if t.text in forms}
        assert matches == expected, forms
        found += len(matches)
    assert found  # the comparison covered matches
