"""Configuration, read once from ``config.toml`` into typed objects."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .domain.formats import SOURCE_FORMATS
from .domain.model import slugify
from .errors import ConfigError

ENV_VAR = "SEARCHSVC_CONFIG"
DEFAULT_FILE = "config.toml"


def default_workers() -> int:
    """Server processes when the configuration names none: one per core, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True)
class SourceConfig:
    path: Path
    municipality: str
    format: str = "auto"
    # Symbolic links are followed only inside the source folder unless this is set.
    follow_symlinks: bool = False
    # A folder may hold the files of several organisations: (file name pattern, name)
    # pairs, the first match wins over ``municipality``.
    municipalities: tuple[tuple[str, str], ...] = ()
    # A FirstAgenda portal's base URL that `searchsvc fetch` downloads into `path`;
    # `since` and `committees` limit what it fetches.
    portal: str | None = None
    since: date | None = None
    committees: tuple[str, ...] = ()

    def municipality_of(self, path: Path) -> str:
        """The municipality (or region) one file of this source belongs to."""
        for pattern, name in self.municipalities:
            if fnmatch.fnmatch(path.name.lower(), pattern.lower()):
                return name
        return self.municipality


@dataclass(frozen=True)
class FetchConfig:
    """How `searchsvc fetch` treats a portal: a pause between requests to one host,
    a timeout per request, and retries (with backoff) after 5xx, timeouts and lost
    connections."""

    pause: float = 0.5
    timeout: float = 30.0
    retries: int = 3


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 8
    workers: int = field(default_factory=default_workers)
    # Seconds a client has to send a whole request, from connecting or its first byte.
    request_timeout: float = 10.0
    # Where visitors reach the service (e.g. https://referater.example.dk), for the
    # absolute links in feeds and exports; without it they are relative. Never taken
    # from the request's Host header, which the client chooses.
    public_url: str | None = None
    # The access log of ``searchsvc serve``: "-" standard output, "off", or a file.
    access_log: str = "-"
    # Run expensive searches in a process of their own at a lower priority, one at a
    # time (search/slowlane.py); false: in the worker that received them.
    slow_lane: bool = True


