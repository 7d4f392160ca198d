"""Search's ranking metrics over document ids, on top of `backend.common.ranking_metrics`.

A ranking is a sequence of document ids, best first; the judgments of a query map document ids to
a graded relevance 0-3 (3 exactly what the user wants, 2 relevant, 1 marginal; a document not
listed is 0). The ideal ranking is built from ALL judged documents of the query, retrieved or not,
so missing a relevant document costs as much as ranking it low. A document id appearing twice in
a ranking counts once, at its first position.

    ndcg_at_k         gain 2^rel - 1, discount log2(rank + 1)
    recall_at_k       share of the relevant documents (grade >= min_grade) found in the top k
    reciprocal_rank   1 / rank of the first relevant document (0 when none is retrieved)
    mrr               the mean reciprocal rank over several queries
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from backend.common import ranking_metrics
from backend.common.ranking_metrics import dcg

__all__ = ["MAX_GRADE", "dcg", "mrr", "ndcg_at_k", "recall_at_k", "reciprocal_rank"]

MAX_GRADE = 3


def _grades(ranking: Sequence[str], judgments: Mapping[str, int], k: int | None = None) -> list[int]:
    """The grades of the ranking's distinct documents, in rank order (the top k of them)."""
    return [judgments.get(doc, 0) for doc in list(dict.fromkeys(ranking))[:k]]


def ndcg_at_k(ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """NDCG@k in [0, 1]; 0.0 for a query with no relevant document (nothing can be found)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    return ranking_metrics.ndcg_at_k(_grades(ranking, judgments, k), k, judged=list(judgments.values()))


def recall_at_k(
    ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10, *, min_grade: int = 1
) -> float:
    return ranking_metrics.recall_at_k(
        _grades(ranking, judgments, k), k, judged=list(judgments.values()), min_grade=min_grade
    )


def reciprocal_rank(ranking: Sequence[str], judgments: Mapping[str, int], *, min_grade: int = 1) -> float:
    return ranking_metrics.reciprocal_rank(_grades(ranking, judgments), min_grade=min_grade)


def mrr(runs: Iterable[tuple[Sequence[str], Mapping[str, int]]], *, min_grade: int = 1) -> float:
    """Mean reciprocal rank over (ranking, judgments) pairs; 0.0 for no runs."""
    ranks = [reciprocal_rank(ranking, judgments, min_grade=min_grade) for ranking, judgments in runs]
    return sum(ranks) / len(ranks) if ranks else 0.0
