"""A FirstAgenda publication portal on 127.0.0.1 that replays real recorded meetings.

It serves what the portals serve, from the files the real API returned (Greve's, in
``../shared/corpus/greve``): ``GET /`` sets an anonymous session cookie; without it the
API answers ``302`` to ``/``; ``/api/agenda/udvalgsliste`` is the committee list in the
real shape, built from the files' ``Id``, ``Udvalg`` and ``Moede``; and
``/api/agenda/dagsorden/{id}`` answers with the file itself. Faults can be injected per
meeting: ``500`` (always), ``500-once``, ``timeout`` (no answer for ``stall`` seconds),
``timeout-once``, ``truncated`` (half the JSON, as a complete answer), ``redirect-loop``
(``302`` even with a session), ``session-expired`` (every session forgotten, once) and
``retry-after`` (one ``503`` with ``Retry-After``).

As a demo: ``python tests/portal_replay.py ../shared/corpus/greve --port 8765``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COOKIE = "FirstAgendaPublicSession"
FAULTS = ("500", "500-once", "timeout", "timeout-once", "truncated", "redirect-loop", "session-expired",
          "retry-after")
ONCE = ("500-once", "timeout-once", "session-expired", "retry-after")


class PortalReplay:
    """The replayed portal: its meetings, their ``ReleasedDate``, the faults to inject,
    and the log of requests it answered."""

    def __init__(self, files: list[Path] = (), *, stall: float = 1.0, retry_after: int = 7) -> None:
        self.documents: dict[str, bytes] = {}
        self.released: dict[str, str] = {}
        self.faults: dict[str, str] = {}
        self.list_fault: str | None = None
        self.stall, self.retry_after = stall, retry_after
        self.sessions: set[str] = set()
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        for path in files:
            self.add(path.read_bytes())

    # -- the recorded material -----------------------------------------------------

    def add(self, body: bytes) -> str:
        """Publish one meeting document; return its id."""
        document = json.loads(body)
        meeting_id = document["Id"]
        self.documents[meeting_id] = body
        # The recorded files carry no ReleasedDate: minutes are released some days later.
        held = datetime.fromisoformat(document["Moede"]["Dato"])
        self.released[meeting_id] = (held + timedelta(days=4)).replace(hour=13, minute=28).isoformat()
        return meeting_id

    def change(self, meeting_id: str, old: str, new: str) -> None:
        """Correct a published meeting: replace text in it and give it a new ReleasedDate."""
        body = self.documents[meeting_id].decode("utf-8-sig")
        assert old in body, f"{old!r} is not in meeting {meeting_id}"
        self.documents[meeting_id] = body.replace(old, new).encode()
        released = datetime.fromisoformat(self.released[meeting_id])
        self.released[meeting_id] = (released + timedelta(days=1)).isoformat()

    def committee_list(self) -> dict:
        """The committee list in the portal's shape, grouped by electoral period."""
        committees: dict[str, dict] = {}
        for meeting_id, body in self.documents.items():
            document = json.loads(body)
            udvalg, moede = document["Udvalg"], document["Moede"]
            entry = committees.setdefault(udvalg["Id"], {**udvalg, "Moeder": []})
            entry["Moeder"].append({
                "Id": meeting_id, "Dato": moede["Dato"], "ReleasedDate": self.released[meeting_id],
                "Navn": "Referat", "Afsluttet": moede.get("Afsluttet", True), "Sted": moede.get("Sted"),
            })
        return {"Udvalg": {"2022-2025": list(committees.values())}}

    # -- serving -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> PortalReplay:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, port: int = 0) -> PortalReplay:
        replay = self

        class Handler(_Handler):
            portal = replay

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def take_fault(self, meeting_id: str) -> str | None:
        """The fault to inject now for a meeting (a ``-once`` fault only the first time)."""
        with self._lock:
            fault = self.faults.get(meeting_id)
            if fault in ONCE:
                del self.faults[meeting_id]
            return fault

    def api_requests(self, meeting_id: str) -> int:
        return self.requests.count(f"/api/agenda/dagsorden/{meeting_id}")


class _Handler(BaseHTTPRequestHandler):
    portal: PortalReplay
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # quiet: the tests read portal.requests
        pass

    def do_GET(self) -> None:  # noqa: N802
        portal = self.portal
        path = self.path.split("?", 1)[0]
        portal.requests.append(path)
        if path == "/":
            session = secrets.token_hex(8)
            portal.sessions.add(session)
            self._send(200, b"<html><body>Dagsordener og referater</body></html>", "text/html",
                       {"Set-Cookie": f"{COOKIE}={session}; Path=/; HttpOnly"})
            return
        if not path.startswith("/api/"):
            return self._send(404, b"not found", "text/plain")
        if self._session() not in portal.sessions:
            return self._send(302, b"", "text/html", {"Location": "/"})
        if path == "/api/agenda/udvalgsliste":
            if portal.list_fault == "500":
                return self._send(500, b"Internal Server Error", "text/plain")
            return self._json(json.dumps(portal.committee_list(), ensure_ascii=False).encode())
        prefix = "/api/agenda/dagsorden/"
        meeting_id = path[len(prefix):] if path.startswith(prefix) else ""
        if meeting_id not in portal.documents:
            return self._send(404, b'{"Message": "not found"}', "application/json")
        fault = portal.take_fault(meeting_id)
        body = portal.documents[meeting_id]
        if fault in ("500", "500-once"):
            return self._send(500, b"Internal Server Error", "text/plain")
        if fault == "retry-after":
            return self._send(503, b"busy", "text/plain", {"Retry-After": str(portal.retry_after)})
        if fault == "session-expired":
            portal.sessions.clear()
        if fault in ("redirect-loop", "session-expired"):
            return self._send(302, b"", "text/html", {"Location": "/"})
        if fault in ("timeout", "timeout-once"):
            time.sleep(portal.stall)
        if fault == "truncated":
            body = body[: len(body) // 2]
        self._json(body)

    def _session(self) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def _json(self, body: bytes) -> None:
        self._send(200, body, "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Replay recorded FirstAgenda meetings as a portal on 127.0.0.1.")
    parser.add_argument("folder", type=Path, help="a folder of meeting files, e.g. ../shared/corpus/greve")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    portal = PortalReplay(sorted(args.folder.glob("*.json"))).start(args.port)
    print(f"Replaying {len(portal.documents)} meetings at {portal.url} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        portal.stop()


if __name__ == "__main__":
    main()
