"""The benchmark: one command builds the corpora, indexes them, times everything, and
writes ``bench/REPORT.md`` and ``bench/latency.png``.

    .venv/bin/python -m bench.run                    # 4,507 (the shared corpus), 5k, 20k, 50k
    .venv/bin/python -m bench.run --sizes 4507,50000
    .venv/bin/python -m bench.run --quick            # the shared corpus, 60 queries, short phases
                                                     # (report in bench/out/REPORT-quick.md)

Needs the ``bench`` extra (``pip install -e '.[bench]'``: tantivy, matplotlib); without
tantivy that peer is left out. Work files go to ``bench/out/`` (ignored by git).
For each size: a full reindex with the real ``searchsvc reindex --full`` (its own
process), the size on disk, in-process search timings for searchsvc and the peers
(each in its own process), HTTP timings against ``searchsvc serve``, and adding one
meeting to the index and removing it again.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import scale, web
from .latency import load_log
from .peers import tantivy_available

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
REPORT = HERE / "REPORT.md"
PLOT = HERE / "latency.png"
ANALYSIS = HERE / "analysis.md"
SHARED = 4507  # the shared Greve corpus as it is


# -- running things ---------------------------------------------------------------------

def _python(*args: str, timeout: float = 1800) -> dict:
    """Run ``python -m bench.latency ...`` in its own process; its JSON answer."""
    done = subprocess.run([sys.executable, "-m", "bench.latency", *args], cwd=HERE.parent,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bench.latency {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _timed(command: list[str], log: Path) -> tuple[float, str, float]:
    """Run a command to its end; (seconds, its output, its own peak RSS in MB)."""
    started = time.perf_counter()
    with log.open("w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = log.read_text()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return seconds, output, usage.ru_maxrss / 1024


def _folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1048576


def _write_config(folder: Path, source: Path, extra: Path) -> Path:
    config = folder / "config.toml"
    config.write_text(
        "[index]\n"
        f'path = "{folder / "index"}"\n\n'
        "[[sources]]\n"
        f'path = "{source}"\n'
        'municipality = "Greve Kommune"\n\n'
        "[[sources]]                      # where the benchmark adds one meeting\n"
        f'path = "{extra}"\n'
        'municipality = "Greve Kommune"\n'
    )
    return config


def run_size(size: int, args) -> dict:
    folder = OUT / f"run-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    source = scale.GREVE if size == SHARED else scale.corpus(size)
    extra = folder / "extra"
    extra.mkdir(exist_ok=True)
    for stray in extra.glob("*.json"):
        stray.unlink()
    config = _write_config(folder, source, extra)
    result: dict = {"size": size}
    searchsvc = str(Path(sys.executable).parent / "searchsvc")

    earlier = args.previous.get(size)
    if args.reuse and earlier and (folder / "index" / "CURRENT").exists():
        print(f"[{size}] index kept from the previous run", flush=True)
        result["items"], result["reindex"] = earlier["items"], earlier["reindex"]
    else:
        print(f"[{size}] full reindex", flush=True)
        seconds, output, rss = _timed([searchsvc, "--config", str(config), "reindex", "--full", "-q", "--allow-removals"],
                                      folder / "reindex.log")
        match = re.search(r"items: (\d+) added", output)
        items = int(match.group(1)) if match else 0
        result["items"] = items
        result["reindex"] = {"seconds": seconds, "items_per_s": items / seconds, "peak_rss_mb": rss,
                             "summary": output.strip()[-300:]}
    from searchsvc.store.generations import DataDir

    generation = DataDir(folder / "index").current()
    result["disk_mb"] = {"total": _folder_mb(generation), "whoosh": _folder_mb(generation / "whoosh"),
                         "store": sum(p.stat().st_size for p in generation.glob("items.sqlite*")) / 1048576}

    limit = ["--limit", str(args.limit)] if args.limit else []
    print(f"[{size}] searchsvc in-process", flush=True)
    result["ours"] = _python("search", "ours", str(config), *limit)
    if size == max(args.sizes_list):
        print(f"[{size}] searchsvc in-process, profiled", flush=True)
        profile = OUT / f"profile-{size}.pstats"
        _python("search", "ours", str(config), *limit, "--profile", str(profile))
        result["profile"] = _profile_text(profile)

    peers = ["fts5"] + (["tantivy"] if tantivy_available() and not args.no_tantivy else [])
    for name in peers:
        path = folder / ("fts5.sqlite" if name == "fts5" else "tantivy")
        if args.reuse and earlier and name in earlier and path.exists():
            print(f"[{size}] {name}: index kept from the previous run; search", flush=True)
            build = earlier[name]["build"]
        else:
            print(f"[{size}] {name}: build and search", flush=True)
            build = _python("build", name, str(generation), str(path))
            build["disk_mb"] = path.stat().st_size / 1048576 if path.is_file() else _folder_mb(path)
        result[name] = {"build": build, **_python("search", name, str(path), *limit)}

    if not args.no_http:
        print(f"[{size}] HTTP", flush=True)
        result["http"] = web.measure(config, limit=args.limit, phase_seconds=args.phase_seconds)

    print(f"[{size}] add one meeting", flush=True)
    result["addone"] = _python("addone", str(config), str(extra))
    return result


def _profile_text(path: Path, lines: int = 22) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(str(path), stream=stream)
    stats.sort_stats("cumulative").print_stats(lines)
    text = stream.getvalue()
    body = text[text.find("ncalls"):] if "ncalls" in text else text
    return re.sub(r"/\S*/site-packages/", "", body.replace(str(HERE.parent) + "/", "")).rstrip()


# -- figures ------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    """The p-th percentile (linear interpolation between closest ranks)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _ms(value: float) -> str:
    if value != value:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    import whoosh

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(int(mem.group(1)) / 1048576, 1),
            "python": platform.python_version(), "whoosh": ".".join(map(str, whoosh.__version__)),
            "load": os.getloadavg()}


