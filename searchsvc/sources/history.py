"""A case's decisions by body and date: which one is this meeting's, which are its history.

Case systems print one decision heading per body that has treated the case:
``Beslutning i Økonomiudvalget den 16-03-2026`` (Acadre and its Word template),
``Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2`` (eDoc), or one
"FORRETNINGSUDVALGETS BESLUTNING" field whose entries start with their date
(``18. september 2012: Sagen udsat ...``, SBSYS). The decision of this meeting's body on
this meeting's date is the item's ``Beslutning``; the others become one
``Tidligere beslutninger`` section, each entry headed by its body and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date as Date

from ..domain.calendar import MONTH_NUMBERS
from ..domain.model import Section

DECISION = "Beslutning"
HISTORY = "Tidligere beslutninger"


_NUMERIC_DATE = r"(?P<d>\d{1,2})[-.](?P<m>\d{1,2})[-.](?P<y>\d{4})"
_HEADINGS = (
    # "Beslutning i Teknik- og Miljøudvalget den 03-02-2020"
    re.compile(rf"^Beslutning i (?P<body>.+?) den {_NUMERIC_DATE}$", re.IGNORECASE),
    # "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2"
    re.compile(rf"^(?P<body>.+?) beslutning den {_NUMERIC_DATE}(?:\s+Punkt\s+\d+)?$", re.IGNORECASE),
)
# An entry of a decision field: "18. september 2012:" at the start of a line.
_DATED_ENTRY = re.compile(r"^(?P<d>\d{1,2})\.\s*(?P<month>[a-zæøå]+)\s+(?P<y>\d{4})\s*:\s*", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class DatedDecision:
    body: str
    date: Date


def dated_decision(heading: str) -> DatedDecision | None:
    """The body and date a decision heading names, or None for any other heading."""
    line = " ".join(heading.split()).rstrip(":")
    for pattern in _HEADINGS:
        if match := pattern.match(line):
            try:
                day = Date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
            return DatedDecision(match["body"].strip(), day)
    return None


def same_body(body: str, committee: str) -> bool:
    """Whether a decision's body is the committee, in any of the forms case systems print:
    genitive ("Forretningsudvalgets"), capitals, with or without its short name "(PUK)"."""
    return _key(body) == _key(committee)


def _key(name: str) -> str:
    name = re.sub(r"\([^)]*\)", " ", name.lower())
    name = " ".join(name.split())
    return name[:-1] if name.endswith("ets") or name.endswith("ens") else name


def resolve(sections: list[Section], *, meeting_date: Date, committee: str) -> list[Section]:
    """Turn dated decision sections into the item's decision and its history.

    The section dated this meeting's day (of this committee, when several bodies decided
    that day) becomes ``Beslutning``; the others are gathered, in their order, into one
    ``Tidligere beslutninger`` section where the first of them stood. Sections without a
    dated heading are kept as they are.
    """
    dated = {i: found for i, s in enumerate(sections) if (found := dated_decision(s.heading))}
    if not dated:
        return sections
    today = [i for i, found in dated.items() if found.date == meeting_date]
    own = [i for i in today if same_body(dated[i].body, committee)]
    chosen = (own or today or [-1])[0]  # -1: no section is this meeting's decision
    earlier = [i for i in dated if i != chosen]
    history = "\n\n".join(
        f"{dated[i].body} den {dated[i].date.strftime('%d-%m-%Y')}:\n{sections[i].text}".rstrip()
        for i in earlier
    )
    result = []
    for i, section in enumerate(sections):
        if i == chosen:
            result.append(replace(section, heading=DECISION))  # its blocks too
        elif earlier and i == earlier[0]:
            result.append(Section(HISTORY, history))
        elif i not in dated:
            result.append(section)
    return result


def split_dated_entries(text: str, *, body: str, meeting_date: Date) -> tuple[str | None, str | None]:
    """Split a decision field of dated entries into this meeting's decision and the history.

    ``"18. september 2012: Sagen udsat.\\n\\n25. september 2012: Godkendt."`` of the meeting of
    25 September gives ``("Godkendt.", "Forretningsudvalget den 18-09-2012:\\nSagen udsat.")``.
    A field without dated entries is all decision. An empty part is None.
    """
    starts = [m for m in _DATED_ENTRY.finditer(text) if MONTH_NUMBERS.get(m["month"].lower())]
    if not starts:
        return (text.strip() or None), None
    decision: str | None = None
    history: list[str] = []
    lead = text[: starts[0].start()].strip()
    if lead:
        history.append(lead)
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        entry = text[match.end(): end].strip()
        try:
            day = Date(int(match["y"]), MONTH_NUMBERS[match["month"].lower()], int(match["d"]))
        except ValueError:
            history.append(text[match.start(): end].strip())
            continue
        if day == meeting_date:
            decision = entry or None
        else:
            history.append(f"{body} den {day.strftime('%d-%m-%Y')}:\n{entry}".rstrip())
    return decision, ("\n\n".join(history) or None)
