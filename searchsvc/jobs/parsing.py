"""Parsing the files a reindex must read: each read, hashed and parsed into meetings, in
worker processes when there are many. Never raises for a file: the outcome says.

A parsed file's words are counted here too (what the compound dictionary learns), so
that the counting runs in the worker processes, beside the parsing, rather than after
it in the one process that writes the store."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import SourceConfig
from ..domain.attendance import searchable_section
from ..domain.model import Item
from ..engine.analysis import word_counts
from ..errors import ParseError, UnknownFormat
from ..processes import can_fork
from ..sources import MAX_FILE_BYTES, ParsedFile, detect_format, read_source, unknown_reason
from .bounded import Handlers, run_bounded

# Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 16

Progress = Callable[[int, int], None]


@dataclass
class Candidate:
    path: Path
    source: SourceConfig
    size: int
    mtime_ns: int


@dataclass
class Outcome:
    candidate: Candidate
    hash: str
    parsed: ParsedFile | None = None
    error: str | None = None
    unknown: str | None = None  # why the file is not minutes (no format reads it)
    vanished: bool = False  # deleted between the scan and its read: a vanished file
    words: Counter[str] | None = None  # the words of all its items' text (``item_text``), counted


def item_text(item: Item) -> str:
    """An item's text as the index's ``row_text`` joins it from the item's store row."""
    return "\n".join([item.title] + [searchable_section(s.heading, s.text) for s in item.sections]
                     + item.attachments)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(candidate: Candidate) -> Outcome:
    """Read, hash and parse one file. Runs in a worker process; never raises."""
    path = candidate.path
    in_folder = candidate.source.path.is_dir()
    if in_folder and candidate.source.format == "auto" and detect_format(path) is None:
        # Not read: its extension is no format's (an image, a Word attachment).
        return Outcome(candidate, hash="", unknown=unknown_reason(path, None))
    try:
        if candidate.size > MAX_FILE_BYTES:
            raise ParseError(path, f"the file is {candidate.size // 1048576} MB, larger than the "
                                   f"{MAX_FILE_BYTES // 1048576} MB limit")
        data = path.read_bytes()
    except ParseError as error:
        return Outcome(candidate, hash="", error=error.reason)
    except FileNotFoundError:
        return Outcome(candidate, hash="", vanished=True)
    except OSError as error:
        return Outcome(candidate, hash="", error=f"cannot be read: {error.strerror}")
    digest = file_hash(data)
    try:
        parsed = read_source(path, data, municipality=candidate.source.municipality_of(path),
                             format=candidate.source.format, portal=candidate.source.portal)
    except UnknownFormat as error:
        if in_folder:
            return Outcome(candidate, hash=digest, unknown=error.reason)
        return Outcome(candidate, hash=digest, error=error.reason)
    except ParseError as error:
        where = f"line {error.line}: " if error.line else ""
        return Outcome(candidate, hash=digest, error=where + error.reason)
    except Exception as error:  # a parser bug must not stop the reindex of other files
        return Outcome(candidate, hash=digest, error=f"unexpected {type(error).__name__}: {error}")
    for meeting in parsed.meetings:
        for item in meeting.items:
            item.source_hash = digest
    words = word_counts(item_text(item) for meeting in parsed.meetings for item in meeting.items)
    return Outcome(candidate, hash=digest, parsed=parsed, words=words)


def parse_all(candidates: list[Candidate], progress: Progress | None,
              workers: int | None, timeout: float | None = None) -> list[Outcome]:
    """Every candidate's outcome, in order: in worker processes when there are many, or
    when each file has a time bound (``timeout`` seconds; only a process can be stopped).

    A file still parsing after ``timeout`` fails with that reason and keeps its items; a
    worker process that dies (out of memory, a crash in a library) costs only its file,
    which is parsed once more in a fresh process (``jobs/bounded.py``).
    """
    total = len(candidates)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    results: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        results.append(outcome)
        if progress:
            progress(len(results), total)

    if not can_fork() or (timeout is None and (total < PARALLEL_THRESHOLD or workers <= 1)):
        for candidate in candidates:
            done(parse_file(candidate))
        return results
    if total < PARALLEL_THRESHOLD:
        workers = 1  # one process to bound the time; more would cost more than they save
    handlers = Handlers[Candidate, Outcome](
        overran=lambda c: Outcome(c, hash="", error=f"took longer than {timeout:g} s: skipped, its items kept"),
        died=lambda c: Outcome(c, hash="", error="the process parsing it died (out of memory, or a crash in a library)"))
    return run_bounded(parse_file, candidates, workers=workers, timeout=timeout, handlers=handlers, done=done)
