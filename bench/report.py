"""The performance report: ``bench/REPORT.md`` and ``bench/latency.png`` from the
figures ``bench.run`` collected (``bench/out/results.json``)."""

from __future__ import annotations

from pathlib import Path

from . import web

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
PLOT = HERE / "latency.png"
ANALYSIS = HERE / "analysis.md"
SHARED = 4507  # the shared Greve corpus as it is


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
        "pages 1–5), each with every facet's counts (eight in searchsvc) and a page of 20 results with snippets. "
        "*Cold*: each request once, after a warm-up on other requests (`bench/warmup.jsonl`), so no "
        "result of it is cached; *warm*: the log again.")
    add("")

    largest = results[-1]
    _targets(results, add)
    _scale(results, add)

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
    short = [f"{r['items']:,} items: {', '.join(cut)}" for r in results if (cut := _cut_short(r, meta["queries"]))]
    if short:
        add("HTTP phases that ran out of time (`--phase-seconds`) before the end of the log, so that their "
            "figures cover only its first requests: " + "; ".join(short) + ".")
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
        "snippets and counts five facets (municipality, committee, year, decision, KLE; searchsvc also counts status and the two name facets). *Ratio*: searchsvc's figure divided by the peer's "
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


def _cut_short(result: dict, queries: int) -> list[str]:
    """The HTTP phases of a size that stopped at their time bound, with the requests done."""
    h = result.get("http")
    if not h:
        return []
    expected = {"1 client cold": ("sequential", queries), "4 clients cold": ("concurrent_cold", queries),
                "4 clients warm": ("concurrent_warm", queries * h.get("clients", 4))}
    cut = []
    for label, (key, wanted) in expected.items():
        done = len(h[key]["ms"]) + len(h[key]["errors"])
        if done < wanted:
            cut.append(f"{label} {done} of {wanted}")
    return cut


def _targets(results: list[dict], add) -> None:
    """The issue's targets, each at the size it names (a row says when that size was not run)."""
    add("## Targets")
    add("")
    add("Each at the corpus size it names; the national point is the largest size above "
        "50,000 items that this run measured.")
    add("")
    add("| target | measured | met |")
    add("|---|---|---|")

    def target(name: str, value: float, limit: float, unit: str, lower_is_better: bool = True) -> None:
        met = value <= limit if lower_is_better else value >= limit
        shown = f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"
        add(f"| {name} | {shown} {unit} | {'yes' if met else '**no**'} |")

    def missing(name: str) -> None:
        add(f"| {name} | not measured in this run | – |")

    shared = next((r for r in results if r["size"] == SHARED), None)
    name = "HTTP p95 (1 client, cold) within 2× SQLite FTS5's in-process p95, 4,507 items (aim 1×)"
    if shared and "http" in shared:
        fts = pct(shared["fts5"]["cold_ms"], 95)
        value = pct(shared["http"]["sequential"]["ms"], 95)
        target(f"HTTP p95 (1 client, cold) {_ms(value)} ms against SQLite FTS5's in-process p95 {_ms(fts)} ms "
               f"at {shared['items']:,} items: ratio (≤ 2, aim 1)", value / fts, 2, "×")
    else:
        missing(name)
    mid = next((r for r in results if r["size"] == 50000), None)
    if mid is None:
        for label in ("in-process cold p50 ≤ 15 ms, p95 ≤ 60 ms", "HTTP 4 clients cold p95 ≤ 150 ms",
                      "full reindex ≥ 500 items/s", "adding a meeting ≤ 3 s", "server memory ≤ 1 GB"):
            missing(f"50,000 items: {label}")
    else:
        at = f"{mid['items']:,} items"
        cold = mid["ours"]["cold_ms"]
        target(f"search p50, in-process, cold, {at} (≤ 15 ms)", pct(cold, 50), 15, "ms")
        target(f"search p95, in-process, cold, {at} (≤ 60 ms)", pct(cold, 95), 60, "ms")
        if "http" in mid:
            target(f"HTTP p95, 4 clients, cold, {at} (≤ 150 ms)", pct(mid["http"]["concurrent_cold"]["ms"], 95),
                   150, "ms")
        target(f"full reindex, {at} (≥ 500 items/s)", mid["reindex"]["items_per_s"], 500, "items/s", False)
        target(f"adding one meeting, {at} (≤ 3 s)", mid["addone"]["add_s"], 3, "s")
        if "http" in mid:
            target(f"server peak memory, {at} (≤ 1,024 MB)", mid["http"]["peak_rss_mb"], 1024, "MB")
    big = [r for r in results if r["size"] > 50000]
    if not big:
        missing("500,000 items: in-process cold p95 ≤ 200 ms, server memory ≤ 4 GB")
    else:
        national = big[-1]
        at = f"{national['items']:,} items, {national.get('municipalities', 1)} municipalities"
        target(f"search p95, in-process, cold, {at} (≤ 200 ms at 500,000)", pct(national["ours"]["cold_ms"], 95),
               200, "ms")
        if "http" in national:
            target(f"server peak memory, {at} (≤ 4,096 MB at 500,000)", national["http"]["peak_rss_mb"], 4096, "MB")
    add("")


