"""The real ``searchsvc serve`` against clients that misbehave on the connection: slow
clients that dribble their headers, smuggled requests, bodies the service never reads,
and requests waitress refuses itself (whose responses must still carry the security
headers). Raw sockets on 127.0.0.1; a longer slow-client campaign is
bench/reliability/slowclients.py.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import start_server, stop_server

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")
REQUEST_TIMEOUT = 2  # seconds: [server] request_timeout of the servers below


def serving_config(folder: Path, index: Path, extra: str = "") -> Path:
    """A config over an already built index, with a short request deadline."""
    file = folder / "config.toml"
    file.write_text(f'[index]\npath = "{index}"\n\n[server]\nrequest_timeout = {REQUEST_TIMEOUT}\n{extra}',
                    encoding="utf-8")
    return file


@pytest.fixture(scope="module")
def server(shared_sample_index, tmp_path_factory):
    """``searchsvc serve`` with one worker process (so that its connection limit is the
    server's), over the indexed samples; yields (host, port)."""
    config = serving_config(tmp_path_factory.mktemp("serve-connections"), shared_sample_index.index_path)
    process, url = start_server(config, "--workers", "1")
    host, port = url.removeprefix("http://").rsplit(":", 1)
    yield host, int(port)
    stop_server(process)


def exchange(address: tuple[str, int], data: bytes, *, seconds: float = 10) -> tuple[bytes, bool]:
    """Send ``data`` on a new connection and read until the server closes it or
    ``seconds`` pass; return (everything read, whether the server closed)."""
    with socket.create_connection(address, timeout=seconds) as sock:
        try:
            sock.sendall(data)
        except OSError:   # the server may close before reading everything sent
            pass
        received = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return received, False
            except ConnectionResetError:
                return received, True
            if not chunk:
                return received, True
            received += chunk
        return received, False


def responses(stream: bytes) -> list[tuple[int, dict[str, str]]]:
    """The status and headers of each HTTP response in ``stream``."""
    found = []
    for head in re.split(rb"(?:^|\r\n)HTTP/1\.[01] ", stream)[1:]:
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        found.append((int(lines[0][:3]), {name.lower(): value for name, value in headers.items()}))
    return found


def get(address: tuple[str, int], path: str, timeout: float = 10) -> int:
    with urllib.request.urlopen(f"http://{address[0]}:{address[1]}{path}", timeout=timeout) as response:
        return response.status


# -- responses waitress writes itself ---------------------------------------------------

@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /s\xf8g HTTP/1.1\r\nHost: x\r\n\r\n", 400),                        # non-ASCII request line
    (b"get / HTTP/1.1\r\nHost: x\r\n\r\n", 400),                              # malformed method
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n" + b"x" * 1000, 413),
])
def test_responses_waitress_makes_carry_the_security_headers_and_close(server, request_bytes, status):
    stream, closed = exchange(server, request_bytes)
    found = responses(stream)
    assert [code for code, _ in found] == [status], stream[:300]
    headers = found[0][1]
    for name in SECURITY_HEADERS:
        assert headers.get(name), (status, name)
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert closed


def test_a_large_body_is_refused_before_it_is_read(server):
    # Headers announcing 200 MB, and no body at all: the answer may not wait for it.
    stream, closed = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n")
    assert [code for code, _ in responses(stream)] == [413] and closed
    # A chunked body over the limit is cut off as it arrives.
    chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
    stream, closed = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                              + chunk * 3 + b"0\r\n\r\n")
    assert [code for code, _ in responses(stream)] == [413] and closed
    # A small stray body on a GET is harmless.
    stream, _ = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
    assert [code for code, _ in responses(stream)] == [200]


def test_a_request_with_both_content_length_and_chunked_is_refused_and_its_connection_closed(server):
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    request = (b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: " + str(len(body)).encode()
               + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    stream, closed = exchange(server, request)
    # RFC 9112 §6.1: one answer, then the connection closes; the smuggled GET is never served.
    assert [code for code, _ in responses(stream)] == [400], stream[:300]
    assert closed
    assert b'"status"' not in stream


# -- slow clients -------------------------------------------------------------------------

class SlowClient:
    """A connection that sends a request's header lines one at a time, never ending them."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=5)
        self.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        self.closed_by_server = False

    def dribble(self) -> None:
        """One more header line; notes whether the server has closed the connection."""
        if self.closed_by_server:
            return
        try:
            self.sock.sendall(b"X-Slow: 1\r\n")
            self.sock.setblocking(False)
            try:
                if self.sock.recv(4096) == b"":
                    self.closed_by_server = True
            except BlockingIOError:
                pass
            finally:
                self.sock.setblocking(True)
        except OSError:   # reset, broken pipe: closed
            self.closed_by_server = True

    def close(self) -> None:
        self.sock.close()


def test_slow_clients_are_cut_off_and_others_are_served(server):
    # More slow connections than waitress's default limit of 100 per process: before,
    # each header line reset their idle timeout, they held every slot, and a normal
    # client waited in the backlog for minutes.
    clients = [SlowClient(server) for _ in range(110)]
    stop = threading.Event()

    def keep_dribbling() -> None:
        while not stop.wait(0.5):
            for client in clients:
                client.dribble()

    dribbler = threading.Thread(target=keep_dribbling, daemon=True)
    dribbler.start()
    try:
        assert get(server, "/healthz", timeout=8) == 200   # served while they dribble
        # Each must send a whole request within request_timeout; the server closes those that do not.
        deadline = time.monotonic() + 10 * REQUEST_TIMEOUT
        while time.monotonic() < deadline and not all(c.closed_by_server for c in clients):
            time.sleep(0.2)
        assert sum(c.closed_by_server for c in clients) == len(clients)
        assert get(server, "/healthz") == 200
    finally:
        stop.set()
        dribbler.join()
        for client in clients:
            client.close()


def test_a_connection_that_sends_nothing_is_closed_too(server):
    _, closed = exchange(server, b"", seconds=10 * REQUEST_TIMEOUT)
    assert closed


def test_a_keep_alive_client_is_served_request_after_request(server):
    # The deadline is per request: a connection that keeps sending whole requests lives on.
    with socket.create_connection(server, timeout=10) as sock:
        for _ in range(3):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while b'"items"' not in answer:
                chunk = sock.recv(65536)
                assert chunk, "the server closed a keep-alive connection between requests"
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(REQUEST_TIMEOUT * 0.75)


def test_the_connection_limit_fits_the_open_file_limit():
    # 1,000 connections per process need more open files than many systems allow at
    # first (1,024): serve raises its soft limit, or serves fewer when the hard one is low.
    import resource
    import subprocess
    import sys

    probe = ("import logging, resource; logging.basicConfig();"
             "from searchsvc.web.server import waitress_options;"
             "print(waitress_options(4)['connection_limit'], *resource.getrlimit(resource.RLIMIT_NOFILE))")

    def limits(soft: int, hard: int) -> tuple[list[int], str]:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
        return [int(n) for n in done.stdout.split()], done.stderr

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip(f"the hard open-file limit here is {hard}")
    assert limits(1024, 1300) == ([1000, 1256, 1300], "")
    shown, log = limits(700, 800)
    assert shown == [544, 800, 800]
    assert "the open-file limit is 800: serving at most 544 connections per process" in log
