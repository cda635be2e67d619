"""The searchsvc command on the seed meetings: search output, JSON document, stats."""

import json

import pytest
from click.testing import CliRunner

from searchsvc.cli import main


def invoke(config, *args):
    return CliRunner().invoke(main, ["--config", str(config.file), *args])


def test_search_before_first_reindex_says_how_to_build(sample_config):
    result = invoke(sample_config, "search", "borgerdialog")
    assert result.exit_code == 1
    assert "index" in result.output and "searchsvc reindex" in result.output


def test_plain_search_output(shared_sample_index):
    result = invoke(shared_sample_index, "search", "borgerdialog")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 resultater (viser 1-2)"
    assert lines[1] == "2021-05-03  Arbejdsmarkeds- og Uddannelsesudvalget  punkt 33"
    assert lines[2].strip() == 'Opfølgning på projekt "Borgerdialog i fokus"'
    assert "15.04.10-P20-3-20  taget-til-efterretning  /items/" in lines[3]


def test_json_document_shape(shared_sample_index):
    result = invoke(shared_sample_index, "search", "borgerdialog", "--json")
    doc = json.loads(result.output)
    assert set(doc) >= {"query", "total", "page", "per_page", "results", "facets", "suggestion"}
    assert (doc["query"], doc["total"], doc["page"], doc["per_page"]) == ("borgerdialog", 2, 1, 20)
    top = doc["results"][0]
    assert set(top) >= {"id", "title", "municipality", "committee", "date", "item_number",
                        "journal_number", "decisions", "closed", "snippet", "url", "score"}
    assert top["municipality"] == "Frederiksberg Kommune"
    assert top["journal_number"] == "15.04.10-P20-3-20"
    assert top["url"] == f"/items/{top['id']}"
    assert "<mark>Borgerdialog</mark>" in top["snippet"]
    assert top["score"] > 0
    assert set(doc["facets"]) == {"municipality", "committee", "year", "decision", "kle", "status",
                                 "deltager", "fravaer"}
    assert top["status"] == "referat" and doc["facets"]["status"] == [{"value": "referat", "label": "Referat", "count": 2}]
    assert {"value": "15", "label": "Arbejdsmarked og beskæftigelsesindsats", "count": 1} in doc["facets"]["kle"]


def test_filters_from_the_command_line(shared_sample_index):
    result = invoke(shared_sample_index, "search", "--decision", "udsat", "--json")
    doc = json.loads(result.output)
    assert doc["total"] == 1 and doc["results"][0]["item_number"] == 35
    result = invoke(shared_sample_index, "search", "--committee", "Arbejdsmarkeds- og Uddannelsesudvalget",
                    "--sort", "oldest", "--limit", "2", "--json")
    doc = json.loads(result.output)
    assert doc["total"] == 4 and [r["item_number"] for r in doc["results"]] == [32, 33]


def test_bad_option_is_a_usage_error(shared_sample_index):
    result = invoke(shared_sample_index, "search", "x", "--from", "03-05-2021")
    assert result.exit_code == 2 and "--from" in result.output and "YYYY-MM-DD" in result.output
    result = invoke(shared_sample_index, "search", "x", "--limit", "1000")
    assert result.exit_code == 2 and "Invalid value for --limit: must be a whole number from 1 to 100" in result.output


def test_stats(shared_sample_index):
    result = invoke(shared_sample_index, "stats", "--json")
    data = json.loads(result.output)
    assert data["items"] == 10
    assert data["municipality"] == [["Frederiksberg Kommune", 10]]
    assert ["2024", 6] in data["year"] and ["udsat", 1] in data["decision"]
    assert data["failed_files"] == [] and data["bytes"] > 0
    plain = invoke(shared_sample_index, "stats")
    assert "10 items" in plain.output and "Sources with errors: 0" in plain.output


@pytest.mark.parametrize("damage", ["store", "segment"])
def test_a_damaged_index_is_a_one_line_error_and_reindex_full_rebuilds_it(sample_index, damage):
    from searchsvc.store.generations import DataDir

    generation = DataDir(sample_index.index_path).current()
    if damage == "store":
        (generation / "items.sqlite").write_bytes(b"not a database\n" * 100)
    else:
        for segment in (generation / "whoosh").glob("*.seg"):
            segment.write_bytes(segment.read_bytes()[:100])  # truncated
    for command in (["search", "jobcenter"], ["stats"], ["serve", "--port", "0"], ["reindex", "-q"]):
        result = invoke(sample_index, *command)
        assert result.exit_code == 1, (command, result.output)
        assert "cannot be read" in result.output and "reindex --full" in result.output
        assert "Traceback" not in result.output and "Aborted" not in result.output
    assert invoke(sample_index, "reindex", "--full", "-q").exit_code == 0
    result = invoke(sample_index, "search", "jobcenter")
    assert result.exit_code == 0 and "5 resultater" in result.output


def test_a_fresh_process_first_search_still_falls_back_to_any_word(shared_sample_index):
    """The first search of a new process used to load the lemma data inside its time
    budget, skip the any-word retry and find nothing; the data is loaded with the index."""
    import subprocess
    import sys

    from pathlib import Path

    searchsvc = str(Path(sys.executable).parent / "searchsvc")
    done = subprocess.run([searchsvc, "--config", str(shared_sample_index.file),
                           "search", "borgerdialog xyzzyqq", "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["relaxed"] == "any" and document["total"] > 0, document["messages"]
