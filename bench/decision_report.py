"""Decision classification over the Greve corpus: how many items get each decision key.

    .venv/bin/python bench/decision_report.py [--sample 40] [--seed 1] [--corpus DIR]

Parses every FirstAgenda file in the folder, classifies each item's Beslutning text, and
prints the count of items per decision key (an item may carry several), the items whose
decision fell through to ``andet``, and a random sample of those texts to read by hand.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from searchsvc.domain.decisions import DECISION_LABELS
from searchsvc.domain.model import Item
from searchsvc.sources.firstagenda import parse_firstagenda

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "greve"


def read_items(folder: Path) -> list[Item]:
    """Every agenda item of every FirstAgenda file in ``folder``, in file order."""
    items: list[Item] = []
    for path in sorted(folder.glob("*.json")):
        meeting = parse_firstagenda(path.read_bytes(), path=str(path), municipality="Greve")
        items.extend(meeting.items)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of FirstAgenda .json files")
    parser.add_argument("--sample", type=int, default=40, help="how many andet texts to print")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random sample")
    args = parser.parse_args()

    items = read_items(args.corpus)
    keys = Counter(key for item in items for key in item.decisions)
    combinations = Counter(" + ".join(item.decisions) for item in items)
    print(f"{len(items)} items in {args.corpus}\n")
    print("items per decision key (an item may have several):")
    for key in DECISION_LABELS:
        print(f"  {key:<24}{keys[key]:>6}")
    print("\nmost common combinations:")
    for combination, count in combinations.most_common(12):
        print(f"  {combination:<48}{count:>6}")
    with_attendance = sum(1 for item in items if item.attendance)
    print(f"\nitems with an attendance note kept apart: {with_attendance}")

    andet = [item for item in items if item.decisions == ["andet"]]
    print(f"\nandet: {len(andet)} items; a sample of {min(args.sample, len(andet))}:")
    for item in random.Random(args.seed).sample(andet, min(args.sample, len(andet))):
        text = " / ".join((item.decision_text or "").split("\n"))
        print(f"- [{item.committee} {item.date} pkt. {item.item_number}] {text[:300]}")


if __name__ == "__main__":
    main()
