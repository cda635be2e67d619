"""Facets: the counts beside the results (municipality, committee, year, decision, KLE,
status: agenda or minutes, the members listed for the meeting and those absent).

Each facet is a small class naming its index field and how its values are labelled and
ordered. Counting is the engine's primitive: ``engine.columns.DocTable`` holds each
document's values of a keyword field as integer codes, and counting a result set is
one ``bincount`` per facet. Facets call it; it knows nothing of facets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..domain.decisions import DECISION_LABELS
from ..domain.journal import kle_label


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False

    def to_json(self) -> dict:
        data = {"value": self.value, "count": self.count}
        if self.label != self.value:
            data["label"] = self.label
        if self.selected:
            data["selected"] = True
        return data


class Facet:
    """A facet over one keyword field of the index (``engine.schema.KEYWORD_COLUMNS``)."""

    name: str = ""
    field: str = ""
    title: str = ""   # Danish heading for the page
    limit: int | None = None   # at most this many values (the largest counts), besides the chosen

    def label(self, value: str) -> str:
        return value

    def order(self, counts: Mapping[str, int]) -> list[tuple[str, int]]:
        """Largest count first, then by value."""
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    def values(self, counts: Mapping[str, int], selected: Iterable[str]) -> list[FacetValue]:
        chosen = set(selected)
        ordered = [(v, n) for v, n in self.order(counts) if n]
        if self.limit is not None and len(ordered) > self.limit:
            ordered = ordered[:self.limit] + [(v, n) for v, n in ordered[self.limit:] if v in chosen]
        values = [FacetValue(v, self.label(v), n, v in chosen) for v, n in ordered]
        # A selected value with no matches stays visible, so it can be removed.
        values += [FacetValue(v, self.label(v), 0, True) for v in sorted(chosen - set(counts))]
        return values


class MunicipalityFacet(Facet):
    name, field, title = "municipality", "municipality", "Kommune"


# A committee value may name its municipality, "Greve Kommune|Byråd": where several
# municipalities are indexed, same-named committees ("Byråd") are told apart.
MUNICIPALITY_SEPARATOR = "|"


def split_committee(value: str) -> tuple[str | None, str]:
    """``"Greve Kommune|Byråd"`` as ``("Greve Kommune", "Byråd")``; a bare name has no municipality."""
    municipality, separator, committee = value.rpartition(MUNICIPALITY_SEPARATOR)
    return (municipality, committee) if separator else (None, value)


class CommitteeFacet(Facet):
    name, field, title = "committee", "committee", "Udvalg"

    def label(self, value: str) -> str:
        municipality, committee = split_committee(value)
        return f"{committee} ({municipality})" if municipality else committee

    def order(self, counts: Mapping[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda pair: (-pair[1], split_committee(pair[0])[::-1]))


class YearFacet(Facet):
    name, field, title = "year", "year", "År"

    def order(self, counts: Mapping[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), reverse=True)  # newest year first


class DecisionFacet(Facet):
    name, field, title = "decision", "decisions", "Beslutning"

    def label(self, value: str) -> str:
        return DECISION_LABELS.get(value, value)


class KleFacet(Facet):
    name, field, title = "kle", "kle", "KLE-hovedgruppe"

    def label(self, value: str) -> str:
        return kle_label(value) or value

    def order(self, counts: Mapping[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items())  # by KLE code, as the classification reads


# What a meeting's published document is: an agenda before the meeting, minutes after.
STATUS_LABELS = {"dagsorden": "Dagsorden (ikke behandlet endnu)", "referat": "Referat"}


class StatusFacet(Facet):
    name, field, title = "status", "status", "Dokument"

    def label(self, value: str) -> str:
        return STATUS_LABELS.get(value, value)


class ParticipantFacet(Facet):
    """The members the item's meeting lists, present or absent (``domain/attendance.py``)."""

    name, field, title = "deltager", "deltager", "Deltager"
    # Thousands of names where many municipalities are indexed: the most frequent only.
    limit = 100


class AbsentFacet(Facet):
    """The members noted absent for the item: Afbud, Fraværende, Ikke til stede."""

    name, field, title = "fravaer", "fravaer", "Fraværende"
    limit = 100


def facet_mask(table, facet: Facet, values: Iterable[str]):
    """The documents with any of the facet's values (an ``engine.columns.DocTable`` mask)."""
    values = list(values)
    if facet.name != "committee":
        return table.docs_with(facet.field, values)
    bare = [value for value in values if MUNICIPALITY_SEPARATOR not in value]
    mask = table.docs_with(facet.field, bare)
    for value in values:
        municipality, committee = split_committee(value)
        if municipality is not None:
            mask = mask | (table.docs_with("municipality", [municipality]) & table.docs_with(facet.field, [committee]))
    return mask


def facet_counts(table, facet: Facet, mask) -> dict[str, int]:
    """The facet's value counts over the documents of ``mask``. Committees are counted per
    municipality (``"Greve Kommune|Byråd"``) when more than one municipality is indexed."""
    if facet.name != "committee":
        return table.counts(facet.field, mask)
    municipalities = table.counts("municipality", table.live)
    if len(municipalities) < 2:
        return table.counts(facet.field, mask)
    counts: dict[str, int] = {}
    for municipality in municipalities:
        within = mask & table.docs_with("municipality", [municipality])
        for committee, count in table.counts(facet.field, within).items():
            counts[f"{municipality}{MUNICIPALITY_SEPARATOR}{committee}"] = count
    return counts


FACETS: tuple[Facet, ...] = (MunicipalityFacet(), CommitteeFacet(), YearFacet(), DecisionFacet(), KleFacet(),
                             StatusFacet(), ParticipantFacet(), AbsentFacet())
