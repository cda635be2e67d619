"""What the archive holds, for a first-time visitor: the home page's introduction
(municipalities, years, item count, when it was updated, the newest meetings) and the
help page that says in plain Danish what the decision labels mean."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, url_for

from ..search import SearchResults
from .documents import current_service

bp = Blueprint("overview", __name__)

# What each decision label means, for people who do not read minutes for a living.
DECISION_HELP = {
    "godkendt": "Udvalget eller byrådet sagde ja til forslaget (indstillingen), som det blev lagt frem "
                "eller med de ændringer, der står i beslutningen.",
    "taget-til-efterretning": "Udvalget har fået orienteringen og noteret sig den. Der er ikke truffet "
                              "en ny beslutning; sagen var til orientering.",
    "anbefalet": "Udvalget støtter forslaget og sender det videre til det udvalg eller byråd, "
                 "der træffer den endelige beslutning.",
    "oversendt": "Sagen er sendt videre til et andet udvalg, byrådet eller forvaltningen, "
                 "uden at udvalget selv har afgjort den.",
    "udsat": "Sagen blev ikke afgjort på mødet. Den kommer normalt op igen på et senere møde.",
    "afvist": "Udvalget eller byrådet sagde nej til forslaget.",
    "ingen-beslutning": "Referatet har ingen beslutningstekst til punktet, fx ved meddelelser "
                        "eller når feltet er tomt.",
    "andet": "Der står en beslutning, men den passer ikke i de andre grupper. Læs beslutningsteksten.",
}
STATUS_HELP = {
    "Dagsorden – ikke behandlet endnu": "Punktet er fra dagsordenen før mødet. Mødet er ikke holdt endnu, "
                                        "eller referatet er ikke offentliggjort; beslutningen kommer med referatet.",
    "Lukket": "Punktet blev behandlet for lukkede døre. Kun det, kommunen har offentliggjort, kan læses.",
}
NEWEST_MEETINGS = 6


def overview(results: SearchResults) -> dict:
    """The home page's introduction, from the browse search of every item (its facets
    count the municipalities and years) and the newest meetings."""
    years = sorted(int(value.value) for value in results.facets.get("year", []))
    meetings = [
        {**meeting, "url": url_for("pages.meeting", meeting_id=meeting["id"])}
        for meeting in current_service().newest_meetings(NEWEST_MEETINGS)
    ]
    updated = current_service().updated()
    return {
        "items": results.total,
        "municipalities": [(value.value, value.count) for value in results.facets.get("municipality", [])],
        "first_year": years[0] if years else None,
        "last_year": years[-1] if years else None,
        "updated": datetime.fromtimestamp(updated, ZoneInfo("Europe/Copenhagen")) if updated else None,
        "meetings": meetings,
    }


@bp.get("/hjaelp")
def help_page() -> Response:
    """How to search, and what the decision labels mean."""
    return Response(render_template("help.html", json_url=None, decision_help=DECISION_HELP,
                                    status_help=STATUS_HELP), mimetype="text/html")
