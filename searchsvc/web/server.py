"""Serving the app with waitress, in one process or in several that share the port.

One Python process runs one search at a time (the interpreter lock), so on a machine
with several cores concurrent searches queue in it. With ``workers`` above one the
parent binds the listening sockets and forks that many worker processes; each builds
its own app and search service (nothing opened before the fork is used after it) and runs
waitress on the shared sockets, and the kernel hands each new connection to one of
them. The parent only supervises: a worker that dies is replaced, and SIGINT or
SIGTERM stops them all.

Expensive searches run in one more process, the slow lane (``search/slowlane.py``): at
a lower CPU priority and one at a time, so that they cannot starve ordinary searches.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from waitress import create_server
from waitress.adjustments import Adjustments

from ..config import Config
from ..errors import ServeError
from ..processes import can_fork, die_with_parent
from ..search.slowlane import LaneSocket, lower_priority, run_lane
from .accesslog import AccessLog, open_log
from .connections import install
from .security import MAX_BODY

log = logging.getLogger(__name__)

# A worker that dies this soon after starting, this many times in a row, means the
# app cannot start (a broken index folder, say): stop instead of forking forever.
EARLY_DEATH_SECONDS = 5.0
EARLY_DEATHS = 5
STOP_SECONDS = 10.0
CONNECTION_LIMIT = 1000  # per process; see waitress_options
IDLE_SECONDS = 30        # a keep-alive connection between requests
FILES_BESIDES_CONNECTIONS = 256  # index segments, the store, logs, the listening sockets
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Listening:
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def serve(config: Config, *, host: str, port: int, threads: int, workers: int,
          on_listening: Callable[[Listening], None]) -> None:
    """Serve the app until SIGINT or SIGTERM; call ``on_listening`` once the port is open.

    :param workers: processes serving requests (1: this process itself).
    :raise OSError: the address cannot be bound.
    :raise ServeError: the workers keep failing as they start (their log says why).
    """
    options = waitress_options(threads)
    request_seconds = config.server.request_timeout
    if workers > 1 and not can_fork():  # Windows: no forking, one process
        log.warning("this platform cannot fork: serving with one process")
        workers = 1
    lane = LaneSocket() if config.server.slow_lane and can_fork() else None
    try:
        if workers <= 1:
            _serve_here(config, lane, request_seconds, options, host, port, on_listening)
            return
        sockets = _bind(host, port)
        try:
            name = sockets[0].getsockname()
            on_listening(Listening(name[0], name[1]))
            works = [lambda: _run_worker(config, lane, sockets, options, request_seconds)] * workers
            if lane is not None:
                works.append(lambda: _run_lane(config, lane))
            if not _Supervisor(works).run():
                raise ServeError("the server workers keep failing as they start; the log above says why")
        finally:
            for sock in sockets:
                sock.close()
    finally:
        if lane is not None:
            lane.close()


def _serve_here(config: Config, lane: LaneSocket | None, request_seconds: float, options: dict,
                host: str, port: int, on_listening: Callable[[Listening], None]) -> None:
    """One server process, and its slow lane in a child (not restarted: if it dies,
    expensive searches run in this process)."""
    child = None
    if lane is not None:
        parent = os.getpid()
        child = os.fork()
        if child == 0:
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
                die_with_parent(parent)
                _run_lane(config, lane)
            except BaseException:
                log.exception("slow lane %d failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        lane.stop_listening()  # not restarted: connecting fails at once when it has died
    try:
        server = _create(_prepared_app(config, lane), request_seconds, host=host, port=port, **options)
        on_listening(Listening(str(server.effective_host), int(server.effective_port)))
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        if child is not None:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def waitress_options(threads: int) -> dict:
    """Waitress's settings for serving this app to anyone who connects.

    A connection that waits costs waitress a file descriptor and a few kilobytes, not a
    thread (one event loop reads every connection; the threads only run the app), so
    the limit on connections is set by memory, not by ``threads``: 1,000 per process
    instead of waitress's 100, which a few hundred slow clients used up; the process's
    open-file limit is raised to match (``_connection_limit``). Above 1,023 open files
    ``select`` fails, hence ``poll``. A request must arrive whole within
    ``[server] request_timeout`` (``connections.DeadlineChannel``), and a keep-alive
    connection may idle 30 s. Bodies: the service takes no uploads, so one over
    ``MAX_BODY`` is refused (413) before it is read.
    """
    return dict(threads=threads, ident="searchsvc",
                max_request_header_size=64 * 1024,  # far above the app's own 8 KB query-string limit
                max_request_body_size=MAX_BODY,
                connection_limit=_connection_limit(CONNECTION_LIMIT), asyncore_use_poll=True,
                channel_timeout=IDLE_SECONDS, cleanup_interval=5,
                clear_untrusted_proxy_headers=True)


def _connection_limit(wanted: int) -> int:
    """``wanted`` connections, the process's open-file limit raised to allow them (many
    systems start at 1,024); fewer if the hard limit does not allow it."""
    try:
        import resource
    except ImportError:  # not Unix
        return wanted
    needed = wanted + FILES_BESIDES_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
        if soft < needed:
            limit = max(soft - FILES_BESIDES_CONNECTIONS, 64)
            log.warning("the open-file limit is %d: serving at most %d connections per process", soft, limit)
            return limit
    return wanted


def _create(app, request_seconds: float, **options):
    """A waitress server whose connections are ``DeadlineChannel``s."""
    socket_map: dict = {}
    server = create_server(app, map=socket_map, **options)
    install(socket_map, request_seconds=request_seconds)
    return server


def _bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address waitress would listen on for host and port."""
    sockets = []
    try:
        for family, kind, proto, address in Adjustments(host=host, port=port).listen:
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            # Port 0 means a free port: every address then takes the first one's.
            if port == 0 and len(sockets) > 1:
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.listen(1024)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _prepared_app(config: Config, lane: LaneSocket | None):
    """The app, its search service already open (see ``SearchService.prepare``), handing
    expensive searches to the slow lane when there is one."""
    from ..search import SearchService
    from . import create_app

    service = SearchService.open(config, shared_cache=True)
    service.lane = lane.client() if lane is not None else None
    service.prepare()
    app = create_app(config, service=service)
    stream = open_log(config.server.access_log)
    return app if stream is None else AccessLog(app, stream)


