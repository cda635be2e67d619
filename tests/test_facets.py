"""Facet counts over all matching items, with the filters applied, on the seed meetings."""

import pytest

from searchsvc.errors import QueryError
from searchsvc.search import SearchRequest


@pytest.fixture
def run(sample_service):
    """Search the indexed samples (shared, read-only) with query-string parameters."""
    def run(**params):
        request = SearchRequest.from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()})
        return sample_service.search(request).to_json()
    return run


def counts(document, facet):
    return {v["value"]: v["count"] for v in document["facets"][facet]}


def test_browse_counts_every_item(run):
    doc = run(per_page="2")
    assert doc["total"] == 10 and len(doc["results"]) == 2
    assert counts(doc, "municipality") == {"Frederiksberg Kommune": 10}
    assert counts(doc, "committee") == {"Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget": 6,
                                        "Arbejdsmarkeds- og Uddannelsesudvalget": 4}
    assert counts(doc, "year") == {"2024": 6, "2021": 4}
    assert counts(doc, "decision") == {"taget-til-efterretning": 6, "godkendt": 2, "ingen-beslutning": 2,
                                       "udsat": 1, "anbefalet": 1}
    assert counts(doc, "kle") == {"00": 6, "15": 3, "29": 1}
    assert [v["value"] for v in doc["facets"]["year"]] == ["2024", "2021"]  # newest year first


def test_kle_facet_carries_its_name(run):
    kle = {v["value"]: v.get("label") for v in run()["facets"]["kle"]}
    assert kle["15"] == "Arbejdsmarked og beskæftigelsesindsats"
    assert kle["00"] == "Kommunens styrelse"


def test_decision_facet_has_danish_labels(run):
    labels = {v["value"]: v.get("label") for v in run()["facets"]["decision"]}
    assert labels["taget-til-efterretning"] == "Taget til efterretning"


def test_query_counts_cover_all_matches_not_the_page(run):
    doc = run(q="efterretning", per_page="1")
    assert len(doc["results"]) == 1
    assert doc["total"] == sum(counts(doc, "committee").values())
    assert doc["total"] >= 6


def test_filters_narrow_results_and_counts(run):
    doc = run(decision="taget-til-efterretning", year="2024")
    assert doc["total"] == 4
    # A chosen facet counts its other values as alternatives (OR within a facet): 2021
    # holds two more items taken note of; the other facets count the 4 matches.
    assert counts(doc, "year") == {"2024": 4, "2021": 2}
    assert sum(counts(doc, "kle").values()) == 4
    assert counts(doc, "decision")["taget-til-efterretning"] == 4
    assert counts(doc, "decision")["godkendt"] == run(decision="godkendt", year="2024")["total"]
    selected = [v for v in doc["facets"]["decision"] if v.get("selected")]
    assert [v["value"] for v in selected] == ["taget-til-efterretning"]
    assert all("taget-til-efterretning" in r["decisions"] for r in doc["results"])


def test_values_of_one_facet_are_alternatives(run):
    doc = run(decision=["udsat", "anbefalet"])
    assert doc["total"] == 2
    assert sorted(r["item_number"] for r in doc["results"]) == [32, 35]


def test_kle_journal_and_date_filters(run):
    assert run(kle="15")["total"] == 3
    assert run(journal="00.01.00-G01-253-23")["total"] == 2
    assert run(journal="15.04")["total"] == 1  # a KLE prefix
    assert run(**{"from": "2024-01-01"})["total"] == 6
    assert run(**{"from": "2021-05-03", "to": "2021-05-03"})["total"] == 4


def test_selected_value_without_matches_stays_removable(run):
    doc = run(q="borgerdialog", committee="Byråd")
    assert doc["total"] == 0
    committees = doc["facets"]["committee"]
    assert committees[-1] == {"value": "Byråd", "count": 0, "selected": True}
    # The other committees stay beside it, with the query's counts, to tick instead.
    others = {v["value"]: v["count"] for v in committees[:-1]}
    assert others and sum(others.values()) == run(q="borgerdialog")["total"]


def test_empty_query_sorts_newest_first(run):
    doc = run()
    dates = [(r["date"], -r["item_number"]) for r in doc["results"]]
    assert dates == sorted(dates, reverse=True)
    assert doc["sort"] == "newest" and doc["results"][0]["item_number"] == 27


def test_oldest_and_pagination(run):
    first = run(sort="oldest", per_page="3")
    second = run(sort="oldest", per_page="3", page="2")
    assert [r["item_number"] for r in first["results"]] == [32, 33, 34]
    assert [r["item_number"] for r in second["results"]] == [35, 27, 28]
    assert run(page="5", per_page="3")["results"] == []


@pytest.mark.parametrize("params, param", [
    ({"from": ["2020-13-01"]}, "from"),
    ({"page": ["0"]}, "page"),
    ({"per_page": ["100000"]}, "per_page"),
    ({"sort": ["random"]}, "sort"),
    ({"decision": ["maybe"]}, "decision"),
    ({"kle": ["1"]}, "kle"),
    ({"year": ["twenty"]}, "year"),
    ({"from": ["2024-01-01"], "to": ["2023-01-01"]}, "from"),
])
def test_bad_parameters_name_themselves(params, param):
    with pytest.raises(QueryError) as caught:
        SearchRequest.from_params(params)
    assert caught.value.param == param


def test_results_carry_a_url_only_when_given_one(sample_service):
    from searchsvc.web.pages import item_path

    results = sample_service.search(SearchRequest(q="borgerdialog"))
    assert results.total == 2
    assert all("url" not in hit for hit in results.to_json()["results"])
    linked = results.to_json(item_path)["results"]
    assert [hit["url"] for hit in linked] == [f"/items/{hit['id']}" for hit in results.results]
    steps = [step for hit in linked for step in hit["thread"]["steps"]]
    assert steps and all(step["url"] == f"/items/{step['id']}" for step in steps)

    def without_urls(hit: dict) -> dict:
        thread = {**hit["thread"], "steps": [{k: v for k, v in s.items() if k != "url"} for s in hit["thread"]["steps"]]}
        return {**{k: v for k, v in hit.items() if k != "url"}, "thread": thread}

    assert [without_urls(hit) for hit in linked] == results.to_json()["results"]
