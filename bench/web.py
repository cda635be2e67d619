"""Timings over HTTP: the real server (``searchsvc serve``: waitress, one worker process
per core) in processes of its own, clients on loopback.

Each phase is bounded in requests and in seconds. Latency is from sending the request
to having read the whole JSON response, on a kept-alive connection per client.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from searchsvc.config import default_workers

from .latency import load_log, params_of

# The server's own default: one process per core.
WORKERS = default_workers()


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def pids(self) -> list[int]:
        """The server's processes: the supervisor and its workers."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [pid, *(int(child) for child in children.read_text().split())] if children.exists() else [pid]

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far: the sum of its processes' peaks
        (VmHWM), an upper bound of their peak together."""
        total = 0
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
        return total / 1024

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 600) -> None:
        """Wait until the server is idle (what it does once at start, in the background,
        is done), as it would be before real use."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now = self.cpu_seconds()
            if now - before < 0.05:
                return
            before = now

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def forget_shared_results(config: Path) -> None:
    """Delete the results the server's processes share (a file in the index folder), so
    that a fresh server is cold: it would otherwise answer what an earlier one computed."""
    from searchsvc.config import load_config
    from searchsvc.store.results import RESULTS_FILE

    for path in load_config(config).index_path.glob(RESULTS_FILE + "*"):
        path.unlink()


def start_server(config: Path, threads: int = 8, workers: int = WORKERS, timeout: float = 300) -> Server:
    """Start ``searchsvc serve`` on a free loopback port, its shared results forgotten,
    and wait until it answers (each worker opens the index first: seconds at 500,000 items)."""
    forget_shared_results(config)
    command = [str(Path(sys.executable).parent / "searchsvc"), "--config", str(config), "serve",
               "--host", "127.0.0.1", "--port", "0", "--threads", str(threads), "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + timeout
    port = None
    while port is None:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the server stopped before serving (exit {process.wait()})")
        if match := re.search(r"http://\S+:(\d+)", line):
            port = int(match.group(1))
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server did not start in time")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # drain
    server = Server(process, port)
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("the server did not answer /healthz in time")
        time.sleep(0.2)


def path_of(params: dict[str, list[str]]) -> str:
    return "/api/search?" + urlencode(params, doseq=True)


def _client(port: int, paths: list[str], deadline: float, out: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in paths:
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
                continue
            json.loads(body)
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__} {path}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        out.append((time.perf_counter() - t0) * 1000)
    connection.close()


def run_clients(port: int, batches: list[list[str]], seconds: float) -> dict:
    """Run one client per batch at once; return latencies, errors and throughput."""
    outs = [[] for _ in batches]
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(port, batch, deadline, out, errors))
               for batch, out in zip(batches, outs)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [ms for out in outs for ms in out]
    return {"ms": latencies, "errors": errors, "seconds": elapsed,
            "throughput": len(latencies) / elapsed if elapsed else 0.0}


def measure(config: Path, limit: int | None = None, clients: int = 4, phase_seconds: float = 90) -> dict:
    """The HTTP figures for one index: one client cold, ``clients`` clients cold (a fresh
    server, each client its own share of the log), and ``clients`` clients warm (every
    client the whole log, from different starting points: throughput)."""
    log = [path_of(params_of(e)) for e in load_log(limit=limit)]
    warmup = [path_of(params_of(e)) for e in load_log(Path(__file__).resolve().parent / "warmup.jsonl")]
    result: dict = {}
    server = start_server(config)
    try:
        # As many connections as clients, so that every worker process warms up.
        run_clients(server.port, [warmup] * clients, phase_seconds)
        server.settle()
        result["sequential"] = run_clients(server.port, [log], phase_seconds)
        rss = server.peak_rss_mb()
    finally:
        server.stop()
    server = start_server(config)
    try:
        run_clients(server.port, [warmup] * clients, phase_seconds)
        server.settle()
        shares = [log[n::clients] for n in range(clients)]
        result["concurrent_cold"] = run_clients(server.port, shares, phase_seconds)
        rotated = [log[n * len(log) // clients:] + log[: n * len(log) // clients] for n in range(clients)]
        result["concurrent_warm"] = run_clients(server.port, rotated, phase_seconds)
        result["peak_rss_mb"] = max(rss, server.peak_rss_mb())
    finally:
        server.stop()
    result["clients"] = clients
    return result
