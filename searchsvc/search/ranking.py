"""The ranking rules and their weights: one value, passed to the query builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# Fields the query language searches by default, with their BM25F weights.
FIELD_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"title": 4.0, "decision": 2.0, "resume": 2.0, "body": 1.0, "journal": 8.0})


@dataclass(frozen=True)
class Ranking:
    """The ranking rules and their weights, relative to a stem match in the same field.

    Set on the judged queries of bench/relevance (README, "Search quality"); a weight of
    0 (or False) turns its rule off, which is how bench/relevance/ablation.py measures
    what each rule is worth.
    """

    exact_bonus: float = 0.5        # added when the word is found as written
    lemma_weight: float = 1.0       # the word's lemma (børn for barn), where its stem differs
    part_weight: float = 0.3        # a compound part instead of a whole word
    variant_weight: float = 0.9     # æ/ø spelling of a word typed with ae/oe
    fuzzy_weight: float = 0.5       # a close spelling, in a lenient retry
    proximity_boost: float = 0.5    # the words of a query near each other ...
    proximity_slop: int = 4         # ... within this many positions, in order
    compound_bonus: float = 2.0     # the words as parts of one compound ("plan for
                                    # spildevand" in "Spildevandsplan")
    optional_function_words: bool = True  # "for", "med" only add to the score
    journal_first: bool = True      # beside a journal number, other words are optional
    lenient_retry: bool = True      # nothing found: retry with close spellings, then any word
    field_weights: tuple[tuple[str, float], ...] = tuple(FIELD_WEIGHTS.items())

    @property
    def fields(self) -> dict[str, float]:
        """The searched fields with their weights (the journal number's included)."""
        return dict(self.field_weights)


DEFAULT_RANKING = Ranking()
