"""The error tree. Each error carries what its surface needs to report it."""

from __future__ import annotations

import pickle
import sqlite3
import struct
import zlib
from pathlib import Path


class SearchsvcError(Exception):
    """Base of every error searchsvc raises on purpose."""


class ConfigError(SearchsvcError):
    """The configuration file is missing, malformed or names something that does not exist."""


class ParseError(SearchsvcError):
    """A source file could not be read as minutes."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class UnknownFormat(ParseError):
    """A file no format searchsvc reads recognises: not minutes, rather than broken minutes."""


class QueryError(SearchsvcError):
    """A search parameter is not valid; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


class NotFound(SearchsvcError):
    """No item or meeting has that id."""


class IndexLocked(SearchsvcError):
    """Another reindex holds the index lock."""


class IndexMissing(SearchsvcError):
    """The index has not been built yet."""


class IndexUnreadable(SearchsvcError):
    """The index files are damaged (truncated, overwritten): ``reindex --full`` rebuilds them."""

    def __init__(self, folder: str | Path, error: BaseException) -> None:
        super().__init__(f"the index in {folder} cannot be read ({type(error).__name__}: {error}); "
                         "`searchsvc reindex --full` rebuilds it")


class Busy(SearchsvcError):
    """Too many expensive searches wait already (``search/slowlane.py``): this one was not run."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many expensive searches are running: try again in {retry_after:.0f} s, "
                         "or with fewer words or prefixes")
        self.retry_after = retry_after


def is_damage(error: BaseException) -> bool:
    """Whether an exception from reading the index says its files are damaged (rather
    than busy, full or read-only)."""
    if isinstance(error, sqlite3.Error):
        return type(error) is sqlite3.DatabaseError  # "file is not a database", "malformed"
    return isinstance(error, (EOFError, struct.error, zlib.error, pickle.UnpicklingError))


class IndexWriteError(SearchsvcError):
    """A reindex could not write the index folder (a full disk, a read-only folder); the
    index still holds the last complete reindex."""


class RemovalsRefused(SearchsvcError):
    """A reindex would remove more of a source's items than the configured share (an
    emptied or unmounted folder, say); it stopped before writing anything."""


class ServeError(SearchsvcError):
    """The server could not start or keep its workers running."""


class FetchError(SearchsvcError):
    """A portal request failed (HTTP error, timeout, a body that is not a meeting);
    ``url`` names the request."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class FetchLocked(SearchsvcError):
    """Another fetch is writing the same source folder."""
