"""The web app: HTML pages for people, a JSON API for programs, over one ``SearchService``."""

from __future__ import annotations

from flask import Flask

from ..config import Config, load_config
from ..search import SearchService
from .security import MAX_BODY


def create_app(config: Config | None = None, *, service: SearchService | None = None) -> Flask:
    """Build the Flask app over a search service (by default the configured index's).

    :param config: the configuration; read with ``load_config()`` when neither it nor
        ``service`` is given.
    :param service: the service to serve; by default ``SearchService.open(config)``.
    :raise ConfigError: no service was given and the configuration cannot be read.
    """
    if service is None:
        config = config or load_config(sources_required=False)  # serving reads only the index
        service = SearchService.open(config)
    app = Flask(__name__)
    app.config.update(
        DEBUG=False,                      # never: the debugger would show code to visitors
        PROPAGATE_EXCEPTIONS=False,       # errors.py renders them, also under TESTING
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=MAX_BODY,      # the app reads no request bodies
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["searchsvc"] = service
    app.extensions["searchsvc.config"] = config

    from . import api, errors, feeds, overview, pages, security, templating
    from .middleware import SecurityHeaders

    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]  # Flask's way to wrap it

    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(overview.bp)
    return app
