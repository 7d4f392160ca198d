"""Pairwise features of (worker, item), vectorised over the candidate set (or over every pair of
a block of workers and their candidates).

Every feature is oriented so that HIGHER IS BETTER for the worker, and is neutral (constant over
items) where it does not apply, so a non-negative weight can never punish a worker for something
that is not about the item. In particular:
- home_proximity is the proximity to the hukou place only for a worker who wants to work near
  home; for everyone else it is the constant 0 — a far hukou is never a penalty;
- lodging/meals/couple-room fit are 1 for a worker who does not need them;
- wage_fit is 1 for a worker without a floor.
Job-only features are 0 for trainings and training-only features 0 for jobs; `is_training`
tells a learned model which is which (a ranking is always within one kind).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .candidates import NEUTRAL_PROXIMITY, PROXIMITY_KM, nearest_chord2, nearest_place
from .catalogue import NO_DATE, Catalogue
from .geo import chord_to_km
from .types import WorkerData
from .workers import HELD_NO_LEVEL, WorkerBlock, prepare

GAP_CLOSING_CAP = 3.0  # gap_closing counts up to this many missing skills taught
FEATURE_NAMES: tuple[str, ...] = (
    "similarity",  # worker row · item row in the shared sparse space, capped at SIMILARITY_CAP
    "skill_coverage",  # job: share of required skills held (1 when none required)
    "preferred_coverage",  # job: share of preferred skills held (1 when none)
    "qualified",  # job: every required skill and the required certificate/level held
    "experience",  # job: years on matched required + preferred skills, capped at 10, / 10
    "occupation_match",  # the item's occupation is one the worker wants
    "occupation_skill_overlap",  # skills held of the item's occupation, / min(5, its skill count)
    "certificate_fit",  # job: 1 none required or held at the level, 0.5 held below it, 0 missing
    "certificate_new",  # training: awards a certificate the worker does not hold
    "certificate_upgrade",  # training: awards a higher level of a certificate held
    "new_skills",  # training: skills taught not yet held, capped at 5, / 5
    "gap_closing",  # training: skills of desired occupations not held that it teaches, cap 3, / 3
    "proximity",  # 1 / (1 + km / 25) to the nearest current/preferred place; online 1; unknown 0.5
    "home_proximity",  # same, to hukou, ONLY when wants_work_near_home; otherwise the constant 0
    "wage_fit",  # job with a floor: (offered / floor − 0.8) / 0.4 clipped to 0..1; no floor 1
    "wage_level",  # job: offered monthly wage / 10,000 (capped 1.5); unknown 0.4
    "lodging_fit",  # job: provided when needed; 1 when not needed
    "meals_fit",
    "couple_room_fit",
    "start_fit",  # start vs available_from: 1 within 30 days, fading over 150; training before 0
    "free_or_subsidised",  # training: free 1, subsidised 0.8, else 0.5 / (1 + fee / 1000)
    "online",  # training delivered online
    "recency",  # exp(−days since the item's last change / 30)
    "is_training",
)
F = len(FEATURE_NAMES)
IDX = {name: i for i, name in enumerate(FEATURE_NAMES)}
SIMILARITY_CAP = 4.0
DISTANCE_CAP_KM = 500.0
OFFERED_WAGE_SCALE = 10_000.0

LABELS = {
    "similarity": "与您的技能和意向相符",
    "skill_coverage": "您具备所需技能",
    "preferred_coverage": "您具备加分技能",
    "qualified": "您符合招聘要求",
    "experience": "您有相关工作经验",
    "occupation_match": "符合您想做的工作",
    "occupation_skill_overlap": "您熟悉这一行",
    "certificate_fit": "您持有所需证书",
    "certificate_new": "可以考取新证书",
    "certificate_upgrade": "可以提升您的证书等级",
    "new_skills": "能学到新技能",
    "gap_closing": "补上您想做的工作所缺的技能",
    "proximity": "离您近",
    "home_proximity": "离家近",
    "wage_fit": "工资符合您的期望",
    "wage_level": "工资较高",
    "lodging_fit": "提供住宿",
    "meals_fit": "提供餐食",
    "couple_room_fit": "有夫妻房",
    "start_fit": "时间合适",
    "free_or_subsidised": "免费或有补贴",
    "online": "可以在线学习",
    "recency": "最近发布",
    "is_training": "培训项目",
}


@dataclass
class PairDetails:
    """What the features were computed from, for explanations (per pair)."""

    distance_km: np.ndarray  # NaN: unknown; online items too
    home_km: np.ndarray  # NaN unless the worker wants to work near home
    place: np.ndarray  # which of the worker's places distance_km is from (block.places column), -1


def _row_sums(rows: sp.csr_matrix, table: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """For pair p: sum over the columns s set in rows[p] of table[owners[p], s]."""
    counts = np.diff(rows.indptr)
    pair_of = np.repeat(np.arange(rows.shape[0]), counts)
    values = table[owners[pair_of], rows.indices]
    return np.bincount(pair_of, weights=values, minlength=rows.shape[0])


def _similarity(
    block: WorkerBlock, owners: np.ndarray, items: np.ndarray, catalogue: Catalogue
) -> np.ndarray:
    w = block.vectors[owners]
    return np.asarray(w.multiply(catalogue.matrix[items]).sum(axis=1)).ravel()


def _proximity(km: np.ndarray, online: np.ndarray) -> np.ndarray:
    prox = 1.0 / (1.0 + np.minimum(km, DISTANCE_CAP_KM) / PROXIMITY_KM)
    return np.where(online, 1.0, np.where(np.isnan(km), NEUTRAL_PROXIMITY, prox))


def pairwise_block(
    block: WorkerBlock,
    catalogue: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    similarity: np.ndarray | None = None,
) -> tuple[np.ndarray, PairDetails]:
    """(P × F feature matrix, details) for pairs (block worker owners[p], catalogue row items[p])."""
    cat = catalogue
    owners = np.asarray(owners, dtype=np.int64)
    items = np.asarray(items, dtype=np.int64)
    P = len(items)
    X = np.zeros((P, F), dtype=np.float64)
    if P == 0:
        return X, PairDetails(np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    is_job = cat.kinds[items] == 0
    if similarity is None:
        similarity = _similarity(block, owners, items, cat)
    X[:, IDX["similarity"]] = np.minimum(np.asarray(similarity, dtype=np.float64), SIMILARITY_CAP)
    _skill_and_certificate_features(X, block, cat, owners, items, is_job)
    _occupation_features(X, block, cat, owners, items)
    details = _place_features(X, block, cat, owners, items)
    _wage_and_amenity_features(X, block, cat, owners, items, is_job)
    _start_and_training_features(X, block, cat, owners, items, is_job)
    return X, details


def _skill_and_certificate_features(
    X: np.ndarray,
    block: WorkerBlock,
    cat: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    is_job: np.ndarray,
) -> None:
    """Coverage of the required/preferred skills, experience, the certificate, "qualified", and
    for trainings what they would add (new skills, a new or higher certificate, the gap closed)."""
    is_tr = ~is_job
    required = cat.required[items]
    preferred = cat.preferred[items]
    n_req = cat.n_required[items].astype(np.float64)
    n_pref = cat.n_preferred[items].astype(np.float64)
    held_req = _row_sums(required, block.held, owners)
    held_pref = _row_sums(preferred, block.held, owners)
    with np.errstate(divide="ignore", invalid="ignore"):
        X[:, IDX["skill_coverage"]] = np.where(is_job, np.where(n_req > 0, held_req / n_req, 1.0), 0.0)
        X[:, IDX["preferred_coverage"]] = np.where(is_job, np.where(n_pref > 0, held_pref / n_pref, 1.0), 0.0)
    years = _row_sums(required, block.years, owners) + _row_sums(preferred, block.years, owners)
    X[:, IDX["experience"]] = np.where(is_job, np.minimum(years, 10.0) / 10.0, 0.0)

    cert = cat.certificate[items]
    need = cat.cert_level[items].astype(np.int16)
    has_cert = cert >= 0
    held_level = np.where(has_cert, block.cert_level[owners, np.maximum(cert, 0)], 0).astype(np.int16)
    held = has_cert & (held_level > 0)
    level_ok = held & ((need == 0) | ((held_level != HELD_NO_LEVEL) & (held_level <= need)))
    cert_fit = np.where(~has_cert | level_ok, 1.0, np.where(held, 0.5, 0.0))
    X[:, IDX["certificate_fit"]] = np.where(is_job, cert_fit, 0.0)
    X[:, IDX["qualified"]] = is_job & (held_req >= n_req) & (cert_fit == 1.0)
    X[:, IDX["certificate_new"]] = is_tr & has_cert & ~held
    X[:, IDX["certificate_upgrade"]] = (
        is_tr & held & (held_level != HELD_NO_LEVEL) & (need > 0) & (need < held_level)
    )
    X[:, IDX["new_skills"]] = np.where(is_tr, np.minimum(n_req - held_req, 5.0) / 5.0, 0.0)
    gap = _row_sums(required, block.gap, owners)
    X[:, IDX["gap_closing"]] = np.where(is_tr, np.minimum(gap, 3.0) / 3.0, 0.0)


def _occupation_features(
    X: np.ndarray, block: WorkerBlock, cat: Catalogue, owners: np.ndarray, items: np.ndarray
) -> None:
    occ = cat.occupation[items]
    X[:, IDX["occupation_match"]] = block.desired[owners, occ]
    occ_held = _row_sums(cat.occ_skills[occ], block.held, owners)
    occ_size = np.minimum(cat.occ_n_skills[occ], 5).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        X[:, IDX["occupation_skill_overlap"]] = np.where(
            occ_size > 0, np.minimum(occ_held / occ_size, 1.0), 0.0
        )


def _place_features(
    X: np.ndarray, block: WorkerBlock, cat: Catalogue, owners: np.ndarray, items: np.ndarray
) -> PairDetails:
    """Proximity to the worker's places and, for a worker who wants work near home, to home; the
    distances (km, NaN online or unknown) are returned as the pairs' details."""
    online = cat.online[items]
    units = cat.unit[items]
    best, place = nearest_place(units, block.places[owners])
    km = np.where(np.isinf(best) | online, np.nan, chord_to_km(np.sqrt(best)))
    X[:, IDX["proximity"]] = _proximity(km, online)
    home = block.home[owners]
    wants_home = ~np.isnan(home[:, 0])
    home_best = nearest_chord2(units, home[:, None, :])
    home_km = np.where(np.isinf(home_best) | online, np.nan, chord_to_km(np.sqrt(home_best)))
    X[:, IDX["home_proximity"]] = np.where(wants_home, _proximity(home_km, online), 0.0)
    return PairDetails(
        distance_km=km, home_km=np.where(wants_home, home_km, np.nan), place=np.where(online, -1, place)
    )


