"""Slow-client campaign: many connections that dribble their request headers (one line
every few seconds, never ending them, reconnecting whenever the server closes them),
against the real ``searchsvc serve``, while a normal client keeps searching.

Reported: how many of the normal client's requests were answered and how fast (p50,
p95, max), how many slow connections the server cut off, and how many were open at
most. The server runs over the samples, indexed into a scratch folder.

Usage (about 90 s, little CPU):

    .venv/bin/python bench/reliability/slowclients.py [--slow 500] [--seconds 60] [--interval 2]
        [--workers 2] [--request-timeout 10] [--repo /path/to/other/checkout] [--json out.json]

``--repo`` runs the server from another checkout (its ``searchsvc`` package), to
compare with an older version; the index is built by this one.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from searchsvc.config import load_config  # noqa: E402
from searchsvc.jobs.reindex import reindex  # noqa: E402

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"


@dataclass
class Figures:
    slow_target: int
    seconds: float
    interval: float
    workers: int
    request_timeout: float
    normal_requests: int = 0
    normal_answered: int = 0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    latency_max_ms: float = 0.0
    slow_opened: int = 0
    slow_cut_off: int = 0
    slow_refused: int = 0
    slow_open_max: int = 0


class Dribblers:
    """Keeps ``target`` slow connections open, each sending a header line every ``interval``."""

    def __init__(self, address: tuple[str, int], target: int, interval: float, figures: Figures) -> None:
        self.address, self.target, self.interval, self.figures = address, target, interval, figures
        self.selector = selectors.DefaultSelector()
        self.open: dict[socket.socket, float] = {}   # socket -> next line due
        self.stop = threading.Event()

    def _connect(self) -> None:
        try:
            sock = socket.create_connection(self.address, timeout=2)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n")
        except OSError:
            self.figures.slow_refused += 1
            return
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ)
        # Spread the lines over the interval, as independent clients would.
        self.open[sock] = time.monotonic() + self.interval * (len(self.open) % 10) / 10
        self.figures.slow_opened += 1

    def _drop(self, sock: socket.socket, cut_off: bool) -> None:
        self.selector.unregister(sock)
        self.open.pop(sock, None)
        sock.close()
        self.figures.slow_cut_off += cut_off

    def run(self) -> None:
        while not self.stop.is_set():
            while len(self.open) < self.target and not self.stop.is_set():
                self._connect()
            self.figures.slow_open_max = max(self.figures.slow_open_max, len(self.open))
            for key, _ in self.selector.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if not data:   # closed by the server (a response would also end it: none comes)
                    self._drop(key.fileobj, cut_off=True)
            now = time.monotonic()
            for sock, due in list(self.open.items()):
                if due <= now:
                    try:
                        sock.send(b"X-Slow: 1\r\n")
                        self.open[sock] = now + self.interval
                    except OSError:
                        self._drop(sock, cut_off=True)
        for sock in list(self.open):
            self._drop(sock, cut_off=False)


def start_server(config: Path, workers: int, repo: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(repo)}
    process = subprocess.Popen([sys.executable, "-c", CLI, "--config", str(config), "serve", "--host", "127.0.0.1",
                                "--port", "0", "--workers", str(workers), "--threads", "4"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=repo)
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    # Read its access log as it comes, so that a full pipe never blocks it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, line.split("Serving on ", 1)[1].strip()


def campaign(args: argparse.Namespace) -> Figures:
    figures = Figures(args.slow, args.seconds, args.interval, args.workers, args.request_timeout)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(REPO / "samples", folder / "samples")
        file = folder / "config.toml"
        file.write_text(f'[index]\npath = "index"\n\n[[sources]]\npath = "samples"\n'
                        f'municipality = "Frederiksberg Kommune"\n\n[server]\n'
                        f'request_timeout = {args.request_timeout}\n', "utf-8")
        assert reindex(load_config(file), workers=1).failures == []
        process, url = start_server(file, args.workers, Path(args.repo).resolve())
        host, port = url.removeprefix("http://").rsplit(":", 1)
        dribblers = Dribblers((host, int(port)), args.slow, args.interval, figures)
        thread = threading.Thread(target=dribblers.run, daemon=True)
        latencies = []
        try:
            thread.start()
            time.sleep(min(5.0, args.seconds / 4))   # let the slow connections pile up first
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                figures.normal_requests += 1
                started = time.monotonic()
                try:
                    with urllib.request.urlopen(url + "/api/search?q=jobcenter", timeout=10) as response:
                        response.read()
                        figures.normal_answered += response.status == 200
                        latencies.append(time.monotonic() - started)
                except OSError:
                    pass
                time.sleep(0.5)
        finally:
            dribblers.stop.set()
            thread.join()
            process.terminate()
            process.wait(timeout=15)
    if latencies:
        latencies.sort()
        figures.latency_p50_ms = round(statistics.median(latencies) * 1000, 1)
        figures.latency_p95_ms = round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1)
        figures.latency_max_ms = round(latencies[-1] * 1000, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=500, help="slow connections kept open")
    parser.add_argument("--seconds", type=float, default=60, help="how long the normal client searches")
    parser.add_argument("--interval", type=float, default=2, help="seconds between a slow client's header lines")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--request-timeout", type=float, default=10, help="[server] request_timeout")
    parser.add_argument("--repo", default=str(REPO), help="checkout whose server to run")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    text = json.dumps(asdict(campaign(args)), indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
