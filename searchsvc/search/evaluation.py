"""Relevance evaluation: a judged query set, run against the index, scored.

A judged set lists queries as people type them, each with a kind (``inflection``,
``compound``, ``phrase``, ``case number``, ``typo``, ``without æøå``, ``plain``) and
the items that should come first. An item is named by a journal number (every item
of the case is relevant) or as ``municipality/YYYY-MM-DD/item number`` (``greve/
2024-09-10/5``; the municipality is the start of its name), with the start of the
committee's name when two committees met that day (``greve/2024-11-18/8/social``). The
measures, overall and by kind:

- **success@3**: the share of queries with a relevant item in the first three;
- **MRR**: the mean of 1/rank of the first relevant item (0 when none is in the first
  ``DEPTH``);
- **nDCG@10**: discounted gain of the first ten, relevant items counting 1, against
  the best possible order.

The baseline is Whoosh out of the box on the same items: ``LanguageAnalyzer("da")``
over the title and all the text, the default query parser (all words) and the default
BM25F scoring, built in a temporary folder.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.model import slugify
from ..engine.baseline import baseline_ranker
from ..errors import SearchsvcError
from ..store.cases import item_threads
from .request import SearchRequest
from .service import SearchService

DEPTH = 20
KINDS = ("inflection", "compound", "phrase", "case number", "typo", "without æøå", "plain")
_ITEM_REF = re.compile(r"^([a-zæøå-]+)/(\d{4}-\d{2}-\d{2})/(\d+)(?:/([a-z0-9-]+))?$")


class JudgementError(SearchsvcError):
    """The judged query set cannot be read, or names an item the index does not have."""


@dataclass(frozen=True)
class Judgement:
    kind: str
    query: str
    relevant: tuple[str, ...]   # journal numbers and municipality/date/number references
    note: str = ""


@dataclass
class Outcome:
    """One query's ranking and its measures."""

    judgement: Judgement
    ranked: list[str]           # item ids, best first
    relevant: set[str]          # item ids
    titles: list[str] = field(default_factory=list)

    @property
    def first_rank(self) -> int | None:
        return next((n for n, item in enumerate(self.ranked, start=1) if item in self.relevant), None)

    @property
    def success_at_3(self) -> float:
        rank = self.first_rank
        return 1.0 if rank is not None and rank <= 3 else 0.0

    @property
    def reciprocal_rank(self) -> float:
        rank = self.first_rank
        return 1.0 / rank if rank else 0.0

    @property
    def ndcg_at_10(self) -> float:
        gains = [1.0 if item in self.relevant else 0.0 for item in self.ranked[:10]]
        dcg = sum(g / math.log2(n + 2) for n, g in enumerate(gains))
        ideal = sum(1.0 / math.log2(n + 2) for n in range(min(10, len(self.relevant))))
        return dcg / ideal if ideal else 0.0


@dataclass(frozen=True)
class Scores:
    queries: int
    success_at_3: float
    mrr: float
    ndcg_at_10: float

    def to_json(self) -> dict:
        return {"queries": self.queries, "success@3": round(self.success_at_3, 3),
                "MRR": round(self.mrr, 3), "nDCG@10": round(self.ndcg_at_10, 3)}


@dataclass
class Report:
    system: str
    outcomes: list[Outcome]

    def scores(self, kind: str | None = None) -> Scores:
        chosen = [o for o in self.outcomes if kind is None or o.judgement.kind == kind]
        n = len(chosen) or 1
        return Scores(len(chosen), sum(o.success_at_3 for o in chosen) / n,
                      sum(o.reciprocal_rank for o in chosen) / n, sum(o.ndcg_at_10 for o in chosen) / n)

    def kinds(self) -> list[str]:
        present = {o.judgement.kind for o in self.outcomes}
        return [k for k in KINDS if k in present] + sorted(present - set(KINDS))

    def to_json(self) -> dict:
        return {
            "system": self.system,
            "overall": self.scores().to_json(),
            "by_kind": {kind: self.scores(kind).to_json() for kind in self.kinds()},
            "queries": [{"kind": o.judgement.kind, "query": o.judgement.query, "first_rank": o.first_rank,
                         "nDCG@10": round(o.ndcg_at_10, 3)} for o in self.outcomes],
        }


# -- the judged set --------------------------------------------------------------------

def _four(row: list[str]) -> tuple[str, str, str, str]:
    """A TSV row's kind, query, relevant and note, the missing ones empty."""
    kind, query, relevant, note = (*row, "", "", "", "")[:4]
    return kind, query, relevant, note


