"""Offline metrics and learning from outcomes."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from matching.core import FEATURE_NAMES, BaselineRanker, mrr, ndcg_at_k, recall_at_k
from matching.core.features import IDX
from matching.core.training import (
    OUTCOMES,
    Example,
    compare,
    evaluate,
    fit_learned,
    group,
    strongest,
    time_split,
)

F = len(FEATURE_NAMES)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_ndcg_known_values():
    assert ndcg_at_k([3, 2, 1, 0], 10) == pytest.approx(1.0)
    assert ndcg_at_k([0, 0, 0], 10) == 0.0
    dcg = (2**1 - 1) / math.log2(3)  # the relevant item at rank 2
    assert ndcg_at_k([0, 1], 10) == pytest.approx(dcg / 1.0)
    # judged items not retrieved lower the score through the ideal
    assert ndcg_at_k([3], 10, judged=[3, 3]) == pytest.approx(7 / (7 + 7 / math.log2(3)))
    assert ndcg_at_k([0, 3], 1) == 0.0


def test_recall_and_mrr():
    assert recall_at_k([1, 0, 2, 0], 2) == pytest.approx(0.5)
    assert recall_at_k([1, 0], 10, judged=[1, 0, 3, 2]) == pytest.approx(1 / 3)
    assert recall_at_k([0, 0], 10) == 0.0
    assert mrr([0, 0, 2]) == pytest.approx(1 / 3)
    assert mrr([0, 0]) == 0.0


def test_outcome_labels():
    assert OUTCOMES["rejected"].label == 0
    assert all(
        OUTCOMES[o].label == 1 and OUTCOMES[o].weight == 1.0 for o in ("approved", "applied", "enrolled")
    )
    assert all(
        OUTCOMES[o].relevance == 3 and OUTCOMES[o].weight > 1 for o in ("hired", "completed", "certified")
    )
    assert strongest(["approved", "hired", "rejected"]) == "hired"
    assert strongest(["rejected", "approved"]) == "approved"


def examples(n_workers: int = 120, per: int = 12, seed: int = 0) -> list[Example]:
    """Staff approve covered, near matches; later workers come later in time."""
    rng = np.random.default_rng(seed)
    out = []
    for w in range(n_workers):
        for _ in range(per):
            x = rng.random(F)
            x[IDX["is_training"]] = 0
            p = 1 / (1 + np.exp(-(4 * x[IDX["skill_coverage"]] + 3 * x[IDX["proximity"]] - 4)))
            outcome = ("hired" if rng.random() < 0.3 else "approved") if rng.random() < p else "rejected"
            out.append(
                Example(
                    group=w, features=x, outcome=outcome, when=T0 + dt.timedelta(hours=w * 10 + rng.random())
                )
            )
    return out


def test_time_split_keeps_the_newest_out():
    data = examples(50, 4)
    train, holdout = time_split(data, 0.2)
    assert len(train) + len(holdout) == len(data)
    assert max(e.when for e in train) < min(e.when for e in holdout)
    assert 0.15 < len(holdout) / len(data) < 0.25


def test_evaluate_rewards_a_good_ordering():
    data = examples()
    good = BaselineRanker(dict.fromkeys(FEATURE_NAMES, 0.0) | {"skill_coverage": 4.0, "proximity": 3.0})
    bad = BaselineRanker(dict.fromkeys(FEATURE_NAMES, 0.0) | {"recency": 1.0})
    g, b = evaluate(good, data), evaluate(bad, group(data))
    assert set(g) == {"ndcg@10", "recall@10", "mrr", "groups"}
    assert g["ndcg@10"] > b["ndcg@10"] + 0.1
    assert g["mrr"] > b["mrr"]
    assert 0 <= g["recall@10"] <= 1


@pytest.mark.parametrize("model", ["hgb", "logistic"])
def test_fit_and_compare(model):
    data = examples()
    ranker = fit_learned(data, model=model)
    assert ranker.version.startswith(model)
    weak = BaselineRanker(dict.fromkeys(FEATURE_NAMES, 0.0) | {"recency": 1.0})
    result = compare(data, weak, model=model)
    assert result.better is True
    assert result.candidate_metrics["ndcg@10"] > result.active_metrics["ndcg@10"]
    assert result.train_size > result.holdout_size > 0
    assert result.candidate.metrics == result.candidate_metrics