def _wage_and_amenity_features(
    X: np.ndarray,
    block: WorkerBlock,
    cat: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    is_job: np.ndarray,
) -> None:
    floor = block.floor[owners].astype(np.float64)
    wmin = cat.wage_min[items].astype(np.float64)
    wmax = cat.wage_max[items].astype(np.float64)
    offered = np.where(np.isnan(wmin), wmax, np.where(np.isnan(wmax), wmin, (wmin + wmax) / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio_fit = np.clip((offered / floor - 0.8) / 0.4, 0.0, 1.0)
    X[:, IDX["wage_fit"]] = np.where(
        is_job & ~np.isnan(floor), np.where(np.isnan(offered), 0.5, ratio_fit), 1.0
    )
    X[:, IDX["wage_level"]] = np.where(
        is_job, np.where(np.isnan(offered), 0.4, np.minimum(offered / OFFERED_WAGE_SCALE, 1.5)), 0.0
    )
    X[:, IDX["lodging_fit"]] = np.where(is_job & block.needs_lodging[owners], cat.lodging[items], 1.0)
    X[:, IDX["meals_fit"]] = np.where(is_job & block.needs_meals[owners], cat.meals[items], 1.0)
    X[:, IDX["couple_room_fit"]] = np.where(is_job & block.needs_couple[owners], cat.couple_rooms[items], 1.0)


def _start_and_training_features(
    X: np.ndarray,
    block: WorkerBlock,
    cat: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    is_job: np.ndarray,
) -> None:
    is_tr = ~is_job
    available = block.available[owners].astype(np.int64)
    start = cat.start[items].astype(np.int64)
    known = (available != NO_DATE) & (start != NO_DATE)
    lag = start - available
    later = np.clip(1.0 - (lag - 30) / 150.0, 0.0, 1.0)
    early = np.where(is_job, 0.7, 0.0)
    X[:, IDX["start_fit"]] = np.where(known, np.where(lag < 0, early, later), 1.0)

    fee = cat.fee[items].astype(np.float64)
    cost = np.where(cat.free[items], 1.0, np.where(cat.subsidised[items], 0.8, 0.5 / (1.0 + fee / 1000.0)))
    X[:, IDX["free_or_subsidised"]] = np.where(is_tr, cost, 0.0)
    X[:, IDX["online"]] = cat.online[items]
    X[:, IDX["recency"]] = cat.recency[items]
    X[:, IDX["is_training"]] = is_tr


def pairwise(
    worker: WorkerData,
    catalogue: Catalogue,
    indices: np.ndarray,
    *,
    similarity: np.ndarray | None = None,
) -> np.ndarray:
    """(n × len(FEATURE_NAMES)) features of the worker against catalogue rows `indices`
    (pass the candidates' similarity to skip recomputing it)."""
    indices = np.asarray(indices, dtype=np.int64)
    block = prepare([worker], catalogue)
    X, _ = pairwise_block(block, catalogue, np.zeros(len(indices), np.int64), indices, similarity)
    return X
