"""How well a word normaliser conflates the forms of one word and keeps look-alikes apart.

A normaliser maps a lowercase word to a set of keys; two words conflate when their key
sets intersect (a stem is one key; a lemmatizer that returns several lemmas gives several).
Measured on the held-out sets beside this file, both drawn from the real corpus:

- **recall**: the share of pairs of forms within an inflection group (``inflections.tsv``)
  that conflate, overall and per kind (noun, irregular, adjective, verb, compound);
- **groups**: the share of groups whose forms all conflate with the group's first form;
- **false merges**: the share of look-alike pairs (``lookalikes.tsv``) that conflate;
- **words/s**: normalising every distinct word of the corpus once (informational).

Run from the repository root::

    python -m bench.lemmas.conflation                      # snowball, simplemma, lemmy, searchsvc
    python -m bench.lemmas.conflation snowball simplemma -v  # and list false merges and misses
    python -m bench.lemmas.conflation snowball+simplemma     # stem and lemma side by side
    python -m bench.lemmas.conflation --json
    python -m bench.lemmas.conflation --check              # recount the sets' forms in the corpus
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
INFLECTIONS = HERE / "inflections.tsv"
LOOKALIKES = HERE / "lookalikes.tsv"
KINDS = ("noun", "irregular", "adjective", "verb", "compound")
WORD_CACHE = Path(tempfile.gettempdir()) / "searchsvc-bench-lemmas-words.pickle"

Normaliser = Callable[[str], frozenset[str]]


@dataclass
class Group:
    """The corpus forms of one word."""

    id: str
    kind: str
    forms: tuple[str, ...]


@dataclass
class Lookalike:
    """Two different words that must not conflate."""

    first: str
    second: str
    reason: str


def _rows(path: Path) -> list[list[str]]:
    """A TSV's data rows: no comments, no blank lines, no header."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]


def load_groups(path: Path = INFLECTIONS) -> list[Group]:
    """The inflection groups (columns group_id, kind, forms, items).

    :raise ValueError: a row with an unknown kind or fewer than two forms.
    """
    groups = []
    for number, row in enumerate(_rows(path), start=2):
        if len(row) < 3 or row[1] not in KINDS or len(row[2].split()) < 2:
            raise ValueError(f"{path}: row {number} needs group_id, a kind of {KINDS} and two forms")
        groups.append(Group(row[0], row[1], tuple(row[2].split())))
    return groups


def load_lookalikes(path: Path = LOOKALIKES) -> list[Lookalike]:
    """The look-alike pairs (columns neg, word1, word2, reason, items).

    :raise ValueError: a row that is not ``neg`` with two words.
    """
    pairs = []
    for number, row in enumerate(_rows(path), start=2):
        if len(row) < 3 or row[0] != "neg" or not row[1] or not row[2]:
            raise ValueError(f"{path}: row {number} needs neg, word1, word2")
        pairs.append(Lookalike(row[1], row[2], row[3] if len(row) > 3 else ""))
    return pairs


# -- the normalisers -------------------------------------------------------------------

def snowball() -> Normaliser:
    """The project's stem (Danish snowball, mended): one key."""
    from searchsvc.engine.analysis import stem, stem_term
    stem.cache_clear()  # so that timing measures stemming, not another run's cache
    stem_term.cache_clear()
    return lambda word: frozenset((stem_term(word),))


def simplemma_da() -> Normaliser:
    """simplemma's Danish lemma (dictionary lookup, then rules): one key."""
    import simplemma
    return lambda word: frozenset((simplemma.lemmatize(word, lang="da"),))


def lemmy_da() -> Normaliser:
    """lemmy's Danish lemmas without a part-of-speech tag (its POS-free model): every
    candidate lemma it returns is a key."""
    import lemmy
    lemmatizer = lemmy.load("da")
    return lambda word: frozenset(lemmatizer.lemmatize("", word))


