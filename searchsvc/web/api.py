"""The JSON API under ``/api/``, described by ``/api/openapi.json``; and ``/healthz``."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request

from ..errors import IndexMissing, IndexUnreadable, QueryError
from .documents import (
    committee_document,
    committees_document,
    current_service,
    item_document,
    meeting_document,
    run_search,
    search_document,
)
from .errors import MISSING_INDEX, UNREADABLE_INDEX
from .openapi import openapi_document

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> Response:
    return jsonify(search_document(run_search(request.args.to_dict(flat=False))))


@bp.get("/api/items/<item_id>")
def item(item_id: str) -> Response:
    return jsonify(item_document(item_id))


@bp.get("/api/meetings/<meeting_id>")
def meeting(meeting_id: str) -> Response:
    return jsonify(meeting_document(meeting_id))


@bp.get("/api/committees")
def committees() -> Response:
    return jsonify(committees_document())


@bp.get("/api/committees/<municipality>/<path:committee>")
def committee(municipality: str, committee: str) -> Response:
    return jsonify(committee_document(municipality, committee))


@bp.get("/api/suggest")
def suggest() -> Response:
    """Completions of the last word typed, from the words of item titles."""
    q = request.args.get("q", "")
    raw_limit = request.args.get("limit", "8")
    if not re.fullmatch(r"\d{1,3}", raw_limit):
        raise QueryError("limit", "must be a whole number from 1 to 20")
    suggestions = current_service().suggest(q, int(raw_limit))
    response = jsonify({"query": q, "suggestions": [s.to_json() for s in suggestions]})
    response.cache_control.max_age = 60
    response.cache_control.public = True
    return response


@bp.get("/api/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz() -> Response:
    """``ok`` with the item count; 503 while there is no index to search, or it is damaged."""
    try:
        items = current_service().item_count()
    except (IndexMissing, IndexUnreadable) as error:
        missing = isinstance(error, IndexMissing)
        response = jsonify({"status": "index-missing" if missing else "index-unreadable",
                            "error": MISSING_INDEX if missing else UNREADABLE_INDEX})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "items": items})
