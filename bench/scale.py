"""The corpus scaler: large, realistic corpora made from the real Greve meetings.

Greve's 344 FirstAgenda meetings (4,507 items, 2022-2025) are copied in one of two layouts.

*Years* (sizes up to 50,000, so that the figures of 5k-50k stay comparable
from run to run): copy ``k`` moves every meeting ``2k`` years back (a day further when
that date is taken by the same committee), and shifts the years written in titles and
text ("Budget 2024-2027", "mødekalender 2023") and the year of the case numbers by as
much, so titles vary between copies while the words and their frequencies stay those of
real minutes. All of it is one municipality, Greve.

*National* (larger sizes, or on request): a national archive, about a hundred
municipalities' recent years. Copy ``k`` is the same meetings, same years, published by
another municipality, named from the 98 in ``searchsvc/domain``'s reference tables (Greve
first, then in alphabetical order); each is a folder of its own (its own ``[[sources]]``
entry), the word "Greve" in titles and text becomes the municipality's name, and the case
numbers' serials are made unique to the copy (a case number is one municipality's).
Meeting and item ids differ because they are made from the municipality's name. Past 98
copies the municipalities take turns again, each turn four years further back (so some
municipalities publish 2018-2025), which makes 500,000 items 98 municipalities.

A corpus of N items is the originals followed by as many copies, newest meetings first,
as it takes to reach N. Files are written once into ``bench/out/corpus/all`` (national:
``bench/out/corpus/national/all``) and hard-linked into one folder per size, so the sizes
cost the disk space of the largest only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from searchsvc.domain.model import slugify

GREVE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "greve"
OUT = Path(__file__).resolve().parent / "out"

# Four-digit years that read as years in minutes; amounts like 2.024.000 have dots.
_YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20[0-4]\d)(?![\d,]|\.\d)")
_CASE = re.compile(r"^(\d{2})-(\d{3,})([A-Za-z]?)$")
_GREVE = re.compile(r"\bGreve(?=s?\b)")  # and "Greves"
# Larger sizes are national (one municipality per copy) unless the caller says otherwise.
NATIONAL_FROM = 50_001


@dataclass
class Meeting:
    """One source file, read once."""

    path: Path
    document: dict
    committee: str
    when: datetime

    @property
    def items(self) -> int:
        return len(self.document.get("Dagsordenpunkter") or [])


def load_originals(folder: Path = GREVE) -> list[Meeting]:
    """The real meetings, newest first."""
    meetings = []
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        when = datetime.fromisoformat(document["Moede"]["Dato"])
        meetings.append(Meeting(path, document, document["Udvalg"]["Navn"], when))
    meetings.sort(key=lambda m: (m.when, m.path.name), reverse=True)
    return meetings


def _shift_years(text: str, years: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group(1)) - years), text)


def _shift_case(number: str | None, years: int, copy: int) -> str | None:
    """``23-013472`` becomes ``21-113472`` in copy 1: the case's year moves with the
    meeting, and the serial is made unique to the copy."""
    match = _CASE.match(number or "")
    if not match:
        return number
    year, serial, suffix = match.groups()
    marker = str(copy) if copy > 0 else "9"  # copy -1 is the meeting the benchmark adds
    return f"{(int(year) - years) % 100:02d}-{marker}{serial[1:] if len(serial) > 3 else serial}{suffix}"


def _walk(value, change):
    """Apply ``change`` to every string in a JSON value."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_walk(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, change) for k, v in value.items()}
    return value


def _move(when: datetime, years: int) -> datetime:
    try:
        return when.replace(year=when.year - years)
    except ValueError:  # 29 February
        return when.replace(year=when.year - years, day=28)


def copy_meeting(meeting: Meeting, copy: int, taken: set[tuple[str, Date]]) -> tuple[str, dict]:
    """The meeting as copy ``copy``: (file name, document)."""
    years = 2 * copy
    when = _move(meeting.when, years)
    while (meeting.committee, when.date()) in taken:
        when -= timedelta(days=1)
    taken.add((meeting.committee, when.date()))
    stamp = when.isoformat()
    document = _walk(meeting.document, lambda s: _shift_years(s, years))
    document["Moede"]["Dato"] = stamp
    document["Moede"]["MeetingBeginUtc"] = stamp
    document["Udvalg"]["Navn"] = meeting.committee  # the committee keeps its name
    for item, original in zip(document.get("Dagsordenpunkter") or [],
                              meeting.document.get("Dagsordenpunkter") or []):
        for key in ("SagsNummer", "CaseNumber"):
            if isinstance(original.get(key), str):
                item[key] = _shift_case(original[key], years, copy)
    uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{meeting.path.name}/{copy}"))
    document["Id"] = uid
    # A leading dot (".Spørgsmål / Svar til Byrådet") would hide the file from reindex.
    return f"{meeting.committee}_{stamp}_{uid}.json".replace("/", "-").lstrip("."), document


def build_all(max_items: int, originals: list[Meeting] | None = None) -> list[tuple[Path, int]]:
    """Write the originals and enough copies for ``max_items`` into ``out/corpus/all``.

    :return: every file with its item count, in corpus order (originals first).
    """
    originals = originals or load_originals()
    folder = OUT / "corpus" / "all"
    folder.mkdir(parents=True, exist_ok=True)
    taken = {(m.committee, m.when.date()) for m in originals}
    files: list[tuple[Path, int]] = []
    total = 0
    for meeting in originals:
        target = folder / meeting.path.name
        if not target.exists():
            shutil.copyfile(meeting.path, target)
        files.append((target, meeting.items))
        total += meeting.items
    copy = 0
    while total < max_items:
        copy += 1
        for meeting in originals:
            if total >= max_items:
                break
            name, document = copy_meeting(meeting, copy, taken)
            target = folder / name
            if not target.exists():
                temporary = target.with_suffix(".tmp")
                temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                os.replace(temporary, target)
            files.append((target, meeting.items))
            total += meeting.items
    return files


