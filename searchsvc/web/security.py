"""What every request and response passes through: a request id, size limits, and
the headers that keep a browser from running or framing anything it should not (added
to every response by ``middleware.SecurityHeaders`` and ``connections.SecureErrorTask``).
"""

from __future__ import annotations

import uuid

from flask import Flask, Response, abort, g, request

from .accesslog import REQUEST_ID_KEY

# A query string longer than this is not a search anyone typed; refuse it before parsing.
MAX_QUERY_STRING = 8 * 1024
# The service takes no uploads: a request body is at most a stray form post.
MAX_BODY = 16 * 1024

# Scripts and styles come only from our static files: no inline code, nothing foreign.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def request_id() -> str:
    """This request's id, for logs and for the person reporting an error."""
    if "request_id" not in g:
        # The access log's id for this request where it runs (``accesslog.AccessLog``).
        g.request_id = request.environ.get(REQUEST_ID_KEY) or uuid.uuid4().hex[:12]
    return g.request_id


def _limit_size() -> None:
    request_id()
    if len(request.query_string) > MAX_QUERY_STRING:
        abort(414)
    if (request.content_length or 0) > MAX_BODY:
        abort(413)


def _add_request_id(response: Response) -> Response:
    response.headers["X-Request-Id"] = request_id()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_limit_size)
    app.after_request(_add_request_id)