def searchsvc_forms() -> Normaliser:
    """The project's analysis as indexed: ``index_forms`` without the as-written (``=``)
    and part (``+``) forms; a lemma form (``~x``) is the key ``lemma:x``, the stem
    ``stem:x``. So two words conflate when they share a stem or a lemma."""
    from searchsvc.engine.analysis import index_forms, stem, stem_term
    stem.cache_clear()
    stem_term.cache_clear()

    def keys(word: str) -> frozenset[str]:
        found = set()
        for form in index_forms(word):
            if form.startswith(("=", "+")):
                continue
            found.add(f"lemma:{form[1:]}" if form.startswith("~") else f"stem:{form}")
        return frozenset(found)
    return keys


NORMALISERS: dict[str, Callable[[], Normaliser]] = {
    "snowball": snowball,
    "simplemma": simplemma_da,
    "lemmy": lemmy_da,
    "searchsvc": searchsvc_forms,
}


def combined(names: list[str]) -> Callable[[], Normaliser]:
    """Several normalisers at once (``snowball+simplemma``): a word's keys are all of
    theirs, tagged by normaliser, so two words conflate when any one of them conflates
    them. This is what indexing a stem and a lemma side by side does."""
    def factory() -> Normaliser:
        parts = [(name, NORMALISERS[name]()) for name in names]
        return lambda word: frozenset(f"{name}:{key}" for name, keys in parts for key in keys(word))
    return factory


def normaliser(name: str) -> Callable[[], Normaliser]:
    """The factory of a normaliser named as on the command line (``a+b`` combines).

    :raise KeyError: an unknown name.
    """
    names = name.split("+")
    for part in names:
        if part not in NORMALISERS:
            raise KeyError(part)
    return NORMALISERS[name] if len(names) == 1 else combined(names)


# -- the measures ----------------------------------------------------------------------

@dataclass
class Measure:
    """What one normaliser does with the two sets."""

    name: str
    recall: float
    recall_by_kind: dict[str, float]
    groups_whole: float
    false_merges: float
    pairs: int
    lookalikes: int
    merged_lookalikes: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (group, form, form)
    load_seconds: float | None = None
    words_per_second: float | None = None

    def to_json(self) -> dict:
        return {
            "name": self.name, "recall": round(self.recall, 4),
            "recall_by_kind": {k: round(v, 4) for k, v in self.recall_by_kind.items()},
            "groups_whole": round(self.groups_whole, 4), "false_merges": round(self.false_merges, 4),
            "pairs": self.pairs, "lookalikes": self.lookalikes,
            "merged_lookalikes": [list(p) for p in self.merged_lookalikes],
            "missed": [list(m) for m in self.missed],
            "load_seconds": self.load_seconds, "words_per_second": self.words_per_second,
        }


def conflate(keys: Normaliser, first: str, second: str) -> bool:
    return bool(keys(first) & keys(second))


def measure(name: str, keys: Normaliser, groups: list[Group], lookalikes: list[Lookalike]) -> Measure:
    """Recall within groups (all pairs), whole groups and false merges of one normaliser."""
    hits: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    missed = []
    whole = 0
    for group in groups:
        for first, second in combinations(group.forms, 2):
            hit = conflate(keys, first, second)
            hits[group.kind][0] += hit
            hits[group.kind][1] += 1
            if not hit:
                missed.append((group.id, first, second))
        whole += all(conflate(keys, group.forms[0], form) for form in group.forms[1:])
    merged = [(p.first, p.second, p.reason) for p in lookalikes if conflate(keys, p.first, p.second)]
    total = sum(n for _, n in hits.values())
    return Measure(
        name=name,
        recall=sum(h for h, _ in hits.values()) / total,
        recall_by_kind={kind: h / n for kind, (h, n) in hits.items() if n},
        groups_whole=whole / len(groups),
        false_merges=len(merged) / len(lookalikes),
        pairs=total, lookalikes=len(lookalikes), merged_lookalikes=merged, missed=missed,
    )


def corpus_words() -> list[str]:
    """Every distinct word of the corpus (cached in the temp folder: a parse takes ~30 s)."""
    from .corpus import cached_word_index
    return sorted(cached_word_index(WORD_CACHE).document_frequency)


def speed(factory: Callable[[], Normaliser], words: list[str]) -> tuple[float, float]:
    """Seconds to load a fresh normaliser, and its words per second over ``words``."""
    start = time.perf_counter()
    keys = factory()
    keys("kommunen")  # lazy dictionaries load on first use: count that as loading
    loaded = time.perf_counter()
    for word in words:
        keys(word)
    return loaded - start, len(words) / max(time.perf_counter() - loaded, 1e-9)


