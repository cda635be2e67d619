"""The home page's introduction and the help page (issue 17)."""

from __future__ import annotations

from test_pages import get_page


def test_home_page_says_what_the_archive_holds(client):
    page = get_page(client, "/")
    text = page.text
    assert "Her kan du søge i 10 dagsordenspunkter fra Frederiksberg Kommune, fra 2021 til 2024." in text
    assert "Senest opdateret" in text
    newest = [href for href, _ in page.links if href.startswith("/meetings/")]
    assert newest[:2] == ["/meetings/frederiksberg-kommune-2024-08-19-f3d2b3ae",
                          "/meetings/frederiksberg-kommune-2021-05-03-" + newest[1].rsplit("-", 1)[1]]
    assert "Taget til efterretning Udvalget har fået orienteringen og noteret sig den." in text


def test_a_search_has_no_introduction(client):
    assert "Om arkivet" not in get_page(client, "/?q=jobcenter").text
    assert "Om arkivet" not in get_page(client, "/?year=2024").text
    assert "Om arkivet" in get_page(client, "/").text


def test_help_page_explains_every_decision_label(client):
    from searchsvc.domain.decisions import DECISION_LABELS

    page = get_page(client, "/hjaelp")
    badges = [a["class"] for a in page.find("span") if a.get("class", "").startswith("badge badge-")]
    assert {f"badge badge-{key}" for key in DECISION_LABELS} <= set(badges)
    assert "Udsat Sagen blev ikke afgjort på mødet." in page.text
    assert page.link("Hjælp") == "/hjaelp"
