"""The counsellor's rules over scored pairs: what may be shown, in what order, with what label.

The ranker scores; these rules decide, the way a county counsellor would:
- intent first: an item's tier is how its occupation stands to what the worker wants (WANTED,
  PRACTISED, RELATED, UNRELATED: workers.py `_intent_table`; a course is RELATED only through the
  taxonomy's typed relations, never a step below the wish); a training that closes a gap to a
  wanted occupation or upgrades a certificate held counts as PRACTISED. A list is ordered by tier,
  then full fits before near misses, then score; an UNRELATED item is never shown to a worker who
  wants or practises something (no filler: a short list says so instead);
- near misses (a wage a little under the floor, beyond the commute of a worker who would
  relocate, lodging needed but not offered, a required licence missing) are shown and labelled;
- a training that awards a level the worker already holds (or a certificate without levels they
  hold) is never offered; a 马兰花 course only to a would-be founder or one who asked for it;
- a job of a RELATED trade of the same family only when the worker holds a required skill (a
  typed relation, a neighbouring trade or next step, needs none; nor does a worker with no skills);
- diversity: beyond MAX_PER_EMPLOYER postings of one employer, the others go below every other
  posting of their tier; one entry per program (its best session; the others are listed with it).

Everything is vectorised over a block's (worker, candidate) pairs, like features.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalogue import Catalogue
from .features import GAP_CLOSING_CAP, IDX, PairDetails
from .types import (
    FIT_CONSIDER,
    FIT_GOOD,
    FIT_TRAIN_FIRST,
    NEAR_MISSES,
    PRACTISED,
    RELATED,
    TIERS,
    UNRELATED,
    WANTED,
)
from .workers import HELD_NO_LEVEL, MALANHUA, WorkerBlock

MAX_PER_EMPLOYER = 2
FAR_BAND_KM = 50.0  # beyond the commute, a job 60 km away comes before one 400 km away
MAX_PER_PROGRAM = 1
OTHER_SESSIONS = 3  # other dates listed with a program's best session
GAP_SKILLS = 2  # a course closes a gap when it teaches this many missing skills (or all of them)
WAGE_BELOW, BEYOND_COMMUTE, NO_LODGING, LICENCE_MISSING = (1 << i for i in range(len(NEAR_MISSES)))
_GROUP_SHIFT = np.int64(1) << np.int64(40)  # (worker, employer/program) keys: ids stay below 2^40


@dataclass
class PairRules:
    """Per pair: tier (TIERS index), near misses (bit mask), whether it may be shown."""

    tier: np.ndarray
    misses: np.ndarray
    allowed: np.ndarray
    far_band: np.ndarray  # beyond the commute: FAR_BAND_KM bands of distance (nearer first); else 0


def judge(
    block: WorkerBlock,
    cat: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    X: np.ndarray,
    details: PairDetails,
) -> PairRules:
    is_job = cat.kinds[items] == 0
    occ = cat.occupation[items]
    tier = np.where(is_job, block.intent[owners, occ], block.course_intent[owners, occ])
    closes_gap = ~is_job & (_teaches_the_gap(block, owners, X) | (X[:, IDX["certificate_upgrade"]] > 0))
    tier = np.where(closes_gap, np.minimum(tier, PRACTISED), tier).astype(np.int8)
    startup = cat.brand[items] == cat.brand_index.get(MALANHUA, -2)
    founder = block.business[owners]
    tier[founder & startup] = WANTED  # a founder's course
    allowed = ~((tier == UNRELATED) & block.has_intent[owners])
    allowed &= ~(startup & ~founder & (tier != WANTED))  # 马兰花 for founders, or by name
    # a job of the same family where a worker with skills holds none it requires is filler (打包员
    # for a 质检员); a neighbouring trade's (仓管员 for a 叉车司机) is a counsellor's suggestion, and
    # a worker who listed no skills is not judged by them
    untyped = ~block.typed_related[owners, occ]
    lacks_all = (X[:, IDX["skill_coverage"]] == 0) & block.has_skills[owners]
    allowed &= ~(is_job & (tier == RELATED) & lacks_all & untyped & block.has_intent[owners])
    allowed &= ~(~is_job & _level_held(block, cat, owners, items))
    misses = _near_misses(block, cat, owners, items, X, details, is_job)
    beyond = (misses & BEYOND_COMMUTE) > 0
    far_band = np.where(beyond, np.floor(np.nan_to_num(details.distance_km) / FAR_BAND_KM), 0).astype(
        np.int32
    )
    return PairRules(tier, misses, allowed, far_band)


def _teaches_the_gap(block: WorkerBlock, owners: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The course teaches GAP_SKILLS of the skills the worker's wanted jobs need and they lack
    (all of them when fewer are missing): one shared generic skill (厨房食品安全) does not make a
    pastry class close a bartender's gap."""
    taught = np.rint(X[:, IDX["gap_closing"]] * GAP_CLOSING_CAP)
    missing = block.gap.sum(axis=1)[owners]
    return (taught > 0) & (taught >= np.minimum(GAP_SKILLS, missing))


