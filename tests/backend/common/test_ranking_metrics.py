"""backend.common.ranking_metrics: the one home of NDCG, recall and reciprocal rank."""

from __future__ import annotations

import math

import pytest

from backend.common.ranking_metrics import dcg, dcg_at_k, ndcg_at_k, recall_at_k, reciprocal_rank


def test_dcg_gain_and_discount():
    assert dcg([3, 0, 2]) == pytest.approx(7 + 3 / 2)  # 7/log2(2) + 0 + 3/log2(4)
    assert dcg([]) == 0.0
    assert dcg_at_k([3, 0, 2], k=1) == pytest.approx(7.0)


def test_ndcg_ideal_comes_from_every_judged_item():
    assert ndcg_at_k([3, 2, 1, 0], 10) == pytest.approx(1.0)
    assert ndcg_at_k([0, 0], 10) == 0.0
    assert ndcg_at_k([3], 10, judged=[3, 3]) == pytest.approx(7 / (7 + 7 / math.log2(3)))
    assert ndcg_at_k([0, 3], 1) == 0.0


def test_recall_counts_grades_from_min_grade():
    assert recall_at_k([1, 0, 2, 0], 2) == pytest.approx(0.5)
    assert recall_at_k([1, 0], 10, judged=[1, 0, 3, 2]) == pytest.approx(1 / 3)
    assert recall_at_k([1, 0, 2], 3, judged=[1, 2, 3], min_grade=2) == pytest.approx(1 / 2)
    assert recall_at_k([0, 0], 10) == 0.0


def test_reciprocal_rank():
    assert reciprocal_rank([0, 0, 2]) == pytest.approx(1 / 3)
    assert reciprocal_rank([0, 1], min_grade=2) == 0.0
    assert reciprocal_rank([]) == 0.0
    assert type(reciprocal_rank([1])) is float
