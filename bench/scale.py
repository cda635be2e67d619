"""The corpus scaler: large, realistic corpora made from the real Greve meetings.

Greve's 344 FirstAgenda meetings (4,507 items, 2022-2025) are copied into earlier years.
Copy ``k`` moves every meeting ``2k`` years back (a day further when that date is taken
by the same committee), and shifts the years written in titles and text ("Budget
2024-2027", "mødekalender 2023") and the year of the case numbers by as much, so titles
vary between copies while the words and their frequencies stay those of real minutes.
A corpus of N items is the originals followed by as many copies, newest meetings first,
as it takes to reach N.

Files are written once into ``bench/out/corpus/all`` and hard-linked into one folder
per size, so the sizes cost the disk space of the largest only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta
from pathlib import Path

GREVE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "greve"
OUT = Path(__file__).resolve().parent / "out"

# Four-digit years that read as years in minutes; amounts like 2.024.000 have dots.
_YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20[0-4]\d)(?![\d,]|\.\d)")
_CASE = re.compile(r"^(\d{2})-(\d{3,})([A-Za-z]?)$")


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


def count_items(folder: Path) -> int:
    return sum(len(json.loads(p.read_text(encoding="utf-8")).get("Dagsordenpunkter") or [])
               for p in folder.glob("*.json"))


if __name__ == "__main__":
    import sys

    for size in [int(s) for s in sys.argv[1:]] or [5000]:
        path = corpus(size)
        print(path, count_items(path))
