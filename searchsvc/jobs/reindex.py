"""Bring the store and the index up to date with the configured source files.

Incremental by default: files whose size and modification time are unchanged are not
read; files whose content hash is unchanged are not parsed; a changed file replaces its
items; a vanished file removes them (files beside it may be read again: ``jobs/rereads.py``).
A file that fails to read or parse is reported, keeps the items of its last good version,
and is read again on the next run. A meeting belongs to one file: a copy of it in a second
file is reported as a duplicate, not indexed twice. A folder that cannot be listed is an
error and its files keep their items; a run that would remove more than a configured share
of a source's items stops before writing (``jobs/removals.py``). ``full=True`` rebuilds
into a new generation, live when complete.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..config import Config
from ..domain.decisions import RULES_VERSION
from ..engine import writer as indexer
from ..engine.analysis import word_counts
from ..engine.schema import row_text
from ..errors import IndexUnreadable, IndexWriteError, is_damage
from ..sources import PARSERS_VERSION
from ..sources.companions import ExportIndex
from ..store.cases import update_threads
from ..store.generations import DataDir
from ..store.items import FileRecord, Store
from ..store.rows import item_row
from . import removals, rereads
from .discovery import Scan, scan
from .parsing import Candidate, Outcome, Progress, parse_all
from .repair import repair


@dataclass
class ReindexReport:
    files_seen: int = 0
    files_parsed: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    # Files under a source folder that are not minutes: of no format searchsvc reads, or
    # parts of an export (attachments it names). Reported every run, never in silence.
    files_unknown: int = 0
    files_attached: int = 0
    items_added: int = 0
    items_updated: int = 0
    items_removed: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        not_minutes = ""
        if self.files_unknown:
            not_minutes += f"; {self.files_unknown} file{'s' * (self.files_unknown != 1)} of unknown format"
        if self.files_attached:
            not_minutes += f"; {self.files_attached} attachment{'s' * (self.files_attached != 1)} of exports"
        return (
            f"{self.files_seen} files: {self.files_parsed} parsed, {self.files_skipped} unchanged, "
            f"{self.files_failed} failed{not_minutes}; items: {self.items_added} added, "
            f"{self.items_updated} updated, {self.items_removed} removed; {self.seconds:.2f} s"
        )


def reindex(config: Config, *, full: bool = False, progress: Progress | None = None,
            workers: int | None = None, wait: bool = False, allow_removals: bool = False) -> ReindexReport:
    """Update the store and the index from the configured sources.

    :param full: rebuild from scratch into a new generation, published when complete.
    :param progress: called with (files parsed, files to parse).
    :param workers: parser and indexing processes (default: one per core).
    :param wait: wait for a running reindex instead of failing.
    :param allow_removals: remove more than ``config.max_removals`` of a source's items.
    :raise RemovalsRefused: the run would remove more than that; nothing was written.
    :raise IndexLocked: another reindex is running and ``wait`` is false.
    :raise IndexWriteError: the index folder cannot be written (full, read-only); what
        the run wrote is removed and readers still see the last complete reindex.
    :raise IndexUnreadable: the live index is damaged (only a full rebuild helps).
    """
    datadir = DataDir(config.index_path)
    try:
        return _reindex(config, datadir, full=full, progress=progress, workers=workers, wait=wait,
                        allow_removals=allow_removals)
    except Exception as error:
        if is_damage(error):
            raise IndexUnreadable(datadir.path, error) from error
        if not isinstance(error, (OSError, sqlite3.Error)):
            raise
        if isinstance(error, OSError):
            reason = f"{error.filename or datadir.path}: {error.strerror or error}"
        elif getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            reason = f"{datadir.path}: {os.strerror(errno.ENOSPC)}"  # SQLite says "database or disk is full"
        else:
            reason = f"{datadir.path}: {error}"
        raise IndexWriteError(f"reindex stopped, {reason}; searches still see the last complete reindex") from error


def _reindex(config: Config, datadir: DataDir, *, full: bool, progress: Progress | None,
             workers: int | None, wait: bool, allow_removals: bool = False) -> ReindexReport:
    started = time.monotonic()
    with datadir.lock(wait=wait):
        datadir.remove_stale()
        live = datadir.current()
        previous = Store(live) if live is not None else None
        # An index analysed or classified by an older version is rebuilt, not mixed with new terms.
        reason = _rebuild_reason(live, previous) if not full and live is not None and previous is not None else None
        if full or live is None or previous is None or reason:
            generation = datadir.new_generation()
            manifest: dict[str, FileRecord] = {}
        else:
            generation = live
            manifest = previous.manifest() if previous is not None else {}
        store = Store(generation)
        ix = indexer.open_index(generation)
        report = ReindexReport()
        if reason:
            report.warnings.append(f"rebuilt in full: {reason}")
        try:
            if generation is live:
                report.warnings += repair(store, ix)
            discovered, candidates, unchanged_failures, found = _changed_files(config, manifest, report)
            # A file in a folder that could not be listed is unseen, not gone.
            vanished = [path for path in manifest if path not in discovered and not found.unseen(path)]
            if generation is live:  # unchanged files that changes beside them concern
                candidates, report.files_skipped = rereads.read_again(store, manifest, found, candidates, vanished,
                                                                      unchanged_failures, report.files_skipped)
            outcomes = parse_all(candidates, progress, workers, timeout=config.parse_timeout or None)
            carry_from = previous if generation is not live else None
            try:
                baseline = previous.manifest() if previous is not None else {}
            except sqlite3.DatabaseError:
                if generation is live:
                    raise
                baseline, carry_from = {}, None  # a damaged store: the full rebuild replaces it
            unseen = [r for r in baseline.values() if carry_from is not None and found.unseen(r.path)]
            if not allow_removals and previous is not None:
                lost = removals.losses(previous, baseline, discovered, found, outcomes)
                removals.check(baseline, lost, config.sources, config.max_removals)
            _apply(store, ix, manifest, outcomes, unchanged_failures, vanished, carry_from, report,
                   workers=workers if workers is not None else (os.cpu_count() or 1), unseen=unseen,
                   owners_first=set(baseline))
        except BaseException:
            _give_back_space(generation, live, store, ix)
            raise
        store.close()
        if previous is not None:
            previous.close()
        if generation is not live:
            datadir.publish(generation)
    report.seconds = time.monotonic() - started
    return report


def _give_back_space(generation: Path, live: Path | None, store: Store, ix) -> None:
    """After a failed run, delete what only it wrote (a new generation; index files that
    no commit recorded by the store uses), so that a full disk is not left full. Best
    effort: the next run's repair does the same."""
    try:
        if generation != live:
            store.close()
            shutil.rmtree(generation, ignore_errors=True)
        else:
            if (commit := store.index_commit()) is not None:
                indexer.roll_back(ix, commit)
                indexer.drop_old_commits(ix)
            store.give_back_log()
    except (OSError, sqlite3.Error):
        pass


