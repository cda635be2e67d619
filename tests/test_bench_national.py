"""The benchmark's national corpus (bench/scale.py): each copy of Greve's meetings is a
municipality of its own whose meetings and items the reindex keeps apart (none is taken
for a duplicate of Greve's), on real Greve meetings."""

import json

import pytest
from helpers import require_corpus, write_config

from bench import scale
from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex
from searchsvc.sources.firstagenda import parse_firstagenda


@pytest.fixture(scope="module")
def originals():
    return scale.load_originals(require_corpus("greve"))


def test_the_municipalities_are_the_reference_tables_98_greve_first():
    names = scale.municipalities()
    assert names[0] == "Greve Kommune"
    assert len(names) == len(set(names)) == 98
    assert names[1:] == sorted(names[1:])
    assert "København Kommune" in names  # from the table of other publishing systems


def _parsed(municipality: str, document: dict):
    return parse_firstagenda(json.dumps(document), path="x.json", municipality=municipality)


def test_a_copy_is_another_municipality_with_ids_and_case_numbers_of_its_own(originals):
    meeting = next(m for m in originals if m.items >= 8 and any(
        (item.get("SagsNummer") or "") for item in m.document["Dagsordenpunkter"]))
    names = scale.municipalities()
    original = _parsed("Greve Kommune", meeting.document)
    seen_items = {item.id for item in original.items}
    seen_cases = {item.journal_number for item in original.items if item.journal_number}
    for copy in (1, 2, len(names)):  # the last: Greve again, four years back
        municipality, name, document = scale.national_copy(meeting, copy, names)
        assert municipality == names[copy % len(names)]
        parsed = _parsed(municipality, document)
        assert parsed.id != original.id
        assert parsed.date.year == meeting.when.year - 4 * (copy // len(names))
        assert len(parsed.items) == len(original.items)
        ids = {item.id for item in parsed.items}
        assert not ids & seen_items
        seen_items |= ids
        cases = {item.journal_number for item in parsed.items if item.journal_number}
        assert cases and not cases & seen_cases
        seen_cases |= cases
        if municipality != "Greve Kommune":
            text = json.dumps(document, ensure_ascii=False)
            assert "Greve Kommune" not in text
            assert municipality in text or municipality.removesuffix(" Kommune") in text


def test_a_reindex_keeps_every_copy_and_counts_its_municipality(originals, tmp_path):
    meeting = min(originals, key=lambda m: m.items or 99)
    names = scale.municipalities()
    sources = []
    for copy in range(3):
        municipality, name, document = scale.national_copy(meeting, copy, names)
        folder = tmp_path / f"m{copy}"
        folder.mkdir()
        (folder / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        sources.append((folder, municipality))
    config = load_config(write_config(tmp_path, sources))
    report = reindex(config, workers=1)
    assert report.failures == []
    assert report.items_added == 3 * meeting.items
