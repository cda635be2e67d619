"""Profile the indexing half of a full reindex, in one process, from a built index.

A full reindex parses files in worker processes, writes the item store in the main
process, then indexes the rows in forked processes, which a profile of the command
does not see. This script takes the rows of an existing generation's store and indexes
them into a new temporary index exactly as one of those processes does
(``writer._index_rows``), reporting CPU seconds (steadier than wall time on a shared
machine) and, with ``--profile``, the top entries of a cProfile of it.

    .venv/bin/python bench/reindex_profile.py INDEX_FOLDER [--profile] [--top 25]

``INDEX_FOLDER`` is a config's ``[index] path`` after a reindex (the folder holding
``CURRENT``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from searchsvc.engine import writer
from searchsvc.engine.lemmas import load_lemmas
from searchsvc.store.generations import DataDir
from searchsvc.store.items import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    generation = DataDir(args.index.resolve()).current()
    if generation is None:
        raise SystemExit(f"{args.index}: no reindexed generation")
    store = Store(generation, create=False)
    rows = list(store.items(sorted(store.item_ids())).values())
    load_lemmas()
    out = Path(tempfile.mkdtemp(prefix="reindex-profile-"))
    try:
        ix = writer.open_index(out)
        started = time.process_time()
        dictionary = writer.update_dictionary(out, rows)
        counted = time.process_time() - started
        profile = cProfile.Profile() if args.profile else None
        started = time.process_time()
        if profile:
            profile.enable()
        writer._index_rows(ix, rows, dictionary)
        if profile:
            profile.disable()
        indexed = time.process_time() - started
        print(f"{len(rows)} items: dictionary {counted:.1f} s CPU, indexing {indexed:.1f} s CPU "
              f"({len(rows) / indexed:.0f} items per CPU second){' (profiled)' if profile else ''}")
        if profile:
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
