"""Sources in config.toml that are missing or contradict each other, and the
``[server]`` keys for the request deadline and the public address."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SAMPLES, start_server, stop_server, write_config

from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.errors import ConfigError


def config_file(folder, sources: list[tuple[str, str]], extra: str = ""):
    return write_config(folder, [(Path(path), municipality) for path, municipality in sources], extra=extra)


# -- a second source on the same folder --------------------------------------------------

@pytest.mark.parametrize("second", ["minutes", "./minutes/", "{root}/minutes"])
def test_one_folder_with_two_municipalities_is_an_error_naming_both(tmp_path, second):
    (tmp_path / "minutes").mkdir()
    file = config_file(tmp_path, [("minutes", "Greve Kommune"),
                                  (second.format(root=tmp_path), "Aarhus Kommune")])
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    message = str(caught.value)
    for part in (str(file), "sources[1]", "Greve Kommune", "sources[2]", "Aarhus Kommune", "minutes"):
        assert part in message
    result = CliRunner().invoke(main, ["--config", str(file), "reindex"])
    assert result.exit_code == 2 and "Aarhus Kommune" in result.output


def test_one_folder_named_twice_for_one_municipality_is_allowed(tmp_path):
    (tmp_path / "minutes").mkdir()
    config = load_config(config_file(tmp_path, [("minutes", "Greve Kommune"), ("minutes/", "Greve Kommune")]))
    assert len(config.sources) == 2


# -- a missing source folder ---------------------------------------------------------------

@pytest.fixture
def unmounted(tmp_path):
    """A config with two sources, the samples indexed, then the second folder gone
    (an unmounted share); returns the config file."""
    from searchsvc.jobs.reindex import reindex

    shutil.copytree(SAMPLES, tmp_path / "samples")
    (tmp_path / "share").mkdir()
    file = config_file(tmp_path, [("samples", "Frederiksberg Kommune"), ("share", "Greve Kommune")])
    assert reindex(load_config(file), workers=1).failures == []
    (tmp_path / "share").rmdir()
    return file


def test_search_and_stats_warn_about_a_missing_source_and_answer(unmounted):
    for command in (["search", "jobcenter"], ["stats"]):
        result = CliRunner().invoke(main, ["--config", str(unmounted), *command])
        assert result.exit_code == 0, result.output
        assert f"warning: {unmounted}: sources[2].path" in result.stderr
        assert "share does not exist" in result.stderr
    found = CliRunner().invoke(main, ["--config", str(unmounted), "search", "jobcenter"]).stdout
    assert found.split(" resultater")[0].isdigit() and not found.startswith("0 ")


def test_reindex_still_refuses_a_missing_source(unmounted):
    # Reading the sources with one missing would remove all of its items from the index.
    result = CliRunner().invoke(main, ["--config", str(unmounted), "reindex"])
    assert result.exit_code == 2
    assert "share does not exist" in result.output


def test_serve_warns_about_a_missing_source_and_serves(unmounted):
    process, url = start_server(unmounted, "--workers", "1")
    try:
        with urllib.request.urlopen(url + "/api/search?q=jobcenter", timeout=30) as response:
            assert response.status == 200
        process.log.seek(0)
        assert "share does not exist" in process.log.read()
    finally:
        stop_server(process)


def test_the_library_reads_a_config_with_a_missing_source_for_reading_only(tmp_path):
    file = config_file(tmp_path, [("gone", "Greve Kommune")])
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(file)
    config = load_config(file, sources_required=False)
    assert config.sources[0].path == tmp_path / "gone"
    assert len(config.warnings) == 1 and "gone does not exist" in config.warnings[0]


# -- [server] request_timeout and public_url ------------------------------------------------

def test_server_keys_have_defaults_and_are_read(tmp_path):
    defaults = load_config(config_file(tmp_path, [])).server
    assert defaults.public_url is None and defaults.slow_lane is True
    config = load_config(config_file(tmp_path, [], '[server]\nrequest_timeout = 2.5\n'
                                                  'public_url = "https://referater.example.dk/"\nslow_lane = false\n'))
    assert config.server.request_timeout == 2.5
    assert config.server.public_url == "https://referater.example.dk"
    assert config.server.slow_lane is False


@pytest.mark.parametrize("line, message", [
    ("request_timeout = 0", "request_timeout must be a number of seconds"),
    ('request_timeout = "10"', "request_timeout must be a number of seconds"),
    ('public_url = "referater.example.dk"', "public_url must be an http or https URL"),
    ('public_url = "ftp://referater.example.dk"', "public_url must be an http or https URL"),
    ('public_url = "https://referater.example.dk/?x=1"', "public_url must be an http or https URL"),
    ('public_url = "http://[::1"', "public_url must be an http or https URL"),
    ("public_url = 5", "public_url must be an http or https URL"),
    ('slow_lane = "no"', "slow_lane must be true or false"),
])
def test_bad_server_keys_are_clear_errors(tmp_path, line, message):
    file = config_file(tmp_path, [], f"[server]\n{line}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(file)
    assert str(file) in str(caught.value)
