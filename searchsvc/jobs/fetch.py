"""Fetch new and changed meetings from the FirstAgenda portals the configuration names.

For each source with a portal: read the committee list (``/api/agenda/udvalgsliste``),
download each meeting that is new or whose ``ReleasedDate`` changed
(``/api/agenda/dagsorden/{id}``), check that it parses as a meeting, and write it
atomically into the source folder as ``<committee>_<date>_<meeting id>.json``. A small
state file there (``.fetch-state.json``) remembers what each file was fetched as, so an
unchanged meeting is never downloaded twice. A meeting that fails is reported with its
URL and reason and tried again on the next run; a bad answer never replaces a good file.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..config import Config, FetchConfig, SourceConfig
from ..domain.model import split_period
from ..domain.portals import guid
from ..errors import ConfigError, FetchError, FetchLocked, ParseError
from ..files import write_atomically
from ..sources import MAX_FILE_BYTES
from ..sources.firstagenda import parse_firstagenda
from .portal_client import PortalClient

STATE_FILE = ".fetch-state.json"
LOCK_FILE = ".fetch.lock"
LIST_PATH = "/api/agenda/udvalgsliste"
MEETING_PATH = "/api/agenda/dagsorden/{}"
# The state is written after every this many downloads, so a killed run loses little.
SAVE_EVERY = 20

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ListedMeeting:
    """A meeting as the committee list names it."""

    id: str
    committee: str
    date: str            # Dato as the portal writes it (ISO date-time with offset)
    released: str | None  # ReleasedDate: changes when minutes replace an agenda, or are corrected
    kind: str            # Referat, Dagsorden, Tillægsdagsorden


@dataclass
class SourceReport:
    municipality: str
    portal: str
    folder: str
    committees: int = 0
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    bytes: int = 0
    error: str | None = None  # the committee list could not be read
    written: list[str] = field(default_factory=list)  # the files written
    planned: list[str] = field(default_factory=list)  # a dry run: the URLs it would fetch


@dataclass
class FetchReport:
    sources: list[SourceReport] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (URL, reason)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(source, name) for source in self.sources)

    def summary(self) -> str:
        verb = "would fetch" if self.dry_run else "fetched"
        portals = len(self.sources)
        broken = sum(1 for source in self.sources if source.error)
        return (
            f"{portals} portal{'s' if portals != 1 else ''}"
            + (f" ({broken} unreadable)" if broken else "")
            + f", {self.total('committees')} committees; "
            f"meetings: {self.total('seen')} seen, {self.total('new')} new, {self.total('changed')} changed, "
            f"{self.total('failed')} failed ({verb} {self.total('new') + self.total('changed')}); "
            f"{_size(self.total('bytes'))}; {self.seconds:.1f} s"
        )


def _size(count: int) -> str:
    return f"{count / 1048576:.1f} MB" if count >= 1048576 else f"{count / 1024:.0f} KB"


def fetch(config: Config, *, sources: list[str] | None = None, since: date | None = None,
          dry_run: bool = False, progress: Progress | None = None,
          client: Callable[[str, FetchConfig], PortalClient] | None = None) -> FetchReport:
    """Fetch what is new or changed from every source with a portal.

    :param sources: only the sources of these municipalities (names as configured).
    :param since: only meetings from this date (overrides each source's ``since``).
    :param dry_run: read the committee lists and report what would be fetched; write nothing.
    :param progress: called with (meetings downloaded, meetings to download) per portal.
    :param client: makes the HTTP client for a portal (default: ``PortalClient`` with the
        configured pause, timeout and retries).
    :raise ConfigError: no source has a portal, or ``sources`` names a municipality that
        no source with a portal has.
    :raise FetchLocked: another fetch is writing one of the source folders.
    """
    started = time.monotonic()
    chosen = select_sources(config, sources)
    make_client = client or _default_client
    report = FetchReport(dry_run=dry_run)
    clients: dict[str, PortalClient] = {}  # one per host: its pause holds across sources
    for source in chosen:
        base_url = source.portal or ""  # select_sources keeps only sources with a portal
        portal = clients.get(base_url) or clients.setdefault(base_url, make_client(base_url, config.fetch))
        summary = SourceReport(source.municipality, base_url, str(source.path))
        report.sources.append(summary)
        if dry_run:
            _fetch_source(source, portal, summary, report, since=since, dry_run=True, progress=progress)
            continue
        source.path.mkdir(parents=True, exist_ok=True)
        with _lock(source.path):
            for stale in source.path.glob(".*.tmp"):  # a killed run's half-written file
                stale.unlink(missing_ok=True)
            _fetch_source(source, portal, summary, report, since=since, dry_run=False, progress=progress)
    report.seconds = time.monotonic() - started
    return report


def select_sources(config: Config, names: list[str] | None) -> list[SourceConfig]:
    """The sources with a portal, or those of the named municipalities.

    :raise ConfigError: no source has a portal, or a name matches none of them.
    """
    with_portal = [s for s in config.sources if s.portal]
    if not with_portal:
        raise ConfigError(f"{config.file}: no [[sources]] entry names a portal "
                         "(portal = \"auto\" or portal = \"https://...\")")
    if not names:
        return with_portal
    wanted = {n.strip().casefold() for n in names}
    chosen = [s for s in with_portal if s.municipality.casefold() in wanted]
    unknown = wanted - {s.municipality.casefold() for s in chosen}
    if unknown:
        known = ", ".join(s.municipality for s in with_portal)
        raise ConfigError(f"no source with a portal is named {', '.join(sorted(unknown))} (there are: {known})")
    return chosen


def _default_client(base_url: str, settings: FetchConfig) -> PortalClient:
    return PortalClient(base_url, pause=settings.pause, timeout=settings.timeout,
                        retries=settings.retries, max_bytes=MAX_FILE_BYTES)


def _fetch_source(source: SourceConfig, portal: PortalClient, summary: SourceReport, report: FetchReport,
                  *, since: date | None, dry_run: bool, progress: Progress | None) -> None:
    try:
        listing = portal.get(LIST_PATH)
        committees, meetings = read_committee_list(listing, portal.url(LIST_PATH))
    except FetchError as error:
        summary.error = error.reason
        report.failures.append((error.url, error.reason))
        summary.bytes = portal.bytes
        return
    chosen, unmatched = _filter(committees, meetings, source.committees, since or source.since)
    for name in unmatched:
        report.warnings.append(f"{source.municipality}: the portal lists no committee named {name!r}")
    summary.committees = len({m.committee for m in chosen}) if source.committees else len(committees)
    state = _State.load(source.path)
    todo: list[tuple[ListedMeeting, bool]] = []
    for meeting in chosen:
        summary.seen += 1
        known = state.meetings.get(meeting.id)
        if known is None or not (source.path / known["file"]).is_file():
            todo.append((meeting, False))
        elif known.get("released") != meeting.released:
            todo.append((meeting, True))
        else:
            summary.unchanged += 1
    if dry_run:
        summary.new = sum(1 for _, changed in todo if not changed)
        summary.changed = len(todo) - summary.new
        summary.planned = [portal.url(MEETING_PATH.format(m.id)) for m, _ in todo]
        summary.bytes = portal.bytes
        return
    try:
        for done, (meeting, changed) in enumerate(todo, start=1):
            url = portal.url(MEETING_PATH.format(meeting.id))
            try:
                name = _download(source, portal, meeting, state)
            except FetchError as error:
                summary.failed += 1
                report.failures.append((error.url, error.reason))
            except ParseError as error:
                summary.failed += 1
                where = f" (line {error.line})" if error.line else ""
                report.failures.append((url, f"not a meeting document: {error.reason}{where}"))
            else:
                summary.changed += changed
                summary.new += not changed
                summary.written.append(name)
            if done % SAVE_EVERY == 0:
                state.save()
            if progress:
                progress(done, len(todo))
    finally:
        state.save()
        summary.bytes = portal.bytes


def _download(source: SourceConfig, portal: PortalClient, meeting: ListedMeeting, state: _State) -> str:
    """Download, check and write one meeting; return its file name."""
    url = portal.url(MEETING_PATH.format(meeting.id))
    body = portal.get(MEETING_PATH.format(meeting.id))
    # A body that does not parse as a meeting must not replace the last good file.
    parse_firstagenda(body, path=url, municipality=source.municipality)
    document = json.loads(body)
    served = guid(document.get("Id"))
    if served is not None and served != meeting.id:
        raise FetchError(url, f"the portal answered with another meeting ({served})")
    moede = document.get("Moede") or {}
    name = meeting_file_name(document["Udvalg"]["Navn"], str(moede.get("Dato") or meeting.date), meeting.id)
    write_atomically(source.path / name, body)
    previous = state.meetings.get(meeting.id)
    if previous and previous["file"] != name:  # the meeting moved or was renamed
        (source.path / previous["file"]).unlink(missing_ok=True)
    # Its file under an earlier name that the state does not know (a lost state file):
    # the meeting's id ends every name it was written under.
    for other in source.path.glob(f"*_{meeting.id}.json"):
        if other.name != name:
            other.unlink(missing_ok=True)
    state.meetings[meeting.id] = {
        "file": name, "released": meeting.released, "kind": meeting.kind,
        "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return name


def read_committee_list(data: bytes, url: str) -> tuple[list[str], list[ListedMeeting]]:
    """The committees and meetings a committee list names, each meeting once.

    :raise FetchError: the list is not JSON, or not in the shape of a committee list.
    """
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise FetchError(url, f"the committee list is not valid JSON: {error}") from None
    groups = document.get("Udvalg") if isinstance(document, dict) else None
    if not isinstance(groups, dict):
        raise FetchError(url, "the committee list has no Udvalg object: not a FirstAgenda portal?")
    committees: list[str] = []
    meetings: dict[str, ListedMeeting] = {}
    for group in groups.values():
        for committee in group if isinstance(group, list) else []:
            if not isinstance(committee, dict) or not isinstance(committee.get("Navn"), str):
                continue
            name = committee["Navn"]
            if name not in committees:
                committees.append(name)
            for entry in committee.get("Moeder") or []:
                if not isinstance(entry, dict) or (meeting_id := guid(entry.get("Id"))) is None:
                    continue
                released = entry.get("ReleasedDate")
                meetings.setdefault(meeting_id, ListedMeeting(
                    id=meeting_id, committee=name, date=str(entry.get("Dato") or ""),
                    released=released if isinstance(released, str) else None,
                    kind=str(entry.get("Navn") or "")))
    return committees, list(meetings.values())


def _filter(committees: list[str], meetings: list[ListedMeeting], wanted: tuple[str, ...],
            since: date | None) -> tuple[list[ListedMeeting], list[str]]:
    """The meetings of the wanted committees (by name, with or without the period suffix)
    from ``since`` on; and the wanted names that match no committee."""
    def names(committee: str) -> set[str]:
        bare = committee.lstrip(". ")
        return {committee.casefold(), bare.casefold(), split_period(bare)[0].casefold()}

    keep = {w.casefold() for w in wanted}
    matched = {w for w in keep if any(w in names(c) for c in committees)}
    chosen = [
        m for m in meetings
        if (not keep or names(m.committee) & keep) and (since is None or m.date[:10] >= since.isoformat())
    ]
    return chosen, [w for w in wanted if w.casefold() not in matched]


def meeting_file_name(committee: str, when: str, meeting_id: str) -> str:
    """``<committee>_<date>_<meeting id>.json``, as Greve's files are named ("/" becomes
    "-", the sorting dot is dropped, and the name stays within file-system limits).

    >>> meeting_file_name(".Spørgsmål / Svar til Byrådet 2022-2025", "2024-12-31T12:00:00+01:00", "4173e720")
    'Spørgsmål - Svar til Byrådet 2022-2025_2024-12-31T12:00:00+01:00_4173e720.json'
    """
    def clean(text: str) -> str:
        text = "".join(c if c.isprintable() and c not in "/\\" else "-" for c in text)
        return " ".join(text.split()).lstrip(". ")

    name = clean(committee)
    while len(name.encode()) > 120:
        name = name[:-1]
    return f"{name or 'udvalg'}_{clean(when)[:40]}_{meeting_id}.json"


@dataclass
class _State:
    """What each meeting file in a source folder was fetched as."""

    folder: Path
    meetings: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> _State:
        try:
            raw = json.loads((folder / STATE_FILE).read_text("utf-8"))
            meetings = raw["meetings"] if isinstance(raw, dict) and isinstance(raw.get("meetings"), dict) else {}
        except (OSError, ValueError):
            meetings = {}  # no state (or an unreadable one): every meeting is fetched again
        return cls(folder, {k: v for k, v in meetings.items() if isinstance(v, dict) and "file" in v})

    def save(self) -> None:
        data = json.dumps({"version": 1, "meetings": self.meetings}, ensure_ascii=False, indent=1)
        write_atomically(self.folder / STATE_FILE, data.encode())


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """Hold the folder's fetch lock; the kernel drops it when the process dies."""
    with open(folder / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchLocked(f"another fetch is writing {folder}; wait for it to finish") from None
        yield
