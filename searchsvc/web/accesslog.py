"""The access log: one line per request, written when its response has been sent.

A line reads ``2026-11-30T09:12:03Z GET /items/greve-… 200 18234 B 41 ms id=3f2a9c01b7de``:
method, the path without its query string (a query may carry what a person searched for,
their own name say), status, body bytes sent, milliseconds, and the request id that an
error page shows, so a complaint can be matched to its line.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

# Where the request id travels from this middleware to the app (``security.request_id``).
REQUEST_ID_KEY = "searchsvc.request_id"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class AccessLog:
    """WSGI middleware writing an access-log line for each request to ``stream``."""

    def __init__(self, app: WSGIApp, stream: TextIO) -> None:
        self.app = app
        self.stream = stream
        self._lock = threading.Lock()  # the server's threads share the stream

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.monotonic()
        environ.setdefault(REQUEST_ID_KEY, uuid.uuid4().hex[:12])
        status = ["-"]

        def start(code: str, headers: list[tuple[str, str]], exc_info=None):
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        return self._counted(self.app(environ, start), environ, status, started)

    def _counted(self, body: Iterable[bytes], environ: dict, status: list[str], started: float) -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in body:
                sent += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self.write(environ, status[0], sent, started)

    def write(self, environ: dict, status: str, sent: int, started: float) -> None:
        milliseconds = round((time.monotonic() - started) * 1000)
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        line = (f"{when} {environ.get('REQUEST_METHOD', '-')} {path} {status} {sent} B {milliseconds} ms "
                f"id={environ.get(REQUEST_ID_KEY, '-')}\n")
        with self._lock:
            try:
                self.stream.write(line)
                self.stream.flush()
            except (OSError, ValueError):  # a full disk or closed file must not fail the request
                pass


def open_log(target: str | None) -> TextIO | None:
    """The stream an access log goes to: ``"-"`` standard output, ``"off"`` none, else a
    file appended to (its folder must exist).

    :raise OSError: the file cannot be opened.
    """
    if target in (None, "off"):
        return None
    if target == "-":
        return sys.stdout
    return Path(target).open("a", encoding="utf-8", buffering=1)
