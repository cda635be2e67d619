"""The ``searchsvc`` command: a thin layer over the library.

Each command reads the configuration, calls one library function and prints what it
returns. Exit codes: 0 success, 1 some source files (reindex; with --strict also files
of unknown format) or meetings (fetch) failed, or a runtime error, 2 a usage or
configuration error, 3 the index is locked by another reindex (or a source folder by
another fetch).
"""

from __future__ import annotations

import errno
import json
import sys
from typing import Any

import click

from .config import CONFIG_KEYS, Config, load_config
from .errors import ConfigError, FetchLocked, IndexLocked, IndexMissing, IndexUnreadable, QueryError, SearchsvcError

# The library is imported inside each command that needs it: `reindex` runs from cron
# after new minutes arrive, and should not pay for the search side's start-up.

EXIT_LOCKED = 3


class _Context:
    def __init__(self, config_file: str | None) -> None:
        self.config_file = config_file
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        """The configuration of a command that reads the sources: each must exist."""
        return self._load(sources_required=True)

    @property
    def index_config(self) -> Config:
        """The configuration of a command that reads only the index: a missing source
        folder (an unmounted share) is a warning, not a reason to stop serving."""
        return self._load(sources_required=False)

    def _load(self, sources_required: bool) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_file, sources_required=sources_required)
            except ConfigError as error:
                click.echo(f"Error: {error}", err=True)
                sys.exit(2)
            for warning in self._config.warnings:
                click.echo(f"warning: {warning}", err=True)
        return self._config


pass_context = click.make_pass_decorator(_Context)


