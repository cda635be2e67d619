"""The browser the browser tests share: one Chromium per test module (a Playwright
session left open would stop the next module that starts its own, as test_hostile_web does)."""

from __future__ import annotations

import pytest
from browsers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, unavailable


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