# -- the report ------------------------------------------------------------------------

def format_table(measures: list[Measure]) -> str:
    """A Markdown table: one row per normaliser."""
    head = ["normaliser", "recall", *KINDS, "groups whole", "false merges", "load s", "words/s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in measures:
        cells = [m.name, f"{m.recall:.3f}", *(f"{m.recall_by_kind.get(k, 0):.3f}" for k in KINDS),
                 f"{m.groups_whole:.3f}", f"{m.false_merges:.3f} ({len(m.merged_lookalikes)}/{m.lookalikes})",
                 "-" if m.load_seconds is None else f"{m.load_seconds:.2f}",
                 "-" if m.words_per_second is None else f"{m.words_per_second:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_details(m: Measure, limit: int = 40) -> str:
    """The look-alikes a normaliser merges and (up to ``limit``) the pairs it misses."""
    lines = [f"\n{m.name}: {len(m.merged_lookalikes)} false merges"]
    lines += [f"  {a} ~ {b}  ({reason})" for a, b, reason in m.merged_lookalikes]
    lines.append(f"{m.name}: {len(m.missed)} of {m.pairs} within-group pairs missed"
                 + (f", first {limit}" if len(m.missed) > limit else ""))
    lines += [f"  [{g}] {a} / {b}" for g, a, b in m.missed[:limit]]
    return "\n".join(lines)


def check_sets() -> list[str]:
    """Recount every form of both sets in the corpus: the problems found (empty when the
    counts written in the files are the corpus's)."""
    from .corpus import cached_word_index
    counts = cached_word_index(WORD_CACHE).document_frequency
    problems = []
    for path, column in ((INFLECTIONS, 3), (LOOKALIKES, 4)):
        for row in _rows(path):
            for entry in (row[column].split() if len(row) > column else []):
                word, _, written = entry.rpartition("=")
                if counts[word] == 0:
                    problems.append(f"{path.name}: {word!r} occurs in no corpus item")
                elif str(counts[word]) != written:
                    problems.append(f"{path.name}: {word!r} is in {counts[word]} items, not {written}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lemmas.conflation", description=__doc__.split("\n")[0])
    parser.add_argument("normalisers", nargs="*",
                        help=f"some of {', '.join(NORMALISERS)}, or a+b for both at once (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list false merges and missed pairs")
    parser.add_argument("--no-speed", action="store_true", help="skip timing over the corpus words")
    parser.add_argument("--check", action="store_true", help="recount the sets' forms in the corpus")
    args = parser.parse_args(argv)
    if args.check:
        problems = check_sets()
        print("\n".join(problems) or "every form occurs in the corpus in the items written")
        return 1 if problems else 0
    names = args.normalisers or list(NORMALISERS)
    unknown = [part for n in names for part in n.split("+") if part not in NORMALISERS]
    if unknown:
        parser.error(f"unknown normaliser {', '.join(unknown)}; choose from {', '.join(NORMALISERS)}")
    groups, lookalikes = load_groups(), load_lookalikes()
    words = None if args.no_speed else corpus_words()
    measures = []
    for name in names:
        try:
            # Timed first, so that loading a lemmatizer's data is counted once, here.
            timing = None if words is None else speed(normaliser(name), words)
            result = measure(name, normaliser(name)(), groups, lookalikes)
            if timing is not None:
                result.load_seconds, result.words_per_second = timing
        except ImportError as error:
            print(f"{name}: not installed ({error}); skipped", file=sys.stderr)
            continue
        measures.append(result)
    if args.json:
        print(json.dumps({"groups": len(groups), "lookalikes": len(lookalikes),
                          "corpus_words": None if words is None else len(words),
                          "normalisers": [m.to_json() for m in measures]}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(groups)} inflection groups, {measures[0].pairs if measures else 0} within-group pairs, "
          f"{len(lookalikes)} look-alike pairs" + ("" if words is None else f"; speed over {len(words):,} corpus words"))
    print(format_table(measures))
    if args.verbose:
        for m in measures:
            print(format_details(m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
