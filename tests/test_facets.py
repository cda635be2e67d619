"""Facet counts over all matching items, with the filters applied, on the seed meetings."""

import pytest

from searchsvc.search.service import Archive
from searchsvc.errors import QueryError
from searchsvc.search.searching import SearchRequest, search


def run(config, **params):
    request = SearchRequest.from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()})
    return search(Archive(config.index_path), request).to_json()


def counts(document, facet):
    return {v["value"]: v["count"] for v in document["facets"][facet]}


def test_browse_counts_every_item(sample_index):
    doc = run(sample_index, per_page="2")
    assert doc["total"] == 10 and len(doc["results"]) == 2
    assert counts(doc, "municipality") == {"Frederiksberg Kommune": 10}
    assert counts(doc, "committee") == {"Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget": 6,
                                        "Arbejdsmarkeds- og Uddannelsesudvalget": 4}
    assert counts(doc, "year") == {"2024": 6, "2021": 4}
    assert counts(doc, "decision") == {"taget-til-efterretning": 6, "godkendt": 2, "ingen-beslutning": 2,
                                       "udsat": 1, "anbefalet": 1}
    assert counts(doc, "kle") == {"00": 6, "15": 3, "29": 1}
    assert [v["value"] for v in doc["facets"]["year"]] == ["2024", "2021"]  # newest year first


def test_kle_facet_carries_its_name(sample_index):
    kle = {v["value"]: v.get("label") for v in run(sample_index)["facets"]["kle"]}
    assert kle["15"] == "Arbejdsmarked og beskæftigelsesindsats"
    assert kle["00"] == "Kommunens styrelse"


def test_decision_facet_has_danish_labels(sample_index):
    labels = {v["value"]: v.get("label") for v in run(sample_index)["facets"]["decision"]}
    assert labels["taget-til-efterretning"] == "Taget til efterretning"


def test_query_counts_cover_all_matches_not_the_page(sample_index):
    doc = run(sample_index, q="efterretning", per_page="1")
    assert len(doc["results"]) == 1
    assert doc["total"] == sum(counts(doc, "committee").values())
    assert doc["total"] >= 6


def test_filters_narrow_results_and_counts(sample_index):
    doc = run(sample_index, decision="taget-til-efterretning", year="2024")
    assert doc["total"] == 4
    assert counts(doc, "year") == {"2024": 4}
    selected = [v for v in doc["facets"]["decision"] if v.get("selected")]
    assert [v["value"] for v in selected] == ["taget-til-efterretning"]
    assert all("taget-til-efterretning" in r["decisions"] for r in doc["results"])


def test_values_of_one_facet_are_alternatives(sample_index):
    doc = run(sample_index, decision=["udsat", "anbefalet"])
    assert doc["total"] == 2
    assert sorted(r["item_number"] for r in doc["results"]) == [32, 35]


def test_kle_journal_and_date_filters(sample_index):
    assert run(sample_index, kle="15")["total"] == 3
    assert run(sample_index, journal="00.01.00-G01-253-23")["total"] == 2
    assert run(sample_index, journal="15.04")["total"] == 1  # a KLE prefix
    assert run(sample_index, **{"from": "2024-01-01"})["total"] == 6
    assert run(sample_index, **{"from": "2021-05-03", "to": "2021-05-03"})["total"] == 4


def test_selected_value_without_matches_stays_removable(sample_index):
    doc = run(sample_index, q="borgerdialog", committee="Byråd")
    assert doc["total"] == 0
    assert doc["facets"]["committee"] == [{"value": "Byråd", "count": 0, "selected": True}]


def test_empty_query_sorts_newest_first(sample_index):
    doc = run(sample_index)
    dates = [(r["date"], -r["item_number"]) for r in doc["results"]]
    assert dates == sorted(dates, reverse=True)
    assert doc["sort"] == "newest" and doc["results"][0]["item_number"] == 27


def test_oldest_and_pagination(sample_index):
    first = run(sample_index, sort="oldest", per_page="3")
    second = run(sample_index, sort="oldest", per_page="3", page="2")
    assert [r["item_number"] for r in first["results"]] == [32, 33, 34]
    assert [r["item_number"] for r in second["results"]] == [35, 27, 28]
    assert run(sample_index, page="5", per_page="3")["results"] == []


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