def _level_held(block: WorkerBlock, cat: Catalogue, owners: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The item's certificate is held at its level or above (levels: 5 entry ... 1 highest), or
    held at all when the certificate has no levels. A held certificate of unknown level is not
    judged: an upgrade may be what the worker needs."""
    cert = cat.certificate[items]
    has = cert >= 0
    held_level = np.where(has, block.cert_level[owners, np.maximum(cert, 0)], 0)
    held = has & (held_level > 0)
    no_levels = ~cat.cert_has_levels[np.maximum(cert, 0)]
    level = cat.cert_level[items]
    known = held_level != HELD_NO_LEVEL
    return held & (no_levels | (known & ((level == 0) | (level >= held_level))))


def _near_misses(
    block: WorkerBlock,
    cat: Catalogue,
    owners: np.ndarray,
    items: np.ndarray,
    X: np.ndarray,
    details: PairDetails,
    is_job: np.ndarray,
) -> np.ndarray:
    misses = np.zeros(len(items), dtype=np.int8)
    floor = block.floor[owners]
    wmax, wmin = cat.wage_max[items], cat.wage_min[items]
    offered_top = np.where(np.isnan(wmax), wmin, wmax)
    with np.errstate(invalid="ignore"):
        misses |= np.where(is_job & (offered_top < floor), WAGE_BELOW, 0).astype(np.int8)
        far = details.distance_km > block.limit_km[owners]  # NaN on either side: not far
    misses |= np.where(far, BEYOND_COMMUTE, 0).astype(np.int8)
    no_lodging = is_job & block.needs_lodging[owners] & ~cat.lodging[items]
    misses |= np.where(no_lodging, NO_LODGING, 0).astype(np.int8)
    licence = is_job & (X[:, IDX["certificate_fit"]] < 1)
    misses |= np.where(licence, LICENCE_MISSING, 0).astype(np.int8)
    return misses


def miss_names(mask: int) -> list[str]:
    return [name for i, name in enumerate(NEAR_MISSES) if mask & (1 << i)]


def fit_label(kind_is_job: bool, tier: int, misses: int, x: np.ndarray) -> str:
    """适合 / 可以考虑 / 需先培训: what staff see instead of a score."""
    if kind_is_job:
        lacks_all = x[IDX["skill_coverage"]] == 0
        if misses & LICENCE_MISSING or lacks_all:
            return FIT_TRAIN_FIRST
    if tier >= RELATED or misses:
        return FIT_CONSIDER
    return FIT_GOOD


def tier_name(tier: int) -> str:
    return TIERS[tier]


def select(
    owners: np.ndarray,
    items: np.ndarray,
    scores: np.ndarray,
    rules: PairRules,
    groups: np.ndarray,
    cap: int,
    k: int,
    n_workers: int,
    *,
    demote: bool = False,
) -> tuple[np.ndarray, list[int], dict[int, list[int]]]:
    """Each worker's k best allowed pairs in the rules' order (tier, full fits first then fewer
    near misses, nearer bands beyond the commute, score, item),
    at most `cap` per group (employer or program; a negative group is never capped): beyond the
    cap a pair is dropped, or with `demote` moved after every pair of its tier within it (a third
    posting of one employer still shows, after the others of its tier). Returns the pair
    indices, where each worker's part ends, and for a kept pair the pairs its group dropped
    (other sessions of a program)."""
    order = np.lexsort((items, -scores, rules.far_band, _popcount(rules.misses), rules.tier, owners))
    order = order[rules.allowed[order]]
    g = groups[items[order]]
    capped = g >= 0
    seen = _occurrence(owners[order].astype(np.int64) * _GROUP_SHIFT + np.where(capped, g, 0))
    within = ~capped | (seen < cap)
    # demote: nothing is dropped, those beyond the cap follow the worker's other pairs of their tier
    # (a third wanted posting of one employer still comes before another trade's)
    kept = (
        order[np.lexsort((np.arange(len(order)), ~within, rules.tier[order], owners[order]))]
        if demote
        else order[within]
    )
    top_rows = kept[_occurrence(owners[kept].astype(np.int64)) < k]
    ends = np.cumsum(np.bincount(owners[top_rows], minlength=n_workers)).tolist()
    if demote:
        return top_rows, ends, {}
    return top_rows, ends, _dropped_by_group(order, within, owners, g, top_rows, items, groups)


def _popcount(masks: np.ndarray) -> np.ndarray:
    """How many near misses each pair has: one shortfall ranks above two."""
    bits = np.zeros(len(masks), dtype=np.int8)
    for i in range(len(NEAR_MISSES)):
        bits += (masks >> i) & 1
    return bits


def _occurrence(keys: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same key (0 for the first)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    by_key = np.lexsort((np.arange(len(keys)), keys))
    sorted_keys = keys[by_key]
    starts = np.flatnonzero(np.diff(sorted_keys, prepend=sorted_keys[0] - 1) != 0)
    run = np.arange(len(keys)) - np.repeat(starts, np.diff(np.concatenate([starts, [len(keys)]])))
    out = np.empty(len(keys), dtype=np.int64)
    out[by_key] = run
    return out


def _dropped_by_group(
    order: np.ndarray,
    kept_mask: np.ndarray,
    owners: np.ndarray,
    g: np.ndarray,
    top_rows: np.ndarray,
    items: np.ndarray,
    groups: np.ndarray,
) -> dict[int, list[int]]:
    """Kept pair -> pairs of the same worker and group that the cap dropped, best first."""
    dropped = np.flatnonzero(~kept_mask)
    if not len(dropped):
        return {}
    head: dict[tuple[int, int], int] = {
        (int(owners[p]), int(groups[items[p]])): int(p) for p in top_rows.tolist() if groups[items[p]] >= 0
    }
    out: dict[int, list[int]] = {}
    for at in dropped.tolist():
        p = int(order[at])
        kept = head.get((int(owners[p]), int(g[at])))
        if kept is not None and len(out.setdefault(kept, [])) < OTHER_SESSIONS:
            out[kept].append(p)
    return out
