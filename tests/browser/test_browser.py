"""End to end in a real headless Chromium (Debian's), against ``searchsvc serve`` (waitress)
over an index built with the real reindex from samples/.

Screenshots go to tests/browser/screenshots/ (not committed) for a person to look at.
Outside CI these tests skip when Chromium or Playwright is missing; under CI=true they fail.
"""

from __future__ import annotations

import re

import pytest
from browsers import SCREENSHOTS, Watched

pytestmark = pytest.mark.browser


ITEM_30_TITLE = "Status på implementering af det digitale jobcenter"
ITEM_31_TITLE = "Ekspertgruppens anbefalinger vedrørende fremtidens beskæftigelsesindsats"









@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    yield Watched(context.new_page())
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="da-DK")
    yield Watched(context.new_page())
    context.close()


def test_search_narrow_open_and_follow_the_case(desktop, shared_live_server):
    page = desktop.page
    page.goto(shared_live_server + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert "10 resultater" in page.locator("#resultater").inner_text()
    desktop.shot("01-start")

    # Type a query into the box and submit it with the keyboard.
    box = page.get_by_label("Søgeord")
    box.fill("jobcenter")
    box.press("Enter")
    page.wait_for_url(re.compile(r"\?q=jobcenter$"))   # empty filter fields left out by search.js
    assert "5 resultater" in page.locator("#resultater").inner_text()
    assert page.locator(".snippet mark").count() >= 4
    desktop.shot("02-results")

    # Narrow by a facet value: tick it, show the results.
    page.get_by_role("group", name="Beslutning").get_by_label(re.compile("Taget til efterretning")).check()
    page.get_by_role("button", name="Vis resultater").click()
    page.wait_for_url(re.compile(r"decision=taget-til-efterretning"))
    assert "4 resultater" in page.locator("#resultater").inner_text()
    assert page.locator(".chip").count() == 1
    desktop.shot("03-narrowed")

    # Open a result, then follow its case history.
    page.get_by_role("link", name=ITEM_30_TITLE).click()
    page.wait_for_url(re.compile(r"/items/frederiksberg-kommune-2024-08-19-30-"))
    assert page.get_by_role("heading", level=1).inner_text() == ITEM_30_TITLE
    assert page.locator(".section.decision h2").inner_text() == "Beslutning"
    desktop.shot("04-item")
    case = page.locator(".case")
    case.scroll_into_view_if_needed()
    case.screenshot(path=str(SCREENSHOTS / "05-case-history.png"))
    # Items 30 and 31 share a journal number under two titles: two cases, linked as such.
    assert case.get_by_role("link", name=ITEM_31_TITLE).count() == 0
    case.get_by_role("link", name="1 anden sag med samme journalnummer").click()
    page.wait_for_url(re.compile(r"journal=00.01.00-G01-253-23"))
    # One result per case (issue 19), oldest case first.
    assert page.locator(".hits h3").all_inner_texts() == [ITEM_30_TITLE, ITEM_31_TITLE]
    page.get_by_role("link", name=ITEM_31_TITLE).click()
    page.wait_for_url(re.compile(r"/items/frederiksberg-kommune-2024-08-19-31-"))
    assert page.get_by_role("heading", level=1).inner_text() == ITEM_31_TITLE

    # And on to the meeting's agenda.
    page.locator(".facts").get_by_role("link", name="mandag den 19. august 2024").click()
    page.wait_for_url(re.compile(r"/meetings/"))
    assert page.locator(".agenda-item").count() == 6
    desktop.shot("06-meeting")
    desktop.check()


def test_suggestions_appear_while_typing(desktop, shared_live_server):
    page = desktop.page
    page.goto(shared_live_server + "/")
    page.get_by_label("Søgeord").press_sequentially("Status på imp")
    option = page.locator("#forslag option[value='Status på implementering']")
    option.wait_for(state="attached")
    assert option.count() == 1
    desktop.check()


def test_committees_to_a_meeting(desktop, shared_live_server):
    page = desktop.page
    page.goto(shared_live_server + "/udvalg")
    page.get_by_role("link", name="Arbejdsmarkeds- og Uddannelsesudvalget", exact=True).click()
    page.get_by_role("link", name="mandag den 3. maj 2021").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Arbejdsmarkeds- og Uddannelsesudvalget"
    desktop.shot("07-committee-meeting")
    desktop.check()


def test_keyboard_skip_link_and_visible_focus(desktop, shared_live_server):
    page = desktop.page
    page.goto(shared_live_server + "/?q=jobcenter")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0          # moved into view when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    desktop.shot("08-skip-link-focus", full_page=False)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    desktop.check()


def test_filters_by_date_and_journal_without_javascript(browser, shared_live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(shared_live_server + "/")
    page.fill("#journal", "00.01.00-G01-253-23")
    page.get_by_role("button", name="Anvend").click()
    page.wait_for_url(re.compile(r"journal=00.01.00-G01-253-23"))
    assert "2 resultater" in page.locator("#resultater").inner_text()
    page.fill("#from", "2024-08-19")
    page.get_by_role("button", name="Søg").click()
    page.wait_for_url(re.compile(r"from=2024-08-19"))
    assert "2 resultater" in page.locator("#resultater").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "09-no-javascript-filters.png"), full_page=True)
    context.close()


