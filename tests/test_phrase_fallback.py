"""A phrase in quotes never falls back to any of its words (issue 17): "Frederiksberg Allé"
finds nothing rather than Greve's "Skovbo Allé"; typed without quotes it may."""

from searchsvc.search import SearchRequest


def test_a_quoted_phrase_never_falls_back(danish_service):
    quoted = danish_service.search(SearchRequest(q='"Frederiksberg Allé"'), snippets=False)
    assert quoted.total == 0 and quoted.relaxed is None
    loose = danish_service.search(SearchRequest(q="Frederiksberg Allé"), snippets=False)
    assert loose.relaxed == "any" and loose.total > 0