def _run_lane(config: Config, lane: LaneSocket) -> None:
    """The slow lane's process: its own search service, one expensive search at a time."""
    from ..search import SearchService

    lower_priority()
    service = SearchService.open(config)
    service.prepare()
    try:
        run_lane(lane, service)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group
        pass


def _run_worker(config: Config, lane: LaneSocket | None, sockets: list[socket.socket], options: dict,
                request_seconds: float) -> None:
    """A worker process: waitress over the shared sockets until told to stop."""
    if lane is not None:
        lane.stop_listening()  # the supervisor keeps it open for the next lane
    server = _create(_prepared_app(config, lane), request_seconds, sockets=sockets, **options)
    try:
        server.run()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group
        pass


class _Supervisor:
    """Keeps a forked process running for each of ``works`` until SIGINT or SIGTERM."""

    def __init__(self, works: list[Callable[[], None]]) -> None:
        self.works = works
        self.workers: dict[int, tuple[float, Callable[[], None]]] = {}  # pid -> started (monotonic), work
        self.stopping = False
        self.early_deaths = 0

    def run(self) -> bool:
        """Run until told to stop (True) or until workers keep failing at start (False)."""
        handlers = {number: signal.signal(number, self._stop) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            for work in self.works:
                self._start(work)
            # Polling, not a blocking wait: a signal does not interrupt os.waitpid.
            while not self.stopping:
                self._replace(self._reap())
                time.sleep(POLL_SECONDS)
            return self.early_deaths < EARLY_DEATHS
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
            self._stop_all()

    def _start(self, work: Callable[[], None]) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                for number in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(number, signal.SIG_DFL if number == signal.SIGTERM else signal.default_int_handler)
                die_with_parent(parent)
                work()
            except BaseException:
                log.exception("server worker %d failed", os.getpid())
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        self.workers[pid] = (time.monotonic(), work)

    def _stop(self, number, frame) -> None:
        self.stopping = True

    def _reap(self) -> list[tuple[int, int, float, Callable[[], None]]]:
        """The workers that ended since last asked: (pid, exit code, seconds they ran, work)."""
        ended = []
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in self.workers:
                started, work = self.workers.pop(pid)
                ended.append((pid, os.waitstatus_to_exitcode(status), time.monotonic() - started, work))
        return ended

    def _replace(self, ended: list[tuple[int, int, float, Callable[[], None]]]) -> None:
        for pid, code, ran, work in ended:
            if self.stopping:
                return
            log.warning("server worker %d ended (%s); starting another", pid,
                        f"signal {-code}" if code < 0 else f"exit code {code}")
            self.early_deaths = self.early_deaths + 1 if ran < EARLY_DEATH_SECONDS else 0
            if self.early_deaths >= EARLY_DEATHS:
                log.error("server workers keep failing as they start; stopping")
                self.stopping = True
                return
            self._start(work)

    def _stop_all(self) -> None:
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.workers.pop(pid, None)
        deadline = time.monotonic() + STOP_SECONDS
        while self.workers and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.workers.clear()
