"""Learning the ranker from staff decisions and outcomes, and judging it offline.

Labels (OUTCOMES): one example per (worker, item) pair that staff or the worker acted on, with
the strongest outcome it reached (`strongest`):

    outcome                         label  relevance  weight
    rejected (staff, any reason)      0       0        1.0   the negative class
    withdrawn / dropped               0       0        0.5   left after acting: a weak negative
    approved (staff)                  1       1        1.0
    applied / interview / enrolled    1       2        1.0
    hired / completed / certified     1       3        3.0   strongly positive: weighted ×3

`relevance` is the graded relevance of the offline metrics (NDCG gain 2^rel − 1), `weight` the
sample weight of the classifier. Evaluation is by time: the newest `holdout_fraction` of the
examples is held out (`time_split`), each worker's held-out items are ranked by the model and
NDCG@10, recall@10 and MRR averaged over the workers with at least one relevant item. A new model
should be activated only when it beats the active one on the same held-out split (`compare`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from backend.common.ranking_metrics import ndcg_at_k, recall_at_k, reciprocal_rank

from .rankers import LearnedRanker, Ranker


@dataclass(frozen=True)
class Outcome:
    label: int
    relevance: int
    weight: float


OUTCOMES: dict[str, Outcome] = {
    "rejected": Outcome(0, 0, 1.0),
    "withdrawn": Outcome(0, 0, 0.5),
    "dropped": Outcome(0, 0, 0.5),
    "approved": Outcome(1, 1, 1.0),
    "applied": Outcome(1, 2, 1.0),
    "interview": Outcome(1, 2, 1.0),
    "enrolled": Outcome(1, 2, 1.0),
    "hired": Outcome(1, 3, 3.0),
    "completed": Outcome(1, 3, 3.0),
    "certified": Outcome(1, 3, 3.0),
}


def strongest(outcomes: Iterable[str]) -> str:
    """The outcome that says most about a pair (hired over approved, approved over rejected)."""
    known = [o for o in outcomes if o in OUTCOMES]
    if not known:
        raise ValueError("no known outcome")
    return max(known, key=lambda o: (OUTCOMES[o].relevance, OUTCOMES[o].label, OUTCOMES[o].weight))


@dataclass(frozen=True)
class Example:
    group: Hashable  # the worker (a ranking is per worker)
    features: np.ndarray  # one row of features.FEATURE_NAMES
    outcome: str
    when: dt.datetime
    kind: str = "job"
    item_id: int | None = None

    @property
    def label(self) -> int:
        return OUTCOMES[self.outcome].label

    @property
    def relevance(self) -> int:
        return OUTCOMES[self.outcome].relevance

    @property
    def weight(self) -> float:
        return OUTCOMES[self.outcome].weight


Grouped = Mapping[Hashable, tuple[np.ndarray, np.ndarray]]  # group -> (X, relevance)


def arrays(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, sample_weight)."""
    X = np.vstack([e.features for e in examples]) if examples else np.zeros((0, 0))
    return X, np.array([e.label for e in examples]), np.array([e.weight for e in examples])


def time_split(
    examples: Sequence[Example], holdout_fraction: float = 0.2
) -> tuple[list[Example], list[Example]]:
    """(train, holdout): the holdout is every example at or after the time that leaves about
    `holdout_fraction` of them on the newer side; nothing in train is newer than the holdout."""
    if not 0 < holdout_fraction < 1:
        raise ValueError("holdout_fraction must be between 0 and 1")
    ordered = sorted(examples, key=lambda e: e.when)
    if len(ordered) < 2:
        return ordered, []
    cut = min(max(round(len(ordered) * (1 - holdout_fraction)), 1), len(ordered) - 1)
    cutoff = ordered[cut].when
    train = [e for e in ordered if e.when < cutoff]
    holdout = [e for e in ordered if e.when >= cutoff]
    return train, holdout


def group(examples: Iterable[Example]) -> dict[Hashable, tuple[np.ndarray, np.ndarray]]:
    rows: dict[Hashable, list[Example]] = {}
    for e in examples:
        rows.setdefault(e.group, []).append(e)
    return {
        g: (np.vstack([e.features for e in es]), np.array([e.relevance for e in es], dtype=np.float64))
        for g, es in rows.items()
    }


def evaluate(ranker: Ranker, grouped: Grouped | Sequence[Example], *, k: int = 10) -> dict[str, float]:
    """Mean NDCG@k, recall@k and MRR over the groups with at least one relevant item."""
    groups = group(grouped) if isinstance(grouped, Sequence) else grouped
    ndcg, recall, rr = [], [], []
    for X, relevance in groups.values():
        if not np.any(relevance > 0):
            continue
        scores = ranker.score(X)
        order = np.lexsort((np.arange(len(scores)), -scores))
        ranked = relevance[order]
        ndcg.append(ndcg_at_k(ranked, k))
        recall.append(recall_at_k(ranked, k))
        rr.append(reciprocal_rank(ranked))
    mean = lambda xs: float(np.mean(xs)) if xs else 0.0  # noqa: E731
    return {f"ndcg@{k}": mean(ndcg), f"recall@{k}": mean(recall), "mrr": mean(rr), "groups": float(len(ndcg))}


def fit_learned(
    examples: Sequence[Example],
    *,
    model: Literal["hgb", "logistic"] = "hgb",
    version: str | None = None,
    random_state: int = 0,
    **params: Any,
) -> LearnedRanker:
    X, y, w = arrays(examples)
    return LearnedRanker(model, version=version, random_state=random_state, **params).fit(
        X, y, sample_weight=w
    )


@dataclass
class Comparison:
    candidate: LearnedRanker
    candidate_metrics: dict[str, float]
    active_metrics: dict[str, float]
    better: bool
    metric: str = "ndcg@10"
    train_size: int = 0
    holdout_size: int = 0
    notes: list[str] = field(default_factory=list)


def compare(
    examples: Sequence[Example],
    active: Ranker,
    *,
    holdout_fraction: float = 0.2,
    model: Literal["hgb", "logistic"] = "hgb",
    metric: str = "ndcg@10",
    min_gain: float = 0.0,
    **params: Any,
) -> Comparison:
    """Fit a candidate on the older examples, evaluate it and the active ranker on the newer ones;
    `better` when the candidate's metric exceeds the active one's by more than min_gain."""
    train, holdout = time_split(examples, holdout_fraction)
    candidate = fit_learned(train, model=model, **params)
    cand_metrics = evaluate(candidate, holdout)
    active_metrics = evaluate(active, holdout)
    candidate.metrics = cand_metrics
    return Comparison(
        candidate=candidate,
        candidate_metrics=cand_metrics,
        active_metrics=active_metrics,
        better=cand_metrics[metric] > active_metrics[metric] + min_gain,
        metric=metric,
        train_size=len(train),
        holdout_size=len(holdout),
    )
