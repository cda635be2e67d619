"""Danish analysis: stems and exact forms, compound parts, journal numbers, å/aa, numbers.

Sentences come from the real minutes in ../shared/corpus (through the index the
``danish_index`` fixture builds with the real reindex).
"""

from __future__ import annotations

import shutil

import pytest

from helpers import require_corpus, write_config

from searchsvc.engine import writer as indexer
from searchsvc.domain.journal import is_journal_number, journal_terms
from searchsvc.engine.analysis import (ANALYSIS_VERSION, danish_analyzer, index_forms,
                                stem_term)
from searchsvc.engine.compounds import DICTIONARY_FILE, CompoundDictionary
from searchsvc.engine.schema import row_text
from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex


def terms(text: str, dictionary: CompoundDictionary | None = None) -> list[str]:
    return [token.text for token in danish_analyzer(dictionary)(text)]


def words_at_positions(text: str, dictionary: CompoundDictionary | None = None) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for token in danish_analyzer(dictionary)(text, positions=True):
        found.setdefault(token.pos, set()).add(token.text)
    return found


@pytest.fixture(scope="module")
def dictionary(danish_index):
    from searchsvc.store.generations import DataDir

    return CompoundDictionary.load(DataDir(danish_index.index_path).current())


@pytest.fixture(scope="module")
def item_text(danish_service):
    """The full text of an item, found by municipality slug, date and item number."""
    store = danish_service.view().store

    def text(municipality: str, date: str, number: int) -> str:
        row = store.db.execute(
            "SELECT id FROM items WHERE id LIKE ? AND date = ? AND item_number = ?",
            (f"{municipality}%", date, number)).fetchone()
        return row_text(store.item(row[0]))
    return text


# -- stems and forms as written ---------------------------------------------------------

def test_a_word_is_indexed_by_its_stem_and_as_written(item_text):
    title = "Praksistilsyn - Afrapportering af klager afsluttet i 2023"
    assert title in item_text("frederiksberg", "2024-08-19", 28)
    found = terms(title)
    assert "klag" in found and "=klager" in found
    assert stem_term("klagerne") == stem_term("klager") == "klag"


@pytest.mark.parametrize("one, other", [
    ("klagerne", "klager"), ("regel", "reglerne"), ("rusmiddel", "rusmidler"),  # -el drops its e
    ("bolig", "boligerne"), ("mulighed", "muligt"), ("billig", "billigere"),
])
def test_inflections_share_a_stem(one, other):
    assert stem_term(one) == stem_term(other)


@pytest.mark.parametrize("one, other", [("bil", "billigere"), ("ven", "venlig"), ("end", "endelig")])
def test_an_adjective_in_ig_keeps_apart_from_a_shorter_word(one, other):
    assert stem_term(one) != stem_term(other)


def test_function_words_have_no_form_as_written_and_numbers_only_one():
    assert index_forms("og") == ("og",)
    assert index_forms("i") == ("i",)
    assert index_forms("2023") == ("2023",)


def test_stem_and_exact_forms_share_the_words_position():
    positions = words_at_positions("Opfølgning på projekt \"Borgerdialog i fokus\"")
    assert positions[3] == {"borgerdialog", "=borgerdialog"}
    assert positions[4] == {"i"}


# -- compounds ----------------------------------------------------------------------------

@pytest.mark.parametrize("word, parts", [
    ("spildevandsplan", ["spildevand", "plan"]),     # linking s
    ("borgerdialog", ["borger", "dialog"]),
    ("egnsteateraftale", ["egnsteater", "aftale"]),  # a first part never written alone
    ("ældrereform", ["ældre", "reform"]),
])
def test_compounds_split_into_parts_the_corpus_knows(dictionary, word, parts):
    assert dictionary.all_parts(word)[:2] == parts


@pytest.mark.parametrize("word", ["bilag", "bilagene", "forslag", "beslutning", "udvalget"])
def test_words_that_are_not_compounds_stay_whole(dictionary, word):
    assert dictionary.all_parts(word) == []


def test_a_short_word_is_never_a_part_so_bil_is_not_found_in_bilag(dictionary, item_text):
    text = item_text("greve", "2023-05-25", 5)
    assert "bilag" in text.lower()
    assert "+bil" not in set(terms(text, dictionary))
    assert dictionary.all_parts("bilagsmateriale") == ["bilag", "materiale"]


