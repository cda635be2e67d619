"""The HTML pages, through the Flask test client over the indexed samples."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from searchsvc.web import create_app

ITEM_30 = "frederiksberg-kommune-2024-08-19-30-8dc70220"
ITEM_31 = "frederiksberg-kommune-2024-08-19-31-93bdd3ea"
MEETING_2024 = "frederiksberg-kommune-2024-08-19-f3d2b3ae"
COMMITTEE_2021 = "Arbejdsmarkeds- og Uddannelsesudvalget"
CASE_JOURNAL = "00.01.00-G01-253-23"


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with attributes, links, text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.links: list[tuple[str, str]] = []   # (href, text)
        self._link: list | None = None
        self._skip = 0
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "a" and "href" in attributes:
            self._link = [attributes["href"], ""]
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self.text_parts.append(data)
        if self._link is not None:
            self._link[1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **attributes) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attributes.items())]

    def link(self, text: str) -> str:
        """The href of the first link whose text contains ``text``."""
        for href, link_text in self.links:
            if text in link_text:
                return href
        raise AssertionError(f"no link with {text!r} in {[t for _, t in self.links]}")


def get_page(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def hit_titles(page: Page) -> list[str]:
    return [text for href, text in page.links if href.startswith("/items/")]


# -- every page ---------------------------------------------------------------------------

PAGES = ["/", "/?q=jobcenter", f"/items/{ITEM_30}", f"/meetings/{MEETING_2024}", "/udvalg",
         f"/udvalg/Frederiksberg%20Kommune/{COMMITTEE_2021}"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_danish_with_landmarks_and_a_json_twin(client, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.find("html", lang="da")
    assert page.find("main", id="indhold")
    assert page.find("header") and page.find("footer") and page.find("nav")
    assert page.link("Gå til indhold") == "#indhold"
    assert len(page.find("h1")) == 1
    twins = page.find("link", rel="alternate", type="application/json")
    assert len(twins) == 1
    twin = client.get(twins[0]["href"])
    assert twin.status_code == 200 and twin.mimetype == "application/json"
    assert twins[0]["href"] in response.headers["Link"]


@pytest.mark.parametrize("url", PAGES + ["/items/nope-0000", "/?from=2020-13-01"])
def test_no_inline_script_or_style(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    page = Page(response.get_data(as_text=True))
    for tag, attributes in page.elements:
        assert "style" not in attributes, (tag, attributes)
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        if tag == "script":
            assert attributes.get("src", "").startswith("/static/")
    assert not page.find("style")


def test_form_fields_have_labels(client):
    page = get_page(client, "/?q=jobcenter")
    labelled = {a["for"] for a in page.find("label")}
    for tag in ("input", "select", "textarea"):
        for field in page.find(tag):
            if field.get("type") not in ("hidden", "submit"):
                assert field["id"] in labelled, field


def test_static_files_are_served(client):
    for name, mimetype in (("style.css", "text/css"), ("search.js", "text/javascript"),
                           ("favicon.svg", "image/svg+xml")):
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200
            assert response.mimetype == mimetype
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_debug_is_off(app):
    assert app.debug is False


# -- the search page ----------------------------------------------------------------------


def test_empty_query_browses_everything_newest_first(client):
    page = get_page(client, "/")
    assert "10 resultater" in page.text
    assert len(hit_titles(page)) == 10
    dates = [a["datetime"] for a in page.find("time")]
    assert dates == sorted(dates, reverse=True)


def test_search_shows_hits_with_their_details(client):
    html = client.get("/?q=jobcenter").get_data(as_text=True)
    page = Page(html)
    assert "5 resultater" in page.text  # item 31 says "jobcentre": one lemma
    assert "Status på implementering af det digitale jobcenter" in hit_titles(page)
    assert "Frederiksberg Kommune" in page.text and "punkt 30" in page.text
    assert "19. august 2024" in page.text
    assert "Taget til efterretning" in page.text      # a decision badge, in Danish
    assert re.search(r'<p class="snippet">[^<]*(?:<mark>[^<]+</mark>[^<]*)+</p>', html)


def test_the_query_is_escaped_everywhere(client):
    html = client.get("/", query_string={"q": '<script>alert(1)</script> "x'}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "citationstegn" in html   # the query language's note, shown to the person


def test_sorting_links(client):
    page = get_page(client, "/?q=jobcenter")
    assert page.find("a", **{"aria-current": "true", "href": "/?q=jobcenter"})
    oldest = get_page(client, page.link("Ældste"))
    dates = [a["datetime"] for a in oldest.find("time")]
    assert dates == sorted(dates)
    # Browsing (no query) has no relevance to sort by.
    assert "Relevans" not in get_page(client, "/").text


def test_pagination(client):
    page = get_page(client, "/?per_page=3")
    assert page.find("nav", **{"aria-label": "Sider"})
    assert len(hit_titles(page)) == 3
    last = get_page(client, page.link("Næste"))
    assert "Viser 4–6" in last.text
    fourth = get_page(client, "/?per_page=3&page=4")
    assert len(hit_titles(fourth)) == 1
    assert "Næste" not in fourth.text
    beyond = get_page(client, "/?per_page=3&page=9")
    assert "Gå til første side" in beyond.text


def test_date_and_journal_filters(client):
    page = get_page(client, "/?from=2021-01-01&to=2021-12-31")
    assert "4 resultater" in page.text
    assert page.find("input", id="from", value="2021-01-01")
    assert "Fra: 1. januar 2021" in page.text
    journal = get_page(client, f"/?journal={CASE_JOURNAL}")
    assert sorted(hit_titles(journal)) == ["Ekspertgruppens anbefalinger vedrørende fremtidens beskæftigelsesindsats",
                                           "Status på implementering af det digitale jobcenter"]


def test_did_you_mean_and_the_lenient_retry_are_shown(client):
    page = get_page(client, "/?q=borgerdialgo")
    assert "Mente du" in page.text
    assert params(page.link("borgerdialog")) == {"q": ["borgerdialog"]}
    assert page.find("p", **{"class": "notice", "role": "status"})


def test_no_results_helps_the_person_on(client):
    page = get_page(client, "/?q=ingenting-matcher-dette-ord&decision=udsat")
    assert "Ingen resultater" in page.text
    assert params(page.link("Søg uden filtre")) == {"q": ["ingenting-matcher-dette-ord"]}


# -- item, meeting, committees ---------------------------------------------------------------


def test_item_page(client):
    html = client.get(f"/items/{ITEM_30}").get_data(as_text=True)
    page = Page(html)
    assert page.find("h1", id="titel")
    assert "Status på implementering af det digitale jobcenter" in page.text
    assert page.link("mandag den 19. august 2024") == f"/meetings/{MEETING_2024}"
    assert "/udvalg/Frederiksberg%20Kommune/" in page.link("Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget")
    assert params(page.link(CASE_JOURNAL)) == {"journal": [CASE_JOURNAL]}
    assert "00 Kommunens styrelse" in page.text and "00.01.00" in page.text
    headings = re.findall(r'<h2 id="afsnit-\d+">([^<]+)</h2>', html)
    assert headings[:4] == ["Resume", "Beslutning", "Indstilling", "Sagsfremstilling"]
    assert page.find("section", **{"class": "section decision", "aria-labelledby": "afsnit-2"})
    assert "Bilag 1 Projektbeskrivelse" in page.text


def test_item_case_history_shows_its_case_and_links_the_other_cases(client):
    # Items 30 and 31 share a journal number in one meeting under two titles: two cases.
    page = get_page(client, f"/items/{ITEM_30}")
    assert "Sagen i andre møder" in page.text
    assert "Sagen er ikke behandlet i andre punkter i arkivet." in page.text
    with pytest.raises(AssertionError):
        page.link("Ekspertgruppens anbefalinger")
    others = page.link("1 anden sag med samme journalnummer")
    assert params(others) == {"journal": [CASE_JOURNAL]}
    listing = get_page(client, others)
    assert "ældste først, sag for sag" in listing.text
    # Item by item (group=none), case by case, oldest first: each case opens with its title.
    flat = get_page(client, others + "&group=none")
    assert re.findall(r"Sag: (\w+)", flat.text) == ["Status", "Ekspertgruppens"]
    # One entry per case (the default), in the same order.
    html = client.get(others).get_data(as_text=True)
    titles = re.findall(r'<h3 id="hit-\d+"><a href="[^"]+">(\w+)', html)
    assert titles == ["Status", "Ekspertgruppens"] and "Sag: " not in listing.text


def test_item_without_case(client):
    page = get_page(client, "/?q=Revisionstilsyn")
    item = get_page(client, page.link("Revisionstilsyn"))
    assert "Sagen er ikke behandlet i andre punkter i arkivet." in item.text
    assert "med samme journalnummer" not in item.text


def test_meeting_page_lists_the_agenda_in_order(client):
    html = client.get(f"/meetings/{MEETING_2024}").get_data(as_text=True)
    page = Page(html)
    numbers = [int(n) for n in re.findall(r'<span class="number">Punkt (\d+)</span>', html)]
    assert numbers == [27, 28, 29, 30, 31, 32]
    assert page.link("Status på implementering") == f"/items/{ITEM_30}"
    assert "Godkendt" in page.text and "Anbefalet" in page.text
    assert "godkendte, at sagen sendes til Handicaprådet" in page.text


def test_committees_page_links_each_committees_meetings(client):
    page = get_page(client, "/udvalg")
    assert "4 punkter på 1 møde" in page.text and "6 punkter på 1 møde" in page.text
    committee = get_page(client, page.link(COMMITTEE_2021))
    meeting = get_page(client, committee.link("mandag den 3. maj 2021"))
    assert "Dagsorden" in meeting.text
    search = page.link("Søg i udvalgets punkter")
    assert params(search)["committee"] == [COMMITTEE_2021]
    assert "4 resultater" in get_page(client, search).text


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/items/nope-0000", "/items/NOT-AN-ID", "/items/../../etc/passwd",
                                 "/items/..%2F..%2Fetc%2Fpasswd", "/meetings/x", "/udvalg/Ingen/Intet",
                                 "/no-such-page"])
def test_404_is_a_danish_page_that_helps(client, url):
    page = get_page(client, url, status=404)
    assert "Siden findes ikke" in page.text
    assert page.link("Gå til søgningen") == "/"
    assert page.find("input", id="q")


@pytest.mark.parametrize("query, words", [
    ("from=2020-13-01", "Fra-datoen"),
    ("page=0", "Sidetallet"),
    ("per_page=100000", "pr. side"),
    ("sort=foo", "Sorteringen"),
    ("decision=nonsense", "Beslutningstypen"),
])
def test_400_is_a_danish_page_that_names_the_problem(client, query, words):
    page = get_page(client, f"/?q=borger&{query}", status=400)
    assert "Søgningen kunne ikke forstås" in page.text
    assert words in page.text
    assert page.find("input", id="q", value="borger")   # the person's query, ready to try again


def test_414_for_an_oversized_address(client):
    page = get_page(client, "/?q=" + "x" * 9000, status=414)
    assert "Adressen er for lang" in page.text


def test_503_before_the_first_reindex_says_what_to_do(sample_config):
    client = create_app(sample_config).test_client()
    page = get_page(client, "/", status=503)
    assert "searchsvc reindex" in page.text


def test_500_is_generic_with_a_request_id(app, client, monkeypatch):
    def broken(request, **options):
        raise ZeroDivisionError("secret internal detail")

    monkeypatch.setattr(app.extensions["searchsvc"], "search", broken)
    response = client.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret" not in html and "Traceback" not in html and "ZeroDivisionError" not in html
    assert response.headers["X-Request-Id"] in html
    assert "Der skete en fejl" in html
