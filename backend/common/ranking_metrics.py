"""Ranking metrics with graded relevance 0-3, for the offline evaluations of matching and search.

Pure NumPy, no Django. A ranking is given as the relevance grades of its items in rank order
(best first; an unjudged item is 0); `judged` is the grade of every judged item for that query or
worker, retrieved or not: the ideal ranking and the number of relevant items come from it, so
missing a relevant item costs as much as ranking it low (by default the ranking itself, when it
holds every judged item). Averaging over queries or workers is the caller's.

    dcg / dcg_at_k    gain 2^grade - 1, discount log2(rank + 1)
    ndcg_at_k         DCG@k / ideal DCG@k; 0 when nothing judged is relevant
    recall_at_k       share of the relevant judged items (grade >= min_grade) in the top k
    reciprocal_rank   1 / rank of the first relevant item; 0 when none is ranked
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Grades = Sequence[float] | np.ndarray


def gains(grades: Grades) -> np.ndarray:
    return np.power(2.0, np.asarray(grades, dtype=np.float64)) - 1.0


def dcg(grades: Grades) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first)."""
    g = gains(grades)
    return float(np.sum(g / np.log2(np.arange(2, len(g) + 2))))


def dcg_at_k(ranked: Grades, k: int = 10) -> float:
    return dcg(np.asarray(ranked, dtype=np.float64)[:k])


def ndcg_at_k(ranked: Grades, k: int = 10, judged: Grades | None = None) -> float:
    """DCG@k / ideal DCG@k; 0 when nothing judged is relevant."""
    ideal_grades = np.sort(np.asarray(ranked if judged is None else judged, dtype=np.float64))[::-1]
    ideal = dcg_at_k(ideal_grades, k)
    return dcg_at_k(ranked, k) / ideal if ideal > 0 else 0.0


def recall_at_k(ranked: Grades, k: int = 10, judged: Grades | None = None, *, min_grade: float = 1) -> float:
    """Share of the relevant (grade >= min_grade) judged items found in the top k; 0 when none."""
    total = int(np.sum(np.asarray(ranked if judged is None else judged) >= min_grade))
    if total == 0:
        return 0.0
    return float(np.sum(np.asarray(ranked, dtype=np.float64)[:k] >= min_grade)) / total


def reciprocal_rank(ranked: Grades, *, min_grade: float = 1) -> float:
    """1 / rank of the first relevant item; 0 when none is ranked."""
    hits = np.flatnonzero(np.asarray(ranked, dtype=np.float64) >= min_grade)
    return 1.0 / (int(hits[0]) + 1) if len(hits) else 0.0