def corpus(size: int) -> Path:
    """A folder holding the first ``size`` items' worth of meetings (at least ``size``).

    The 4,507-item shared corpus itself is size 4507.
    """
    files = build_all(size)
    folder = OUT / "corpus" / f"items-{size}"
    wanted: dict[str, Path] = {}
    total = 0
    for path, items in files:
        if total >= size:
            break
        wanted[path.name] = path
        total += items
    folder.mkdir(parents=True, exist_ok=True)
    for present in folder.iterdir():
        if present.name not in wanted:
            present.unlink()
    for name, path in wanted.items():
        link = folder / name
        if not link.exists():
            os.link(path, link)
    return folder


# -- the national layout -------------------------------------------------------------------

@dataclass
class Source:
    """One municipality's folder of a national corpus: a ``[[sources]]`` entry."""

    folder: Path
    municipality: str


def municipalities() -> list[str]:
    """The 98 municipalities of the shipped reference tables, Greve first."""
    names: set[str] = set()
    for table in ("firstagenda-portals.tsv", "other-publishing-systems.tsv"):
        text = resources.files("searchsvc.domain").joinpath(table).read_text("utf-8")
        names.update(line.split("\t")[0].strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))
    names.discard("Greve Kommune")
    return ["Greve Kommune", *sorted(names)]


def national_copy(meeting: Meeting, copy: int, names: list[str]) -> tuple[str, str, dict]:
    """The meeting as published by copy ``copy``'s municipality: (municipality, file
    name, document). Copy 0 is Greve's own meeting as it is."""
    municipality = names[copy % len(names)]
    years = 4 * (copy // len(names))
    own = municipality.removesuffix(" Kommune")
    when = _move(meeting.when, years)
    stamp = when.isoformat()
    document = _walk(meeting.document, lambda s: _GREVE.sub(own, _shift_years(s, years)))
    document["Moede"]["Dato"] = stamp
    document["Moede"]["MeetingBeginUtc"] = stamp
    document["Udvalg"]["Navn"] = meeting.committee
    uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"national/{meeting.path.name}/{copy}"))
    document["Id"] = uid
    for number, (item, original) in enumerate(zip(document.get("Dagsordenpunkter") or [],
                                                  meeting.document.get("Dagsordenpunkter") or [])):
        for key in ("SagsNummer", "CaseNumber"):
            if isinstance(original.get(key), str):
                item[key] = _shift_case(original[key], years, copy)
        if "Id" in item:  # the item's page on the portal
            item["Id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uid}/{number}"))
    name = f"{meeting.committee}_{stamp}_{uid}.json".replace("/", "-").lstrip(".")
    return municipality, name, document


def build_national(max_items: int, originals: list[Meeting] | None = None) -> list[tuple[Path, int, str]]:
    """Write Greve's originals and enough national copies for ``max_items`` into
    ``out/corpus/national/all/<municipality>/``.

    :return: every file with its item count and municipality, in corpus order.
    """
    originals = originals or load_originals()
    names = municipalities()
    root = OUT / "corpus" / "national" / "all"
    files: list[tuple[Path, int, str]] = []
    total, copy = 0, 0
    while total < max_items:
        for meeting in originals:
            if total >= max_items:
                break
            municipality = names[copy % len(names)]
            folder = root / slugify(municipality)
            folder.mkdir(parents=True, exist_ok=True)
            if copy == 0:
                target = folder / meeting.path.name
                if not target.exists():
                    shutil.copyfile(meeting.path, target)
            else:
                municipality, name, document = national_copy(meeting, copy, names)
                target = folder / name
                if not target.exists():
                    temporary = target.with_suffix(".tmp")
                    temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                    os.replace(temporary, target)
            files.append((target, meeting.items, municipality))
            total += meeting.items
        copy += 1
    return files


def national_corpus(size: int) -> list[Source]:
    """The folders (one per municipality) holding the first ``size`` items' worth of a
    national corpus (at least ``size``), hard-linked from ``build_national``'s files."""
    files = build_national(size)
    base = OUT / "corpus" / "national" / f"items-{size}"
    wanted: dict[Path, Path] = {}
    sources: dict[str, Source] = {}
    for path, _, municipality in files:
        folder = base / path.parent.name
        sources.setdefault(municipality, Source(folder, municipality))
        wanted[folder / path.name] = path
    folders = {source.folder for source in sources.values()}
    if base.exists():
        for present in base.glob("*/*"):
            if present not in wanted:
                present.unlink()
        for folder in base.iterdir():
            if folder not in folders:
                shutil.rmtree(folder)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for link, path in wanted.items():
        if not link.exists():
            os.link(path, link)
    return list(sources.values())


def count_items(folder: Path) -> int:
    return sum(len(json.loads(p.read_text(encoding="utf-8")).get("Dagsordenpunkter") or [])
               for p in folder.glob("*.json"))


if __name__ == "__main__":
    import sys

    for size in [int(s) for s in sys.argv[1:]] or [5000]:
        if size >= NATIONAL_FROM:
            sources = national_corpus(size)
            print(sources[0].folder.parent, len(sources), "municipalities",
                  sum(count_items(s.folder) for s in sources), "items")
        else:
            path = corpus(size)
            print(path, count_items(path))
