"""The search page's form without JavaScript (issue 17): facets as checkboxes of the
search form (several values of a facet are alternatives), empty fields left out of the
address, the filters a new query keeps said and droppable, ``/search`` and page titles."""

from __future__ import annotations

from urllib.parse import urlencode

from test_pages import Page, get_page, params


def form_url(page: Page, tick: tuple[str, str] | None = None, q: str | None = None) -> str:
    """The address a browser without JavaScript sends when the search form is submitted,
    after ticking (or unticking) one checkbox: every field of the form ``soeg``, the empty
    ones too."""
    fields: list[tuple[str, str]] = []
    for tag, attributes in page.elements:
        if tag != "input" or "name" not in attributes:
            continue
        if attributes.get("form", "soeg") != "soeg":
            continue
        kind, name, value = attributes.get("type", "text"), attributes["name"], attributes.get("value", "")
        if name == "q" and q is not None:
            value = q
        if kind == "checkbox":
            checked = "checked" in attributes
            if tick == (name, value):
                checked = not checked
            if not checked:
                continue
        fields.append((name, value))
    return "/?" + urlencode(fields)


def test_ticking_two_values_of_a_facet_finds_either(client):
    page = get_page(client, "/?q=jobcenter")
    box = page.find("input", type="checkbox", name="decision", value="anbefalet")
    assert box and box[0]["form"] == "soeg" and "checked" not in box[0]
    sent = client.get(form_url(page, tick=("decision", "anbefalet")))
    assert sent.status_code == 302  # the empty date and journal fields are dropped
    narrowing = sent.headers["Location"]
    assert params(narrowing) == {"q": ["jobcenter"], "decision": ["anbefalet"]}
    narrowed = get_page(client, narrowing)
    assert "1 resultat" in narrowed.text and "Valgte filtre" in narrowed.text
    assert "checked" in narrowed.find("input", type="checkbox", name="decision", value="anbefalet")[0]
    # The other decisions stay, counted as if ticked too: tick a second one.
    other = narrowed.find("input", type="checkbox", name="decision", value="taget-til-efterretning")
    assert other and "checked" not in other[0]
    both = client.get(form_url(narrowed, tick=("decision", "taget-til-efterretning"))).headers["Location"]
    assert params(both)["decision"] == ["taget-til-efterretning", "anbefalet"]
    assert "5 resultater" in get_page(client, both).text
    removing = narrowed.link("Fjern filteret Beslutning: Anbefalet")
    assert params(removing) == {"q": ["jobcenter"]}
    assert "5 resultater" in get_page(client, removing).text


def test_a_new_query_keeps_the_filters_and_says_so(client):
    page = get_page(client, "/?q=jobcenter&decision=oversendt&sort=oldest")
    hidden = {(a["name"], a["value"]) for a in page.find("input", type="hidden")}
    assert ("sort", "oldest") in hidden
    assert "En ny søgning beholder de valgte filtre: Beslutning: Oversendt" in page.text
    dropped = page.link("Søg uden filtre")
    assert params(dropped) == {"q": ["jobcenter"]}
    again = client.get(form_url(page, q="beskæftigelse")).headers["Location"]
    assert params(again) == {"q": ["beskæftigelse"], "decision": ["oversendt"], "sort": ["oldest"]}


def test_kle_facet_shows_the_main_group_name(client):
    page = get_page(client, "/")
    assert "Kommunens styrelse" in page.text
    assert page.find("input", type="checkbox", name="kle", value="00")
    assert "En ny søgning beholder" not in page.text


def test_empty_fields_are_left_out_of_the_address(client):
    response = client.get("/?q=budget&from=&to=&journal=&year=2024&year=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?q=budget&year=2024"
    assert client.get("/?q=&from=").headers["Location"] == "/"


def test_search_is_the_search_page(client):
    response = client.get("/search?q=jobcenter&decision=godkendt")
    assert response.status_code == 301
    assert params(response.headers["Location"]) == {"q": ["jobcenter"], "decision": ["godkendt"]}
    assert client.get("/search").headers["Location"] == "/"


def test_page_two_says_so_in_its_title(client):
    first = client.get("/?per_page=3").get_data(as_text=True)
    second = client.get("/?per_page=3&page=2").get_data(as_text=True)
    assert "<title>Søg · Referatsøgning</title>" in first
    assert "<title>Søg – side 2 · Referatsøgning</title>" in second