def load_judgements(path: Path) -> list[Judgement]:
    """Read a judged set: TSV (columns kind, query, relevant, note; ``#`` comments) or
    JSON (a list of objects with those keys; ``relevant`` a list or a string).

    :raise JudgementError: the file is missing or a row is incomplete.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise JudgementError(f"{path}: cannot be read: {error.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise JudgementError(f"{path}: not valid JSON: {error}") from None
        rows = [(r.get("kind", ""), r.get("query", ""), r.get("relevant", ""), r.get("note", ""))
                for r in records]
    else:
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        rows = [_four(row) for row in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]
        if rows and rows[0][:3] == ("kind", "query", "relevant"):
            rows = rows[1:]
    judgements = []
    for number, (kind, query, relevant, note) in enumerate(rows, start=1):
        refs = tuple(relevant.split() if isinstance(relevant, str) else relevant)
        if not kind.strip() or not query.strip() or not refs:
            raise JudgementError(f"{path}: judgement {number} needs a kind, a query and relevant items")
        judgements.append(Judgement(kind.strip(), query, refs, note))
    return judgements


def resolve(service: SearchService, refs: Iterable[str]) -> set[str]:
    """The ids of the items that references name.

    :raise JudgementError: a reference names no item in the index.
    """
    store = service.view().store
    found: set[str] = set()
    for ref in refs:
        match = _ITEM_REF.match(ref.lower())
        if match:
            municipality, date, number, committee = match.groups()
            rows = store.items_numbered(municipality, date, int(number))
            if committee:
                rows = [row for row in rows if slugify(row[1]).startswith(committee)]
            if len({row[1] for row in rows}) > 1:
                raise JudgementError(f"{ref!r} names items of several committees: add the committee "
                                     f"({', '.join(sorted(slugify(row[1]) for row in rows))})")
        else:
            rows = store.items_with_journal_number(ref)
        if not rows:
            raise JudgementError(f"{ref!r} names no item in the index")
        found.update(row[0] for row in rows)
    return found


# -- running the queries ---------------------------------------------------------------

Ranker = Callable[[str], list[tuple[str, str]]]   # query -> [(item id, title)], best first


def evaluate(service: SearchService, judgements: list[Judgement], ranker: Ranker | None = None,
             system: str = "searchsvc", *, group: bool = False) -> Report:
    """Run every judged query (through ``search`` unless another ranker is given) and score it.

    :param group: rank case threads, not items (issue 19): the search's own grouping, or
        another ranker's items collapsed to the first of each thread; a thread is relevant
        when any of its items is.
    """
    if ranker is None:
        def ranker(query: str) -> list[tuple[str, str]]:
            request = SearchRequest(q=query, per_page=DEPTH, group="thread" if group else "none")
            return [(hit["id"], hit["title"]) for hit in service.search(request, snippets=False).results]
    threads = item_threads(service.view().store) if group else {}
    outcomes = []
    for judgement in judgements:
        relevant = resolve(service, judgement.relevant)
        ranked = ranker(judgement.query)
        if group:
            first: dict[str, str] = {}
            for item_id, title in ranked:
                first.setdefault(threads[item_id], title)
            ranked = list(first.items())
            relevant = {threads[i] for i in relevant}
        ranked = ranked[:DEPTH]
        outcomes.append(Outcome(judgement, [i for i, _ in ranked], relevant, [t for _, t in ranked]))
    return Report(system, outcomes)


def evaluate_baseline(service: SearchService, judgements: list[Judgement], *, group: bool = False) -> Report:
    """The same judged queries against Whoosh's defaults (``engine/baseline.py``), built
    on the service's items in a temporary folder (with ``group``, its items collapsed
    to one per case thread)."""
    store = service.view().store
    titles = {row["id"]: row["title"] for row in store.iter_items()}
    depth = DEPTH * 10 if group else DEPTH  # enough items for DEPTH threads
    with baseline_ranker(store.iter_items()) as rank:
        return evaluate(service, judgements, lambda query: [(i, titles[i]) for i in rank(query, depth)],
                        system="Whoosh defaults", group=group)


# -- the report ------------------------------------------------------------------------

def format_reports(reports: list[Report], verbose: bool = False) -> str:
    """A plain-text table: one column group per system, a row overall and per kind;
    with ``verbose``, the queries that miss the first three and what came first."""
    header = f"{'':16}{'n':>4}" + "".join(
        f"  | {r.system[:22]:22} {'':0}" for r in reports)
    sub = f"{'':20}" + "".join(f"  | {'succ@3':>6} {'MRR':>6} {'nDCG10':>7}" for _ in reports)
    lines = [header, sub]
    for kind in [None] + reports[0].kinds():
        scores = [r.scores(kind) for r in reports]
        label = "overall" if kind is None else kind
        lines.append(f"{label:16}{scores[0].queries:>4}" + "".join(
            f"  | {s.success_at_3:6.3f} {s.mrr:6.3f} {s.ndcg_at_10:7.3f}" for s in scores))
    if verbose:
        for report in reports:
            misses = [o for o in report.outcomes if not o.success_at_3]
            lines.append(f"\n{report.system}: {len(misses)} queries without a relevant item in the first three")
            for o in misses:
                lines.append(f"  [{o.judgement.kind}] {o.judgement.query!r}: first relevant at "
                             f"{o.first_rank or '-'}; top: " + " | ".join(t[:50] for t in o.titles[:3]))
    return "\n".join(lines)
