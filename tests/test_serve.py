"""``searchsvc serve``: the real waitress server in its own process, over the indexed samples."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from click.testing import CliRunner

from searchsvc.cli import main
from searchsvc.reindex import reindex


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_prints_its_address_and_serves_pages_and_api(live_server):
    assert live_server.startswith("http://127.0.0.1:")
    status, headers, body = fetch(live_server + "/?q=jobcenter")
    assert status == 200
    assert "Content-Security-Policy" in headers
    assert "4 resultater" in body.decode()
    status, headers, body = fetch(live_server + "/api/search?page=0")
    assert status == 400
    assert json.loads(body)["param"] == "page"
    assert "Traceback" not in body.decode()


def test_a_reindex_while_serving_is_visible_on_the_next_request(sample_index, live_server):
    assert json.loads(fetch(live_server + "/healthz")[2]) == {"status": "ok", "items": 10}
    (sample_index.sources[0].path / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt").unlink()
    report = reindex(sample_index, workers=1)
    assert report.items_removed == 4
    assert json.loads(fetch(live_server + "/healthz")[2])["items"] == 6
    assert json.loads(fetch(live_server + "/api/search?year=2021")[2])["total"] == 0
    status, _, _ = fetch(live_server + "/items/frederiksberg-kommune-2021-05-03-33-b9322367")
    assert status == 404


def test_serve_help_names_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--threads", "waitress"):
        assert option in result.output


def test_serve_refuses_a_bad_port():
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
