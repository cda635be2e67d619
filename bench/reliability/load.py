"""Reindex while the real server is under load: zero failed requests, latency before,
during and after, and the new items searchable after the commit without a restart.

It indexes a corpus (the Frederiksberg samples plus Greve meetings), starts
``searchsvc serve`` (waitress) on a free loopback port, and runs a closed-loop load
generator (``--clients`` connections, each sending its next request as soon as the last
one is answered: the highest rate the machine sustains) for ``--seconds``. A third
of the way in, more meetings are copied into the sources and ``searchsvc reindex``
(``--full`` with ``--full``) runs beside the server. Requests mix the JSON API, the
HTML search page and item pages, with and without filters.

A request fails when it gets no response, a status other than 200, or a body that is
not what was asked for. After the reindex commits, the new meetings must be found.

Usage:

    .venv/bin/python bench/reliability/load.py [--seconds 60] [--clients 8] [--greve 80] [--add 40] [--full]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"

WORDS = ["budget", "skole", "borgerdialog", "lokalplan", "ældre", "trafik", "klima", "daginstitution",
         "beskæftigelse", "anlæg", "\"kommunal medfinansiering\"", "vej*", "sag OR plan", "-budget skole",
         "", "", "godkendelse", "høring", "titel:budget", "boliger", "regnskab 2023"]


@dataclass
class Sample:
    started: float
    seconds: float
    ok: bool
    what: str
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def prepare(root: Path, greve: int, add: int, seed: int) -> tuple[Path, list[Path]]:
    """A corpus copy with its config; returns the config and the meetings to add later."""
    rng = random.Random(seed)
    (root / "src" / "greve").mkdir(parents=True)
    shutil.copytree(CORPUS / "frederiksberg", root / "src" / "frederiksberg")
    files = sorted((CORPUS / "greve").glob("*.json"))
    rng.shuffle(files)
    for path in files[:greve]:
        shutil.copy2(path, root / "src" / "greve")
    config = root / "config.toml"
    config.write_text("\n".join([
        "[index]", 'path = "index"', "",
        "[[sources]]", 'path = "src/frederiksberg"', 'municipality = "Frederiksberg Kommune"', "",
        "[[sources]]", 'path = "src/greve"', 'municipality = "Greve Kommune"', "",
    ]), "utf-8")
    return config, files[greve:greve + add]


def start_server(config: Path, threads: int) -> tuple[subprocess.Popen, str, int]:
    process = subprocess.Popen([sys.executable, "-c", CLI, "--config", str(config), "serve", "--host", "127.0.0.1",
                                "--port", "0", "--threads", str(threads)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("Serving on http://"):
        process.kill()
        raise RuntimeError(f"serve did not start: {line!r} {process.stderr.read()!r}")
    # Read the server's output as it comes (its log on stderr, the access log on stdout),
    # so that a full pipe never blocks it.
    process.log = []
    threading.Thread(target=lambda: process.log.extend(process.stderr), daemon=True).start()
    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
    address = line.split("http://", 1)[1].strip()
    host, port = address.rsplit(":", 1)
    return process, host, int(port)


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def request_mix(rng: random.Random, item_ids: list[str], vocabulary: list[str]) -> tuple[str, str]:
    """One request: (kind, path). Half the queries carry a word from the corpus's titles,
    so that most searches are not answered from the server's result cache."""
    roll = rng.random()
    q = rng.choice(WORDS)
    if rng.random() < 0.5:
        q = f"{q} {rng.choice(vocabulary)}".strip()
    params: dict[str, str] = {"q": q} if q else {}
    if rng.random() < 0.3:
        params["municipality"] = rng.choice(["Greve Kommune", "Frederiksberg Kommune"])
    if rng.random() < 0.2:
        params["sort"] = rng.choice(["newest", "oldest"])
    if rng.random() < 0.2:
        params["page"] = str(rng.randint(1, 3))
    query = urllib.parse.urlencode(params)
    if roll < 0.5:
        return "api-search", f"/api/search?{query}"
    if roll < 0.8:
        return "page-search", f"/?{query}"
    if roll < 0.9:
        return "api-item", f"/api/items/{rng.choice(item_ids)}"
    return "page-item", f"/items/{rng.choice(item_ids)}"


def client(host: str, port: int, stop: threading.Event, recorder: Recorder, item_ids: list[str],
           vocabulary: list[str], seed: int) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(host, port, timeout=30)
    while not stop.is_set():
        kind, path = request_mix(rng, item_ids, vocabulary)
        started = time.monotonic()
        try:
            status, body = get(connection, path)
            ok = status == 200 and (json.loads(body) is not None if kind.startswith("api") else b"</html>" in body)
            error = "" if ok else f"{status} {path} {body[:200]!r}"
        except Exception as exc:  # any failure to get an answer counts
            ok, error = False, f"{type(exc).__name__}: {exc} ({path})"
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        recorder.add(Sample(started, time.monotonic() - started, ok, kind, error))
    connection.close()


