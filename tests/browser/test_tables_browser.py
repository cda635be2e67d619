"""Item tables in a real headless Chromium (Debian's), against ``searchsvc serve`` over the
samples: a wide table scrolls inside its own box on a phone, never widening the page.

Screenshots go to tests/browser/screenshots/ (not committed). Outside CI these tests skip
when Chromium or Playwright is missing; under CI=true they fail.
"""

from __future__ import annotations

import pytest
from browsers import SCREENSHOTS

pytestmark = pytest.mark.browser

# Frederiksberg 2021-05-03 item 34: a two-column budget table and a ten-column one.
HANDLEPLAN = "/items/frederiksberg-kommune-2021-05-03-34-410ca1f1"






@pytest.mark.parametrize("width", [1280, 390])
def test_a_wide_table_scrolls_in_its_own_box(browser, shared_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK")
    page = context.new_page()
    try:
        page.goto(shared_live_server + HANDLEPLAN)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        boxes = page.locator(".table-box")
        assert boxes.count() == 2
        wide = boxes.nth(1)
        sizes = wide.evaluate("box => [box.scrollWidth, box.clientWidth]")
        if width == 390:
            assert sizes[0] > sizes[1], "the ten-column table should scroll inside its box on a phone"
        # The box takes the keyboard's focus, so arrow keys can scroll it.
        wide.focus()
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Tabel 2"
        assert wide.locator("thead th").first.inner_text() == "Indsats"
        wide.evaluate("box => box.scrollIntoView({block: 'start', behavior: 'instant'})")
        page.screenshot(path=str(SCREENSHOTS / f"20-item-table-{width}.png"))
    finally:
        context.close()
