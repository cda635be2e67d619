"""``searchsvc serve``'s access log (issue 17): a line per request with method, path
without its query string, status, bytes, milliseconds and the request id; standard output
or a file from [server] access_log; ``--help`` lists every configuration key."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from helpers import start_server, stop_server, write_config
from searchsvc.cli import main

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) "
                  r"(?P<bytes>\d+) B (?P<ms>\d+) ms id=(?P<id>[0-9a-f]{12})$")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _lines(read, count: int, seconds: float = 10) -> list[re.Match]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(read()) < count:
        time.sleep(0.05)
    return [LINE.match(line.rstrip("\n")) for line in read()]


def test_a_line_per_request_to_a_file_without_the_query(shared_sample_index, tmp_path):
    config = write_config(tmp_path, [], extra=f'\n[server]\naccess_log = "{tmp_path / "access.log"}"\n')
    config.write_text(config.read_text().replace('path = "index"', f'path = "{shared_sample_index.index_path}"'))
    process, url = start_server(config, "--workers", "1")
    try:
        status, body = _get(url + "/?q=Mehmet+Zeki+Dogru")
        missing, error_body = _get(url + "/items/nothing-here")
        log = tmp_path / "access.log"
        found = _lines(lambda: log.read_text().splitlines(), 2)
    finally:
        stop_server(process)
    assert status == 200 and missing == 404
    assert all(found), found
    search, not_found = found[:2]
    assert (search["method"], search["path"], search["status"]) == ("GET", "/", "200")
    assert int(search["bytes"]) == len(body)
    assert "Dogru" not in log.read_text()  # the query string is never written
    assert (not_found["path"], not_found["status"], int(not_found["bytes"])) == ("/items/nothing-here", "404",
                                                                                  len(error_body))
    assert search["id"] != not_found["id"]


def test_access_log_on_standard_output_by_default(shared_sample_index):
    process, url = start_server(shared_sample_index.file, "--workers", "1")
    try:
        status, _ = _get(url + "/static/style.css?v=1")
        found = _lines(lambda: process.access_log, 1)
    finally:
        stop_server(process)
    assert status == 200 and found and found[0]
    assert (found[0]["path"], found[0]["status"]) == ("/static/style.css", "200")


def test_help_lists_every_configuration_key():
    source = (Path(__file__).resolve().parents[1] / "searchsvc" / "config.py").read_text()
    keys = set(re.findall(r'\.get\("([a-z_]+)"', source)) - {"sources"}
    assert {"path", "municipality", "access_log", "public_url", "follow_symlinks"} <= keys
    output = CliRunner().invoke(main, ["--help"]).output
    missing = [key for key in keys if not re.search(rf"\b{key}\b", output)]
    assert missing == []
