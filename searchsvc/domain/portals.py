"""FirstAgenda publication portals: which host publishes a municipality's minutes, and
the public links into it.

88 of the 98 municipalities publish through the same FirstAgenda publication API; the
shipped table (``firstagenda-portals.tsv``, public reference data) names their hosts, and
``other-publishing-systems.tsv`` what the other ten use. A meeting, an item and an
attachment each have a public page on the portal, named by the ids the API documents
carry (the all-zero GUID means "no value").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote, urlsplit

NO_VALUE = "00000000-0000-0000-0000-000000000000"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Plain http only to this machine: a replay of the API in tests and demos.
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def guid(value: object) -> str | None:
    """A FirstAgenda id as text, or None for a missing, malformed or all-zero one."""
    if not isinstance(value, str) or not _GUID.match(value.strip()) or value.strip() == NO_VALUE:
        return None
    return value.strip().lower()


@dataclass(frozen=True)
class Portal:
    """One FirstAgenda portal, by its base URL (``https://host``, no trailing slash)."""

    base_url: str

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def meeting_url(self, meeting_id: str) -> str:
        return f"{self.base_url}/vis?id={quote(meeting_id)}"

    def item_url(self, meeting_id: str, item_id: str) -> str:
        # A #fragment would break the portal's own navigation: the item is a parameter.
        return f"{self.base_url}/vis?id={quote(meeting_id)}&punktid={quote(item_id)}"

    def attachment_url(self, attachment_id: str) -> str:
        return f"{self.base_url}/Vis/Pdf/bilag/{quote(attachment_id)}"


def portal_url(value: str) -> str:
    """The base URL of a portal as written in the configuration: ``https://host``, a bare
    host, or ``http://`` to this machine (a replay server).

    :raise ValueError: anything else (another scheme, a path, plain http to another host).
    """
    text = value.strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{value!r} is not a portal address such as https://dagsordener.greve.dk")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise ValueError(f"{value!r}: a portal is reached over https (plain http only on 127.0.0.1)")
    if parts.path or parts.query or parts.fragment:
        raise ValueError(f"{value!r}: name the portal's host only, without a path")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise ValueError(f"{value!r}: the port is not a number") from None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _table(name: str) -> dict[str, str]:
    text = resources.files("searchsvc.domain").joinpath(name).read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {_key(row[0]): row[1].strip() for row in rows if len(row) >= 2}


def _key(municipality: str) -> str:
    return " ".join(municipality.split()).casefold()


@cache
def portal_hosts() -> dict[str, str]:
    """The shipped table: portal host by municipality name (case-folded)."""
    return _table("firstagenda-portals.tsv")


@cache
def other_systems() -> dict[str, str]:
    """What the municipalities outside FirstAgenda publish with, by name (case-folded)."""
    return _table("other-publishing-systems.tsv")


def portal_for(municipality: str) -> Portal | None:
    """The municipality's portal from the shipped table, or None when it has none there.

    >>> portal_for("Greve Kommune").item_url("m", "p")
    'https://dagsordener.greve.dk/vis?id=m&punktid=p'
    """
    host = portal_hosts().get(_key(municipality))
    return Portal(f"https://{host}") if host else None


def no_portal_reason(municipality: str) -> str:
    """Why a municipality has no portal in the table, for an error message."""
    other = other_systems().get(_key(municipality))
    if other:
        return f"{municipality} does not publish through FirstAgenda ({other})"
    return (f"{municipality} is not in the table of FirstAgenda portals; "
            "write the municipality's name as in the table (e.g. \"Greve Kommune\") or give the portal's address")
