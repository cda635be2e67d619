"""Hostile input over the web: documents and queries that carry ``<script>``, quotes that
would end an attribute, ``javascript:`` URLs and very long tokens are shown as text,
never run and never break out of the page (checked in the raw HTML and in Chromium with
the Content-Security-Policy switched off, so that escaping alone must hold); oversized
requests are refused quickly; every response carries the security headers; a server
error shows no stack trace and is logged with its request id. (schemathesis against the
OpenAPI description: tests/test_openapi_fuzz.py.)
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.web import create_app

from helpers import SAMPLES, start_server, stop_server, write_config

PAYLOADS = {
    "script": '<script>window.__xss="script"</script>',
    "attribute": '"><img src=x onerror="window.__xss=\'img\'">',
    "single-quote": "' onmouseover='window.__xss=\"quote\"' x='",
    "javascript-url": "javascript:window.__xss='js'",
    "svg": "<svg/onload=window.__xss='svg'>",
}
ALL = " ".join(PAYLOADS.values())
LONG_TOKEN = "Langtord" * 700           # 5,600 characters without a space
FORMULA = '=HYPERLINK("http://evil.example","klik")'
# What must never appear in a page as markup (it may appear escaped, as text).
RAW = ['<script>window.__xss', '<img src=x', 'onerror="window', "onmouseover='window", '<svg/onload']
SAMPLE_2021 = "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt"


def hostile_referat() -> str:
    """The 2021 seed meeting with payloads in the committee, a title, a section, an
    attachment, plus a formula title and a very long token."""
    text = (SAMPLES / SAMPLE_2021).read_text("utf-8")
    text = text.replace("REFERAT Arbejdsmarkeds- og Uddannelsesudvalget_2018-21",
                        f"REFERAT Udvalg {PAYLOADS['attribute']} & {PAYLOADS['script']}_2018-21")
    text = text.replace('Punkt 33: Opfølgning på projekt "Borgerdialog i fokus"', f"Punkt 33: Borgerdialog {ALL}")
    text = text.replace("Punkt 34: Høring", f"Punkt 34: {FORMULA} Høring")
    text = text.replace("Bilag 1: Nulpunktsanalyse 2021", f"Bilag 1: {ALL}")
    lines = text.split("\n")
    at = lines.index("Resume")
    lines.insert(at + 2, f"Skript {ALL} {LONG_TOKEN}")
    return "\n".join(lines)


def hostile_firstagenda() -> str:
    """A FirstAgenda meeting whose HTML fields carry scripts, event handlers and
    javascript: links, and escaped markup that becomes literal text."""
    html = (f"<h3>Beslutning</h3><p>Godkendt {PAYLOADS['script']} <a href=\"javascript:window.__xss='a'\">link</a>"
            f" <img src=x onerror=\"window.__xss='img'\"></p><h3>Resume</h3><p>Teksten nævner"
            f" &lt;script&gt;window.__xss='text'&lt;/script&gt; og &quot;&gt;&lt;svg/onload=x&gt; {LONG_TOKEN}</p>")
    return json.dumps({
        "Udvalg": {"Navn": f"Byrådet {PAYLOADS['single-quote']}"},
        "Moede": {"Dato": "2025-01-29T17:00:00+01:00", "Sted": PAYLOADS["svg"]},
        "Dagsordenpunkter": [{
            "Punktnummer": "1", "Navn": f"Skriptsag {ALL}", "SagsNummer": "25-000001",
            "Felter": [{"Html": html}],
            "Bilag": [{"Navn": PAYLOADS["javascript-url"]}, {"Navn": FORMULA}],
        }],
    }, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "referat").mkdir()
    (root / "referat" / SAMPLE_2021).write_text(hostile_referat(), "utf-8")
    shutil.copy2(SAMPLES / "Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget_2024-08-19.txt", root / "referat")
    (root / "json").mkdir()
    (root / "json" / "byraad.json").write_text(hostile_firstagenda(), "utf-8")
    config = load_config(write_config(root, [(root / "referat", "Frederiksberg Kommune"),
                                              (root / "json", "Greve Kommune")]))
    report = reindex(config, workers=1)
    assert report.failures == []
    return config


@pytest.fixture(scope="module")
def hostile_client(hostile_config):
    return create_app(hostile_config).test_client()


def hostile_pages(client) -> list[str]:
    """Every page that shows hostile data, and pages that reflect hostile parameters."""
    found = client.get("/api/search?q=window&per_page=100").get_json()["results"]
    items = [r["url"] for r in found]
    meetings = sorted({f"/meetings/{r['meeting_id']}" for r in found})
    committees = [link["url"] for link in client.get("/api/committees").get_json()["committees"]] \
        if client.get("/api/committees").status_code == 200 else []
    assert len(items) == 2 and len(meetings) == 2
    queries = [f"/?q={urllib.parse.quote(p)}" for p in [*PAYLOADS.values(), ALL, "skript", "script",
                                                       "borgerdialog", LONG_TOKEN[:900]]]
    reflected = [f"/?{name}={urllib.parse.quote(PAYLOADS['attribute'])}" for name in
                 ("journal", "decision", "from", "kle", "year", "sort", "page", "committee", "municipality")]
    return [*items, *meetings, "/committees", *committees[:4], *queries, *reflected,
            f"/items/{urllib.parse.quote(PAYLOADS['script'], safe='')}",
            "/?q=skript&sort=newest", "/?q=skript&per_page=1&page=2"]


def test_pages_escape_every_payload(hostile_client):
    pages = hostile_pages(hostile_client)
    shown_as_text = 0
    for path in pages:
        response = hostile_client.get(path)
        assert response.status_code in (200, 400, 404), path
        body = response.get_data(as_text=True)
        for raw in RAW:
            assert raw not in body, (path, raw)
        assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", body, re.IGNORECASE), path
        shown_as_text += "&lt;script&gt;window.__xss" in body
    assert shown_as_text >= 4   # the payloads are shown, escaped, not silently dropped


def test_snippets_are_escaped_text_with_only_mark_tags(hostile_client):
    for q in ("script", "skript", "xss", "window", "onerror", "langtord*"):
        for result in hostile_client.get("/api/search", query_string={"q": q}).get_json()["results"]:
            without_marks = result["snippet"].replace("<mark>", "").replace("</mark>", "")
            assert "<" not in without_marks and ">" not in without_marks, result["snippet"]


def test_json_atom_and_csv_carry_payloads_as_data(hostile_client):
    api = hostile_client.get("/api/search?q=skript")
    assert api.mimetype == "application/json" and api.headers["X-Content-Type-Options"] == "nosniff"
    assert any(PAYLOADS["script"] in r["title"] for r in api.get_json()["results"])

    atom = hostile_client.get("/search.atom?q=skript")
    root = ET.fromstring(atom.data)
    assert not any(e.tag.endswith(("script", "img", "svg")) for e in root.iter())
    titles = [e.text for e in root.iter() if e.tag.endswith("title")]
    assert any(PAYLOADS["script"] in (t or "") for t in titles)

    rows = list(csv.reader(io.StringIO(hostile_client.get("/search.csv?q=høring").get_data(as_text=True))))
    titles = [row[5] for row in rows[1:]]
    assert any("HYPERLINK" in t for t in titles)
    # A cell that a spreadsheet would run as a formula starts with a quote instead.
    assert not any(t[:1] in ("=", "+", "-", "@", "\t", "\r") for t in titles), titles


# -- in a real browser -----------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

INSPECT = """() => {
  const scripts = [...document.scripts].map(s => s.getAttribute("src") || "inline:" + s.textContent.slice(0, 40));
  const handlers = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith("on")) handlers.push(element.tagName + " " + attribute.name);
      if (/^\\s*javascript:/i.test(attribute.value) && ["href", "src", "action", "formaction"].includes(attribute.name))
        handlers.push(element.tagName + " " + attribute.name + "=" + attribute.value);
    }
  }
  return {
    xss: window.__xss === undefined ? null : String(window.__xss),
    scripts, handlers,
    foreign: document.querySelectorAll("img[src='x'], svg, iframe, object, embed").length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    text: document.body.innerText.includes('<script>window.__xss'),
  };
}"""


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing") if os.environ.get("CI") == "true" else pytest.skip("no Playwright")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing") if os.environ.get("CI") == "true" else pytest.skip("no Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hostile_server(hostile_config):
    process, url = start_server(hostile_config.file)
    yield url
    stop_server(process)


@pytest.mark.browser
@pytest.mark.parametrize("csp", ["csp-off", "csp-on"])
def test_no_payload_runs_or_breaks_the_layout_in_chromium(chromium, hostile_server, hostile_client, csp):
    # With the policy off, only escaping stands between a payload and the page.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=(csp == "csp-off"),
                                   locale="da-DK")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seen_as_text = 0
    try:
        for path in hostile_pages(hostile_client):
            page.goto(hostile_server + path)
            found = page.evaluate(INSPECT)
            assert found["xss"] is None, (path, found)
            assert found["handlers"] == [] and found["foreign"] == 0, (path, found)
            assert all(s.startswith("/static/") for s in found["scripts"]), (path, found["scripts"])
            assert found["overflow"] <= 1, (path, "the page is wider than the screen", found["overflow"])
            seen_as_text += found["text"]
        # Typing a payload into the search box and submitting it changes nothing either.
        page.goto(hostile_server + "/")
        page.get_by_label("Søgeord").fill(ALL)
        page.get_by_label("Søgeord").press("Enter")
        page.wait_for_load_state()
        assert page.evaluate(INSPECT)["xss"] is None
        assert page.get_by_label("Søgeord").input_value() == ALL   # the value attribute held
    finally:
        context.close()
    assert dialogs == [] and seen_as_text >= 4


# -- oversized requests, headers, errors (the real server) ------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def fetch(url: str) -> tuple[int, dict[str, str], bytes, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), time.monotonic() - started


@pytest.mark.parametrize("path, allowed", [
    ("/?q=" + "a" * 1024 * 1024, {413, 414, 431}),           # 1 MB query string
    ("/api/search?q=" + "a" * 1024 * 1024, {413, 414, 431}),
    ("/?q=" + "a" * 20000, {413, 414}),                      # under the server's header limit
    ("/api/search?per_page=1000000000", {400}),
    ("/api/search?page=1000000", {400}),
    ("/?page=1000000", {400}),
    ("/api/search?q=" + "a" * 2000, {400}),
    ("/api/search?" + "&".join(f"committee=c{n}" for n in range(200)), {400}),
])
def test_oversized_requests_are_refused(hostile_server, path, allowed):
    status, headers, body, _ = fetch(hostile_server + path)
    assert status in allowed
    assert b"Traceback" not in body


def test_every_kind_of_response_carries_the_security_headers(hostile_server):
    paths = ["/", "/?q=budget", "/api/search", "/api/openapi.json", "/committees", "/search.atom",
             "/search.csv", "/static/style.css", "/healthz", "/nowhere", "/api/nowhere", "/items/x",
             "/api/items/x", "/?from=never", "/api/search?sort=x", "/?q=" + "a" * 20000]
    for path in paths:
        status, headers, _, _ = fetch(hostile_server + path)
        for name in SECURITY_HEADERS:
            assert headers.get(name), (path, status, name)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_a_server_error_shows_a_request_id_and_no_trace(hostile_config, caplog):
    app = create_app(hostile_config)
    service = app.extensions["searchsvc"]

    def broken(*args, **kwargs):
        raise RuntimeError(f"secret detail {hostile_config.index_path}")

    service.view = broken
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        for path in ("/?q=budget", "/api/search?q=budget", "/api/items/frederiksberg-kommune-2021-05-03-33-x",
                     "/search.atom", "/items/frederiksberg-kommune-2021-05-03-33-x"):
            response = client.get(path)
            body = response.get_data(as_text=True)
            assert response.status_code == 500, path
            request_id = response.headers["X-Request-Id"]
            assert request_id in body
            for secret in ("Traceback", "RuntimeError", "secret detail", str(hostile_config.index_path), ".py"):
                assert secret not in body, (path, secret)
            assert all(response.headers.get(name) for name in SECURITY_HEADERS)
            logged = [r for r in caplog.records if request_id in r.getMessage()]
            assert logged and logged[0].exc_info and "secret detail" in str(logged[0].exc_info[1])