class _Commands(click.Group):
    """The command group: a damaged index is a one-line error, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except IndexUnreadable as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, epilog=CONFIG_KEYS)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: $SEARCHSVC_CONFIG, else ./config.toml).")
@click.version_option(package_name="searchsvc")
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """Full-text search for Danish municipal council minutes."""
    ctx.obj = _Context(config_file)


@main.command()
@click.option("--full", is_flag=True, help="Rebuild from scratch (published when complete).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--wait", is_flag=True, help="Wait for a running reindex instead of stopping.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Parsing and indexing processes (default: one per core).")
@click.option("--strict", is_flag=True, help="Files of unknown format under a source folder are an error (exit 1).")
@click.option("--fetch", "fetch_first", is_flag=True, help="First fetch new and changed meetings from the portals.")
@click.option("--allow-removals", is_flag=True,
              help="Remove more than [reindex] max_removals (default 25%) of a source's items if its files are gone.")
@pass_context
def reindex(obj: _Context, full: bool, quiet: bool, wait: bool, workers: int | None, strict: bool,
            fetch_first: bool, allow_removals: bool) -> None:
    """Bring the index up to date with the configured source files.

    Unchanged files are skipped, changed files replace their items, vanished files
    remove theirs. Example: searchsvc reindex --full; from cron: searchsvc reindex --fetch -q
    """
    config = obj.config
    fetch_failed = _fetch(config, quiet=quiet) if fetch_first else False
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Parsing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        from .jobs.reindex import reindex as run_reindex

        report = run_reindex(config, full=full, progress=progress, workers=workers, wait=wait,
                             allow_removals=allow_removals)
    except IndexLocked as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except SearchsvcError as error:
        raise click.ClickException(str(error)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, reason in report.failures:
        click.echo(f"failed: {path}: {reason}", err=True)
    for path, reason in report.unknown:
        click.echo(f"{'error' if strict else 'not minutes'}: {path}: {reason}", err=True)
    click.echo(report.summary())
    sys.exit(1 if report.failures or (strict and report.unknown) or fetch_failed else 0)


@main.command()
@click.option("--source", "names", multiple=True, help="Only this municipality's portal (repeatable).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Only meetings from this date, YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="List what would be fetched; write nothing.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_context
def fetch(obj: _Context, names: tuple[str, ...], since, dry_run: bool, quiet: bool) -> None:
    """Download new and changed meetings from the FirstAgenda portals the sources name.

    Example: searchsvc fetch --source "Greve Kommune" --since 2024-01-01
    """
    failed = _fetch(obj.config, names=list(names), since=since.date() if since else None,
                    dry_run=dry_run, quiet=quiet)
    sys.exit(1 if failed else 0)


def _fetch(config: Config, *, names: list[str] | None = None, since=None, dry_run: bool = False,
           quiet: bool = False) -> bool:
    """Run a fetch, print its failures and summary; return whether anything failed."""
    from .jobs.fetch import fetch as run_fetch

    show_bar = not quiet and sys.stderr.isatty()
    bars: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if show_bar:
            bar = bars.get("bar")
            if bar is None:
                bar = bars["bar"] = click.progressbar(length=total, label="Fetching", file=sys.stderr)
                bar.__enter__()
            bar.update(1)
            if done == total:
                bar.__exit__(None, None, None)
                del bars["bar"]

    try:
        report = run_fetch(config, sources=names, since=since, dry_run=dry_run, progress=progress)
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    except FetchLocked as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    finally:
        if "bar" in bars:
            bars["bar"].__exit__(None, None, None)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if dry_run:
        for source in report.sources:
            for url in source.planned:
                click.echo(f"would fetch: {url}")
    for url, reason in report.failures:
        click.echo(f"failed: {url}: {reason}", err=True)
    click.echo(report.summary())
    return bool(report.failures)


def _search_options(func):
    for option in reversed([
        click.argument("query", required=False, default=""),
        click.option("--municipality", multiple=True, help="Only this municipality (repeatable)."),
        click.option("--committee", multiple=True, help="Only this committee (repeatable)."),
        click.option("--year", multiple=True, help="Only this year (repeatable)."),
        click.option("--decision", multiple=True, help="Only items with this decision key (repeatable)."),
        click.option("--kle", multiple=True, help="Only this KLE main group, e.g. 15 (repeatable)."),
        click.option("--status", multiple=True, help="Only agendas (dagsorden) or minutes (referat)."),
        click.option("--deltager", multiple=True,
                     help="Only meetings that list this person, present or absent (repeatable)."),
        click.option("--fravaer", multiple=True, help="Only items this person was absent from (repeatable)."),
        click.option("--journal", default=None, help="A journal number or KLE prefix, e.g. 15.04."),
        click.option("--from", "date_from", default=None, help="From this date, YYYY-MM-DD."),
        click.option("--to", "date_to", default=None, help="To this date, YYYY-MM-DD."),
        click.option("--sort", default=None, help="relevance, newest, oldest or case (default: case for a journal number, "
                                                 "relevance for a query, newest when browsing)."),
        click.option("--group", default=None, help="thread (default): one result per case; none: every item."),
        click.option("--limit", "per_page", type=int, default=20, show_default=True, help="Results per page (1-100)."),
        click.option("--page", type=int, default=1, show_default=True),
    ]):
        func = option(func)
    return func


@main.command()
@_search_options
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document the API serves.")
@pass_context
def search(obj: _Context, query: str, as_json: bool, **options) -> None:
    """Search the index. An empty query lists every item, newest first.

    Example: searchsvc search "borgerdialog" --decision taget-til-efterretning
    """
    from .search import SearchRequest, SearchService
    from .web.pages import item_path

    params = {"q": [query or ""]}
    for name, value in options.items():
        key = {"date_from": "from", "date_to": "to"}.get(name, name)
        if isinstance(value, tuple):
            params[key] = list(value)
        elif value is not None:
            params[key] = [str(value)]
    try:
        request = SearchRequest.from_params(params)
        results = SearchService.open(obj.index_config).search(request)
    except QueryError as error:
        hint = {"q": "QUERY", "per_page": "--limit"}.get(error.param, f"--{error.param}")
        raise click.BadParameter(error.message, param_hint=hint) from None
    except IndexMissing as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(results.to_json(item_path), ensure_ascii=False, indent=2))
        return
    for message in results.messages:
        click.echo(message)
    shown = len(results.results)
    first = (request.page - 1) * request.per_page + 1
    count = f"{results.total} resultater"
    if results.threads is not None and results.threads < results.total:  # else every item is a case of its own
        count = f"{results.total} punkter i {results.threads} sager"
    click.echo(count + (f" (viser {first}-{first + shown - 1})" if shown else ""))
    for hit in results.results:
        decisions = ", ".join(hit["decisions"]) or ("dagsorden" if hit["status"] == "dagsorden" else "")
        closed = " [Lukket]" if hit["closed"] else ""
        click.echo(f"{hit['date']}  {hit['committee']}  punkt {hit['item_number']}{closed}")
        click.echo(f"    {hit['title']}")
        click.echo(f"    {hit['journal_number'] or '-'}  {decisions}  {item_path(hit['id'])}")
        if hit["thread"] and len(hit["thread"]["steps"]) > 1:
            path = " · ".join(f"{step['committee']} {step['date']}" for step in hit["thread"]["steps"])
            click.echo(f"    sagen: {path}: {', '.join(hit['thread']['decisions']) or '-'}")
    if results.suggestion:
        click.echo(f"Mente du: {results.suggestion}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def stats(obj: _Context, as_json: bool) -> None:
    """Counts by municipality, committee, year and decision; failed sources; index size."""
    from .search import SearchService

    try:
        data = SearchService.open(obj.index_config).stats()
    except IndexMissing as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['items']} items, {data['bytes'] / 1048576:.1f} MB on disk")
    for name, title in (("municipality", "Municipalities"), ("committee", "Committees"),
                        ("year", "Years"), ("decision", "Decisions"), ("kle", "KLE main groups")):
        click.echo(f"\n{title}:")
        for value, count in data[name]:
            click.echo(f"  {count:7d}  {value if value is not None else '(none)'}")
    click.echo(f"\nSources with errors: {len(data['failed_files'])}")
    for path, reason in data["failed_files"]:
        click.echo(f"  {path}: {reason}")
    click.echo(f"\nFiles of unknown format (not minutes): {len(data['unknown_files'])}")
    for path, reason in data["unknown_files"]:
        click.echo(f"  {path}: {reason}")
    if data["attachment_files"]:
        click.echo(f"\nAttachments named by exports: {data['attachment_files']}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default: [server] host, else 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default: [server] port, else 5000; 0 picks a free one).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: [server] workers, else one per core up to 8).")
@click.option("--threads", type=click.IntRange(1, 256), default=None,
              help="Threads per process (default: [server] threads, else 8).")
@pass_context
def serve(obj: _Context, host: str | None, port: int | None, workers: int | None, threads: int | None) -> None:
    """Serve the search pages and the JSON API with waitress, a production WSGI server,
    in one process per core (they share the port).

    A reindex that commits while the server runs is visible on the next request.
    Example: searchsvc serve --port 8080
    """
    import logging

    from .search import SearchService
    from .web.accesslog import open_log
    from .web.server import serve as run_server

    config = obj.index_config
    try:
        stream = open_log(config.server.access_log)
    except OSError as error:
        raise click.ClickException(f"cannot write the access log {config.server.access_log}: "
                                   f"{error.strerror or error}") from None
    if stream is not None and stream is not sys.stdout:
        stream.close()  # each server process opens it for itself
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = SearchService.open(config)
    try:
        service.item_count()
    except IndexMissing as error:
        click.echo(f"warning: {error}", err=True)
    finally:
        service.close()  # no SQLite connection may cross the fork into the workers
    try:
        run_server(config, host=host or config.server.host,
                   port=config.server.port if port is None else port,
                   threads=threads or config.server.threads,
                   workers=workers or config.server.workers,
                   on_listening=lambda listening: click.echo(f"Serving on {listening.url}"))
    except OSError as error:
        where = f"{host or config.server.host} port {config.server.port if port is None else port}"
        hint = " (another program listens there: stop it, or choose another with --port or [server] port)" \
            if error.errno == errno.EADDRINUSE else ""
        raise click.ClickException(f"cannot listen on {where}: {error.strerror or error}{hint}") from None
    except SearchsvcError as error:
        raise click.ClickException(str(error)) from None


@main.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--baseline", is_flag=True, help="Also score Whoosh's default analysis and ranking on the same items.")
@click.option("--verbose", "-v", is_flag=True, help="List the queries without a relevant item in the first three.")
@click.option("--group", is_flag=True, help="One result per case thread; a thread is relevant when any of its items is.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def evaluate(obj: _Context, file: str, baseline: bool, verbose: bool, group: bool, as_json: bool) -> None:
    """Score the search against a judged query set: success@3, MRR and nDCG@10, overall
    and by kind of query.

    Example: searchsvc --config bench/relevance/config.toml eval bench/relevance/queries.tsv --baseline
    """
    from pathlib import Path

    from .search import SearchService
    from .search.evaluation import evaluate as run_evaluation
    from .search.evaluation import evaluate_baseline, format_reports, load_judgements

    service = SearchService.open(obj.index_config)
    try:
        judgements = load_judgements(Path(file))
        reports = [run_evaluation(service, judgements, group=group)]
        if baseline:
            reports.append(evaluate_baseline(service, judgements, group=group))
    except SearchsvcError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
        return
    click.echo(format_reports(reports, verbose=verbose))