# -- the report ---------------------------------------------------------------------------

def write_report(results: list[dict], meta: dict, report: Path = REPORT) -> None:
    lines: list[str] = []
    add = lines.append
    machine = meta["machine"]
    add("# Performance report")
    add("")
    add(f"Written by `{meta['command']}` on {meta['finished']} in {meta['minutes']:.1f} minutes. "
        "Regenerate it with the same command; the text under *Analysis* comes from `bench/analysis.md`.")
    if "--reuse" in meta["command"]:
        add("")
        add("With `--reuse` the indexes, their full-reindex figures and the peers' builds are those of "
            "the previous full run (`python -m bench.run`); everything else was timed in this run.")
    add("")
    add(f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['ram_gb']} GB RAM, Python "
        f"{machine['python']}, Whoosh {machine['whoosh']}. Load average at the start "
        f"{meta['load_start'][0]:.1f}, at the end {machine['load'][0]:.1f} (other work shares the machine, "
        "so figures vary by some per cent from run to run).")
    add("")
    add(f"Query log: `bench/queries.jsonl`, {meta['queries']} requests (single words, several words, "
        "phrases, case numbers, prefixes, operators, with and without facet filters, empty-query browsing, "
        "pages 1–5), each with all five facet counts and a page of 20 results with snippets. "
        "*Cold*: each request once, after a warm-up on other requests (`bench/warmup.jsonl`), so no "
        "result of it is cached; *warm*: the log again.")
    add("")

    largest = results[-1]
    shared = next((r for r in results if r["size"] == SHARED), None)
    add("## Targets")
    add("")
    add("| target | measured | met |")
    add("|---|---|---|")

    def target(name: str, value: float, limit: float, unit: str, lower_is_better: bool = True) -> None:
        met = value <= limit if lower_is_better else value >= limit
        shown = f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"
        add(f"| {name} | {shown} {unit} | {'yes' if met else '**no**'} |")

    big = f"{largest['items']:,} items"
    cold = largest["ours"]["cold_ms"]
    target(f"search p50, in-process, cold, {big} (≤ 25 ms)", pct(cold, 50), 25, "ms")
    target(f"search p95, in-process, cold, {big} (≤ 100 ms)", pct(cold, 95), 100, "ms")
    if "http" in largest:
        target(f"HTTP p95, 4 clients, cold, {big} (≤ 150 ms)",
               pct(largest["http"]["concurrent_cold"]["ms"], 95), 150, "ms")
        target(f"server peak RSS, {big} (≤ 1024 MB)", largest["http"]["peak_rss_mb"], 1024, "MB")
    target(f"full reindex, {big} (≥ 500 items/s)", largest["reindex"]["items_per_s"], 500, "items/s", False)
    target(f"adding one meeting, {big} (≤ 3 s)", largest["addone"]["add_s"], 3, "s")
    if shared and "http" in shared:
        fts = pct(shared["fts5"]["cold_ms"], 95)
        value = pct(shared["http"]["concurrent_cold"]["ms"], 95)
        target(f"HTTP p95 (4 clients, cold) at {shared['items']:,} items within 2× FTS5's in-process "
               f"p95 ({_ms(fts)} ms): ratio", value / fts, 2, "×")
    add("")

    add("## searchsvc")
    add("")
    add(f"Latencies in ms. HTTP: `searchsvc serve` (waitress, {web.WORKERS} worker processes of 8 threads: "
        "its default here), the JSON API, loopback; each server warmed up over 4 connections, so that "
        "every worker process is; *1 client* cold, *4 clients cold* (a fresh server, each client a quarter of the log), "
        "*4 clients warm* (each client the whole log).")
    add("")
    add("| items | reindex items/s | add 1 meeting s | on disk MB | in-process cold p50 / p95 / p99 | its CPU time p50 / p95 "
        "| warm p50 / p95 | HTTP 1 client p50 / p95 | HTTP 4 clients cold p50 / p95 / p99 | req/s 4 clients cold / warm "
        "| server peak RSS MB |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        o = r["ours"]
        h = r.get("http")
        http_one = f"{_ms(pct(h['sequential']['ms'], 50))} / {_ms(pct(h['sequential']['ms'], 95))}" if h else "–"
        c = h["concurrent_cold"]["ms"] if h else []
        http_four = f"{_ms(pct(c, 50))} / {_ms(pct(c, 95))} / {_ms(pct(c, 99))}" if h else "–"
        throughput = (f"{h['concurrent_cold']['throughput']:.0f} / {h['concurrent_warm']['throughput']:.0f}"
                      if h else "–")
        rss = f"{h['peak_rss_mb']:.0f}" if h else "–"
        add(f"| {r['items']:,} | {r['reindex']['items_per_s']:.0f} | {r['addone']['add_s']:.2f} "
            f"| {r['disk_mb']['total']:.0f} | {_ms(pct(o['cold_ms'], 50))} / {_ms(pct(o['cold_ms'], 95))} / "
            f"{_ms(pct(o['cold_ms'], 99))} | {_ms(pct(o.get('cold_cpu_ms', []), 50))} / {_ms(pct(o.get('cold_cpu_ms', []), 95))} "
            f"| {_ms(pct(o['warm_ms'], 50))} / {_ms(pct(o['warm_ms'], 95))} "
            f"| {http_one} | {http_four} | {throughput} | {rss} |")
    add("")
    add("Full reindex: `searchsvc reindex --full` in its own process, parsing (one process per core) "
        "and indexing included. Adding one meeting: a new meeting file, then `reindex` (incremental) "
        "in the process that holds the open searcher; the first search after it finds the meeting "
        "(and removing it again takes the time in the next table).")
    add("")
    add("| items | add 1 meeting s | first search after it s | remove it again s | first search after start s | HTTP errors |")
    add("|---|---|---|---|---|---|")
    for r in results:
        a = r["addone"]
        h = r.get("http")
        errors = (len(h["sequential"]["errors"]) + len(h["concurrent_cold"]["errors"])
                  + len(h["concurrent_warm"]["errors"])) if h else "–"
        add(f"| {r['items']:,} | {a['add_s']:.2f} ({a['items_added']} items, found {a['found']}) "
            f"| {a['first_search_after_s']:.3f} | {a['remove_s']:.2f} | {r['ours']['first_search_s']:.2f} | {errors} |")
    add("")

    add("## Peers")
    add("")
    add("Same items, same query log, in-process, cold; each builds its index from the searchsvc store "
        "with the same Danish stemming (applied in Python), returns the page with display fields and "
        "snippets and counts all five facets. *Ratio*: searchsvc's figure divided by the peer's "
        "(below 1: searchsvc is faster).")
    add("")
    add("| items | system | build items/s | on disk MB | cold p50 | p95 | p99 | warm p50 | ratio p50 | ratio p95 |")
    add("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        o = r["ours"]
        add(f"| {r['items']:,} | searchsvc | {r['reindex']['items_per_s']:.0f} | {r['disk_mb']['total']:.0f} "
            f"| {_ms(pct(o['cold_ms'], 50))} | {_ms(pct(o['cold_ms'], 95))} | {_ms(pct(o['cold_ms'], 99))} "
            f"| {_ms(pct(o['warm_ms'], 50))} | | |")
        for name, label in (("fts5", "SQLite FTS5"), ("tantivy", "tantivy")):
            if name not in r:
                continue
            p = r[name]
            add(f"| | {label} | {p['build']['items'] / p['build']['seconds']:.0f} | {p['build']['disk_mb']:.0f} "
                f"| {_ms(pct(p['cold_ms'], 50))} | {_ms(pct(p['cold_ms'], 95))} | {_ms(pct(p['cold_ms'], 99))} "
                f"| {_ms(pct(p['warm_ms'], 50))} | {pct(o['cold_ms'], 50) / pct(p['cold_ms'], 50):.2f} "
                f"| {pct(o['cold_ms'], 95) / pct(p['cold_ms'], 95):.2f} |")
    add("")

    add(f"## By kind of query, {largest['items']:,} items (cold, in-process, ms)")
    add("")
    systems = [("searchsvc", largest["ours"])] + [(label, largest[name]) for name, label in
                                                  (("fts5", "FTS5"), ("tantivy", "tantivy")) if name in largest]
    add("| kind | n | " + " | ".join(f"{label} p50 / p95" for label, _ in systems) + " |")
    add("|---|---|" + "---|" * len(systems))
    kinds = largest["ours"]["kinds"]
    for kind in sorted(set(kinds)):
        cells = []
        for _, data in systems:
            values = [ms for ms, k in zip(data["cold_ms"], data["kinds"]) if k == kind]
            cells.append(f"{_ms(pct(values, 50))} / {_ms(pct(values, 95))}")
        add(f"| {kind} | {kinds.count(kind)} | " + " | ".join(cells) + " |")
    add("")
    add("![search latency against corpus size](latency.png)")
    add("")
    if "profile" in largest:
        add(f"## Profile: the cold pass at {largest['items']:,} items")
        add("")
        add("cProfile of `search()` over the whole log after the warm-up, in a run of its own "
            "(cumulative time; profiling roughly doubles it).")
        add("")
        add("```")
        add(largest["profile"])
        add("```")
        add("")
    if ANALYSIS.exists():
        add("## Analysis")
        add("")
        add(ANALYSIS.read_text(encoding="utf-8").strip())
        add("")
    report.write_text("\n".join(lines), encoding="utf-8")


def write_plot(results: list[dict], plot: Path = PLOT) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    sizes = [r["items"] for r in results]
    figure, axis = plt.subplots(figsize=(10.5, 5), dpi=110)
    series = [("searchsvc in-process", "ours", None, "tab:blue")]
    series += [(label, name, None, colour) for name, label, colour in
               (("fts5", "SQLite FTS5 in-process", "tab:green"), ("tantivy", "tantivy in-process", "tab:purple"))
               if all(name in r for r in results)]
    for label, name, _, colour in series:
        axis.plot(sizes, [pct(r[name]["cold_ms"], 50) for r in results], "o-", color=colour, label=f"{label} p50")
        axis.plot(sizes, [pct(r[name]["cold_ms"], 95) for r in results], "s--", color=colour, label=f"{label} p95")
    if all("http" in r for r in results):
        axis.plot(sizes, [pct(r["http"]["concurrent_cold"]["ms"], 95) for r in results], "^-", color="tab:red",
                  label="searchsvc HTTP, 4 clients, p95")
    axis.axhline(100, color="grey", linewidth=0.8, linestyle=":")
    axis.axhline(25, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(sizes)
    axis.set_xticklabels([f"{s:,}" for s in sizes], rotation=30, ha="right")
    axis.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.text(sizes[0], 100, "p95 target", fontsize=7, color="grey", va="bottom")
    axis.text(sizes[0], 25, "p50 target", fontsize=7, color="grey", va="bottom")
    axis.set_xlabel("items in the index")
    axis.set_ylabel("latency, ms (cold, log scale)")
    axis.set_title("Search with five facet counts: latency against corpus size")
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(plot)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated item counts (default {SHARED},5000,20000,50000; {SHARED} is "
                             "the shared corpus as it is)")
    parser.add_argument("--quick", action="store_true", help=f"only {SHARED} items, 60 queries, short phases")
    parser.add_argument("--limit", type=int, default=None, help="only the first N queries of the log")
    parser.add_argument("--phase-seconds", type=float, default=90, help="time bound of each HTTP phase")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from bench/out/results.json")
    parser.add_argument("--reuse", action="store_true",
                        help="keep indexes (and their reindex figures) from the previous run; time the rest")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or str(SHARED)
        args.limit = args.limit or 60
        args.phase_seconds = min(args.phase_seconds, 20)
    sizes = [int(s) for s in (args.sizes or f"{SHARED},5000,20000,50000").split(",")]
    args.sizes_list = sizes
    OUT.mkdir(exist_ok=True)
    # A quick check leaves the committed report alone.
    results_file = OUT / ("results-quick.json" if args.quick else "results.json")
    report = OUT / "REPORT-quick.md" if args.quick else REPORT
    plot = OUT / "latency-quick.png" if args.quick else PLOT
    if args.report_only:
        saved = json.loads(results_file.read_text())
        write_report(saved["results"], saved["meta"], report)
        write_plot(saved["results"], plot)
        return
    args.previous = {}
    if results_file.exists():
        args.previous = {r["size"]: r for r in json.loads(results_file.read_text())["results"]}
    started = time.perf_counter()
    load_start = os.getloadavg()
    results = []
    for size in sorted(sizes):
        results.append(run_size(size, args))
        results_file.write_text(json.dumps({"results": results, "meta": {}}))
    meta = {
        "command": "python -m bench.run" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "minutes": (time.perf_counter() - started) / 60,
        "machine": _machine(),
        "load_start": load_start,
        "queries": len(load_log(limit=args.limit)),
    }
    results_file.write_text(json.dumps({"results": results, "meta": meta}))
    write_report(results, meta, report)
    write_plot(results, plot)
    print(f"wrote {report} and {plot} in {meta['minutes']:.1f} minutes")


if __name__ == "__main__":
    main()
