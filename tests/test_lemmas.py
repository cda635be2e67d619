"""Danish lemmas beside stems: every inflected form finds the others, and the municipal
words the general dictionary gets wrong keep their meaning."""

from __future__ import annotations

import pytest

from searchsvc.engine.analysis import index_forms, lemma_holders, stem_term
from searchsvc.engine.lemmas import lemma, lemma_term
from searchsvc.search import SearchRequest, SearchService
from searchsvc.search.query import parse_query


@pytest.mark.parametrize("forms", [
    ("barn", "børn", "børnene", "børnenes"),
    ("digital", "digitalt", "digitale"),
    ("grøn", "grønt", "grønne"),
    ("stor", "større", "størst"),
    ("bog", "bøger"),
    ("mand", "mænd"),
    ("jobcenter", "jobcentret", "jobcentrets"),
])
def test_the_forms_of_one_word_share_an_index_term(forms):
    terms = [set(index_forms(form)) - {"=" + form} for form in forms]
    shared = set.intersection(*terms)
    assert shared, f"{forms}: {terms}"


# Snowball's own merges (dom/dommer, dannet/dans) stay: lemmas add terms, they take none away.
@pytest.mark.parametrize("one, other", [("bil", "bilag"), ("ven", "venlig"), ("ældre", "gammel"),
                                        ("udsatte", "udsætte"), ("billig", "bil")])
def test_look_alike_words_do_not_merge(one, other):
    keys = {stem_term(one), lemma_term(one)} - {None}
    assert not keys & ({stem_term(other), lemma_term(other)} - {None})


def test_municipal_words_keep_their_sense():
    assert lemma("ældre") == "ældre"          # the elderly, not gammel
    assert lemma("ældreområdet") != "gammel"
    assert lemma("udsatte") == "udsat"        # vulnerable, not the verb udsætte
    assert lemma("jobcentret") == "jobcenter"  # not centrum


def test_a_word_is_looked_up_by_its_lemma_and_the_lemma_is_marked_in_snippets():
    parsed = parse_query("børnene")
    assert "barn" in parsed.highlight.concepts[0] and "børn" in parsed.highlight.concepts[0]


def test_irregular_holders_are_known_for_the_snippet_prefilter():
    holders = lemma_holders(["børn", "børnene", "barn", "digitalt"])
    assert sorted(holders["barn"]) == ["børn", "børnene"]
    assert "digital" not in holders  # "digital" is a substring of digitalt: found anyway


@pytest.fixture(scope="module")
def service(shared_sample_index):
    return SearchService.open(shared_sample_index)


def test_digitalt_jobcenter_finds_the_digital_jobcenter(service):
    results = service.search(SearchRequest(q="digitalt jobcenter"))
    titles = [hit["title"] for hit in results.results]
    assert any("digitale jobcenter" in title for title in titles), titles
    snippet = results.results[0]["snippet"] or ""
    assert "<mark>" in snippet


def test_barn_finds_the_items_that_say_boern_and_marks_them(service):
    barn = service.search(SearchRequest(q="barn", per_page=50))
    boern = service.search(SearchRequest(q="børn", per_page=50))
    assert barn.total == boern.total > 0
    marked = [hit["snippet"] for hit in barn.results if hit["snippet"] and "<mark>" in hit["snippet"]]
    assert any("ørn" in snippet for snippet in marked)


def test_a_phrase_matches_through_lemmas(service):
    exact = service.search(SearchRequest(q='"digitale jobcenter"'))
    inflected = service.search(SearchRequest(q='"digitalt jobcenter"'))
    assert exact.total >= 1
    assert {h["id"] for h in exact.results} <= {h["id"] for h in inflected.results}


@pytest.mark.parametrize("forms", [("børn", "børnene", "barn"), ("digitalt", "digital", "digitale"),
                                   ("jobcenter", "jobcentret", "jobcenteret")])
def test_every_form_finds_the_same_items(service, forms):
    totals = {form: service.search(SearchRequest(q=form)).total for form in forms}
    assert len(set(totals.values())) == 1 and min(totals.values()) > 0, totals
