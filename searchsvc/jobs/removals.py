"""The guard against a reindex that would remove too much: when one run would remove
more than ``max_removals`` (a share) of a source's items, it stops before writing
anything, naming ``--allow-removals``. An emptied folder (an unmounted share, a
failed sync) then costs a failed run, not the index (rsync's ``--max-delete`` idea).
Removing at most ``ALWAYS_ALLOWED`` items is never stopped: in a small source one
meeting is more than a quarter of the items.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable

from ..config import SourceConfig
from ..errors import RemovalsRefused
from ..store.items import FileRecord, Store
from .discovery import Scan
from .parsing import Outcome

ALWAYS_ALLOWED = 20


def source_of(path: str, sources: list[SourceConfig]) -> str:
    """The configured source a stored file belongs to, as its folder (or file) path."""
    for source in sources:
        root = os.path.realpath(source.path)
        if path == root or path.startswith(root + os.sep):
            return str(source.path)
    return "a source no longer configured"


def check(baseline: dict[str, FileRecord], removals: Iterable[tuple[str, int]],
          sources: list[SourceConfig], share: float) -> None:
    """Stop the run when it would remove more than ``share`` of a source's items.

    :param baseline: the files of the last complete reindex, with their item counts.
    :param removals: (file, items it would lose) for each file the run takes items from.
    :raise RemovalsRefused: naming each such source and ``--allow-removals``.
    """
    before: Counter[str] = Counter()
    for record in baseline.values():
        before[source_of(record.path, sources)] += record.items
    removed: Counter[str] = Counter()
    for path, count in removals:
        if count > 0:
            removed[source_of(path, sources)] += count
    over = [f"{name}: {removed[name]} of {before[name]} items ({100 * removed[name] / before[name]:.0f}%)"
            for name in sorted(removed) if removed[name] > max(share * before[name], ALWAYS_ALLOWED)]
    if over:
        raise RemovalsRefused(
            "reindex stopped before writing anything: it would remove more than "
            f"{share:.0%} of a source's items ({'; '.join(over)}). If the files are really gone, "
            "run `searchsvc reindex --allow-removals` (the share is [reindex] max_removals); "
            "if not, check that the folder is mounted and readable")


def losses(previous: Store, baseline: dict[str, FileRecord], discovered: set[str], found: Scan,
           outcomes: list[Outcome]) -> list[tuple[str, int]]:
    """(file, items it would lose) for the files of the last complete run that this run
    takes items from (vanished ones, and those read again), counting only items that no
    file read in this run holds: a meeting moved to another file (a renamed file or
    folder, the other copy of a duplicate) is not lost."""
    kept = {item.id for outcome in outcomes if outcome.parsed is not None
            for meeting in outcome.parsed.meetings for item in meeting.items}
    losing = [path for path in baseline if path not in discovered and not found.unseen(path)]
    losing += [str(o.candidate.path) for o in outcomes if o.error is None and str(o.candidate.path) in baseline]
    lost = [(path, sum(1 for i in previous.file_item_ids(path) if i not in kept)) for path in losing]
    return [(path, count) for path, count in lost if count]
