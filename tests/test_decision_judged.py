"""The decision classifier on the hand-judged real items of bench/decisions/judged.tsv (tune part)."""

import pytest
from helpers import require_corpus

from bench.decision_report import JUDGED, evaluate, read_items, read_judged
from searchsvc.domain.decisions import DECISION_LABELS


@pytest.fixture(scope="module")
def scores():
    judged = read_judged(JUDGED)
    items = {item.id: item for item in read_items(require_corpus())}
    scores, _ = evaluate(judged, items)
    return {score.part: score for score in scores}


def test_the_judged_set_is_large_enough_and_split():
    judged = read_judged(JUDGED)
    assert len(judged) >= 300
    assert sum(j.part == "held-out" for j in judged) >= 100
    assert {key for j in judged for key in j.keys} == set(DECISION_LABELS)


def test_exact_set_accuracy_on_the_tune_part(scores):
    assert scores["tune"].accuracy >= 0.95


@pytest.mark.parametrize("key", DECISION_LABELS)
def test_precision_of_every_key_on_the_tune_part(scores, key):
    score = next(s for s in scores["tune"].keys if s.key == key)
    assert score.given > 0 and score.precision >= 0.90
