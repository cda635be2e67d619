"""How the server treats one connection, beyond what waitress does by itself: a request
must arrive whole within a deadline, a request with both ``Content-Length`` and
``Transfer-Encoding`` is refused and its connection closed, and the responses waitress
writes itself (400, 413, 431, 501) carry the same security headers as the app's.

Waitress builds a channel (one per connection) from its server's ``channel_class``;
``install`` points every listening server at ``DeadlineChannel``.
"""

from __future__ import annotations

import logging
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from .security import HEADERS

log = logging.getLogger(__name__)


class StrictParser(HTTPRequestParser):
    """Waitress's request parser, refusing what a proxy in front might read otherwise."""

    def parse_header(self, header_plus: bytes) -> None:
        # RFC 9112 §6.1: with both, a proxy that reads Content-Length and a server that
        # reads the chunks see different requests (request smuggling). Refuse the
        # request; the error response closes the connection, and with it whatever
        # followed on it.
        super().parse_header(header_plus)
        if "CONTENT_LENGTH" in self.headers and (self.chunked or "TRANSFER_ENCODING" in self.headers):
            raise ParsingError("a request may not have both Content-Length and Transfer-Encoding")


class SecureErrorTask(ErrorTask):
    """An error response waitress writes itself (the app never sees the request),
    with the security headers every response carries."""

    def execute(self) -> None:
        self.response_headers.extend(HEADERS.items())
        super().execute()


class DeadlineChannel(HTTPChannel):
    """A connection whose client must send each request whole within ``request_seconds``.

    Waitress's own timeout is idle time, which each byte resets: a client that sends a
    header line every few seconds would hold its connection for ever. Here the clock
    starts when the connection opens or a request's first byte arrives, runs only
    while the server waits for the client, and stops when the request is complete.
    """

    parser_class = StrictParser
    error_task_class = SecureErrorTask
    request_seconds = 10.0

    def __init__(self, server, sock, addr, adj, map=None) -> None:
        super().__init__(server, sock, addr, adj, map=map)
        # A new connection owes its first request at once: one that sends nothing is
        # the simplest way to hold a connection slot.
        self.receiving_since: float | None = self.creation_time

    def received(self, data: bytes) -> bool:
        before = self.request
        if self.receiving_since is None:
            self.receiving_since = time.time()
        handled = super().received(data)
        if self.request is None:
            self.receiving_since = None       # every request received is complete
        elif self.request is not before:
            self.receiving_since = time.time()  # a pipelined request began in this data
        return handled

    def readable(self) -> bool:
        if self.receiving_since is not None:
            now = time.time()
            if self.requests or self.total_outbufs_len:
                # Busy answering the previous request: the client is not late.
                self.receiving_since = now
            elif now - self.receiving_since > self.request_seconds:
                # Debug, not info: under a slow-client attack this happens thousands of times a minute.
                log.debug("closing a connection from %s: no complete request within %g s",
                         self.addr[0] if self.addr else "?", self.request_seconds)
                self.receiving_since = None
                self.will_close = True         # handle_write closes it
                return False
        return super().readable()


def install(socket_map: dict, *, request_seconds: float) -> None:
    """Make every waitress server in ``socket_map`` build ``DeadlineChannel`` connections."""
    channel = type("DeadlineChannel", (DeadlineChannel,), {"request_seconds": request_seconds})
    for dispatcher in socket_map.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
