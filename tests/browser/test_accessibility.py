"""axe-core in Debian's Chromium: zero violations on every page type, at 1280 and 390 px.

The pages are served by ``searchsvc serve`` over real minutes of three municipalities
(``danish_index``: Frederiksberg's referater, Greve's FirstAgenda meetings with their
members and absences, an Aarhus agenda), so the facets name municipalities, the meeting
page lists its members and an item shows its Fremmøde.

axe-core is vendored (``vendor/axe-core``, MPL-2.0, see its README): CI needs no npm.
Outside CI the test skips when Chromium, Playwright or the axe file is missing; under
CI=true it fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import pytest
from browsers import Watched, unavailable
from helpers import start_server, stop_server

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
# What a violation reports: the rule, its impact and where (the first few nodes).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        unavailable(f"{AXE} is missing (tests/browser/vendor/axe-core/README.md says where it comes from)")
    return AXE.read_text("utf-8")




@pytest.fixture(scope="module")
def danish_server(danish_index):
    process, url = start_server(danish_index.file)
    try:
        yield url
    finally:
        stop_server(process)


def _get(base: str, path: str, **params) -> dict:
    with urlopen(f"{base}{path}?{urlencode(params)}", timeout=30) as response:
        return json.load(response)


def page_types(base: str) -> dict[str, str]:
    """One address of each page type, found through the API as a person would click."""
    hit = _get(base, "/api/search", q="spildevand", group="none")["results"][0]
    absent = _get(base, "/api/search", per_page=1)["facets"]["fravaer"][0]
    with_absence = _get(base, "/api/search", fravaer=absent["value"], per_page=1)["results"][0]
    committee = _get(base, "/api/committees")["committees"][0]
    return {
        "home": "/",
        "results": "/?q=spildevand",
        "filtered": f"/?q=spildevand&municipality={quote('Greve Kommune')}&deltager={quote(absent['value'])}"
                    "&group=none",
        "page-2": "/?page=2",
        "case": f"/?journal={quote(hit['journal_number'])}" if hit.get("journal_number") else "/?sort=oldest",
        "no-results": "/?q=xyzzyqwv",
        "item": f"/items/{with_absence['id']}",
        "meeting": f"/meetings/{with_absence['meeting_id']}",
        "committees": "/udvalg",
        "committee": f"/udvalg/{quote(committee['municipality'])}/{quote(committee['committee'])}",
        "help": "/hjaelp",
        "not-found": "/items/findes-ikke",
        "bad-request": "/?q=borger&from=2020-13-01",
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_finds_no_violations(axe_source, browser, danish_server, width):
    # Phone width as a phone has it (touch, mobile viewport); scale 1 keeps it quick.
    context = browser.new_context(viewport=WIDTHS[width], locale="da-DK",
                                   **({"is_mobile": True, "has_touch": True} if width < 600 else {}))
    watched = Watched(context.new_page())
    found: dict[str, list] = {}
    try:
        for name, path in page_types(danish_server).items():
            watched.errors.clear()
            response = watched.page.goto(danish_server + path)
            assert response is not None
            assert response.status == {"not-found": 404, "bad-request": 400}.get(name, 200), path
            # Evaluated through the debugging protocol, which the pages' CSP does not
            # govern (an injected <script> would be refused, rightly).
            watched.page.evaluate(axe_source)
            violations = watched.page.evaluate(RUN_AXE)
            if violations:
                found[f"{name} {path}"] = violations
            watched.shot(f"axe-{width}-{name}", full_page=False)
            if response.status != 200:  # the failed load itself is the console's one error
                watched.errors = [e for e in watched.errors if str(response.status) not in e]
            watched.check()
    finally:
        context.close()
    assert found == {}
