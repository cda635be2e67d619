"""`searchsvc fetch` against a real HTTP server on 127.0.0.1 replaying real Greve meetings:
first and repeated fetches, new and changed meetings, each injected fault, the CLI's exit
codes, and `reindex --fetch` ending with the items searchable."""

from __future__ import annotations

import fcntl
import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from click.testing import CliRunner

from portal_replay import PortalReplay
from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.jobs.fetch import LIST_PATH, STATE_FILE, fetch
from searchsvc.jobs.portal_client import PortalClient
from helpers import require_corpus


@pytest.fixture(scope="session")
def greve_files():
    """15 real Greve meetings across the committees and years (every 23rd file)."""
    files = sorted(require_corpus("greve").glob("*.json"))[::23]
    assert len(files) == 15
    return files


@pytest.fixture
def portal(greve_files):
    with PortalReplay(greve_files, stall=1.0) as replay:
        yield replay


def portal_config(folder, portal, *, extra: str = ""):
    file = folder / "config.toml"
    file.write_text(
        '[index]\npath = "index"\n[fetch]\npause = 0\ntimeout = 0.4\nretries = 1\n'
        f'[[sources]]\nmunicipality = "Greve Kommune"\nportal = "{portal.url}"\n{extra}',
        encoding="utf-8",
    )
    return file


@pytest.fixture
def config(tmp_path, portal):
    return load_config(portal_config(tmp_path, portal))


class Clients:
    """Makes the real client, recording its waits instead of sleeping them."""

    def __init__(self, **options) -> None:
        self.sleeps: list[float] = []
        self.options = options

    def __call__(self, base_url, settings):
        return PortalClient(base_url, pause=settings.pause, timeout=settings.timeout, retries=settings.retries,
                            backoff=0.01, sleep=self.sleeps.append, **self.options)


def run(config, **options):
    return fetch(config, client=Clients(), **options)


def folder_of(config):
    return config.sources[0].path


def meeting_files(config):
    return sorted(p.name for p in folder_of(config).glob("*.json") if not p.name.startswith("."))


def test_the_replay_answers_302_without_a_session_cookie(portal):
    request = urllib.request.Request(portal.url + LIST_PATH)
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *a: None}))
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=5)
    assert answer.value.code == 302 and answer.value.headers["Location"] == "/"


def test_first_fetch_writes_every_meeting_as_served(config, portal, greve_files):
    report = run(config)
    assert report.failures == []
    [source] = report.sources
    assert (source.seen, source.new, source.changed, source.failed, source.committees) == (15, 15, 0, 0, 9)
    folder = folder_of(config)
    assert folder == config.index_path.parent / "minutes" / "greve"
    for original in greve_files:  # the Greve naming, byte for byte what the API served
        assert (folder / original.name).read_bytes() == original.read_bytes()
    assert len(json.loads((folder / STATE_FILE).read_text())["meetings"]) == 15
    assert portal.requests[0] == "/"  # the session cookie first
    assert "15 seen, 15 new, 0 changed, 0 failed" in report.summary()


def test_second_fetch_downloads_nothing(config, portal):
    run(config)
    before = len(portal.requests)
    report = run(config)
    assert (report.total("unchanged"), report.total("new"), report.total("changed")) == (15, 0, 0)
    assert [p for p in portal.requests[before:] if "dagsorden" in p] == []


def test_a_new_meeting_is_fetched_alone(tmp_path, greve_files):
    with PortalReplay(greve_files[:-1]) as portal:
        config = load_config(portal_config(tmp_path, portal))
        assert run(config).total("new") == 14
        new_id = portal.add(greve_files[-1].read_bytes())
        before = len(portal.requests)
        report = run(config)
        assert (report.total("new"), report.total("changed"), report.total("unchanged")) == (1, 0, 14)
        assert [p for p in portal.requests[before:] if "dagsorden" in p] == [f"/api/agenda/dagsorden/{new_id}"]
        assert (folder_of(config) / greve_files[-1].name).is_file()


def test_a_changed_released_date_fetches_the_meeting_again(config, portal, greve_files):
    run(config)
    meeting_id = json.loads(greve_files[3].read_bytes())["Id"]
    portal.change(meeting_id, "</h3>", "</h3><p>Rettelse: ferskvandsfisk.</p>")
    before = len(portal.requests)
    report = run(config)
    assert (report.total("changed"), report.total("new"), report.total("unchanged")) == (1, 0, 14)
    assert portal.api_requests(meeting_id) == 2 and len(portal.requests) - before == 3
    assert "ferskvandsfisk" in (folder_of(config) / greve_files[3].name).read_text("utf-8")