def test_phone_layout_fits_the_screen(phone, shared_live_server):
    page = phone.page
    for name, path in (("10-phone-results", "/?q=jobcenter"),
                       ("11-phone-item", "/items/frederiksberg-kommune-2024-08-19-30-8dc70220"),
                       ("12-phone-committees", "/udvalg")):
        page.goto(shared_live_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
        phone.shot(name)
    # The facets sit after the results on a phone; a link jumps to them.
    page.goto(shared_live_server + "/?q=jobcenter")
    page.get_by_role("link", name="Afgræns søgningen").click()
    assert page.locator("#filtre").is_visible()
    phone.check()


def test_error_pages_help_the_person_on(desktop, shared_live_server):
    page = desktop.page
    response = page.goto(shared_live_server + "/items/..%2F..%2Fetc%2Fpasswd")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Siden findes ikke"
    desktop.shot("13-not-found", full_page=False)
    response = page.goto(shared_live_server + "/?q=borger&from=2020-13-01")
    assert response.status == 400
    assert "Fra-datoen" in page.locator("main").inner_text()
    desktop.shot("14-bad-request", full_page=False)
    page.get_by_role("link", name="Gå til søgningen").click()
    assert "10 resultater" in page.locator("#resultater").inner_text()
    # The only console errors are the two failed page loads themselves.
    assert len(desktop.errors) == 2 and all("404" in e or "400" in e for e in desktop.errors), desktop.errors


# Each facet count's text must sit on one line: the rendered lines of its text node are
# counted with a Range, which sees a number broken as "77/8" as two line tops.
WRAPPED_COUNTS = """[...document.querySelectorAll('.facet-value .count')].filter(count => {
  const range = document.createRange();
  range.selectNodeContents(count.firstChild);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size !== 1;
}).map(count => count.textContent)"""


@pytest.mark.parametrize("width", [1280, 1000, 390, 320])
def test_facet_counts_never_wrap(browser, shared_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK")
    page = context.new_page()
    try:
        for path in ("/", "/?q=jobcenter&decision=anbefalet"):
            page.goto(shared_live_server + path)
            assert page.locator(".facet-value .count").count() >= 7
            assert page.evaluate(WRAPPED_COUNTS) == [], f"{path} at {width}px"
    finally:
        context.close()


def test_skip_link_to_the_filters_at_desktop_width(desktop, shared_live_server):
    page = desktop.page
    page.goto(shared_live_server + "/?q=jobcenter")
    jump = page.locator(".jump")
    assert jump.bounding_box()["width"] <= 1  # out of sight until a keyboard reaches it
    for presses in range(1, 20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "jump":
            break
    assert page.evaluate("document.activeElement.className") == "jump", "the skip link is not reachable"
    assert presses < 15 and jump.bounding_box()["width"] > 50
    desktop.shot("15-skip-to-filters", full_page=False)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "filtre"
    page.keyboard.press("Tab")  # on into the filters
    assert page.evaluate("document.activeElement.closest('#filtre') !== null")
    desktop.check()


def test_ticking_two_committees_without_javascript(browser, shared_live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(shared_live_server + "/?decision=taget-til-efterretning")
        committees = page.locator("input[name=committee]")
        assert committees.count() == 2
        committees.nth(0).check()
        page.get_by_role("button", name="Vis resultater").click()
        page.wait_for_url(re.compile(r"committee="))
        one = page.locator("#resultater").inner_text()
        page.locator("input[name=committee]:not(:checked)").check()
        page.get_by_role("button", name="Vis resultater").click()
        page.wait_for_url(re.compile(r"committee=.*committee="))
        assert "from=" not in page.url and "journal=" not in page.url  # no empty fields
        assert "6 resultater" in page.locator("#resultater").inner_text() != one
        assert page.locator("input[name=committee]:checked").count() == 2
        page.screenshot(path=str(SCREENSHOTS / "16-two-committees-no-javascript.png"), full_page=True)
    finally:
        context.close()
