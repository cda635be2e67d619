"""One error path: each error becomes JSON ``{"error", "param"}`` for programs (under
``/api/`` and the feeds) or a Danish page that helps a person go on. Nothing else a
visitor sees: an unexpected exception is logged with the request id, never shown.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import Busy, IndexMissing, IndexUnreadable, NotFound, QueryError
from .security import request_id

# Blueprints whose clients are programs.
JSON_BLUEPRINTS = {"api", "feeds"}

# What to tell a person about a parameter that was not valid (the library's message is
# for programs, in English).
PARAM_HELP: dict[str, str] = {
    "q": "Søgningen er for lang eller har for mange parenteser inden i hinanden. Prøv med færre ord.",
    "from": "Fra-datoen skal være en gyldig dato skrevet ÅÅÅÅ-MM-DD (f.eks. 2024-08-19), og den må ikke ligge efter til-datoen.",
    "to": "Til-datoen skal være en gyldig dato skrevet ÅÅÅÅ-MM-DD (f.eks. 2024-08-19).",
    "page": "Sidetallet skal være et helt tal fra 1 og opefter.",
    "per_page": "Antal resultater pr. side skal være et helt tal fra 1 til 100.",
    "sort": "Sorteringen skal være relevans, nyeste, ældste eller sag for sag.",
    "status": "Vælg dagsorden eller referat.",
    "decision": "Beslutningstypen findes ikke. Vælg en beslutning i listen ved siden af resultaterne.",
    "journal": "Journalnummeret skal skrives som f.eks. 15.04.10-P20-3-20, eller som begyndelsen af et KLE-nummer, f.eks. 15.04.",
    "year": "Året skal skrives med fire cifre, f.eks. 2024.",
    "kle": "KLE-hovedgruppen skrives med to cifre, f.eks. 15.",
    "deltager": "Skriv navnet, som det står på mødets deltagerliste, f.eks. Mehmet Zeki Dogru.",
    "fravaer": "Skriv navnet, som det står på mødets deltagerliste, f.eks. Mehmet Zeki Dogru.",
}

MISSING_INDEX = "the index has not been built yet: run `searchsvc reindex`"
UNREADABLE_INDEX = "the index cannot be read (its files are damaged): run `searchsvc reindex --full`"

STATUS_TITLES: dict[int, str] = {
    400: "Søgningen kunne ikke forstås",
    404: "Siden findes ikke",
    405: "Metoden er ikke tilladt",
    413: "Forespørgslen er for stor",
    414: "Adressen er for lang",
    500: "Der skete en fejl",
    503: "Søgningen kan ikke svare lige nu",
}


def wants_json() -> bool:
    return request.blueprint in JSON_BLUEPRINTS or request.path.startswith("/api/")


def _respond(status: int, message: str, *, param: str | None = None, help_text: str | None = None) -> Response:
    if wants_json():
        body = {"error": message, "param": param}
        if status >= 500:
            body["request_id"] = request_id()
        response = jsonify(body)
    else:
        response = Response(render_template(
            "error.html", status=status, title=STATUS_TITLES.get(status, "Fejl"),
            message=help_text or message, param=param, request_id=request_id(),
        ), mimetype="text/html")
    response.status_code = status
    return response


def _query_error(error: QueryError) -> Response:
    return _respond(400, error.message, param=error.param,
                    help_text=PARAM_HELP.get(error.param, "En af søgningens værdier er ugyldig."))


def _not_found(error: NotFound) -> Response:
    return _respond(404, str(error), help_text="Punktet, mødet eller udvalget findes ikke i arkivet. "
                                               "Måske er adressen skrevet forkert, eller siden er flyttet.")


def _index_missing(error: IndexMissing) -> Response:
    # The library's message names the index folder; a visitor needs only what to do.
    response = _respond(503, MISSING_INDEX, help_text="Søgeindekset er ikke bygget endnu. "
                                                   "En administrator skal køre »searchsvc reindex«.")
    response.headers["Retry-After"] = "60"
    return response


def _index_unreadable(error: IndexUnreadable) -> Response:
    current_app.logger.error("%s", error)  # the folder and the damage are for the log only
    response = _respond(503, UNREADABLE_INDEX, help_text="Søgeindekset kan ikke læses. "
                                                         "En administrator skal køre »searchsvc reindex --full«.")
    response.headers["Retry-After"] = "60"
    return response


def _busy(error: Busy) -> Response:
    response = _respond(503, str(error), param="q",
                        help_text="Der er travlt med andre omfattende søgninger lige nu. "
                                  "Prøv igen om lidt, eller søg med færre ord eller ord med *.")
    response.headers["Retry-After"] = f"{max(1, round(error.retry_after))}"
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    danish = {
        404: "Der er ingen side på denne adresse. Prøv at søge, eller se listen over udvalg.",
        405: "Siden kan kun hentes (GET).",
        413: "Forespørgslen er for stor.",
        414: "Adressen er for lang til at være en søgning. Prøv med færre ord eller filtre.",
    }.get(status)
    response = _respond(status, error.description or error.name, help_text=danish)
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error, request %s: %s %s", request_id(), request.method, request.path)
    return _respond(500, "internal error", help_text="Der skete en uventet fejl. Prøv igen om lidt. "
                                                     "Hvis fejlen bliver ved, så oplys fejl-id'et nedenfor.")


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(IndexMissing, _index_missing)
    app.register_error_handler(IndexUnreadable, _index_unreadable)
    app.register_error_handler(Busy, _busy)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
