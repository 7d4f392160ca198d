"""Ranking metrics with graded relevance 0-3 (gain 2^rel − 1), averaged per worker by the caller.

`ranked` is the relevance of the items in the order the ranker returned them (unjudged items 0);
`judged` is the relevance of every judged item for that worker (the ideal ranking and the number of
relevant items come from it; by default the ranked list itself, when it holds every judged item).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _gains(relevance: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.power(2.0, np.asarray(relevance, dtype=np.float64)) - 1.0


def dcg_at_k(ranked: Sequence[float] | np.ndarray, k: int = 10) -> float:
    gains = _gains(ranked)[:k]
    return float(np.sum(gains / np.log2(np.arange(2, len(gains) + 2))))


def ndcg_at_k(
    ranked: Sequence[float] | np.ndarray, k: int = 10, judged: Sequence[float] | np.ndarray | None = None
) -> float:
    """DCG@k / ideal DCG@k; 0 when nothing judged is relevant."""
    ideal_rel = np.sort(np.asarray(ranked if judged is None else judged, dtype=np.float64))[::-1]
    ideal = dcg_at_k(ideal_rel, k)
    return dcg_at_k(ranked, k) / ideal if ideal > 0 else 0.0


def recall_at_k(
    ranked: Sequence[float] | np.ndarray, k: int = 10, judged: Sequence[float] | np.ndarray | None = None
) -> float:
    """Share of the relevant (relevance > 0) judged items found in the top k; 0 when none."""
    total = int(np.sum(np.asarray(ranked if judged is None else judged) > 0))
    if total == 0:
        return 0.0
    return float(np.sum(np.asarray(ranked, dtype=np.float64)[:k] > 0)) / total


def mrr(ranked: Sequence[float] | np.ndarray) -> float:
    """1 / rank of the first relevant item; 0 when none is ranked."""
    hits = np.flatnonzero(np.asarray(ranked, dtype=np.float64) > 0)
    return 1.0 / (hits[0] + 1) if len(hits) else 0.0
