"""Reading config.toml: defaults, relative paths, and one-line errors with exit code 2."""

import pytest
from click.testing import CliRunner

from searchsvc.cli import main
from searchsvc.config import load_config
from searchsvc.errors import ConfigError


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    (tmp_path / "minutes").mkdir()
    file = tmp_path / "config.toml"
    file.write_text('[index]\npath = "data"\n[[sources]]\npath = "minutes"\nmunicipality = "Greve Kommune"\n')
    config = load_config(file)
    assert config.index_path == tmp_path / "data"
    assert config.sources[0].path == tmp_path / "minutes"
    assert config.sources[0].format == "auto"
    assert (config.server.host, config.server.port) == ("127.0.0.1", 5000)


def test_environment_variable_names_the_file(tmp_path, monkeypatch):
    file = tmp_path / "other.toml"
    file.write_text('[server]\nport = 8080\n')
    monkeypatch.setenv("SEARCHSVC_CONFIG", str(file))
    assert load_config().server.port == 8080


@pytest.mark.parametrize("text, message", [
    ("[index\npath = 1", "not valid TOML"),
    ('[[sources]]\npath = "nowhere"\nmunicipality = "X"\n', "does not exist"),
    ('[[sources]]\npath = "."\n', "municipality must be a non-empty string"),
    ('[[sources]]\npath = "."\nmunicipality = "X"\nformat = "docx"\n', "format 'docx' is not one of"),
    ('[server]\nport = "80"\n', "server.port must be a whole number"),
    ('[server]\nworkers = 0\n', "server.workers must be a whole number from 1 to 64"),
    ('sources = "samples"\n', "sources must be an array of tables"),
])
def test_malformed_config_is_a_clear_error(tmp_path, text, message):
    file = tmp_path / "config.toml"
    file.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(file)
    assert str(file) in str(caught.value)


@pytest.mark.parametrize("command", [["reindex"], ["search", "x"], ["stats"]])
def test_cli_config_errors_exit_2_with_one_line(tmp_path, command):
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "missing.toml"), *command])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "missing.toml: no such configuration file" in lines[0]


def test_a_portal_source_by_name_alone(tmp_path):
    file = tmp_path / "config.toml"
    file.write_text('[index]\npath = "data/index"\n[[sources]]\nmunicipality = "Hvidovre Kommune"\nportal = "auto"\n'
                    'since = "2020-01-01"\ncommittees = ["Økonomiudvalget"]\n'
                    '[[sources]]\nmunicipality = "Greve Kommune"\nportal = "http://127.0.0.1:8765/"\n'
                    '[[sources]]\nmunicipality = "Køge Kommune"\n')
    hvidovre, greve, koege = load_config(file).sources
    assert (koege.portal, koege.path) == ("https://dagsordener.koege.dk", tmp_path / "data" / "minutes" / "koege")
    assert hvidovre.portal == "https://dagsordener-referater.hvidovre.dk"
    assert hvidovre.path == tmp_path / "data" / "minutes" / "hvidovre"  # need not exist yet
    assert (str(hvidovre.since), hvidovre.committees) == ("2020-01-01", ("Økonomiudvalget",))
    assert greve.portal == "http://127.0.0.1:8765" and greve.path == tmp_path / "data" / "minutes" / "greve"


@pytest.mark.parametrize("entry, message", [
    ('municipality = "Aalborg Kommune"\nportal = "auto"', r"Aalborg Kommune does not publish through FirstAgenda \(own web"),
    ('municipality = "København Kommune"', "has no path, and København Kommune does not publish through FirstAgenda"),
    ('municipality = "Gotham Kommune"\nportal = "auto"', "is not in the table of FirstAgenda portals"),
    ('municipality = "X"\nportal = "http://dagsordener.greve.dk"', "plain http only on 127.0.0.1"),
    ('municipality = "X"\nportal = "ftp://dagsordener.greve.dk"', "is not a portal address"),
    ('municipality = "X"\nportal = "https://dagsordener.greve.dk/vis"', "without a path"),
    ('municipality = "Greve Kommune"\nportal = "auto"\nsince = "last year"', "since must be a date"),
    ('municipality = "Greve Kommune"\nportal = "auto"\ncommittees = "Byråd"', "committees must be a list"),
])
def test_malformed_portal_source_is_a_clear_error(tmp_path, entry, message):
    file = tmp_path / "config.toml"
    file.write_text(f"[[sources]]\n{entry}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(file)
