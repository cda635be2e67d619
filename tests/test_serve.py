"""``searchsvc serve``: the real waitress server in its own process, over the indexed samples."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from searchsvc.cli import main
from searchsvc.jobs.reindex import reindex
from helpers import start_server, stop_server


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_prints_its_address_and_serves_pages_and_api(shared_live_server):
    assert shared_live_server.startswith("http://127.0.0.1:")
    status, headers, body = fetch(shared_live_server + "/?q=jobcenter")
    assert status == 200
    assert "Content-Security-Policy" in headers
    assert "5 resultater" in body.decode()
    status, headers, body = fetch(shared_live_server + "/api/search?page=0")
    assert status == 400
    assert json.loads(body)["param"] == "page"
    assert "Traceback" not in body.decode()


def test_a_reindex_while_serving_is_visible_on_the_next_request(sample_index, live_server):
    assert json.loads(fetch(live_server + "/healthz")[2]) == {"status": "ok", "items": 10}
    (sample_index.sources[0].path / "Arbejdsmarkeds- og Uddannelsesudvalget_2021-05-03.txt").unlink()
    report = reindex(sample_index, workers=1)
    assert report.items_removed == 4
    # Requests go to either of the two server processes; none answers from before the reindex.
    for _ in range(8):
        assert json.loads(fetch(live_server + "/healthz")[2])["items"] == 6
    assert json.loads(fetch(live_server + "/api/search?year=2021")[2])["total"] == 0
    status, _, _ = fetch(live_server + "/items/frederiksberg-kommune-2021-05-03-33-b9322367")
    assert status == 404


def test_serve_help_names_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--threads", "--workers", "waitress"):
        assert option in result.output


def test_serve_refuses_a_bad_port():
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2


def children(pid: int) -> set[int]:
    """The live child processes of ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def wait_for(condition, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    return condition()


def test_workers_share_the_port_and_one_that_dies_is_replaced(shared_sample_index):
    process, url = start_server(shared_sample_index.file, "--workers", "3")
    try:
        # Three workers and the slow lane (search/slowlane.py), which lowers its priority.
        found = wait_for(lambda: len(children(process.pid)) == 4 and children(process.pid))
        assert len(found) == 4
        lane = wait_for(lambda: [pid for pid in found if niceness(pid) > niceness(process.pid)])
        assert len(lane) == 1
        workers = found - set(lane)
        assert all(fetch(url + "/api/search?q=jobcenter")[0] == 200 for _ in range(6))
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        replaced = wait_for(lambda: (found := children(process.pid)) and len(found) == 4
                            and victim not in found and found)
        assert replaced and victim not in replaced
        assert all(fetch(url + "/healthz")[0] == 200 for _ in range(6))
        process.terminate()
        assert process.wait(timeout=15) == 0
        assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in replaced))
    finally:
        stop_server(process)


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_serve_on_a_taken_port_is_a_clear_error(shared_sample_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for workers in ("1", "2"):
            result = CliRunner().invoke(main, ["--config", str(shared_sample_index.file), "serve", "--host", "127.0.0.1",
                                               "--port", str(port), "--workers", workers])
            assert result.exit_code == 1, result.output
            assert "cannot listen on 127.0.0.1" in result.output
            assert "Traceback" not in result.output