@dataclass(frozen=True)
class Config:
    file: Path
    index_path: Path
    sources: list[SourceConfig] = field(default_factory=list)
    server: ServerConfig = ServerConfig()
    fetch: FetchConfig = FetchConfig()
    # The largest share of a source's items one reindex may remove without
    # --allow-removals ([reindex] max_removals): an emptied or unmounted folder must not
    # empty the index.
    max_removals: float = 0.25
    # Seconds one file may take to read and parse ([reindex] parse_timeout; 0: no bound):
    # a parser stuck on one file must not stall the run. The slowest real file, a 1.6 MB
    # PDF, takes 1.2 s; at that rate the largest file read (50 MB) takes about 40 s, and
    # a busy machine three times that.
    parse_timeout: float = 120.0
    # Problems that do not stop a command that only reads the index (a source folder
    # that is missing, an unmounted share, say): the command prints them.
    warnings: list[str] = field(default_factory=list)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the configuration is read from: the argument, ``$SEARCHSVC_CONFIG``, ``./config.toml``."""
    return Path(explicit or os.environ.get(ENV_VAR) or DEFAULT_FILE)


def load_config(path: str | os.PathLike[str] | None = None, *, sources_required: bool = True) -> Config:
    """Read and check the configuration file.

    Relative paths in it resolve against the file's folder.

    :param sources_required: whether a missing source path is an error (reindex reads
        the sources) or only a warning in ``Config.warnings`` (commands that read only
        the index).
    :raise ConfigError: the file is missing or malformed, a source path does not exist
        (when required), or two sources on one folder name different municipalities.
    """
    file = config_path(path).resolve()
    try:
        with file.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such configuration file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{file}: cannot be read: {error.strerror}") from None
    return _build(raw, file, sources_required)


def _build(raw: dict, file: Path, sources_required: bool = True) -> Config:

    base = file.parent

    def table(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: [{name}] must be a table")
        return value

    def text(where: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{file}: {where} must be a non-empty string")
        return value

    index = table("index")
    index_path = base / text("index.path", index.get("path", "index"))

    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(f"{file}: sources must be an array of tables ([[sources]])")
    sources = []
    warnings = []
    claimed: dict[Path, tuple[int, str]] = {}  # resolved folder -> (entry, municipality)
    for n, entry in enumerate(sources_raw, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{file}: sources entry {n} must be a table")
        municipality = text(f"sources[{n}].municipality", entry.get("municipality")).strip()
        portal = _portal(entry, n, municipality, file)
        if portal is not None and "path" not in entry:
            # Fetched meetings are kept beside the index: minutes/<municipality>/.
            path = index_path.parent / "minutes" / slugify(municipality.removesuffix(" Kommune"))
        else:
            path = base / text(f"sources[{n}].path", entry.get("path"))
            # A portal source's folder may not exist before its first fetch, but not its parent.
            if not path.exists() and (portal is None or not path.parent.exists()):
                problem = f"{file}: sources[{n}].path {path} does not exist"
                if sources_required:
                    raise ConfigError(problem)
                warnings.append(problem)
        # Reindex reads a file once, for the first source that names it: a second source
        # on the same folder would silently lose its municipality.
        earlier = claimed.setdefault(path.resolve(), (n, municipality))
        if earlier[1] != municipality:
            raise ConfigError(f"{file}: sources[{earlier[0]}] ({earlier[1]}) and sources[{n}] ({municipality}) "
                              f"both read {path}; a folder belongs to one municipality")
        format = text(f"sources[{n}].format", entry.get("format", "auto"))
        if format != "auto" and format not in SOURCE_FORMATS:
            known = ", ".join(sorted(SOURCE_FORMATS))
            raise ConfigError(f"{file}: sources[{n}].format {format!r} is not one of auto, {known}")
        since = entry.get("since")
        if isinstance(since, str):
            try:
                since = date.fromisoformat(since.strip())
            except ValueError:
                since = None
        if "since" in entry and type(since) is not date:
            raise ConfigError(f"{file}: sources[{n}].since must be a date, e.g. \"2020-01-01\"")
        committees = entry.get("committees", [])
        if not isinstance(committees, list) or not all(isinstance(c, str) and c.strip() for c in committees):
            raise ConfigError(f"{file}: sources[{n}].committees must be a list of committee names")
        by_name = entry.get("municipalities", {})
        if not isinstance(by_name, dict) or not all(isinstance(v, str) and v.strip() for v in by_name.values()):
            raise ConfigError(f"{file}: sources[{n}].municipalities must be a table of file name patterns "
                              'and names, e.g. {"acadre_syddjurs_*" = "Syddjurs Kommune"}')
        follow_symlinks = entry.get("follow_symlinks", False)
        if not isinstance(follow_symlinks, bool):
            raise ConfigError(f"{file}: sources[{n}].follow_symlinks must be true or false")
        sources.append(SourceConfig(path=path, municipality=municipality, format=format,
                                    municipalities=tuple((k, v.strip()) for k, v in by_name.items()),
                                    portal=portal, since=since, committees=tuple(c.strip() for c in committees),
                                    follow_symlinks=follow_symlinks))

    server = table("server")
    host = text("server.host", server.get("host", "127.0.0.1"))
    port = server.get("port", 5000)
    threads = server.get("threads", 8)
    workers = server.get("workers", default_workers())
    for name, value, top in (("server.port", port, 65535), ("server.threads", threads, 256),
                             ("server.workers", workers, 64)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= top:
            raise ConfigError(f"{file}: {name} must be a whole number from 1 to {top}")
    fetch = table("fetch")
    numbers = {}
    for name, default, top in (("pause", 0.5, 60), ("timeout", 30.0, 600), ("retries", 3, 10)):
        value = fetch.get(name, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= top:
            raise ConfigError(f"{file}: fetch.{name} must be a number from 0 to {top}")
        numbers[name] = value
    if numbers["timeout"] == 0 or not isinstance(numbers["retries"], int):
        raise ConfigError(f"{file}: fetch.timeout must be above 0 and fetch.retries a whole number")
    request_timeout = server.get("request_timeout", ServerConfig.request_timeout)
    if not isinstance(request_timeout, (int, float)) or isinstance(request_timeout, bool) \
            or not 0 < request_timeout <= 3600:
        raise ConfigError(f"{file}: server.request_timeout must be a number of seconds from 0 to 3600")
    access_log = text("server.access_log", server.get("access_log", "-"))
    slow_lane = server.get("slow_lane", True)
    if not isinstance(slow_lane, bool):
        raise ConfigError(f"{file}: server.slow_lane must be true or false")
    public_url = server.get("public_url")
    if public_url is not None:
        public_url = _public_url(file, public_url)
    max_removals = table("reindex").get("max_removals", Config.max_removals)
    if not isinstance(max_removals, (int, float)) or isinstance(max_removals, bool) or not 0 <= max_removals <= 1:
        raise ConfigError(f"{file}: reindex.max_removals must be a share from 0 to 1, e.g. 0.25")
    parse_timeout = table("reindex").get("parse_timeout", Config.parse_timeout)
    if not isinstance(parse_timeout, (int, float)) or isinstance(parse_timeout, bool) or not 0 <= parse_timeout <= 86400:
        raise ConfigError(f"{file}: reindex.parse_timeout must be a number of seconds from 0 (no bound) to 86400")
    return Config(file=file, index_path=index_path, sources=sources, warnings=warnings,
                  max_removals=float(max_removals), parse_timeout=float(parse_timeout),
                  server=ServerConfig(host=host, port=port, threads=threads, workers=workers,
                                      request_timeout=float(request_timeout), public_url=public_url,
                                      slow_lane=slow_lane,
                                      access_log=access_log if access_log in ("-", "off") else str(file.parent / access_log)),
                  fetch=FetchConfig(pause=float(numbers["pause"]), timeout=float(numbers["timeout"]),
                                    retries=numbers["retries"]))


def _portal(entry: dict, n: int, municipality: str, file: Path) -> str | None:
    """A source's portal base URL: as written, or from the shipped table for "auto"."""
    from .domain.portals import no_portal_reason, portal_for, portal_url

    value = entry.get("portal")
    if value is None and "path" not in entry:
        # A source named by its municipality alone is fetched from its portal.
        found = portal_for(municipality)
        if found is None:
            raise ConfigError(f"{file}: sources[{n}] has no path, and {no_portal_reason(municipality)}; "
                              "give the folder of its minutes as path")
        return found.base_url
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{file}: sources[{n}].portal must be \"auto\" or a portal address")
    if value.strip().lower() == "auto":
        portal = portal_for(municipality)
        if portal is None:
            raise ConfigError(f"{file}: sources[{n}].portal = \"auto\": {no_portal_reason(municipality)}")
        return portal.base_url
    try:
        return portal_url(value)
    except ValueError as error:
        raise ConfigError(f"{file}: sources[{n}].portal {error}") from None


