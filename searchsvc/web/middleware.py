"""The WSGI layer around the Flask app: every response the app sends, whatever path
made it (a page, a feed, a static file, an error handler, a response that failed while
streaming), leaves with the security headers. Responses the server writes itself
(waitress's 400, 413, 431, 501) get the same headers in ``connections.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .security import HEADERS

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class SecurityHeaders:
    """WSGI middleware adding ``security.HEADERS`` to each response that lacks them
    (a response may set its own value, e.g. a stricter policy)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value in HEADERS.items() if name.lower() not in present)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, start)
