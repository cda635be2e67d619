"""The query language: tidying, the syntax tree, the engine query nodes built from it, and
the vocabulary lookups behind æ/ø fallbacks, typo tolerance and "did you mean"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchsvc.engine import nodes
from searchsvc.engine.terms import Terms
from searchsvc.search.query import Group, Negation, Phrase, Word, parse, parse_query, positive_words, tidy


@pytest.fixture(scope="module")
def terms(danish_service) -> Terms:
    return danish_service.view().snapshot.terms


def children(node: nodes.Node) -> tuple:
    if isinstance(node, (nodes.Or, nodes.And)):
        return node.children
    if isinstance(node, nodes.Near):
        return node.terms
    if isinstance(node, nodes.Not):
        return (node.child,)
    if isinstance(node, nodes.AndMaybe):
        return (node.required, node.optional)
    return ()


def leaves(query: nodes.Node, kind=nodes.Term) -> list:
    found = [query] if isinstance(query, kind) else []
    for child in children(query):
        found += leaves(child, kind)
    return found


# -- syntax -----------------------------------------------------------------------------

def test_plain_words_mean_all_of_them():
    assert parse("borgerdialog fokus") == Group("and", (Word("borgerdialog"), Word("fokus")))


def test_phrases_operators_fields_and_prefixes():
    tidied, _ = tidy('titel:spildevandsplan ELLER "Borgerdialog i fokus" IKKE klage* -bilag')
    assert parse(tidied) == Group("or", (
        Word("spildevandsplan", "title"),
        Group("and", (Phrase(("borgerdialog", "i", "fokus")), Negation(Word("klage", prefix=True)),
                      Negation(Word("bilag")))),
    ))


def test_a_field_applies_to_a_group_and_journal_keeps_the_number_whole():
    assert parse("titel:(budget OR regnskab)") == Group("or", (Word("budget", "title"), Word("regnskab", "title")))
    assert parse("journal:15.04*") == Word("15.04", "journal", prefix=True)


def test_a_word_with_inner_punctuation_is_a_phrase_of_its_parts():
    assert parse("co2-udledning") == Phrase(("co2", "udledning"))
    assert parse("15.04.10-P20-3-20") == Word("15.04.10-p20-3-20")


@pytest.mark.parametrize("text", ['"', "-", "NOT", "((", ")", "OR OR", "titel:", "*", '""', "- - -", "ELLER IKKE"])
def test_what_has_no_words_gives_an_empty_query_with_a_message(text):
    parsed = parse_query(text)
    assert parsed.query == nodes.Nothing()
    assert parsed.notes


PIECES = list('aæøå zZ"()*:-.,!?') + ["OR", "NOT", "IKKE", "ELLER", "titel:", "sag:", "15.04", "23-013472"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join) | st.text(max_size=40))
def test_any_text_parses_without_error(text):
    parsed = parse_query(text)
    assert parsed.query is not None


# -- ranking rules in the built query ----------------------------------------------------

def test_a_word_is_looked_up_by_stem_as_written_and_as_a_part_with_falling_weights():
    boosts = {t.text: t.boost for t in leaves(parse_query("klagerne").query) if t.field == "body"}
    assert boosts["klag"] > boosts["=klagerne"] > boosts["+klag"]


def test_function_words_only_add_to_the_score():
    query = parse_query("plan for spildevand").query
    assert isinstance(query, nodes.AndMaybe)
    required = {t.text for t in leaves(query.required)}
    assert "plan" in required and "spildevand" in required and "for" not in required


def test_a_journal_number_makes_the_other_words_optional():
    query = parse_query("sagsnr. 24-003866").query
    assert isinstance(query, nodes.AndMaybe)
    assert {t.text for t in leaves(query.required) if t.field == "journal"} == {"24-003866"}
    assert "sagsnr" not in {t.text for t in leaves(query.required)}


def test_a_phrase_is_a_phrase_of_stems():
    phrases = leaves(parse_query('"Borgerdialog i fokus"').query, nodes.Phrase)
    assert ("borgerdialog", "i", "fokus") in [p.words for p in phrases]


def test_words_typed_without_æ_and_ø_also_look_up_the_danish_spelling(terms):
    assert terms.letter_variants("aeldrereform") == ["ældrereform"]
    assert terms.letter_variants("oekonomi") == ["økonomi"]
    looked_up = {t.text for t in leaves(parse_query("aeldrereform", terms).query)}
    assert "ældrereform" in looked_up


# -- the vocabulary: corrections and close spellings -------------------------------------

def test_a_misspelt_word_is_corrected_from_the_index_vocabulary(terms):
    assert terms.correction("autismekordinator") == "autismekoordinator"
    assert terms.correction("autismekoordinator") is None
    assert terms.correction("aeldrereform") is None  # found through æ


def test_the_fuzzy_retry_looks_up_close_spellings(terms):
    parsed = parse_query("autismekordinator", terms, mode="fuzzy")
    assert parsed.respellings == {"autismekordinator": ["autismekoordinator", "autismekoordinators"]}
    assert "=autismekoordinator" in {t.text for t in leaves(parsed.query)}


def test_the_any_retry_accepts_any_of_the_words():
    query = parse_query("ældrereform xyzzyq", mode="any").query
    assert isinstance(query.required if isinstance(query, nodes.AndMaybe) else query, nodes.Or)


def test_positive_words_leave_out_what_is_excluded():
    assert positive_words(parse(tidy('budget "grøn omstilling" -klima titel:regnskab')[0])) == [
        "budget", "grøn", "omstilling", "regnskab"]
