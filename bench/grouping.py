"""What grouping results by case thread costs (issue 19): the query log in-process, each
query with and without grouping, on one index.

    python -m bench.grouping [CONFIG] [--rounds N] [--json]

CONFIG defaults to ``bench/relevance/config.toml`` (the real corpus; build it first with
``searchsvc --config bench/relevance/config.toml reindex``). After the warm-up, every
query of ``bench/queries.jsonl`` runs ``--rounds`` times in each mode, the two modes
alternating and the result cache emptied before each run, so every timing is a search
computed afresh (match, facets, ranking, snippets, the thread steps, the API's JSON
document). A query's time is its median over the rounds; the report gives the median,
p95 and sum over the log of those, per mode, and the difference: wall-clock, and the
CPU time of the searching thread (less moved by other processes on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from .latency import WARMUP, load_log, params_of, settle

HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE / "relevance" / "config.toml"
MODES = ("none", "thread")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(config_path: Path, rounds: int) -> dict:
    """Per mode: each query's median time (ms) over ``rounds`` runs, and the summary."""
    from searchsvc.config import load_config
    from searchsvc.search import SearchRequest, SearchService
    from searchsvc.web.pages import item_path

    service = SearchService.open(load_config(str(config_path)))

    def run(params: dict[str, list[str]], group: str) -> dict:
        service.results.clear()
        return service.search(SearchRequest.from_params({**params, "group": [group]})).to_json(item_path)

    for entry in load_log(WARMUP):
        for mode in MODES:
            run(params_of(entry), mode)
    settle()
    log = load_log()
    times: dict[str, list[list[float]]] = {mode: [[] for _ in log] for mode in MODES}
    cpu: dict[str, list[list[float]]] = {mode: [[] for _ in log] for mode in MODES}
    threads, totals = [], []
    for round_number in range(rounds):
        for n, entry in enumerate(log):
            # Alternate which mode goes first, so that neither always finds the other's
            # postings freshly read.
            for mode in MODES if (n + round_number) % 2 == 0 else MODES[::-1]:
                started, started_cpu = time.perf_counter(), time.thread_time()
                document = run(params_of(entry), mode)
                times[mode][n].append((time.perf_counter() - started) * 1000)
                cpu[mode][n].append((time.thread_time() - started_cpu) * 1000)
                if round_number == 0 and mode == "thread":
                    threads.append(document["threads"])
                    totals.append(document["total"])
    result: dict = {"config": str(config_path), "queries": len(log), "rounds": rounds,
                    "items_matched": sum(totals), "threads_matched": sum(threads)}
    for clock, measured in (("wall", times), ("cpu", cpu)):
        summary = {}
        for mode in MODES:
            per_query = [statistics.median(runs) for runs in measured[mode]]
            summary[mode] = {"median_ms": statistics.median(per_query), "p95_ms": percentile(per_query, 0.95),
                             "sum_ms": sum(per_query), "per_query_ms": per_query}
        flat, grouped = summary["none"], summary["thread"]
        result[clock] = {"modes": summary, "difference": {
            key: grouped[key] / flat[key] - 1 for key in ("median_ms", "p95_ms", "sum_ms")}}
    return result


def report(result: dict) -> str:
    lines = [f"{result['queries']} queries of bench/queries.jsonl, median of {result['rounds']} runs each, "
             f"result cache emptied before each run ({result['config']})",
             f"matches over the log: {result['items_matched']:,} items in {result['threads_matched']:,} threads",
             f"{'':17}{'median ms':>10}{'p95 ms':>10}{'sum ms':>10}"]
    for clock in ("wall", "cpu"):
        for mode in MODES:
            m = result[clock]["modes"][mode]
            lines.append(f"{clock:5}group={mode:6}{m['median_ms']:>10.1f}{m['p95_ms']:>10.1f}{m['sum_ms']:>10.0f}")
        d = result[clock]["difference"]
        lines.append(f"{clock:5}difference  {d['median_ms']:>+10.1%}{d['p95_ms']:>+10.1%}{d['sum_ms']:>+10.1%}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default=str(DEFAULT_CONFIG))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print the whole result as JSON.")
    args = parser.parse_args()
    result = measure(Path(args.config), args.rounds)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
