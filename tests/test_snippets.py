"""Snippets on real minutes: the best fragment of the best-matching section, labelled with
the section's name, HTML-escaped, with only ``<mark>`` added; stems, compound parts and
phrases marked as the index found them."""

from __future__ import annotations

import re

import pytest

from searchsvc.engine.analysis import danish_analyzer
from searchsvc.search import SearchRequest
from searchsvc.search.query import parse_query
from searchsvc.search.snippets import make_snippet

OTHER_TAGS = re.compile(r"<(?!/?mark>)")


@pytest.fixture(scope="module")
def snippet_of(danish_service):
    """The snippet of the search result whose title starts with ``title``."""
    def snippet_of(query: str, title: str) -> str:
        results = danish_service.search(SearchRequest(q=query, per_page=50, group="none"))
        hit = next(hit for hit in results.results if hit["title"].startswith(title))
        assert hit["snippet"] and not OTHER_TAGS.search(hit["snippet"])
        return hit["snippet"]
    return snippet_of


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def test_the_snippet_is_labelled_with_its_section_and_escaped(snippet_of):
    snippet = snippet_of("buslinje 224", "Udbud af buslinje 224")
    # "Center for Teknik & Miljø indstiller, at det godkendes at linje 224 lægges ind ..."
    assert snippet.startswith("Indstilling: Center for Teknik &amp; Miljø indstiller")
    assert " & " not in snippet
    assert marked(snippet)[:2] == ["224", "buslinjer"]


def test_stems_are_marked(snippet_of):
    snippet = snippet_of("klagerne", "Praksistilsyn")
    assert {"klager", "klagerne"} & set(marked(snippet))


def test_compound_parts_are_marked(snippet_of):
    snippet = snippet_of("spildevand", "Forslag til Spildevandsplan")
    assert "Spildevandsplan" in marked(snippet) or "Spildevandsplanen" in marked(snippet)


def test_a_phrase_is_marked_as_a_phrase_not_word_by_word(snippet_of):
    snippet = snippet_of('"Borgerdialog i fokus"', "Opfølgning på projekt")
    assert "Borgerdialog i fokus" in marked(snippet)
    assert "i" not in marked(snippet)


def test_optional_function_words_are_not_marked(snippet_of):
    snippet = snippet_of("plan for spildevand", "Spildevandsplan 2023-2031")
    assert marked(snippet) and not {"for", "For"} & set(marked(snippet))


def test_regel_is_marked_for_regler(snippet_of):
    snippet = snippet_of("regler kommentarer", "Kodeks for byrådspolitikere")
    # "Derudover indeholder opdatering en regel om, at Byrådets politikere ikke må poste
    # kommentarer på kommunens sociale medier"
    assert {"regel", "kommentarer"} <= set(marked(snippet))


def test_the_section_with_most_query_words_is_chosen(danish_service):
    item = next(row for row in danish_service.view().store.iter_items()
                if row["title"] == 'Opfølgning på projekt "Borgerdialog i fokus"')
    parsed = parse_query("ekstern revisors gennemgang")
    analyzer = danish_analyzer()
    snippet = make_snippet(item["sections"], parsed.highlight,
                           lambda text: analyzer(text, chars=True, positions=True, mode="index"))
    heading = snippet.split(":", 1)[0]
    section = next(s for s in item["sections"] if s["heading"] == heading)
    assert all(word in section["text"] for word in ("ekstern", "revisors", "gennemgang"))
    assert {"ekstern", "revisors", "gennemgang"} <= set(marked(snippet))


def test_an_item_without_text_has_no_snippet():
    assert make_snippet([{"heading": "Beslutning", "text": " "}], parse_query("budget").highlight,
                        lambda text: danish_analyzer()(text, chars=True, positions=True)) is None
