"""A polite HTTP client for one FirstAgenda portal.

The portal hands out an anonymous session cookie on ``GET /`` and answers API requests
without it with a ``302``; the client opens the session first and renews it once when
redirected. One request at a time with a pause between them, a descriptive User-Agent,
a timeout, retries with exponential backoff after 5xx answers, timeouts and lost
connections, ``Retry-After`` honoured, and a limit on the size of an answer.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version

from ..errors import FetchError

# A portal asking for a longer wait than this is left for the next run.
MAX_RETRY_AFTER = 300.0
REDIRECTS = (301, 302, 303, 307, 308)


def user_agent() -> str:
    try:
        own = version("searchsvc")
    except PackageNotFoundError:
        own = "dev"
    return (f"searchsvc/{own} (full-text search of Danish council minutes; "
            "fetches published agendas and minutes, one request at a time)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers: a 302 from the API means "no session"."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        self.reason = reason
        self.wait = wait


class PortalClient:
    """GET requests to one portal, politely.

    :param base_url: ``https://host`` (or ``http://127.0.0.1:port``).
    :param pause: seconds between the end of one request and the start of the next.
    :param timeout: seconds a request may wait for the connection or for data.
    :param retries: further attempts after a retryable failure.
    :param max_bytes: a larger answer is refused.
    :param backoff: the first wait before a retry; it doubles with each attempt.
    :param sleep: how to wait (tests pass one that records the waits).
    """

    def __init__(self, base_url: str, *, pause: float = 0.5, timeout: float = 30.0, retries: int = 3,
                 max_bytes: int = 50 * 1024 * 1024, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.pause, self.timeout, self.retries = pause, timeout, retries
        self.max_bytes, self.backoff, self.sleep = max_bytes, backoff, sleep
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                   _NoRedirect())
        self._opener.addheaders = [("User-Agent", user_agent()), ("Accept", "application/json, */*")]
        self._last: float | None = None
        self._session = False
        self.bytes = 0
        self.requests = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str) -> bytes:
        """The body of a successful ``GET path``.

        :raise FetchError: an HTTP error, a redirect loop, a body over the limit, or
            timeouts and failed connections on every attempt; it names the URL and reason.
        """
        if not self._session:
            self._open_session()
        url = self.url(path)
        renewed = False
        attempt = 0
        while True:
            try:
                status, headers, body = self._request(url)
            except _Retry as failure:
                if attempt >= self.retries:
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise FetchError(url, failure.reason + tries) from None
                wait = failure.wait if failure.wait is not None else self.backoff * 2 ** attempt
                if wait > MAX_RETRY_AFTER:
                    raise FetchError(url, f"{failure.reason}; the portal asks to wait {wait:.0f} s "
                                          f"(Retry-After), more than the {MAX_RETRY_AFTER:.0f} s a run "
                                          "waits: left for the next run") from None
                attempt += 1
                self.sleep(wait)
                continue
            if status in REDIRECTS:
                location = headers.get("Location", "?")
                if renewed:
                    raise FetchError(url, f"HTTP {status} to {location} again after a new session: a "
                                          "redirect loop (the portal does not accept its session cookie)")
                renewed = True
                self._open_session()
                continue
            if status != 200:
                raise FetchError(url, f"HTTP {status}")
            return body

    def _open_session(self) -> None:
        """``GET /`` for the anonymous session cookie (any answer but an error will do)."""
        url = self.url("/")
        for attempt in range(self.retries + 1):
            try:
                status, _, _ = self._request(url)
            except _Retry as failure:
                if attempt == self.retries:
                    raise FetchError(url, f"{failure.reason} (opening a session)") from None
                self.sleep(failure.wait if failure.wait is not None else self.backoff * 2 ** attempt)
                continue
            if status >= 400:
                raise FetchError(url, f"HTTP {status} (opening a session)")
            self._session = True
            return

    def _request(self, url: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request, after the pause; retryable failures raise ``_Retry``."""
        if self._last is not None:
            wait = self._last + self.pause - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self.requests += 1
        try:
            try:
                response = self._opener.open(url, timeout=self.timeout)
            except urllib.error.HTTPError as error:
                response = error  # a status other than 2xx is an answer too
            with response:
                status, headers = response.status or response.code, response.headers
                if status == 429 or status >= 500:
                    raise _Retry(f"HTTP {status}", _retry_after(headers.get("Retry-After")))
                body = self._read(url, response)
        except _Retry:
            raise
        except TimeoutError:
            raise _Retry(f"no answer within {self.timeout:g} s (timeout)") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Retry(f"no answer within {self.timeout:g} s (timeout)") from None
            raise _Retry(f"connection failed: {getattr(reason, 'strerror', None) or reason}") from None
        except (http.client.HTTPException, OSError) as error:  # OSError: ConnectionError, ssl.SSLError
            raise _Retry(f"connection failed: {type(error).__name__} {error}".strip()) from None
        finally:
            self._last = time.monotonic()
        self.bytes += len(body)
        return status, headers, body

    def _read(self, url: str, response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"the answer is {int(declared) // 1048576} MB, larger than the "
                                  f"{self.max_bytes // 1048576} MB limit")
        body = response.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise FetchError(url, f"the answer is larger than the {self.max_bytes // 1048576} MB limit")
        if declared and declared.isdigit() and len(body) < int(declared):
            raise _Retry(f"the connection closed after {len(body)} of {declared} bytes")
        return body


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
