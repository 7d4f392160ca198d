"""The pure numeric core of matching: arrays and dataclasses in, recommendations out; no Django.

types       WorkerData, ItemData, TaxonomyData, Place, SkillHeld; Recommendation, Explanation, Pathway
catalogue   Catalogue.build(items, taxonomy, version=...) once per catalogue version; save/load
candidates  generate(worker, catalogue, kind=..., k=200): sparse product + constraint masks + top-k
features    FEATURE_NAMES, pairwise(worker, catalogue, indices)
rankers     BaselineRanker (documented weights), LearnedRanker (HGB or logistic, monotone)
explain     explain(...) -> Explanation
pathways    pathways(worker, catalogue, job_index, k=3)
recommend   recommend(worker, ...), recommend_batch(workers, ...)
metrics     ndcg_at_k, recall_at_k, mrr (reciprocal rank), from backend.common.ranking_metrics
training    OUTCOMES, Example, time_split, evaluate, fit_learned, compare
"""

from backend.common.ranking_metrics import ndcg_at_k, recall_at_k
from backend.common.ranking_metrics import reciprocal_rank as mrr

from .candidates import generate
from .catalogue import Catalogue
from .explain import explain
from .features import FEATURE_NAMES, pairwise
from .pathways import pathways
from .rankers import BASELINE_WEIGHTS, BaselineRanker, LearnedRanker
from .recommend import recommend, recommend_batch
from .types import (
    CertificateFit,
    Explanation,
    FeatureContribution,
    ItemData,
    LodgingFit,
    Pathway,
    Place,
    Recommendation,
    SkillHeld,
    TaxonomyData,
    WageFit,
    WorkerData,
)

__all__ = [
    "BASELINE_WEIGHTS",
    "FEATURE_NAMES",
    "BaselineRanker",
    "Catalogue",
    "CertificateFit",
    "Explanation",
    "FeatureContribution",
    "ItemData",
    "LearnedRanker",
    "LodgingFit",
    "Pathway",
    "Place",
    "Recommendation",
    "SkillHeld",
    "TaxonomyData",
    "WageFit",
    "WorkerData",
    "explain",
    "generate",
    "mrr",
    "ndcg_at_k",
    "pairwise",
    "pathways",
    "recall_at_k",
    "recommend",
    "recommend_batch",
]
