"""Facets: the counts beside the results (municipality, committee, year, decision, KLE).

Each facet is a small class naming its index field and how its values are labelled and
ordered. Counting does not use Whoosh's ``groupedby`` (which walks every hit in
Python through the field cache); ``FacetTable`` reads each document's facet values once
per index snapshot into integer arrays, and counting a result set is then one array
lookup per matching document.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .decisions import DECISION_LABELS
from .journal import kle_label


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
    """A facet over one stored index field; ``multi`` when a document has several values."""

    name: str = ""
    field: str = ""
    title: str = ""   # Danish heading for the page
    multi: bool = False

    def label(self, value: str) -> str:
        return value

    def order(self, counts: Counter[str]) -> list[tuple[str, int]]:
        """Largest count first, then by value."""
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    def values(self, counts: Counter[str], selected: Iterable[str]) -> list[FacetValue]:
        chosen = set(selected)
        values = [FacetValue(v, self.label(v), n, v in chosen) for v, n in self.order(counts) if n]
        # A selected value with no matches stays visible, so it can be removed.
        values += [FacetValue(v, self.label(v), 0, True) for v in sorted(chosen - set(counts))]
        return values


class MunicipalityFacet(Facet):
    name, field, title = "municipality", "municipality", "Kommune"


class CommitteeFacet(Facet):
    name, field, title = "committee", "committee", "Udvalg"


class YearFacet(Facet):
    name, field, title = "year", "year", "År"

    def order(self, counts: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counts.items(), reverse=True)  # newest year first


class DecisionFacet(Facet):
    name, field, title, multi = "decision", "decisions", "Beslutning", True

    def label(self, value: str) -> str:
        return DECISION_LABELS.get(value, value)


class KleFacet(Facet):
    name, field, title = "kle", "kle", "KLE-hovedgruppe"

    def label(self, value: str) -> str:
        return kle_label(value) or value

    def order(self, counts: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counts.items())  # by KLE code, as the classification reads


FACETS: tuple[Facet, ...] = (MunicipalityFacet(), CommitteeFacet(), YearFacet(), DecisionFacet(), KleFacet())
FACETS_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}


class FacetTable:
    """Every document's facet values in one index snapshot, as integer codes."""

    def __init__(self, reader) -> None:
        size = reader.doc_count_all()
        self.vocab: dict[str, list[str]] = {f.name: [""] for f in FACETS}  # code 0 = no value
        self.codes: dict[str, array] = {f.name: array("i", bytes(4 * size)) for f in FACETS if not f.multi}
        self.multi_codes: dict[str, list[tuple[int, ...]]] = {f.name: [()] * size for f in FACETS if f.multi}
        lookup: dict[str, dict[str, int]] = {f.name: {} for f in FACETS}
        for docnum, stored in reader.iter_docs():
            for facet in FACETS:
                raw = stored.get(facet.field)
                if not raw:
                    continue
                codes = lookup[facet.name]
                values = raw.split(",") if facet.multi else [raw]
                ints = []
                for value in values:
                    code = codes.get(value)
                    if code is None:
                        code = codes[value] = len(self.vocab[facet.name])
                        self.vocab[facet.name].append(value)
                    ints.append(code)
                if facet.multi:
                    self.multi_codes[facet.name][docnum] = tuple(ints)
                else:
                    self.codes[facet.name][docnum] = ints[0]

    def count(self, docnums: Iterable[int]) -> dict[str, Counter[str]]:
        """Value counts of every facet over a set of documents."""
        docnums = list(docnums)
        counts: dict[str, Counter[str]] = {}
        for facet in FACETS:
            vocab = self.vocab[facet.name]
            if facet.multi:
                table = self.multi_codes[facet.name]
                tally = Counter(code for d in docnums for code in table[d])
            else:
                tally = Counter(map(self.codes[facet.name].__getitem__, docnums))
            tally.pop(0, None)
            counts[facet.name] = Counter({vocab[code]: n for code, n in tally.items()})
        return counts
