"""Expensive searches run apart (issue 18, item 8): ``search/cost.py`` picks them from the
query text, ``search/slowlane.py`` runs them in a niced process one at a time, and a
search that cannot get in line is refused with a 503 and Retry-After, never run."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from helpers import start_server, stop_server
from test_serve import children, niceness, wait_for

from searchsvc.errors import Busy
from searchsvc.search import SearchRequest, SearchService
from searchsvc.search.cost import estimate
from searchsvc.search.slowlane import NICE, LaneClient, LaneSocket, run_lane
from searchsvc.web import create_app

# Expensive (two prefixes) and matched as typed: no lenient retry, which a search skips
# when past its time budget (searching.EXTRAS_SECONDS), so the answer cannot depend on load.
EXPENSIVE = "jobc* borg*"
ORDINARY = ["skole", "jobcenter borger", '"budget 2024"', "klimahandlingsp*", "initiativretsforslag OR evaluering",
            "lokalplan igangsættelse udviklingen", "skole -(plan OR budget)", "journal:15.04"]


def test_the_estimate_picks_long_and_prefix_queries_and_no_ordinary_ones():
    for q in ORDINARY + ["", "a b c d e f g h"]:
        assert not estimate(q).expensive, q
    for q in [EXPENSIVE, "jobcenter borger kommune udvalg beslutning aftale plan budget skole", "sk*", "ko* by*", '"a b c d e f g h i"', "skole -(a b c d e f g h)",
              " OR ".join(f"x{n}y*" for n in range(125)), "(" * 323 + "a b c d e f g h i" + ")" * 323]:
        assert estimate(q).expensive, q
    assert estimate("skole* plan").prefixes == ("skole",)


def _lane_thread(lane: LaneSocket, service: SearchService) -> threading.Thread:
    thread = threading.Thread(target=run_lane, args=(lane, service), daemon=True)
    thread.start()
    return thread


def test_the_lane_answers_as_the_service_would_and_refuses_a_request_that_waited_too_long(shared_sample_index):
    lane = LaneSocket()
    service = SearchService.open(shared_sample_index)
    request = SearchRequest(q=EXPENSIVE, per_page=7)
    lane_thread = None
    try:
        client = LaneClient(lane.path, wait_seconds=0.2)
        refused: list[BaseException] = []

        def ask() -> None:
            try:
                client.search(request, True)
            except BaseException as error:  # noqa: BLE001  # the test reads it
                refused.append(error)

        waiting = threading.Thread(target=ask)
        waiting.start()
        assert wait_for(lambda: client.in_flight == 1)
        time.sleep(0.3)  # past the request's deadline before the lane takes it
        lane_thread = _lane_thread(lane, SearchService.open(shared_sample_index))
        waiting.join(timeout=30)
        assert len(refused) == 1 and isinstance(refused[0], Busy)
        assert refused[0].retry_after == 0.2 and "try again" in str(refused[0])
        # In time, the lane answers what the service itself would.
        client.wait_seconds = 30
        answered = client.search(request, True)
        expected = service.search(request)
        assert answered.total == expected.total > 0
        assert [r["id"] for r in answered.results] == [r["id"] for r in expected.results]
        assert client.in_flight == 0
    finally:
        lane.close()
    assert lane_thread is not None
    lane_thread.join(timeout=10)
    assert not lane_thread.is_alive()


def test_a_full_lane_answers_503_with_retry_after_and_ordinary_searches_still_run(shared_sample_index):
    lane = LaneSocket()
    service = SearchService.open(shared_sample_index)
    service.lane = LaneClient(lane.path, wait_seconds=30, waiting=1)
    app = create_app(shared_sample_index, service=service)
    first: list[int] = []
    expensive = "/api/search?q=" + quote(EXPENSIVE)
    try:
        # The lane is not running yet: the first expensive search waits in line, and
        # takes this process's only place there.
        holder = threading.Thread(target=lambda: first.append(app.test_client().get(expensive).status_code))
        holder.start()
        assert wait_for(lambda: service.lane.in_flight == 1)
        client = app.test_client()
        response = client.get(expensive + "&per_page=5")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert response.get_json()["param"] == "q" and "try again" in response.get_json()["error"]
        page = client.get("/?q=" + quote(EXPENSIVE))
        assert page.status_code == 503 and "Retry-After" in page.headers
        assert "travlt med andre omfattende søgninger" in page.get_data(as_text=True)
        assert client.get("/api/search?q=jobcenter").status_code == 200  # not expensive: runs here
        _lane_thread(lane, SearchService.open(shared_sample_index))
        holder.join(timeout=30)
        assert first == [200]
    finally:
        lane.close()


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_runs_a_niced_lane_beside_its_workers(shared_sample_index, sample_service, workers):
    process, url = start_server(shared_sample_index.file, "--workers", workers)
    try:
        expected_children = 1 if workers == "1" else 3  # workers == 1: the server process serves itself
        found = wait_for(lambda: (found := children(process.pid)) and len(found) == expected_children
                         and any(niceness(pid) == niceness(process.pid) + NICE for pid in found) and found)
        assert found
        lanes = [pid for pid in found if niceness(pid) == niceness(process.pid) + NICE]
        assert len(lanes) == 1, {pid: niceness(pid) for pid in found}
        expected = sample_service.search(SearchRequest(q=EXPENSIVE, per_page=4))
        status, body = _get(url + "/api/search?per_page=4&q=" + quote(EXPENSIVE))
        assert status == 200 and body["total"] == expected.total > 0
        assert [r["id"] for r in body["results"]] == [r["id"] for r in expected.results]
        os.kill(lanes[0], signal.SIGKILL)
        # Without its lane the server still answers (the search runs in the worker);
        # with several workers the supervisor starts another lane.
        status, body = _get(url + "/api/search?per_page=3&q=" + quote(EXPENSIVE))
        assert status == 200 and body["total"] == expected.total
        if workers == "2":
            assert wait_for(lambda: any(niceness(pid) == niceness(process.pid) + NICE and pid != lanes[0]
                                        for pid in children(process.pid)))
    finally:
        stop_server(process)
