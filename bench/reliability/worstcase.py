"""Worst-case queries against the real server: how long each takes over HTTP, and what
four of them running at once do to ordinary searches (issue 18, item 8).

It serves an index (by default the shared corpus's, ``bench/relevance/config.toml``;
build it first with ``searchsvc --config bench/relevance/config.toml reindex``) with
``searchsvc serve`` and its default worker processes, then

1. times each worst-case query alone, three times (cold and repeated, the result cache
   defeated by a varying page size);
2. runs ordinary searches from the checked-in log (``bench/queries.jsonl``, cold: the
   result cache defeated) from one client for ``--seconds``, first alone, then beside
   four clients that send worst-case queries in a loop (not waiting when refused with a
   503), and compares the p50/p95.

``--no-slow-lane`` serves with ``[server] slow_lane = false`` (expensive searches in the
worker processes, as before the slow lane), for an A/B.

    .venv/bin/python bench/reliability/worstcase.py [--config bench/relevance/config.toml] [--seconds 30] [--no-slow-lane]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from bench.latency import load_log, params_of  # noqa: E402
from bench.web import path_of, start_server  # noqa: E402


def worst_queries(seed: int = 7) -> dict[str, str]:
    """The shapes the red-team campaign found slow, each under the 1,000-character limit."""
    rng = random.Random(seed)

    def word(n: int) -> str:
        return "".join(rng.choice("bcdfghjklmnprstv") for _ in range(n))

    spellings = ["aeldre", "boern", "skoele", "haeld", "faellesskab", "moede", "groen", "aarhus", "paa", "faerdig"]
    return {
        "100 unknown 9-letter words": " ".join(word(9) for _ in range(100))[:1000],
        "20 unknown 48-letter words": " ".join(word(48) for _ in range(20))[:1000],
        "100 ae/oe/aa spellings": " ".join(rng.choice(spellings) + word(2) for _ in range(100))[:1000],
        "125 OR'ed two-letter prefixes": " OR ".join(word(2) + "*" for _ in range(125))[:1000],
        "323 nested parentheses": ("(" * 323 + "skole" + ")" * 323)[:1000],
    }


def timed_get(port: int, path: str) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return (time.perf_counter() - started) * 1000, response.status


def ordinary(port: int, paths: list[str], seconds: float, phase: int) -> list[float]:
    """The log's searches in a loop, each pass (and phase) with its own page size, so that
    no answer comes from the result cache."""
    out, deadline, i = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        per_page = 21 + 2 * (i // len(paths)) + phase
        ms, status = timed_get(port, f"{paths[i % len(paths)]}&per_page={per_page}")
        if status == 200:
            out.append(ms)
        i += 1
    return out


def hammer(port: int, queries: list[str], stop: threading.Event, statuses: Counter) -> None:
    n = 0
    while not stop.is_set():
        q = queries[n % len(queries)]
        _, status = timed_get(port, "/api/search?" + urlencode({"q": q, "per_page": 10 + n % 90}))
        statuses[status] += 1
        n += 1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(HERE.parent / "relevance" / "config.toml"))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-slow-lane", action="store_true", help="serve with [server] slow_lane = false")
    args = parser.parse_args()
    queries = worst_queries()
    config = Path(args.config).resolve()
    if args.no_slow_lane:
        # Beside the original, so that its relative paths still hold.
        text = config.read_text(encoding="utf-8")
        if "[server]" in text:
            raise SystemExit("--no-slow-lane: the config has a [server] table; set slow_lane = false in it")
        lane_off = config.with_name(f".{config.stem}-no-slow-lane.toml")
        lane_off.write_text(text + "\n[server]\nslow_lane = false\n", encoding="utf-8")
        config = lane_off
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; slow lane "
          f"{'off' if args.no_slow_lane else 'on'}")
    server = start_server(config)
    try:
        server.settle()
        print("worst-case queries alone (ms over HTTP, three runs; status):")
        for name, q in queries.items():
            runs = [timed_get(server.port, "/api/search?" + urlencode({"q": q, "per_page": 20 + n})) for n in range(3)]
            print(f"  {name:32} " + "  ".join(f"{ms:7.0f} ({status})" for ms, status in runs))
        paths = [path_of(params_of(entry)) for entry in load_log()]
        alone = ordinary(server.port, paths, args.seconds, 0)
        stop, statuses = threading.Event(), Counter()
        hammers = [threading.Thread(target=hammer, args=(server.port, list(queries.values())[:4], stop, statuses))
                   for _ in range(4)]
        for thread in hammers:
            thread.start()
        beside = ordinary(server.port, paths, args.seconds, 1)
        stop.set()
        for thread in hammers:
            thread.join()
        print(f"ordinary searches alone:           n={len(alone)} p50 {statistics.median(alone):.0f} ms, "
              f"p95 {percentile(alone, 0.95):.0f} ms")
        print(f"beside 4 worst-case clients:       n={len(beside)} p50 {statistics.median(beside):.0f} ms, "
              f"p95 {percentile(beside, 0.95):.0f} ms")
        print("worst-case queries meanwhile: " + ", ".join(f"{n} answered {status}" for status, n in sorted(statuses.items())))
        print(f"p95 ratio: {percentile(beside, 0.95) / percentile(alone, 0.95):.2f}; "
              f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        server.stop()
        if args.no_slow_lane:
            config.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