def _changed_files(config: Config, manifest: dict[str, FileRecord], report: ReindexReport
                   ) -> tuple[set[str], list[Candidate], list[FileRecord], Scan]:
    """Split the configured files into unchanged ones and candidates to read, by stat
    alone; a file whose last read failed (or was a duplicate) is read again."""
    discovered: set[str] = set()
    candidates, unchanged_failures = [], []
    found = scan(config.sources)
    report.warnings.extend(found.warnings)
    for folder, reason in found.unreadable:
        report.failures.append((str(folder), f"the folder cannot be listed ({reason}); "
                                             "the items of its files are kept until it can"))
    for name, reason in found.refused:
        report.files_seen += 1
        report.files_failed += 1
        report.failures.append((name, reason))
    for path, source in found.files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # vanished since the scan listed it: not discovered
        discovered.add(str(path))
        report.files_seen += 1
        known = manifest.get(str(path))
        if (known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns
                and known.municipality == source.municipality_of(path)):
            if known.status == "ok":
                report.files_skipped += 1
                continue
            if known.status not in ("error", "duplicate"):  # not minutes: stays so
                unchanged_failures.append(known)
                continue
        candidates.append(Candidate(path, source, stat.st_size, stat.st_mtime_ns))
    return discovered, candidates, unchanged_failures, found


