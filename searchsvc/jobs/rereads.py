"""Unchanged files that a run must look at again, because files beside them changed.

The other files of the meetings that a changed or vanished file holds are read again.

An agenda and its minutes may be separate files (Aarhus's agenda and minutes pages,
Acadre's and SBSYS's exports, a FirstAgenda supplementary agenda): the minutes' items
replace the agenda's, and the store remembers which files hold each meeting
(``Store.sharing_meetings``). When the minutes file goes, or changes, the agenda file is
read again in the same run, so that its items come back where the minutes no longer
hold the meeting, instead of the meeting leaving the index until a ``--full`` run.

Minutes that an export read in this run names become its attachments: an eDoc export
arriving after the PDFs it printed (and names) makes them parts of its meeting, whose
items must not stay indexed beside the export's own until a ``--full`` run. The other
way round, the attachments beside an export that changed or went are read again: what
no export names any more is minutes again (or a file of unknown format).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..sources.companions import ExportIndex
from ..store.items import FileRecord, Store
from .discovery import Scan
from .parsing import Candidate, Outcome


def read_again(store: Store, manifest: dict[str, FileRecord], found: Scan, candidates: list[Candidate],
               vanished: list[str], not_minutes: list[FileRecord], unchanged: int) -> tuple[list[Candidate], int]:
    """The candidates with the unchanged files to read again added, and the count of
    unchanged files without them.

    Their manifest records lose their hash, so that the run writes their items again
    instead of passing them over as unchanged; those among ``not_minutes`` (the
    unchanged files that are no minutes) leave it.
    """
    changing = [str(candidate.path) for candidate in candidates] + vanished
    if not changing:
        return candidates, unchanged
    sources = {str(path): source for path, source in found.files}
    again = []
    for path in sorted(store.sharing_meetings(changing) | _attachments_beside(manifest, changing)):
        known = manifest.get(path)
        if known is None or path not in sources or path in changing:
            continue  # vanished too, or no longer under a source, or read anyway
        try:
            stat = Path(path).stat()
        except OSError:
            continue  # gone since the scan: the next run removes it
        again.append(Candidate(Path(path), sources[path], stat.st_size, stat.st_mtime_ns))
        manifest[path] = replace(known, hash=None)
    reread = {str(candidate.path) for candidate in again}
    not_minutes[:] = [record for record in not_minutes if record.path not in reread]
    return candidates + again, unchanged - sum(1 for path in reread if manifest[path].status == "ok")


def _attachments_beside(manifest: dict[str, FileRecord], changing: list[str]) -> set[str]:
    """The attachments in the folders of exports that changed or went: the export may no
    longer name them (then they are minutes, or files of unknown format, again)."""
    folders = {os.path.dirname(path) + os.sep for path in changing if path.lower().endswith(".xml")}
    if not folders:
        return set()
    return {path for path, record in manifest.items()
            if record.status == "attachment" and any(path.startswith(folder) for folder in folders)}


def attach_named(store: Store, manifest: dict[str, FileRecord], exports: ExportIndex, outcomes: list[Outcome],
                 vanished: list[str], removed: set[str]) -> list[FileRecord]:
    """Record the unchanged minutes that an export read in this run names as its
    attachments, their items gone (added to ``removed``); return their records."""
    if not any(outcome.parsed is not None and outcome.parsed.named_files for outcome in outcomes):
        return []
    read = {str(outcome.candidate.path) for outcome in outcomes}
    attached = []
    for record in manifest.values():
        if record.status != "ok" or record.path in read or record.path in vanished:
            continue
        export = exports.named_by(Path(record.path), scan=False)
        if export is not None:
            attached.append(replace(record, status="attachment", error=f"attachment named by {export.name}",
                                    items=0))
            removed.update(store.replace_file_items(record.path, []).removed)
            store.record_file(attached[-1])
    return attached
