"""Journal numbers (sagsnumre) and their KLE parts.

A KLE journal number such as ``15.04.10-P20-3-20`` names the main group (``15``),
group (``15.04``), subject (``15.04.10``) and handling facet (``P20``), then the case
and year. Other systems use numbers like ``23-013472`` or ``EMN-2025-003383``, which
carry no KLE classification.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Handling facets are a capital letter (Danish letters included, e.g. Ø00) and two digits.
_KLE = re.compile(r"^(\d{2})\.(\d{2})(?:\.(\d{2}))?(?:-([A-ZÆØÅ]\d{2}))?(?:-|$)")


@dataclass(frozen=True)
class KLE:
    main_group: str
    group: str
    subject: str | None
    facet: str | None


def parse_kle(journal_number: str | None) -> KLE | None:
    """Return the KLE parts of a journal number, or None when it is not KLE-formatted.

    >>> parse_kle("15.04.10-P20-3-20")
    KLE(main_group='15', group='15.04', subject='15.04.10', facet='P20')
    >>> parse_kle("23-013472") is None
    True
    """
    if not journal_number:
        return None
    match = _KLE.match(journal_number.strip())
    if not match:
        return None
    main, group, subject, facet = match.groups()
    return KLE(
        main_group=main,
        group=f"{main}.{group}",
        subject=f"{main}.{group}.{subject}" if subject else None,
        facet=facet,
    )


@cache
def kle_main_group_names() -> dict[str, str]:
    """The names of the KLE main groups, keyed by their two-digit code."""
    text = resources.files("searchsvc.domain").joinpath("kle-hovedgrupper.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {row["kode"]: row["navn"] for row in rows}


def kle_label(main_group: str) -> str | None:
    """The name of a KLE main group such as ``15``, or None when unknown."""
    return kle_main_group_names().get(main_group)
