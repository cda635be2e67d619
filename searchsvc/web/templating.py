"""What templates use beyond the data: Danish dates and labels, text as paragraphs, and
the links that narrow or widen a search.
"""

from __future__ import annotations

import re
from datetime import date as Date

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

from ..domain.attendance import clean_name, unlisted_notes
from ..domain.calendar import MONTHS, WEEKDAYS
from ..domain.decisions import DECISION_LABELS, split_attendance
from ..domain.journal import kle_label
from ..search import FACETS, SearchRequest
from . import tables
from .overview import DECISION_HELP, STATUS_HELP

SORT_LABELS = {"relevance": "Relevans", "newest": "Nyeste", "oldest": "Ældste", "case": "Sag for sag"}
FACET_TITLES = {facet.name: facet.title for facet in FACETS}
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


def _as_date(value: str | Date) -> Date:
    return value if isinstance(value, Date) else Date.fromisoformat(str(value)[:10])


def danish_date(value: str | Date | None) -> str:
    """``2024-08-19`` as ``19. august 2024``."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def danish_weekday_date(value: str | Date | None) -> str:
    """``2024-08-19`` as ``mandag den 19. august 2024``."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{WEEKDAYS[day.weekday()]} den {danish_date(day)}"


def paragraphs(text: str | None) -> Markup:
    """Plain text as escaped HTML paragraphs: blank lines part paragraphs, newlines break lines."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in block.splitlines()))
        for block in blocks
    )


def decision_label(key: str) -> str:
    return DECISION_LABELS.get(key, key)


def facet_value_label(name: str, value: str) -> str:
    """How a selected filter value reads on the page."""
    if name == "kle":
        label = kle_label(value)
        return f"{value} {label}" if label else value
    facet = FACETS_BY_NAME.get(name)
    return facet.label(value) if facet else value


def toggle_url(request: SearchRequest, name: str, value: str) -> str:
    """The search with one facet value added, or removed when it is already selected."""
    values = list(getattr(request, name))
    values = [v for v in values if v != value] if value in values else values + [value]
    return url_for("pages.search", **request.to_params(**{name: values, "page": None}))


def req_filters(request: SearchRequest) -> list[str]:
    """The request's filters as they read on the page (``Udvalg: Byråd (Greve Kommune)``)."""
    chosen = [f"{FACET_TITLES[facet.name]}: {facet_value_label(facet.name, value)}"
              for facet in FACETS for value in getattr(request, facet.name)]
    if request.date_from:
        chosen.append(f"Fra: {danish_date(request.date_from)}")
    if request.date_to:
        chosen.append(f"Til: {danish_date(request.date_to)}")
    if request.journal:
        chosen.append(f"Journalnummer: {request.journal}")
    return chosen


def committee_name(municipality: str, committee: str) -> str:
    """A committee as breadcrumbs name it: with its municipality where more than one is
    indexed (Greve's and Aarhus' city councils are both "Byråd")."""
    municipalities = {row["municipality"] for row in current_app.extensions["searchsvc"].committees()}
    return f"{committee} ({municipality})" if len(municipalities) > 1 else committee


def change_url(request: SearchRequest, endpoint: str = "pages.search", **changes) -> str:
    """The search with some parameters changed (``None`` removes one)."""
    return url_for(endpoint, **request.to_params(**changes))


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and those near ``page``; None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        danish_date=danish_date,
        danish_weekday_date=danish_weekday_date,
        paragraphs=paragraphs,
        decision_label=decision_label,
        without_attendance=lambda text: split_attendance(text)[0],
        **tables.FILTERS,
        # A member's name as the deltager filter knows it ("Doris Børger (A)": "Doris Børger").
        person_name=lambda name: clean_name(name) or name,
        unlisted_notes=unlisted_notes,
    )
    app.jinja_env.globals.update(
        toggle_url=toggle_url,
        change_url=change_url,
        req_filters=req_filters,
        committee_name=committee_name,
        page_window=page_window,
        facet_value_label=facet_value_label,
        kle_label=kle_label,
        SORT_LABELS=SORT_LABELS,
        FACET_TITLES=FACET_TITLES,
        DECISION_LABELS=DECISION_LABELS,
        DECISION_HELP=DECISION_HELP,
        STATUS_HELP=STATUS_HELP,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
