"""Decision classification measured on hand-judged real items, and counted over the corpus.

    .venv/bin/python -m bench.decision_report                   # precision/recall table, both parts
    .venv/bin/python -m bench.decision_report --errors          # also the tune part's misclassified items
    .venv/bin/python -m bench.decision_report --counts          # items per key over the Greve corpus

The judged set is ``bench/decisions/judged.tsv``: real items (Greve, Aarhus, Frederiksberg) whose
correct decision keys were read off their Beslutning text by hand, split into a part to tune
against and a held-out part that is only scored. Each item is parsed afresh from the corpus by
its id and classified by ``searchsvc.domain.decisions``; the report gives per-key precision and
recall and the share of items whose whole key set is right (exact-set accuracy).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from searchsvc.domain.decisions import DECISION_LABELS
from searchsvc.domain.model import Item
from searchsvc.sources import detect_format, read_source

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
JUDGED = Path(__file__).resolve().parent / "decisions" / "judged.tsv"
# The corpus folders holding minutes with decisions, and whose they are.
MUNICIPALITIES = {"greve": "Greve", "aarhus": "Aarhus", "frederiksberg": "Frederiksberg"}
PARTS = ("tune", "held-out")


@dataclass(frozen=True)
class Judgement:
    part: str
    stratum: str
    item_id: str
    keys: frozenset[str]
    reason: str


@dataclass(frozen=True)
class KeyScore:
    key: str
    judged: int  # items judged to carry the key
    given: int  # items the classifier gives the key
    right: int  # items both

    @property
    def precision(self) -> float | None:
        return self.right / self.given if self.given else None

    @property
    def recall(self) -> float | None:
        return self.right / self.judged if self.judged else None


@dataclass(frozen=True)
class Score:
    part: str
    items: int
    exact: int
    keys: list[KeyScore]

    @property
    def accuracy(self) -> float:
        return self.exact / self.items if self.items else 0.0


def read_items(corpus: Path, folders: dict[str, str] = MUNICIPALITIES) -> list[Item]:
    """Every agenda item of every readable file in the corpus folders, in file order."""
    items: list[Item] = []
    for folder, municipality in folders.items():
        for path in sorted((corpus / folder).iterdir()):
            if detect_format(path) is None:
                continue
            for meeting in read_source(path, path.read_bytes(), municipality=municipality).meetings:
                items.extend(meeting.items)
    return items


def read_judged(path: Path = JUDGED) -> list[Judgement]:
    """The judged items of the TSV file (``#`` lines are comments, the first other line a header).

    :raise ValueError: for a malformed line or an unknown key, naming the line.
    """
    judged: list[Judgement] = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 5 or fields[0] not in PARTS:
            raise ValueError(f"{path}: data line {number} is not part, stratum, id, keys, reason: {line[:80]!r}")
        keys = frozenset(fields[3].split(","))
        if not keys <= DECISION_LABELS.keys():
            raise ValueError(f"{path}: data line {number} has unknown keys {sorted(keys - DECISION_LABELS.keys())}")
        judged.append(Judgement(fields[0], fields[1], fields[2], keys, fields[4]))
    return judged


def score(part: str, pairs: list[tuple[frozenset[str], frozenset[str]]]) -> Score:
    """Per-key counts and exact-set matches of (judged, given) key sets."""
    keys = [
        KeyScore(
            key,
            judged=sum(key in judged for judged, _ in pairs),
            given=sum(key in given for _, given in pairs),
            right=sum(key in judged and key in given for judged, given in pairs),
        )
        for key in DECISION_LABELS
    ]
    return Score(part, len(pairs), sum(judged == given for judged, given in pairs), keys)


def evaluate(judged: list[Judgement], items: dict[str, Item]) -> tuple[list[Score], list[tuple[Judgement, list[str]]]]:
    """Score the classifier on each part; also every misclassified item with the keys it got.

    :raise KeyError: for a judged id that no corpus item has.
    """
    missing = [j.item_id for j in judged if j.item_id not in items]
    if missing:
        raise KeyError(f"judged items not in the corpus: {missing[:5]}")
    given = {j.item_id: items[j.item_id].decisions for j in judged}
    scores = [
        score(part, [(j.keys, frozenset(given[j.item_id])) for j in judged if j.part == part])
        for part in PARTS
    ]
    errors = [(j, given[j.item_id]) for j in judged if j.keys != frozenset(given[j.item_id])]
    return scores, errors


def _fraction(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def format_scores(scores: list[Score]) -> str:
    """The table: a precision/recall column pair per part, a row per key, exact-set accuracy last."""
    head = f"{'':<24}" + "".join(f"{s.part + f' ({s.items} items)':>30}" for s in scores)
    sub = f"{'key':<24}" + "".join(f"{'judged given  prec  rec':>30}" for _ in scores)
    rows = [head, sub]
    for index, key in enumerate(DECISION_LABELS):
        cells = [s.keys[index] for s in scores]
        rows.append(f"{key:<24}" + "".join(
            f"{c.judged:>13}{c.given:>6}{_fraction(c.precision):>6}{_fraction(c.recall):>5}" for c in cells))
    rows.append(f"{'exact-set accuracy':<24}" + "".join(f"{f'{s.exact}/{s.items} = {s.accuracy:.3f}':>30}" for s in scores))
    return "\n".join(rows)


def print_counts(items: list[Item], sample: int, seed: int) -> None:
    """How many items get each key, the common combinations, and a sample of ``andet`` texts."""
    keys = Counter(key for item in items for key in item.decisions)
    combinations = Counter(" + ".join(item.decisions) for item in items)
    print(f"{len(items)} items\n\nitems per decision key (an item may have several):")
    for key in DECISION_LABELS:
        print(f"  {key:<24}{keys[key]:>6}")
    print("\nmost common combinations:")
    for combination, count in combinations.most_common(12):
        print(f"  {combination:<48}{count:>6}")
    print(f"\nitems with an attendance note kept apart: {sum(1 for item in items if item.attendance)}")
    andet = [item for item in items if item.decisions == ["andet"]]
    print(f"\nandet: {len(andet)} items; a sample of {min(sample, len(andet))}:")
    for item in random.Random(seed).sample(andet, min(sample, len(andet))):
        text = " / ".join((item.decision_text or "").split("\n"))
        print(f"- [{item.committee} {item.date} pkt. {item.item_number}] {text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (greve/, aarhus/, frederiksberg/)")
    parser.add_argument("--judged", type=Path, default=JUDGED, help="the judged TSV file")
    parser.add_argument("--errors", action="store_true", help="list the tune part's misclassified items")
    parser.add_argument("--held-out-errors", action="store_true",
                        help="list the held-out part's misclassified items too (not for tuning)")
    parser.add_argument("--strata", action="store_true", help="count the judged items per part and stratum")
    parser.add_argument("--counts", action="store_true", help="count keys over the Greve corpus instead")
    parser.add_argument("--sample", type=int, default=40, help="with --counts: how many andet texts to print")
    parser.add_argument("--seed", type=int, default=1, help="with --counts: seed of the random sample")
    args = parser.parse_args()

    if args.counts:
        print_counts(read_items(args.corpus, {"greve": "Greve"}), args.sample, args.seed)
        return
    judged = read_judged(args.judged)
    if args.strata:
        for (part, stratum), count in sorted(Counter((j.part, j.stratum) for j in judged).items()):
            print(f"{part:<10}{stratum:<24}{count:>5}")
        return
    items = {item.id: item for item in read_items(args.corpus)}
    scores, errors = evaluate(judged, items)
    print(f"{len(judged)} judged items ({args.judged.name}); classifier: searchsvc.domain.decisions\n")
    print(format_scores(scores))
    shown = [part for part, wanted in (("tune", args.errors), ("held-out", args.held_out_errors)) if wanted]
    for judgement, given in errors:
        if judgement.part in shown:
            text = " / ".join((items[judgement.item_id].decision_text or "").split("\n"))
            print(f"\n[{judgement.part}] {judgement.item_id}: judged {sorted(judgement.keys)}, given {given}"
                  f"\n  why: {judgement.reason}\n  text: {text[:400]}")


if __name__ == "__main__":
    main()
