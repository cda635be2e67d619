"""What each ranking rule is worth: the judged queries scored with the rules switched on
one after another, beside Whoosh's defaults.

The index is the same throughout (stems, forms as written and compound parts are all
indexed); a rule that is off is simply not used by the query. Run it from the repository
after building the index:

    searchsvc --config bench/relevance/config.toml reindex
    .venv/bin/python bench/relevance/ablation.py [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from searchsvc.config import load_config
from searchsvc.search import DEFAULT_RANKING, Ranking, SearchService
from searchsvc.search.evaluation import evaluate, evaluate_baseline, load_judgements

HERE = Path(__file__).resolve().parent

# Cumulative steps: (label, the Ranking fields switched on).
OFF = Ranking(exact_bonus=0, lemma_weight=0, part_weight=0, variant_weight=0, fuzzy_weight=0, proximity_boost=0,
              compound_bonus=0, optional_function_words=False, journal_first=False, lenient_retry=False)
FULL = DEFAULT_RANKING
STEPS = [
    ("stems only (journal field, field weights)", set()),
    ("+ forms as written rank first", {"exact_bonus"}),
    ("+ function words optional, case number first", {"optional_function_words", "journal_first"}),
    ("+ æ/ø fallbacks for ae/oe", {"variant_weight"}),
    ("+ compound parts", {"part_weight"}),
    ("+ parts of one compound rank together", {"compound_bonus"}),
    ("+ phrase proximity", {"proximity_boost"}),
    ("+ lenient retry (close spellings, any word)", {"fuzzy_weight", "lenient_retry"}),
    ("+ lemmas (børn for barn, digitalt for digital)", {"lemma_weight"}),
]


def ranking_with(fields: set[str]) -> Ranking:
    return dataclasses.replace(OFF, **{name: getattr(FULL, name) for name in fields})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="?", default=str(HERE / "queries.tsv"))
    parser.add_argument("--config", default=str(HERE / "config.toml"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    index_path = load_config(args.config).index_path
    judgements = load_judgements(Path(args.queries))
    reports = [evaluate_baseline(SearchService(index_path), judgements)]
    switched: set[str] = set()
    for label, fields in STEPS:
        switched |= fields
        # A service per step, with that step's rules (and no result remembered from the step before).
        reports.append(evaluate(SearchService(index_path, ranking=ranking_with(switched)), judgements, system=label))

    if args.json:
        json.dump([r.to_json() for r in reports], sys.stdout, ensure_ascii=False, indent=2)
        return
    kinds = reports[0].kinds()
    print(f"{'':48} {'succ@3':>6} {'MRR':>6} {'nDCG10':>6}  MRR by kind: " + ", ".join(kinds))
    for report in reports:
        overall = report.scores()
        by_kind = " ".join(f"{report.scores(kind).mrr:5.2f}" for kind in kinds)
        print(f"{report.system[:48]:48} {overall.success_at_3:6.3f} {overall.mrr:6.3f} {overall.ndcg_at_10:6.3f}  {by_kind}")


if __name__ == "__main__":
    main()
