"""In-process timings, each system in a process of its own (so memory is its own too).

    python -m bench.latency search ours  CONFIG   [--limit N] [--profile FILE]  (FILE: profile only)
    python -m bench.latency search fts5  PATH     [--limit N]
    python -m bench.latency build  fts5|tantivy GENERATION PATH
    python -m bench.latency addone CONFIG EXTRA_FOLDER

Every command prints one JSON document on stdout. ``search`` opens the system, runs
the warm-up (other queries than the log's), then the log once in order ("cold": no
query has been seen before, so no result of it is cached) and again ("warm").
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOG = HERE / "queries.jsonl"
WARMUP = HERE / "warmup.jsonl"


def load_log(path: Path = LOG, limit: int | None = None) -> list[dict]:
    """The query log's entries (``kind`` and query-string parameters)."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return entries[:limit] if limit else entries


def params_of(entry: dict) -> dict[str, list[str]]:
    return {k: v for k, v in entry.items() if k != "kind"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(config_path: str):
    """A function running one request through the search service into the API's JSON document."""
    from searchsvc.config import load_config
    from searchsvc.search import SearchRequest, SearchService
    from searchsvc.web.pages import item_path

    service = SearchService.open(load_config(config_path))

    def run(params: dict[str, list[str]]) -> dict:
        return service.search(SearchRequest.from_params(params)).to_json(item_path)

    return run


def peer(name: str, path: str):
    from .peers import PEERS

    system = PEERS[name](Path(path))
    system.open()
    return system.search


def time_searches(run, limit: int | None) -> dict:
    """Warm-up, then the log once (cold) and again (warm): wall-clock and CPU ms each."""
    log = load_log(limit=limit)
    started = time.perf_counter()
    run(params_of(load_log(WARMUP)[0]))
    first = time.perf_counter() - started
    for entry in load_log(WARMUP):
        run(params_of(entry))
    settle()
    cold, cold_cpu, totals = [], [], []
    for entry in log:
        t0, c0 = time.perf_counter(), time.process_time()
        result = run(params_of(entry))
        cold.append((time.perf_counter() - t0) * 1000)
        cold_cpu.append((time.process_time() - c0) * 1000)
        totals.append(result["total"])
    warm = []
    for entry in log:
        t0 = time.perf_counter()
        run(params_of(entry))
        warm.append((time.perf_counter() - t0) * 1000)
    return {"first_search_s": first, "cold_ms": cold, "cold_cpu_ms": cold_cpu, "warm_ms": warm,
            "totals": totals, "kinds": [e["kind"] for e in log], "peak_rss_mb": peak_rss_mb()}


def settle(timeout: float = 600) -> None:
    """Wait for what a server does once at start in the background (searchsvc learns
    the corpus's common words for snippets) to finish, as it would before real use."""
    import threading

    for thread in threading.enumerate():
        if thread.name == "snippet-words":
            thread.join(timeout)


def profile_searches(run, limit: int | None, path: str) -> dict:
    """Warm-up, then the log once under cProfile (a run of its own: profiling slows it)."""
    import cProfile

    for entry in load_log(WARMUP):
        run(params_of(entry))
    settle()
    profiler = cProfile.Profile()
    profiler.enable()
    for entry in load_log(limit=limit):
        run(params_of(entry))
    profiler.disable()
    profiler.dump_stats(path)
    return {"profile": path}


def add_one(config_path: str, extra: str) -> dict:
    """Add one meeting to the index (incremental reindex), time it and the first search
    that finds it, then remove it again; the searcher is open throughout, as a server's is."""
    from searchsvc.config import load_config
    from searchsvc.jobs.reindex import reindex

    from .scale import copy_meeting, load_originals

    run = ours(config_path)
    config = load_config(config_path)
    run({"q": ["budget"]})
    # The newest city-council meeting, moved two years ahead: a new meeting, a dozen items.
    meeting = next(m for m in load_originals() if m.committee.startswith("Byråd") and m.items >= 8)
    name, document = copy_meeting(meeting, copy=-1, taken=set())  # two years ahead
    target = Path(extra) / name
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    title = document["Dagsordenpunkter"][-1]["Navn"]
    t0 = time.perf_counter()
    report = reindex(config, workers=1)
    add_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = run({"q": [], "from": [document["Moede"]["Dato"][:10]]})
    first_search_s = time.perf_counter() - t0
    target.unlink()
    t0 = time.perf_counter()
    removed = reindex(config, workers=1, allow_removals=True)  # the extra source empties: meant
    remove_s = time.perf_counter() - t0
    after = run({"q": [], "from": [document["Moede"]["Dato"][:10]]})
    return {"add_s": add_s, "items_added": report.items_added, "first_search_after_s": first_search_s,
            "found": found["total"], "title": title, "remove_s": remove_s,
            "items_removed": removed.items_removed, "found_after_removal": after["total"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.latency")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search")
    s.add_argument("system", choices=["ours", "fts5", "tantivy"])
    s.add_argument("path")
    s.add_argument("--limit", type=int, default=None)
    s.add_argument("--profile", default=None)
    b = sub.add_parser("build")
    b.add_argument("system", choices=["fts5", "tantivy"])
    b.add_argument("generation")
    b.add_argument("path")
    a = sub.add_parser("addone")
    a.add_argument("config")
    a.add_argument("extra")
    args = parser.parse_args(argv)
    if args.command == "search":
        run = ours(args.path) if args.system == "ours" else peer(args.system, args.path)
        out = (profile_searches(run, args.limit, args.profile) if args.profile
               else time_searches(run, args.limit))
    elif args.command == "build":
        from .peers import PEERS

        items, seconds = PEERS[args.system].build(Path(args.generation), Path(args.path))
        out = {"items": items, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}
    else:
        out = add_one(args.config, args.extra)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
