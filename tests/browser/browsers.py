"""What the browser tests share: Debian's Chromium, where screenshots go, and a page that
records its console errors and CSP violations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
IN_CI = os.environ.get("CI") == "true"

# Recorded in the page before any of its own scripts run: CSP violations the console may not show.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def unavailable(reason: str):
    """Skip a browser test for a missing tool; under CI=true, fail instead."""
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true requires the browser tests to run")
    pytest.skip(reason)


class Watched:
    """A page with its console errors, uncaught exceptions and CSP violations recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.add_init_script(WATCH_CSP)
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def check(self) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == [], violations
        assert self.errors == [], self.errors

    def shot(self, name: str, full_page: bool = True) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
