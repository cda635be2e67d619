"""Make the index agree with the store after an interrupted reindex, before the next one
writes: the store is the system of record, the index follows it."""

from __future__ import annotations

from ..engine import writer as indexer
from ..store.items import Store


def repair(store: Store, ix) -> list[str]:
    """Bring the index back to what the store records; return what was done, as warnings.

    First drop index commits that the store never recorded (a run killed between the
    index commit and the store commit), then fix any remaining difference in ids.
    """
    done = []
    commit = store.index_commit()
    if commit is not None and indexer.roll_back(ix, commit):
        done.append("repaired the index after an interrupted run: went back to the commit the store records")
    stored, indexed = store.item_ids(), indexer.indexed_ids(ix)
    missing, extra = sorted(stored - indexed), sorted(indexed - stored)
    if not missing and not extra:
        return done
    rows = list(store.items(missing).values())
    with store.transaction():
        indexer.write_changes(ix, remove_ids=extra + missing, add_rows=rows)
        store.set_index_commit(indexer.latest_commit(ix))
    indexer.drop_old_commits(ix)
    done.append(f"repaired the index after an interrupted run: {len(missing)} items added, {len(extra)} removed")
    return done