def test_parts_are_indexed_at_the_compounds_position(dictionary, item_text):
    title = "Forslag til Spildevandsplan 2023-2031"
    assert title in item_text("greve", "2023-05-25", 5)
    positions = words_at_positions(title, dictionary)
    assert {"spildevandsplan", "=spildevandsplan", "+spildevand", "+plan"} <= positions[2]
    assert positions[3] == {"2023"} and positions[4] == {"2031"}


def test_the_dictionary_is_saved_in_the_generation_and_grows_incrementally(tmp_path):
    folder = require_corpus("frederiksberg")
    first, second = sorted(folder.glob("*.txt"))
    sources = tmp_path / "minutes"
    sources.mkdir()
    shutil.copy(first, sources)
    config = load_config(write_config(tmp_path, [(sources, "Frederiksberg Kommune")]))
    reindex(config, workers=1)
    generation = next(tmp_path.glob("index/gen-*"))
    before = CompoundDictionary.load(generation)
    assert (generation / DICTIONARY_FILE).exists() and "borgerdialog" in before.counts

    shutil.copy(second, sources)
    reindex(config, workers=1)
    after = CompoundDictionary.load(generation)
    assert "autismekoordinator" in after.counts and "autismekoordinator" not in before.counts
    assert all(after.counts[word] >= count for word, count in before.counts.items())

    reindex(config, full=True, workers=1)
    rebuilt = CompoundDictionary.load(next(tmp_path.glob("index/gen-*")))
    assert rebuilt.counts == after.counts  # the same words, each file counted once


def test_an_index_of_another_analysis_version_is_rebuilt_in_full(tmp_path, monkeypatch):
    sources = tmp_path / "minutes"
    shutil.copytree(require_corpus("frederiksberg"), sources)
    config = load_config(write_config(tmp_path, [(sources, "Frederiksberg Kommune")]))
    reindex(config, workers=1)
    old = next(tmp_path.glob("index/gen-*"))
    assert not indexer.outdated(old)
    monkeypatch.setattr(indexer, "ANALYSIS_VERSION", ANALYSIS_VERSION + 1)
    assert indexer.outdated(old)
    reindex(config, workers=1)
    assert [p.name for p in tmp_path.glob("index/gen-*")] != [old.name]


# -- journal numbers, å/aa, numbers -------------------------------------------------------

@pytest.mark.parametrize("number", ["15.04.10-P20-3-20", "23-013472", "EMN-2025-003383", "19-033355K"])
def test_journal_numbers_are_single_exact_tokens(number):
    assert is_journal_number(number)
    assert terms(f"Sagsnr. {number} vedrørende") == ["sagsnr", "=sagsnr", number.lower(), "vedrør", "=vedrørende"]


def test_a_kle_number_is_found_by_its_prefixes():
    assert journal_terms("15.04.10-P20-3-20") == ["15.04.10-p20-3-20", "15", "15.04", "15.04.10", "15.04.10-p20"]


def test_aa_and_å_are_one_letter(item_text):
    assert "Aarhus City Metro" in item_text("aarhus", "2025-10-08", 14)
    assert stem_term("aarhus") == stem_term("århus")
    assert stem_term("aaret") == stem_term("året")


def test_numbers_and_years_are_tokens(item_text):
    assert "Udbud af buslinje 224" in item_text("greve", "2022-10-13", 6)
    assert terms("Udbud af buslinje 224") == ["udbud", "=udbud", "af", "buslinj", "=buslinje", "224"]
    assert "2025" in terms("Egnsteateraftale for Opera Hedeland 2025-2028")


def test_word_counts_count_what_words_yields():
    from collections import Counter

    from searchsvc.engine.analysis import word_counts, words

    texts = [
        "Spildevandsplanen og spildevand: ÅRHUS, Århus og A\u030arhus (23-013472, 15.04.10-P20-3-20) 2025",
        "Budget 2024–2027; budgettet, BUDGETTET og budget_2 i EMN-2025-003383",
    ]
    texts += [path.read_text(encoding="utf-8") for path in sorted(require_corpus("greve").glob("*.json"))[:20]]
    expected = Counter(word for text in texts for word in words(text))
    assert word_counts(texts) == expected
    synthetic = word_counts(texts[:2])
    assert synthetic["århus"] == 2 and synthetic["budgettet"] == 2  # a decomposed å splits a word
    assert "23-013472" not in synthetic and "budget_2" not in synthetic
