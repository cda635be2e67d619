"""The slow lane: expensive searches in a process of their own, at a lower CPU
priority, one at a time, so that they cannot starve ordinary ones.

Four clients sending worst-case queries (``cost.py``) in a loop took ordinary searches'
p95 from 68 to 344 ms when the server's worker processes ran them (issue 18): four
CPU-bound requests on two cores left an ordinary one a fifth of a core, and within a
worker a CPU-bound thread holds the interpreter lock that its other threads need.
``searchsvc serve`` therefore starts one more process, niced (``NICE``), that runs the
searches ``cost.estimate`` calls expensive. A worker hands one over through a Unix
socket (``LaneClient``) and waits without holding its interpreter lock; the kernel
gives the CPU to the workers first and the slow lane what is left.

Admission: the lane answers one request at a time, in the order they came. A request
that has not started within ``WAIT_SECONDS`` is dropped and the client told ``Busy``
(HTTP 503 with Retry-After); at most ``WAITING`` requests of one worker process wait
at once (the others are refused at once), so waiting ones never take all of a
worker's threads. When the lane cannot be reached (it died and is being restarted),
the worker runs the search itself: slower for others, but answered.
"""

from __future__ import annotations

import os
import pickle
import socket
import struct
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..errors import Busy, SearchsvcError
from .request import SearchRequest, SearchResults

# How much lower the lane's CPU priority is. CFS weights: nice 0 counts 1,024, nice 10
# 110, so beside one ordinary search on a core the lane gets about a tenth of it.
NICE = 10
# Seconds a request may wait for the lane before it is refused.
WAIT_SECONDS = 5.0
# Seconds a started search may take before the worker gives up on it.
RUN_SECONDS = 60.0
# Requests of one worker process waiting for the lane at once (a worker has 8 threads).
WAITING = 4

_LENGTH = struct.Struct("!Q")


class LaneUnavailable(Exception):
    """The lane could not be reached: run the search in this process instead."""


@dataclass(frozen=True)
class _Job:
    request: SearchRequest
    snippets: bool
    deadline: float  # time.monotonic(): the same clock in every process of one machine


def _send(sock: socket.socket, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)) + data)


def _receive(sock: socket.socket) -> object:
    def exactly(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = sock.recv(min(left, 1 << 20))
            if not chunk:
                raise ConnectionError("the other end closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    (size,) = _LENGTH.unpack(exactly(_LENGTH.size))
    # Pickles between this server's own processes, over a socket in a folder only
    # this user can enter: as trusted as the processes themselves.
    return pickle.loads(exactly(size))


class LaneSocket:
    """The lane's listening socket, made before the server forks: the lane accepts on it,
    the workers connect to its path."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="searchsvc-lane-"))  # mode 0700
        self.path = self.folder / "lane.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(self.path))
        self.sock.listen(256)

    def client(self) -> LaneClient:
        return LaneClient(self.path)

    def stop_listening(self) -> None:
        """Close this process's copy of the listening socket (a worker's, which only
        connects): once the lane's own copy closes too, connecting fails at once instead
        of waiting for an answer that never comes."""
        self.sock.close()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept()
        except OSError:
            pass
        self.sock.close()
        for path in (self.path, self.folder):
            try:
                path.unlink() if path.is_socket() else path.rmdir()
            except OSError:
                pass


def lower_priority() -> None:
    """The lane process's first step: a CPU priority ``NICE`` steps lower."""
    try:
        os.nice(NICE)
    except (AttributeError, OSError):  # not Unix: the lane still runs them one at a time
        pass


def run_lane(listening: LaneSocket, service) -> None:
    """Answer searches one at a time, in the order they came, until the socket closes.

    :param service: a ``SearchService`` opened in this process (after the fork).
    """
    while True:
        try:
            conn, _ = listening.sock.accept()
        except OSError:  # the socket was closed: the server is stopping
            return
        with conn:
            try:
                job = _receive(conn)
                if not isinstance(job, _Job):
                    continue
                if time.monotonic() > job.deadline:  # the client has given up waiting
                    _send(conn, ("late", None))
                    continue
                try:
                    results = service.search(job.request, snippets=job.snippets)
                except SearchsvcError:
                    # No index yet, or a damaged one: the worker runs the search itself
                    # and raises the error as its own (exceptions do not all pickle).
                    _send(conn, ("error", None))
                    continue
                _send(conn, ("ok", results))
            except (OSError, ConnectionError, pickle.PickleError, EOFError):
                continue  # that client went away; the next one waits


class LaneClient:
    """A worker's side: hands an expensive search to the lane and waits for its answer."""

    def __init__(self, path: Path, *, wait_seconds: float = WAIT_SECONDS, waiting: int = WAITING) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(waiting)
        self._lock = threading.Lock()
        self.in_flight = 0  # this process's requests waiting for the lane or running there

    def search(self, request: SearchRequest, snippets: bool) -> SearchResults:
        """The lane's results for the request.

        :raise Busy: the lane is full, or the request did not start in time.
        :raise LaneUnavailable: the lane could not be reached, or the search failed there.
        """
        if not self._slots.acquire(blocking=False):
            raise Busy(self.wait_seconds)
        with self._lock:
            self.in_flight += 1
        try:
            deadline = time.monotonic() + self.wait_seconds
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.wait_seconds + RUN_SECONDS)
                try:
                    sock.connect(str(self.path))
                    _send(sock, _Job(request, snippets, deadline))
                except OSError as error:
                    raise LaneUnavailable(str(error)) from error
                try:
                    status, value = cast(tuple[str, Any], _receive(sock))
                except (OSError, ConnectionError) as error:
                    raise LaneUnavailable(str(error)) from error
            finally:
                sock.close()
        finally:
            with self._lock:
                self.in_flight -= 1
            self._slots.release()
        if status == "late":
            raise Busy(self.wait_seconds)
        if status != "ok":
            raise LaneUnavailable("the search failed in the slow lane")
        return value