def _scale(results: list[dict], add) -> None:
    """What each size costs: the corpus, the full reindex's time and memory, disk, server memory."""
    add("## Scale: corpus, full reindex, disk and memory")
    add("")
    add("*Layout*: how the corpus was made from Greve's meetings (`bench/scale.py`): *years* copies them "
        "into earlier years of one municipality, *national* gives each copy a municipality of its own "
        "(folders and `[[sources]]` entries, as a national archive would have). Reindex memory: the peak of "
        "`searchsvc reindex --full`'s processes together (proportional set size, sampled each second) and "
        "the peak RSS of its largest single process. Server memory: the sum of the peak RSS of the server's "
        "processes. *CPU s*: the reindex processes' CPU time together (on 2 cores, at best twice the "
        "elapsed time). *Run*: minutes this size took in this run, all phases.")
    add("")
    add("| items | layout | municipalities | files | corpus MB | reindex s (CPU s) | items/s | reindex memory MB "
        "all / largest | searchsvc on disk MB (index / store) | FTS5 MB | tantivy MB | server memory MB | run min |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        x = r["reindex"]
        d = r["disk_mb"]
        memory = (f"{x['peak_mb']:,.0f} / {x['largest_process_mb']:,.0f}" if "peak_mb" in x
                  else f"– / {x.get('peak_rss_mb', float('nan')):,.0f}")
        peers = [f"{r[n]['build']['disk_mb']:,.0f}" if n in r else "–" for n in ("fts5", "tantivy")]
        server = f"{r['http']['peak_rss_mb']:,.0f}" if "http" in r else "–"
        cpu = f"{x['cpu_s']:,.0f}" if "cpu_s" in x else "–"
        minutes = f"{sum(r['minutes'].values()):.1f}" if r.get("minutes") else "–"
        add(f"| {r['items']:,} | {r.get('layout', 'years')} | {r.get('municipalities', 1)} | {r.get('files', '–')} "
            f"| {r.get('corpus_mb', float('nan')):,.0f} | {x['seconds']:,.0f} ({cpu}) "
            f"| {x['items_per_s']:.0f} | {memory} "
            f"| {d['total']:,.0f} ({d['whoosh']:,.0f} / {d['store']:,.0f}) | {peers[0]} | {peers[1]} | {server} "
            f"| {minutes} |")
    add("")


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
    for level in (15, 60, 200):
        axis.axhline(level, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(sizes)
    axis.set_xticklabels([f"{s:,}" for s in sizes], rotation=30, ha="right")
    axis.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.text(sizes[0], 60, "p95 target, 50k", fontsize=7, color="grey", va="bottom")
    axis.text(sizes[0], 15, "p50 target, 50k", fontsize=7, color="grey", va="bottom")
    axis.text(sizes[0], 200, "p95 target, 500k", fontsize=7, color="grey", va="bottom")
    axis.set_xlabel("items in the index")
    axis.set_ylabel("latency, ms (cold, log scale)")
    axis.set_title("Search with five facet counts: latency against corpus size")
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(plot)