def _apply(store: Store, ix, manifest: dict[str, FileRecord], outcomes: list[Outcome],
           unchanged_failures: list[FileRecord], vanished: list[str], carry_from: Store | None,
           report: ReindexReport, workers: int = 1, unseen: list[FileRecord] | None = None,
           owners_first: set[str] | None = None) -> None:
    """Write one batch to the store and the index: the store commits only after the index,
    recording the index commit that matches it (readers open that one, so a run killed
    between the two commits is invisible to them).

    :param unseen: files of the previous generation in folders that could not be
        listed: a full rebuild carries their items over.
    :param owners_first: files that held items before: they keep their meetings
        against a new copy read in the same run.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    changed_sources: list[str] = []
    add_rows: list[dict] = []
    # The words of rows whose file's count (from its parsing process) covers them exactly.
    counted: Counter[str] = Counter()
    covered: set[str] = set()
    added: set[str] = set()
    updated: set[str] = set()
    removed: set[str] = set()
    for record in unchanged_failures:
        _count_not_ok(record, report)
    exports = ExportIndex()
    for outcome in outcomes:
        if outcome.parsed is not None and outcome.parsed.named_files:
            exports.add(outcome.candidate.path, outcome.parsed.named_files)
    for outcome in outcomes:
        if outcome.vanished:
            path = str(outcome.candidate.path)
            report.warnings.append(f"{path}: vanished while the reindex ran; handled as removed")
            vanished = [*vanished, path] if path in manifest else vanished
    ordered = sorted((o for o in outcomes if not o.vanished),
                     key=lambda o: str(o.candidate.path) not in (owners_first or ()))
    deferred: list[Outcome] = []
    with store.transaction():
        # Vanished files first: a meeting that moved to another file is free for it.
        for path in vanished:
            removed.update(store.forget_file(path))
            changed_sources.append(path)
        for record in rereads.attach_named(store, manifest, exports, outcomes, vanished, removed):  # before the export
            changed_sources.append(record.path)
            _count_not_ok(record, report)
            report.files_skipped -= 1  # counted unchanged before the export was read
        for record in unseen or []:
            assert carry_from is not None
            store.record_file(replace(record, items=_carry_items(carry_from, store, record.path, add_rows)))
        # A file whose meetings another file holds waits until the others are written
        # (that one may give them up in this run); then it is a duplicate.
        for final, batch in ((False, ordered), (True, deferred)):
            for outcome in batch:
                path = str(outcome.candidate.path)
                known = manifest.get(path)
                source = outcome.candidate.source
                fields: dict = dict(path=path, municipality=source.municipality_of(outcome.candidate.path),
                                    format=source.format, size=outcome.candidate.size,
                                    mtime_ns=outcome.candidate.mtime_ns, hash=outcome.hash, parsed_at=now)
                # Minutes named by an export are its attachments (eDoc's printed PDFs would double its
                # items); an export is minutes, whoever names it.
                is_export = outcome.parsed is not None and bool(outcome.parsed.named_files)
                export = None if is_export else exports.named_by(outcome.candidate.path)
                if export is not None or outcome.unknown is not None:
                    status = "attachment" if export is not None else "unknown"
                    reason = f"attachment named by {export.name}" if export is not None else outcome.unknown
                    _count_not_ok(FileRecord(**fields, status=status, error=reason, items=0), report)
                    if known and known.items:  # it held items once: they go
                        removed.update(store.replace_file_items(path, []).removed)
                        changed_sources.append(path)
                    store.record_file(FileRecord(**fields, status=status, error=reason, items=0))
                    continue
                if outcome.error is not None:
                    report.files_failed += 1
                    report.failures.append((path, outcome.error))
                    kept = known.items if known else 0
                    if carry_from is not None:  # a full rebuild keeps the last good version's items
                        kept = _carry_items(carry_from, store, path, add_rows)
                    store.record_file(FileRecord(**fields, status="error", error=outcome.error, items=kept))
                    continue
                if known and known.hash == outcome.hash and known.status == "ok":
                    report.files_skipped += 1  # touched, not changed
                    store.record_file(FileRecord(**{**fields, "parsed_at": known.parsed_at},
                                                 status="ok", error=None, items=known.items))
                    continue
                parsed = outcome.parsed
                assert parsed is not None  # no error: parsed
                claimed = store.claimed_elsewhere(path, parsed.meetings)
                if claimed and not final:
                    deferred.append(outcome)
                    continue
                report.warnings.extend(parsed.warnings)
                changes = store.replace_file_items(path, [m for m in parsed.meetings if m.id not in claimed])
                added.update(changes.added)
                updated.update(changes.updated)
                removed.update(changes.removed)
                changed_sources.append(path)
                superseded = set(changes.superseded)  # an agenda's items, its minutes stored
                rows = [item_row(item) for meeting in parsed.meetings for item in meeting.items
                        if item.id not in superseded and meeting.id not in claimed]
                add_rows.extend(rows)
                if outcome.words is not None and len(rows) == sum(len(m.items) for m in parsed.meetings):
                    counted.update(outcome.words)
                    covered.update(row["id"] for row in rows)
                if claimed:
                    report.files_failed += 1
                    report.failures.append((path, _duplicate_reason(claimed)))
                else:
                    report.files_parsed += 1
                store.record_file(FileRecord(**fields, status="duplicate" if claimed else "ok",
                                             error=_duplicate_reason(claimed) if claimed else None,
                                             items=len(rows)))
        # An item removed from one file and written from another (a meeting moved) is updated.
        report.items_added += len(added - removed)
        report.items_updated += len(updated | (added & removed))
        report.items_removed += len(removed - added - updated)
        if changed_sources or add_rows:
            # Ids are global: an item re-parsed from another file must not be doubled.
            rows_by_id = {row["id"]: row for row in add_rows}
            if len(rows_by_id) < len(add_rows):  # doubled ids: the files' counts would double them
                counted, covered = Counter(), set()
            # Threads span files: items of unchanged files whose thread moved go again.
            threads, moved = update_threads(store)
            rows_by_id.update(store.items([i for i in moved if i not in rows_by_id]))
            add_rows = [{**row, "thread_id": threads.get(item_id, item_id)} for item_id, row in rows_by_id.items()]
            ids = list(rows_by_id)
            counted.update(word_counts(row_text(row) for row in add_rows if row["id"] not in covered))
            indexer.write_changes(ix, remove_sources=changed_sources, remove_ids=ids, add_rows=add_rows,
                                  procs=workers, words=counted)
        store.set_index_commit(indexer.latest_commit(ix))
        store.set_state("decision_rules", str(RULES_VERSION))
        store.set_state("parsers", str(PARSERS_VERSION))
    indexer.drop_old_commits(ix)


def _duplicate_reason(claimed: dict[str, str]) -> str:
    owners = sorted(set(claimed.values()))
    count = len(claimed)
    return (f"duplicate of {' and '.join(owners)}: {count} meeting{'s' * (count != 1)} in both files, "
            "indexed once, from there; remove one of the copies")


def _rebuild_reason(live: Path, previous: Store) -> str | None:
    """Why the live generation cannot take an incremental run, or None when it can."""
    if reason := indexer.outdated(live):
        return reason
    if previous.outdated():
        return "the item store lacks the newest columns"
    if previous.state("decision_rules") != str(RULES_VERSION):
        return "the decisions were classified by other rules"
    if previous.state("parsers") != str(PARSERS_VERSION):
        return "the files were read by an earlier version of the parsers"
    return None


def _count_not_ok(record: FileRecord, report: ReindexReport) -> None:
    """Count a file that is not (good) minutes, as its manifest record says."""
    if record.status == "unknown":
        report.files_unknown += 1
        report.unknown.append((record.path, record.error or "unknown format"))
    elif record.status == "attachment":
        report.files_attached += 1
    else:
        report.files_failed += 1
        report.failures.append((record.path, record.error or "failed"))


def _carry_items(old: Store, new: Store, path: str, add_rows: list[dict]) -> int:
    """Copy one file's items from the previous generation's store into the new one."""
    ids = new.copy_file_items(old, path)
    add_rows.extend(new.items(ids).values())
    return len(ids)
