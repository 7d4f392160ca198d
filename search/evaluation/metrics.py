"""Ranking metrics over plain lists: a ranking is a sequence of document ids, best first; the
judgments of a query map document ids to a graded relevance 0-3 (3 exactly what the user wants,
2 relevant, 1 marginal; a document not listed is 0).

    ndcg_at_k         gain 2^rel - 1, discount log2(rank + 1); the ideal ranking is built from ALL
                      judged documents of the query, retrieved or not, so missing a relevant
                      document costs as much as ranking it low
    recall_at_k       share of the relevant documents (grade >= min_grade) found in the top k
    reciprocal_rank   1 / rank of the first relevant document (0 when none is retrieved)
    mrr               the mean reciprocal rank over several queries

A document id appearing twice in a ranking counts once, at its first position.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

MAX_GRADE = 3


def _unique(ranking: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ranking))


def gain(grade: int) -> float:
    return float(2**grade - 1)


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first)."""
    return sum(gain(grade) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg_at_k(ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """NDCG@k in [0, 1]; 0.0 for a query with no relevant document (nothing can be found)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(judgments.get(doc, 0) for doc in _unique(ranking)[:k]) / ideal


def recall_at_k(
    ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10, *, min_grade: int = 1
) -> float:
    relevant = {doc for doc, grade in judgments.items() if grade >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_unique(ranking)[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], judgments: Mapping[str, int], *, min_grade: int = 1) -> float:
    for rank, doc in enumerate(_unique(ranking), start=1):
        if judgments.get(doc, 0) >= min_grade:
            return 1.0 / rank
    return 0.0


def mrr(runs: Iterable[tuple[Sequence[str], Mapping[str, int]]], *, min_grade: int = 1) -> float:
    """Mean reciprocal rank over (ranking, judgments) pairs; 0.0 for no runs."""
    ranks = [reciprocal_rank(ranking, judgments, min_grade=min_grade) for ranking, judgments in runs]
    return sum(ranks) / len(ranks) if ranks else 0.0