def _public_url(file: Path, value: object) -> str:
    """``[server] public_url`` checked: an http(s) URL with a host, no query, no trailing slash."""
    from urllib.parse import urlsplit

    problem = ConfigError(f"{file}: server.public_url must be an http or https URL such as "
                          f"https://referater.example.dk (got {value!r})")
    if not isinstance(value, str) or any(c.isspace() for c in value):
        raise problem
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed IPv6 bracket, say
        raise problem from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise problem
    return value.rstrip("/")


# Every key this module reads, as ``searchsvc --help`` lists them (keep in step with
# ``load_config``).
CONFIG_KEYS = """\b
Configuration file keys (TOML; relative paths resolve against its folder):
  [index]      path              index and item store folder (default "index")
  [[sources]]  path              a folder of minutes (searched recursively) or one file
               municipality      the municipality the files belong to (required)
               format            "auto" (default) or one reader's name
               portal            "auto" or the publication portal's address (fetch)
               since             first meeting date to fetch, e.g. "2020-01-01"
               committees        committee names to fetch (default: all)
               municipalities    {"file name pattern" = "municipality"} for mixed exports
               follow_symlinks   true to follow symbolic links (default false)
  [server]     host, port        where serve listens (default 127.0.0.1, 5000)
               threads, workers  threads per process (8), processes (one per core)
               request_timeout   seconds a client has to send a request (10)
               public_url        the site's address, for absolute links in feeds
               access_log        "-" standard output (default), "off", or a file
               slow_lane         false to run expensive searches in the workers (default true)
  [fetch]      pause, timeout, retries   between requests (0.5 s), per request (30 s), tries (3)
  [reindex]    max_removals      largest share of a source's items one run may remove (0.25)
               parse_timeout     seconds one file may take to parse, 0 for no bound (120)
"""
