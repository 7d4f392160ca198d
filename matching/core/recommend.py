"""Recommendations: generate → pairwise → score → rules (judge, select) → explain → pathways.

`recommend` serves one worker (live API, the preview at the window); `recommend_batch` serves
many: workers are prepared in blocks, one sparse product per block and chunk of items, the
constraints, features, ranker and the counsellor's rules (rules.py: tiers, near misses, caps) run
over every (worker, candidate) pair of the block at once, so do the top-k selection (one sort by
worker, tier, fit, score, item) and the pathways of every job not yet
qualified for (pathways_block); only the assembly of explanations and Recommendation objects is
per row. Both give the same recommendations for the same worker.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from . import rules
from .candidates import generate_block
from .catalogue import DEFAULT_CHUNK, Catalogue
from .explain import explain_rows
from .features import IDX, pairwise_block
from .pathways import pathways_block
from .rankers import Ranker
from .types import Explanation, Kind, Pathway, Recommendation, WorkerData
from .workers import MALANHUA, WorkerBlock, prepare

CANDIDATES = 200
PATHWAYS = 3
BLOCK_SIZE = 128


def _reason(block: WorkerBlock, b: int, cat: Catalogue, index: int, x: np.ndarray) -> str:
    """Why a training is recommended directly, most specific first."""
    brand = int(cat.brand[index])
    if block.business[b] and brand >= 0 and cat.brands[brand] == MALANHUA:
        return "start_business"
    if x[IDX["certificate_upgrade"]] > 0:
        return "upgrade_certificate"
    if x[IDX["occupation_match"]] > 0:
        return "desired_occupation"
    if cat.online[index] and block.far[b]:
        return "online_far_from_venue"
    return "skill_gap"


def recommend_block(
    block: WorkerBlock,
    catalogue: Catalogue,
    ranker: Ranker,
    *,
    kind: Kind,
    k: int = 20,
    candidates: int = CANDIDATES,
    chunk: int = DEFAULT_CHUNK,
    explanations: bool = True,
    with_pathways: bool = True,
    pathways_k: int = PATHWAYS,
) -> list[list[Recommendation]]:
    cat = catalogue
    found = generate_block(block, cat, kind=kind, k=max(candidates, k), chunk=chunk)
    sizes = np.array([len(items) for items, _ in found], dtype=np.int64)
    owners = np.repeat(np.arange(block.size), sizes)
    items = np.concatenate([c[0] for c in found]) if found else np.zeros(0, np.int64)
    sims = np.concatenate([c[1] for c in found]) if found else np.zeros(0, np.float32)
    X, details = pairwise_block(block, cat, owners, items, sims)
    scores = ranker.score(X) if len(X) else np.zeros(0)
    judged = rules.judge(block, cat, owners, items, X, details)
    groups, cap = (
        (cat.employer_ids, rules.MAX_PER_EMPLOYER)
        if kind == "job"
        else (cat.program_ids, rules.MAX_PER_PROGRAM)
    )
    top_rows, ends, dropped = rules.select(
        owners, items, scores, judged, groups, cap, k, block.size, demote=kind == "job"
    )
    top_owner = owners[top_rows]
    top_items = items[top_rows]
    top_X = X[top_rows]
    qualified = top_X[:, IDX["qualified"]] > 0
    reasons = (
        [_reason(block, int(b), cat, int(i), x) for b, i, x in zip(top_owner, top_items, top_X, strict=True)]
        if kind == "training"
        else [""] * len(top_rows)
    )
    explained: list[Explanation | None] = [None] * len(top_rows)
    if explanations and len(top_rows):
        explained = list(
            explain_rows(
                [block.workers[b] for b in top_owner.tolist()],
                cat,
                top_items,
                top_X,
                ranker.contributions(top_X),
                cat.taxonomy,
                reasons=reasons,
                distance_km=[None if d != d else d for d in details.distance_km[top_rows].tolist()],
                home_km=[None if d != d else d for d in details.home_km[top_rows].tolist()],
                places=[
                    block.place_names[b][q] if q >= 0 else None
                    for b, q in zip(top_owner.tolist(), details.place[top_rows].tolist(), strict=True)
                ],
            )
        )
        _label(explained, kind, judged.tier[top_rows], judged.misses[top_rows], top_X)
    paths: dict[int, list[Pathway]] = {}
    if kind == "job" and with_pathways:
        paths = _pathways_of_unqualified(block, cat, top_owner, top_items, qualified, explained, pathways_k)
    recs = _recommendations(
        kind,
        cat.ids[top_items].tolist(),
        scores[top_rows].tolist(),
        top_X,
        qualified,
        explained,
        paths,
        reasons,
    )
    if dropped:
        position = {int(p): i for i, p in enumerate(top_rows.tolist())}
        for p, others in dropped.items():
            recs[position[p]].other_sessions = cat.ids[items[others]].tolist()
    return _per_worker(recs, ends)


def _label(
    explained: list[Explanation | None], kind: Kind, tiers: np.ndarray, misses: np.ndarray, X: np.ndarray
) -> None:
    """Tier, near misses and fit label on each explanation (the rules' verdict, for staff)."""
    for e, tier, miss, x in zip(explained, tiers.tolist(), misses.tolist(), X, strict=True):
        if e is not None:
            e.tier = rules.tier_name(tier)
            e.near_misses = rules.miss_names(miss)
            e.fit = rules.fit_label(kind == "job", tier, miss, x)


def _pathways_of_unqualified(
    block: WorkerBlock,
    cat: Catalogue,
    top_owner: np.ndarray,
    top_items: np.ndarray,
    qualified: np.ndarray,
    explained: list[Explanation | None],
    pathways_k: int,
) -> dict[int, list[Pathway]]:
    """Pathways for every job of the block not yet qualified for, in one vectorised pass; the
    explanation of a job with pathways says so."""
    unqualified = np.flatnonzero(~qualified)
    if not len(unqualified):
        return {}
    found_paths = pathways_block(block, top_owner[unqualified], cat, top_items[unqualified], k=pathways_k)
    paths = {p: found for p, found in zip(unqualified.tolist(), found_paths, strict=True) if found}
    for p in paths:
        explanation = explained[p]
        if explanation is not None:
            explanation.summary = explanation.summary.rstrip("。") + ",有培训可以帮您补上差距。"
    return paths


def _recommendations(
    kind: Kind,
    top_ids: list[int],
    top_scores: list[float],
    top_X: np.ndarray,
    qualified: np.ndarray,
    explained: list[Explanation | None],
    paths: dict[int, list[Pathway]],
    reasons: list[str],
) -> list[Recommendation]:
    top_rows_X = np.round(top_X, 5).tolist()  # logged with a stored suggestion: 5 decimals do
    flags: list[bool | None] = qualified.tolist() if kind == "job" else [None] * len(top_ids)
    return [
        Recommendation(
            kind,
            top_ids[p],
            top_scores[p],
            0,
            explained[p],  # type: ignore[arg-type]
            paths.get(p) or [],
            reasons[p],
            flags[p],
            tuple(top_rows_X[p]),
        )
        for p in range(len(top_ids))
    ]


def _per_worker(recs: list[Recommendation], ends: list[int]) -> list[list[Recommendation]]:
    """Cut the block's recommendations into each worker's list and number their ranks."""
    out: list[list[Recommendation]] = []
    start = 0
    for end in ends:
        mine = recs[start:end]
        for rank, rec in enumerate(mine, start=1):
            rec.rank = rank
        out.append(mine)
        start = end
    return out


def recommend(
    worker: WorkerData,
    catalogue: Catalogue,
    ranker: Ranker,
    *,
    kind: Kind,
    k: int = 20,
    candidates: int = CANDIDATES,
    chunk: int = DEFAULT_CHUNK,
) -> list[Recommendation]:
    """The worker's top-k items of `kind`, explained, with pathways for jobs not yet qualified for
    and a reason for each training."""
    block = prepare([worker], catalogue, kind=kind)
    return recommend_block(block, catalogue, ranker, kind=kind, k=k, candidates=candidates, chunk=chunk)[0]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its results: ~15 container objects
    per recommendation (explanation, pathways, lists), none of them garbage and none in a cycle,
    would otherwise trigger collections that re-scan every object the process holds (a Celery
    task's loaded workers, the results so far) — 15-20% of the batch's CPU with 100,000 workers
    loaded. Reference counting still frees everything; the collector is restored afterwards (only
    if it was on: a caller that turned it off keeps it off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recommend_batch(
    workers: Sequence[WorkerData],
    catalogue: Catalogue,
    ranker: Ranker,
    *,
    kind: Kind,
    k: int = 20,
    block_size: int = BLOCK_SIZE,
    candidates: int = CANDIDATES,
    chunk: int = DEFAULT_CHUNK,
    explanations: bool = True,
    with_pathways: bool = True,
) -> list[list[Recommendation]]:
    """recommend() for many workers — the same recommendations, in the workers' order — computed
    block by block (block_size workers share one sparse product per chunk of items and one pass
    of constraints, features and ranker). Single-threaded: run several processes (Celery
    workers, each given its own slice of workers) to use several cores."""
    out: list[list[Recommendation]] = []
    with _gc_paused():
        for start in range(0, len(workers), max(block_size, 1)):
            block = prepare(workers[start : start + block_size], catalogue, kind=kind)
            out.extend(
                recommend_block(
                    block,
                    catalogue,
                    ranker,
                    kind=kind,
                    k=k,
                    candidates=candidates,
                    chunk=chunk,
                    explanations=explanations,
                    with_pathways=with_pathways,
                )
            )
    return out