def test_a_moved_meeting_leaves_one_file_even_without_the_state(config, portal, greve_files):
    """The state file lost (deleted, unreadable), then a meeting moved to another hour:
    its file under the old name goes, as when the state names it (found by
    bench/reliability/fetchkills.py: the meeting was left in two files)."""
    run(config)
    (folder_of(config) / ".fetch-state.json").unlink()
    document = json.loads(greve_files[5].read_bytes())
    dato = document["Moede"]["Dato"]
    moved = dato[:11] + f"{(int(dato[11:13]) + 1) % 24:02d}" + dato[13:]
    portal.change(document["Id"], f'"{dato}"', f'"{moved}"')
    assert run(config).failures == []
    files = [name for name in meeting_files(config) if name.endswith(f"_{document['Id']}.json")]
    assert len(files) == 1 and moved[:13] in files[0]
    assert len(meeting_files(config)) == 15


def test_a_killed_runs_half_written_file_is_removed(config, portal):
    folder_of(config).mkdir(parents=True)
    stale = folder_of(config) / ".Byråd_2022-01-14_x.json.tmp"   # as a SIGKILL mid-write leaves it
    stale.write_bytes(b'{"Id": "half a')
    assert run(config).failures == []
    assert not stale.exists() and len(meeting_files(config)) == 15


@pytest.mark.parametrize("fault, reason", [
    ("500", "HTTP 500 (2 attempts)"),
    ("timeout", "no answer within 0.4 s (timeout) (2 attempts)"),
    ("truncated", "not a meeting document: not valid JSON"),
    ("redirect-loop", "a redirect loop"),
])
def test_a_failing_meeting_is_reported_and_fetched_next_run(config, portal, greve_files, fault, reason):
    broken = json.loads(greve_files[5].read_bytes())["Id"]
    portal.faults[broken] = fault
    report = run(config)
    [(url, why)] = report.failures
    assert url == f"{portal.url}/api/agenda/dagsorden/{broken}" and reason in why
    assert (report.total("new"), report.total("failed")) == (14, 1)
    assert not (folder_of(config) / greve_files[5].name).exists()
    del portal.faults[broken]
    report = run(config)  # not recorded as fetched: tried again
    assert (report.failures, report.total("new"), report.total("unchanged")) == ([], 1, 14)


def test_a_bad_answer_never_replaces_a_good_file(config, portal, greve_files):
    run(config)
    path = folder_of(config) / greve_files[2].name
    good = path.read_bytes()
    meeting_id = json.loads(good)["Id"]
    portal.change(meeting_id, "</h3>", "</h3><p>Rettelse.</p>")
    portal.faults[meeting_id] = "truncated"
    report = run(config)
    assert report.total("failed") == 1 and path.read_bytes() == good
    assert [p.name for p in folder_of(config).glob(".*.tmp")] == []
    del portal.faults[meeting_id]
    report = run(config)  # the change is still pending, and now arrives
    assert report.total("changed") == 1 and b"Rettelse" in path.read_bytes()


@pytest.mark.parametrize("fault", ["500-once", "timeout-once", "retry-after", "session-expired"])
def test_passing_trouble_is_retried(config, portal, greve_files, fault):
    meeting_id = json.loads(greve_files[7].read_bytes())["Id"]
    portal.faults[meeting_id] = fault
    clients = Clients()
    report = fetch(config, client=clients)
    assert report.failures == [] and report.total("new") == 15
    assert portal.api_requests(meeting_id) == 2
    if fault == "retry-after":
        assert clients.sleeps == [7.0]  # the portal's Retry-After, not the backoff
    elif fault == "session-expired":
        assert clients.sleeps == [] and portal.requests.count("/") == 2  # a new session, no wait


def test_an_answer_over_the_size_limit_is_refused(config, portal, greve_files):
    sizes = sorted((path.stat().st_size, path.name) for path in greve_files)
    limit = sizes[-1][0] - 1
    report = fetch(config, client=Clients(max_bytes=limit))
    [(url, why)] = report.failures
    assert "larger than" in why and report.total("new") == 14
    assert not (folder_of(config) / sizes[-1][1]).exists()


def test_an_unreadable_committee_list_fails_the_portal_and_keeps_its_files(config, portal):
    run(config)
    portal.list_fault = "500"
    report = run(config)
    assert report.failures == [(portal.url + LIST_PATH, "HTTP 500 (2 attempts)")]
    assert len(meeting_files(config)) == 15
    assert "(1 unreadable)" in report.summary()


def test_since_and_committees_limit_what_is_fetched(tmp_path, portal):
    config = load_config(portal_config(
        tmp_path, portal, extra='committees = ["Byråd", "Økonomiudvalget", "Naboudvalget"]\n'))
    report = run(config, since=date(2024, 1, 1))
    names = meeting_files(config)
    assert names and all(n.startswith(("Byråd 2022-2025_", "Økonomiudvalget_")) and n.split("_")[1] >= "2024"
                         for n in names)
    assert report.total("new") == len(names) < 15
    assert report.warnings == ["Greve Kommune: the portal lists no committee named 'Naboudvalget'"]


def test_dry_run_lists_and_writes_nothing(config, portal):
    report = run(config, dry_run=True)
    assert report.total("new") == 15 and len(report.sources[0].planned) == 15
    assert not folder_of(config).exists()
    assert [p for p in portal.requests if "dagsorden" in p] == []


# -- the command ------------------------------------------------------------------------


