"""The committee facet names the municipality where more than one is indexed (issue 17):
Greve's and Aarhus' city councils are two values, each filtered on its own."""

from searchsvc.search import SearchRequest


def _committees(results):
    return {v.value: (v.label, v.count) for v in results.facets["committee"]}


def test_same_named_committees_of_two_municipalities_stay_apart(danish_service):
    everything = _committees(danish_service.search(SearchRequest(), snippets=False))
    assert all("|" in value for value in everything)  # three municipalities indexed
    councils = {value: label for value, (label, _) in everything.items() if value.endswith("|Byråd")}
    assert councils == {"Greve Kommune|Byråd": "Byråd (Greve Kommune)",
                        "Aarhus Kommune|Byråd": "Byråd (Aarhus Kommune)"}


def test_a_qualified_committee_filters_its_municipality_only(danish_service):
    greve = danish_service.search(SearchRequest(committee=("Greve Kommune|Byråd",), per_page=100), snippets=False)
    both = danish_service.search(SearchRequest(committee=("Byråd",), per_page=100), snippets=False)
    assert 0 < greve.total < both.total
    assert {hit["municipality"] for hit in greve.results} == {"Greve Kommune"}
    assert {hit["municipality"] for hit in both.results} == {"Greve Kommune", "Aarhus Kommune"}
    # Ticked, the value keeps its count, and Aarhus' council stays beside it to tick too.
    counts = _committees(greve)
    assert counts["Greve Kommune|Byråd"][1] == greve.total
    aarhus = counts["Aarhus Kommune|Byråd"][1]
    either = danish_service.search(
        SearchRequest(committee=("Greve Kommune|Byråd", "Aarhus Kommune|Byråd")), snippets=False)
    assert either.total == greve.total + aarhus == both.total
