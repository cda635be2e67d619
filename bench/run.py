"""The benchmark: one command builds the corpora, indexes them, times everything, and
writes ``bench/REPORT.md`` and ``bench/latency.png``.

    .venv/bin/python -m bench.run                    # 4,507 (the shared corpus), 5k, 20k, 50k
    .venv/bin/python -m bench.run --sizes 4507,50000
    .venv/bin/python -m bench.run --sizes 4507,50000,500000   # and the national point (500k: about 70 min)
    .venv/bin/python -m bench.run --quick            # the shared corpus, 60 queries, short phases
                                                     # (report in bench/out/REPORT-quick.md)

Needs the ``bench`` extra (``pip install -e '.[bench]'``: tantivy, matplotlib); without
tantivy that peer is left out. Work files go to ``bench/out/`` (ignored by git).
For each size: a full reindex with the real ``searchsvc reindex --full`` (its own
process; its time and memory), the size on disk, in-process search timings for
searchsvc and the peers (each in its own process), HTTP timings against ``searchsvc
serve``, and adding one meeting to the index and removing it again.

Sizes up to 50,000 copy Greve's meetings into earlier years (one municipality); larger
sizes are a national archive, a copy per municipality (``bench/scale.py``);
``--layout`` chooses for every size.
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
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from . import scale, web
from .latency import load_log
from .peers import tantivy_available
from .report import PLOT, REPORT, SHARED, write_plot, write_report

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
# HTTP phases are bounded in time; a national index answers more slowly, so its bound is
# longer (a phase that runs out of time measures only the start of the log).
PHASE_SECONDS = 90
PHASE_SECONDS_NATIONAL = 600


# -- running things ---------------------------------------------------------------------

def _python(*args: str, timeout: float = 3600) -> dict:
    """Run ``python -m bench.latency ...`` in its own process; its JSON answer."""
    done = subprocess.run([sys.executable, "-m", "bench.latency", *args], cwd=HERE.parent,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bench.latency {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    pids, n = [pid], 0
    while n < len(pids):
        for task in Path(f"/proc/{pids[n]}/task").glob("*"):
            try:
                pids += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
        n += 1
    return pids


def tree_memory_mb(pid: int) -> float:
    """The memory of a process and its descendants now: the sum of their proportional
    set sizes (PSS), so that pages forked processes share count once."""
    total = 0
    for member in _tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue  # ended meanwhile
        if match := re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE):
            total += int(match.group(1))
    return total / 1024


def _timed(command: list[str], log: Path) -> tuple[float, str, dict]:
    """Run a command to its end; (seconds, its output, its memory in MB: ``peak_mb`` the
    peak of its processes together, sampled each second, and ``largest_process_mb`` the
    peak RSS of its largest single process; ``cpu_s`` its processes' CPU time)."""
    started = time.perf_counter()
    peak = [0.0]
    with log.open("w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                peak[0] = max(peak[0], tree_memory_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = log.read_text()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    # ru_maxrss of a waited-for child: the largest of it and its own waited-for children.
    # CPU time: its own and its waited-for children's (what a busier machine does not inflate much).
    return seconds, output, {"peak_mb": peak[0], "largest_process_mb": usage.ru_maxrss / 1024,
                             "cpu_s": usage.ru_utime + usage.ru_stime}


def _folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1048576


def _write_config(folder: Path, sources: list[scale.Source], extra: Path) -> Path:
    config = folder / "config.toml"
    text = f'[index]\npath = "{folder / "index"}"\n\n'
    for source in sources:
        text += f'[[sources]]\npath = "{source.folder}"\nmunicipality = "{source.municipality}"\n\n'
    text += ("[[sources]]                      # where the benchmark adds one meeting\n"
             f'path = "{extra}"\nmunicipality = "Greve Kommune"\n')
    config.write_text(text)
    return config


def national(size: int, layout: str) -> bool:
    """Whether this size is a national corpus (a copy per municipality)."""
    return layout == "national" or (layout == "auto" and size >= scale.NATIONAL_FROM)


def run_size(size: int, args) -> dict:
    layout = "national" if national(size, args.layout) else "years"
    default = layout == ("national" if size >= scale.NATIONAL_FROM else "years")
    folder = OUT / (f"run-{size}" if default else f"run-{size}-{layout}")
    folder.mkdir(parents=True, exist_ok=True)
    result: dict = {"size": size, "layout": layout, "minutes": {}}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result["minutes"][name] = (now - clock) / 60
        clock = now

    print(f"[{size}] corpus ({layout})", flush=True)
    if size == SHARED:
        sources = [scale.Source(scale.GREVE, "Greve Kommune")]
    elif layout == "national":
        sources = scale.national_corpus(size)
    else:
        sources = [scale.Source(scale.corpus(size), "Greve Kommune")]
    result["municipalities"] = len(sources)
    result["files"] = sum(1 for source in sources for _ in source.folder.glob("*.json"))
    result["corpus_mb"] = sum(_folder_mb(source.folder) for source in sources)
    extra = folder / "extra"
    extra.mkdir(exist_ok=True)
    for stray in extra.glob("*.json"):
        stray.unlink()
    config = _write_config(folder, sources, extra)
    searchsvc = str(Path(sys.executable).parent / "searchsvc")
    lap("corpus")

    earlier = args.previous.get(size)
    if earlier and earlier.get("layout", "years") != layout:
        earlier = None
    if args.reuse and earlier and (folder / "index" / "CURRENT").exists():
        print(f"[{size}] index kept from the previous run", flush=True)
        result["items"], result["reindex"] = earlier["items"], earlier["reindex"]
    else:
        print(f"[{size}] full reindex", flush=True)
        seconds, output, memory = _timed([searchsvc, "--config", str(config), "reindex", "--full", "-q",
                                          "--allow-removals"], folder / "reindex.log")
        match = re.search(r"items: (\d+) added", output)
        items = int(match.group(1)) if match else 0
        result["items"] = items
        result["reindex"] = {"seconds": seconds, "items_per_s": items / seconds, **memory,
                             "summary": output.strip()[-300:]}
    lap("reindex")
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
    lap("searchsvc in-process")

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
        lap(name)

    if not args.no_http:
        print(f"[{size}] HTTP", flush=True)
        seconds = args.phase_seconds or (PHASE_SECONDS_NATIONAL if size >= scale.NATIONAL_FROM else PHASE_SECONDS)
        result["http"] = web.measure(config, limit=args.limit, phase_seconds=seconds)
        result["http"]["phase_seconds"] = seconds
        lap("HTTP")

    print(f"[{size}] add one meeting", flush=True)
    result["addone"] = _python("addone", str(config), str(extra))
    lap("add one meeting")
    print(f"[{size}] done: " + ", ".join(f"{k} {v:.1f} min" for k, v in result["minutes"].items()), flush=True)
    return result


def _profile_text(path: Path, lines: int = 22) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(str(path), stream=stream)
    stats.sort_stats("cumulative").print_stats(lines)
    text = stream.getvalue()
    body = text[text.find("ncalls"):] if "ncalls" in text else text
    return re.sub(r"/\S*/site-packages/", "", body.replace(str(HERE.parent) + "/", "")).rstrip()


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated item counts (default {SHARED},5000,20000,50000; {SHARED} is "
                             "the shared corpus as it is)")
    parser.add_argument("--quick", action="store_true", help=f"only {SHARED} items, 60 queries, short phases")
    parser.add_argument("--limit", type=int, default=None, help="only the first N queries of the log")
    parser.add_argument("--phase-seconds", type=float, default=None,
                        help=f"time bound of each HTTP phase (default {PHASE_SECONDS} s, "
                             f"{PHASE_SECONDS_NATIONAL} s from {scale.NATIONAL_FROM:,} items)")
    parser.add_argument("--layout", choices=["auto", "years", "national"], default="auto",
                        help="how copies of Greve's meetings make a size: 'years' moves them into earlier "
                             "years (one municipality), 'national' gives each copy a municipality of its own; "
                             f"'auto' (default): national from {scale.NATIONAL_FROM:,} items")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from bench/out/results.json")
    parser.add_argument("--reuse", action="store_true",
                        help="keep indexes (and their reindex figures) from the previous run; time the rest")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or str(SHARED)
        args.limit = args.limit or 60
        args.phase_seconds = min(args.phase_seconds or 20, 20)
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
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
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