def test_fetch_command_exit_codes(tmp_path, portal, greve_files):
    file = portal_config(tmp_path, portal)
    runner = CliRunner()
    first = runner.invoke(main, ["--config", str(file), "fetch"])
    assert first.exit_code == 0, first.output
    assert "15 seen, 15 new, 0 changed, 0 failed" in first.output
    meeting_id = json.loads(greve_files[0].read_bytes())["Id"]
    portal.change(meeting_id, "</h3>", "</h3><p>Rettelse.</p>")
    portal.faults[meeting_id] = "truncated"
    failed = runner.invoke(main, ["--config", str(file), "fetch"])
    assert failed.exit_code == 1
    assert f"failed: {portal.url}/api/agenda/dagsorden/{meeting_id}: not a meeting document" in failed.output
    unknown = runner.invoke(main, ["--config", str(file), "fetch", "--source", "Roskilde Kommune"])
    assert unknown.exit_code == 2 and "no source with a portal is named" in unknown.output
    folder_only = tmp_path / "folder.toml"
    folder_only.write_text(f'[[sources]]\npath = "{tmp_path}"\nmunicipality = "Greve Kommune"\n')
    no_portal = runner.invoke(main, ["--config", str(folder_only), "fetch"])
    assert no_portal.exit_code == 2 and "no [[sources]] entry names a portal" in no_portal.output
    with open(tmp_path / "minutes" / "greve" / ".fetch.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        locked = runner.invoke(main, ["--config", str(file), "fetch"])
    assert locked.exit_code == 3 and "another fetch is writing" in locked.output


def test_reindex_fetch_makes_the_portal_searchable(tmp_path, portal, greve_files):
    from searchsvc.search import SearchRequest, SearchService

    file = portal_config(tmp_path, portal)
    result = CliRunner().invoke(main, ["--config", str(file), "reindex", "--fetch", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "15 new" in result.output and "15 files: 15 parsed" in result.output
    results = SearchService.open(load_config(file)).search(SearchRequest(q="", per_page=100))
    expected = sum(len(json.loads(p.read_bytes())["Dagsordenpunkter"]) for p in greve_files)
    assert results.total == expected
    # Attendance notes ("Afbud: Bjarke Abel" under the decision) stay out of snippets.
    hits = SearchService.open(load_config(file)).search(SearchRequest(q="Bjarke Abel", per_page=100)).results
    assert hits and not [hit["snippet"] for hit in hits if "Afbud" in (hit["snippet"] or "")]
    again = CliRunner().invoke(main, ["--config", str(file), "reindex", "--fetch", "--workers", "1"])
    assert again.exit_code == 0 and "0 new, 0 changed" in again.output and "15 unchanged" in again.output


def test_fetched_items_link_back_to_the_portal(tmp_path, portal, greve_files):
    from searchsvc.web import create_app

    file = portal_config(tmp_path, portal)
    result = CliRunner().invoke(main, ["--config", str(file), "reindex", "--fetch", "--workers", "1"])
    assert result.exit_code == 0, result.output
    client = create_app(load_config(file)).test_client()
    document = json.loads(greve_files[6].read_bytes())
    [raw] = [i for i in document["Dagsordenpunkter"] if i["Bilag"]][:1]
    hits = client.get("/api/search", query_string={"q": f'"{raw["Navn"]}"', "per_page": 100}).get_json()
    [hit] = [h for h in hits["results"] if h["title"] == raw["Navn"] and h["item_number"] == int(raw["Punktnummer"])]
    item = client.get(f"/api/items/{hit['id']}").get_json()
    assert item["source_url"] == f"{portal.url}/vis?id={document['Id']}&punktid={raw['Id']}"
    assert item["attachments"][0] == {"title": raw["Bilag"][0]["Navn"],
                                      "url": f"{portal.url}/Vis/Pdf/bilag/{raw['Bilag'][0]['Id']}"}
    page = client.get(f"/items/{hit['id']}").get_data(as_text=True)
    assert f'href="{portal.url}/vis?id={document["Id"]}&amp;punktid={raw["Id"]}"' in page
    assert "Se punktet hos Greve Kommune" in page
    meeting = client.get(f"/api/meetings/{item['meeting_id']}").get_json()
    assert meeting["source_url"] == f"{portal.url}/vis?id={document['Id']}"
    listed = document["Moede"]["Moededeltagere"]
    assert [a["name"] for a in meeting["attendees"]] == [a["Name"] for a in listed]
    meeting_page = client.get(f"/meetings/{item['meeting_id']}").get_data(as_text=True)
    assert "Mødedeltagere" in meeting_page and listed[0]["Name"] in meeting_page


def test_a_portal_that_is_down_is_reported_by_url(tmp_path, greve_files):
    with PortalReplay(greve_files[:1]) as portal:
        config = load_config(portal_config(tmp_path, portal))
    # The server has stopped: its port refuses connections.
    report = run(config)
    [(url, why)] = report.failures
    assert url == portal.url + "/" and why.startswith("connection failed") and "(opening a session)" in why
    assert report.sources[0].error and report.total("seen") == 0
