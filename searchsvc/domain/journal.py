"""Journal numbers (sagsnumre): every pattern of their shapes, and their KLE parts.

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

# The shapes of a journal number inside text (how analysis keeps it one token): KLE
# numbers with their case part, KLE prefixes, and other systems' case numbers.
JOURNAL_PATTERN = (
    r"\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅa-zæøå]\d{2})?(?:-\d+[A-Za-z]?)+"  # KLE with case part
    r"|\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅa-zæøå]\d{2})?"                  # a KLE prefix
    r"|[A-ZÆØÅa-zæøå]{2,6}-\d{2,4}-\d+"                                   # EMN-2025-003383
    r"|\d{2}-\d{3,}[A-Za-z]?"                                             # 23-013472, 19-033355K
)
JOURNAL_TOKEN = re.compile(rf"(?:{JOURNAL_PATTERN})", re.UNICODE)
# A line of minutes that is a journal number and nothing else (referat and PDF layouts),
# with case parts such as 23-013472-1.
JOURNAL_LINE = re.compile(
    r"^(?:\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅ]\d{2})?(?:-\d+)*"
    r"|[A-ZÆØÅ]{2,6}-\d{2,4}-\d+"
    r"|\d{2}-\d{3,}[A-Z]?(?:-\d+)?)$"
)
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


def is_journal_number(text: str) -> bool:
    """Whether a whole string is a journal number or KLE prefix.

    >>> is_journal_number("23-013472"), is_journal_number("15.04"), is_journal_number("2025")
    (True, True, False)
    """
    return JOURNAL_TOKEN.fullmatch(text.strip()) is not None


_KLE_PREFIX = re.compile(r"\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅa-zæøå]\d{2})?")


def is_case_number(text: str) -> bool:
    """Whether a whole string is a journal number of one case, not a KLE prefix.

    >>> is_case_number("23-013472"), is_case_number("00.01.00-G01-253-23"), is_case_number("15.04.10")
    (True, True, False)
    """
    return is_journal_number(text) and _KLE_PREFIX.fullmatch(text.strip()) is None


def journal_terms(journal_number: str | None) -> list[str]:
    """The exact terms a journal number is found by: itself and its KLE prefixes.

    >>> journal_terms("15.04.10-P20-3-20")
    ['15.04.10-p20-3-20', '15', '15.04', '15.04.10', '15.04.10-p20']
    """
    if not journal_number:
        return []
    number = journal_number.strip().lower()
    terms = [number]
    match = re.match(r"^(\d{2})\.(\d{2})(?:\.(\d{2}))?(?:-([a-zæøå]\d{2}))?", number)
    if match:
        main, group, subject, facet = match.groups()
        terms += [main, f"{main}.{group}"]
        if subject:
            terms.append(f"{main}.{group}.{subject}")
            if facet:
                terms.append(f"{main}.{group}.{subject}-{facet}")
    return list(dict.fromkeys(terms))