def total(host: str, port: int, query: str = "") -> int:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        status, body = get(connection, "/api/search?" + urllib.parse.urlencode({"q": query, "per_page": 1}))
        assert status == 200, body
        return json.loads(body)["total"]
    finally:
        connection.close()


def items(host: str, port: int) -> tuple[list[str], list[str]]:
    """Some item ids, and the words of their titles."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    ids: list[str] = []
    words: set[str] = set()
    try:
        for page in (1, 2):
            status, body = get(connection, f"/api/search?per_page=100&page={page}")
            for result in json.loads(body)["results"]:
                ids.append(result["id"])
                words |= {w.strip(".,:;()\"'").lower() for w in result["title"].split() if len(w) > 3}
    finally:
        connection.close()
    return ids, sorted(w for w in words if w.isalpha())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def summarize(samples: list[Sample], start: float, end: float) -> dict:
    chosen = [s for s in samples if start <= s.started < end]
    latencies = [s.seconds * 1000 for s in chosen]
    span = max(end - start, 1e-9)
    return {
        "requests": len(chosen),
        "failed": sum(not s.ok for s in chosen),
        "rate": round(len(chosen) / span, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
    }


def run(seconds: float, clients: int, greve: int, add: int, full: bool, threads: int, seed: int,
        root: Path | None = None) -> dict:
    """The whole experiment; returns its figures (also what the pytest version checks)."""
    owned = root is None  # a work folder made here is removed at the end
    root = root or Path(tempfile.mkdtemp(prefix="searchsvc-load-"))
    config, extra = prepare(root, greve, add, seed)
    first = subprocess.run([sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet"],
                           cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    server, host, port = start_server(config, threads)
    try:
        before_total = total(host, port)
        ids, vocabulary = items(host, port)
        recorder = Recorder()
        began = time.monotonic()
        stop = threading.Event()
        workers = [threading.Thread(target=client, args=(host, port, stop, recorder, ids, vocabulary, seed + n))
                   for n in range(clients)]
        for worker in workers:
            worker.start()
        time.sleep(seconds / 3)
        for path in extra:
            shutil.copy2(path, root / "src" / "greve")
        reindex_started = time.monotonic()
        command = [sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet"] + (["--full"] if full else [])
        reindexed = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        reindex_ended = time.monotonic()
        assert reindexed.returncode == 0, reindexed.stderr
        after_total = total(host, port)  # the very next request after the commit
        # The load goes on for the rest of the time, and at least a third of it.
        time.sleep(max(began + seconds - time.monotonic(), seconds / 3))
        stop.set()
        for worker in workers:
            worker.join()
        ended = time.monotonic()
        failures = [s.error for s in recorder.samples if not s.ok]
        return {
            "seconds": round(ended - began, 1),
            "clients": clients,
            "server_threads": threads,
            "reindex": reindexed.stdout.strip(),
            "reindex_seconds": round(reindex_ended - reindex_started, 1),
            "items_before": before_total,
            "items_after": after_total,
            "items_expected_after": _added(reindexed.stdout) + (0 if full else before_total),
            "all": summarize(recorder.samples, began, ended + 1),
            "before": summarize(recorder.samples, began, reindex_started),
            "during": summarize(recorder.samples, reindex_started, reindex_ended),
            "after": summarize(recorder.samples, reindex_ended, ended + 1),
            "failures": failures[:20],
            "server_errors": [line for line in _drain(server) if "Traceback" in line or "ERROR" in line][:20],
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if owned:
            shutil.rmtree(root, ignore_errors=True)


def _added(summary: str) -> int:
    """Items added, from the reindex's one-line summary."""
    return int(summary.split("items: ", 1)[1].split(" added", 1)[0])


def _drain(process: subprocess.Popen) -> list[str]:
    """The server's log so far."""
    time.sleep(0.2)
    return list(process.log)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    parser.add_argument("--greve", type=int, default=80, help="Greve meetings indexed before the load")
    parser.add_argument("--add", type=int, default=40, help="Greve meetings added by the reindex under load")
    parser.add_argument("--full", action="store_true", help="reindex --full under load")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = run(args.seconds, args.clients, args.greve, args.add, args.full, args.threads, args.seed)
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), "utf-8")
    ok = (figures["all"]["failed"] == 0 and figures["items_after"] == figures["items_expected_after"]
          and not figures["server_errors"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
