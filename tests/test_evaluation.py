"""The relevance evaluation: the judged set reads, references resolve, measures add up."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchsvc.cli import main
from searchsvc.search.evaluation import (KINDS, Judgement, JudgementError, Outcome, Report, evaluate, load_judgements,
                                         resolve)

JUDGED = Path(__file__).resolve().parents[1] / "bench" / "relevance" / "queries.tsv"


def test_the_judged_set_reads_with_enough_queries_of_every_kind():
    judgements = load_judgements(JUDGED)
    assert len(judgements) >= 60
    assert {j.kind for j in judgements} == set(KINDS)
    assert all(j.relevant for j in judgements)


def test_measures():
    outcome = Outcome(Judgement("plain", "q", ("x",)), ranked=["a", "b", "c", "d"], relevant={"b", "d"})
    assert outcome.first_rank == 2
    assert outcome.success_at_3 == 1.0 and outcome.reciprocal_rank == 0.5
    ideal = 1 + 1 / math.log2(3)
    assert outcome.ndcg_at_10 == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    missed = Outcome(Judgement("typo", "q", ("x",)), ranked=["a", "b", "c", "d"], relevant={"d"})
    report = Report("test", [outcome, missed])
    assert report.scores().success_at_3 == 0.5
    assert report.scores("typo").mrr == 0.25


def test_references_resolve_to_items(danish_service):
    assert len(resolve(danish_service, ["frederiksberg/2021-05-03/33"])) == 1
    assert len(resolve(danish_service, ["00.01.00-G01-253-23"])) == 2  # two items share it
    with pytest.raises(JudgementError):
        resolve(danish_service, ["99-999999"])


def test_evaluate_scores_searches(danish_service):
    judgements = [Judgement("compound", "egnsteater", ("24-003866",)),
                  Judgement("typo", "autismekordinator", ("frederiksberg/2024-08-19/32",))]
    report = evaluate(danish_service, judgements)
    assert report.scores().success_at_3 == 1.0 and report.scores().mrr == 1.0


def test_the_eval_command_prints_the_table(danish_index, tmp_path):
    judged = tmp_path / "judged.tsv"
    judged.write_text("kind\tquery\trelevant\tnote\nphrase\t\"Borgerdialog i fokus\"\t15.04.10-P20-3-20\t\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(danish_index.file), "eval", str(judged), "--baseline"])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "Whoosh defaults" in result.output
