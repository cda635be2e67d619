"""The web app: HTML pages for people, a JSON API for programs, over one ``Archive``."""

from __future__ import annotations

from flask import Flask

from ..search.service import Archive
from ..config import Config, load_config


def create_app(config: Config | None = None, *, archive: Archive | None = None) -> Flask:
    """Build the Flask app over an archive (by default the configured index).

    :param config: the configuration; read with ``load_config()`` when neither it nor
        ``archive`` is given.
    :param archive: the archive to serve; by default ``Archive(config.index_path)``.
    :raise ConfigError: no archive was given and the configuration cannot be read.
    """
    if archive is None:
        config = config or load_config()
        archive = Archive(config.index_path)
    app = Flask(__name__)
    app.config.update(
        DEBUG=False,                      # never: the debugger would show code to visitors
        PROPAGATE_EXCEPTIONS=False,       # errors.py renders them, also under TESTING
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=16 * 1024,     # the app reads no request bodies
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["searchsvc"] = archive
    app.extensions["searchsvc.config"] = config

    from . import api, errors, feeds, pages, security, templating

    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    return app
