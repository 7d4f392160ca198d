"""Skill-gap pathways ("train for this job"): the open sessions that teach a job's missing required
skills or award its missing certificate/level, vectorised over sessions and over the jobs asked.

The gap of a job = required skills not held + the required certificate when it is not held at the
required level. coverage = (missing skills taught + 1 if it awards the certificate at the required
level or better) / size of the gap. Sessions must pass the worker's own constraints (commute
limit unless willing to relocate, and even then within COURSE_REACH_KM: a course is attended from
home; online always passes) and must not start before the worker is available. Ranked by coverage, then distance in 10 km bands, then start date in 7-day bands, then
cost (free, subsidised, paid; then the fee), then exact distance: the bands let an equally near,
equally soon free session beat a paid one a few kilometres closer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .candidates import entry_terms, nearest_chord2
from .catalogue import NO_DATE, Catalogue
from .geo import chord_to_km
from .sparse import gather_rows
from .types import Pathway, WorkerData
from .workers import COURSE_REACH_KM, HELD_NO_LEVEL, WorkerBlock, prepare

DISTANCE_BAND_KM = 10.0
START_BAND_DAYS = 7


def pathways_for(
    block: WorkerBlock, b: int, catalogue: Catalogue, job_indices: Sequence[int] | np.ndarray, *, k: int = 3
) -> list[list[Pathway]]:
    """Pathways for worker b of a block and each job row in job_indices ([] when nothing is missing)."""
    jobs = np.asarray(job_indices, dtype=np.int64)
    return pathways_block(block, np.full(len(jobs), b, dtype=np.int64), catalogue, jobs, k=k)


def pathways_block(
    block: WorkerBlock,
    owners: np.ndarray,
    catalogue: Catalogue,
    job_indices: Sequence[int] | np.ndarray,
    *,
    k: int = 3,
) -> list[list[Pathway]]:
    """Pathways for (worker owners[p] of the block, job row job_indices[p]) pairs, vectorised over
    every pair of the block at once ([] where nothing is missing). A pair's pathways depend only
    on its worker and job: the same as pathways_for(block, owners[p], ...) for that job."""
    cat = catalogue
    jobs = np.asarray(job_indices, dtype=np.int64)
    owners = np.asarray(owners, dtype=np.int64)
    out: list[list[Pathway]] = [[] for _ in range(len(jobs))]
    lo, hi = cat.kind_range("training")
    if hi == lo or len(jobs) == 0:
        return out
    gaps = _Gaps.of(block, owners, cat, jobs)
    if not gaps.size.any():
        return out
    pairs = _covering_pairs(cat, gaps, lo, hi)
    if pairs is None:
        return out
    ranked = _Ranked.of(block, owners, cat, gaps, pairs, lo, hi, len(jobs), k)
    if len(ranked.chosen) == 0:
        return out
    _assemble(cat, gaps, ranked, lo, out)
    return out


@dataclass
class _Gaps:
    """What each (worker, job) pair lacks: the required skills not held (as (pair, skill column)
    entries) and the certificate when not held at the required level."""

    miss_job: np.ndarray
    miss_col: np.ndarray
    cert: np.ndarray  # certificate column per pair's job, -1 none
    need: np.ndarray  # required level, 0 any
    cert_missing: np.ndarray
    size: np.ndarray  # missing skills + missing certificate

    @classmethod
    def of(cls, block: WorkerBlock, owners: np.ndarray, cat: Catalogue, jobs: np.ndarray) -> _Gaps:
        job_of, cols = gather_rows(cat.required.indptr, cat.required.indices, jobs)
        lacking = block.held[owners[job_of], cols] == 0
        miss_job, miss_col = job_of[lacking], cols[lacking]
        n_missing = np.bincount(miss_job, minlength=len(jobs))
        cert = cat.certificate[jobs]
        need = cat.cert_level[jobs].astype(np.int16)
        held_level = np.where(cert >= 0, block.cert_level[owners, np.maximum(cert, 0)], 0).astype(np.int16)
        level_ok = (held_level > 0) & ((need == 0) | ((held_level != HELD_NO_LEVEL) & (held_level <= need)))
        cert_missing = (cert >= 0) & ~level_ok
        return cls(miss_job, miss_col, cert, need, cert_missing, n_missing + cert_missing)


def _covering_pairs(
    cat: Catalogue, gaps: _Gaps, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(pair, session) that close part of the pair's gap, and by how much: the missing skills it
    teaches, + 1 where it awards the missing certificate. None when no session does."""
    n_sessions = hi - lo
    by_skill = cat.training_by_skill
    which, sessions = gather_rows(by_skill.indptr, by_skill.indices, gaps.miss_col)
    keys = [gaps.miss_job[which].astype(np.int64) * n_sessions + sessions]
    s_level = cat.cert_level[lo:hi]
    cert, need = gaps.cert, gaps.need
    for j in np.flatnonzero(gaps.cert_missing).tolist():
        awarding = cat.sessions_by_certificate.get(int(cert[j]))
        if awarding is None:
            continue
        if need[j] > 0:
            awarding = awarding[(s_level[awarding] > 0) & (s_level[awarding] <= need[j])]
        keys.append(j * n_sessions + awarding.astype(np.int64))
    pair_key, pair_count = np.unique(np.concatenate(keys), return_counts=True)
    if len(pair_key) == 0:
        return None
    return pair_key // n_sessions, pair_key % n_sessions, pair_count


@dataclass
class _Ranked:
    """The sessions each pair's worker can take, ranked; `chosen` indexes the top k per pair."""

    pair_job: np.ndarray
    pair_session: np.ndarray
    inverse: np.ndarray  # kept pair -> its (worker, session) row of km
    km: np.ndarray  # per distinct (worker, session), NaN online / unknown
    coverage: np.ndarray
    dist: np.ndarray
    good: np.ndarray  # free or subsidised
    chosen: np.ndarray

    @classmethod
    def of(
        cls,
        block: WorkerBlock,
        owners: np.ndarray,
        cat: Catalogue,
        gaps: _Gaps,
        pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
        lo: int,
        hi: int,
        n_jobs: int,
        k: int,
    ) -> _Ranked:
        n_sessions = hi - lo
        pair_job, pair_session, pair_count = pairs
        # which sessions each worker can take, and how far they are (only the (worker, session)
        # pairs that matter)
        seen, inverse = np.unique(owners[pair_job] * n_sessions + pair_session, return_inverse=True)
        inverse = inverse.ravel()
        s_owner = seen // n_sessions
        rows_ = seen % n_sessions + lo
        ok, _ = entry_terms(block, s_owner, rows_, cat, wages=False)
        available = block.available[s_owner].astype(np.int64)
        start = cat.start[rows_].astype(np.int64)
        ok &= (available == NO_DATE) | (start == NO_DATE) | (start >= available)
        best = nearest_chord2(cat.unit[rows_], block.places[s_owner])
        km = np.where(np.isinf(best) | cat.online[rows_], np.nan, chord_to_km(np.sqrt(best)))
        # A course is attended from home: a worker who would move for the job still takes it
        # within COURSE_REACH_KM (or their own limit, if larger).
        course_limit = np.maximum(COURSE_REACH_KM, np.nan_to_num(block.limit_km[s_owner]))
        with np.errstate(invalid="ignore"):
            ok &= ~(km > course_limit)  # NaN (online, unknown place) passes
        keep = ok[inverse]
        pair_job, pair_session, inverse = pair_job[keep], pair_session[keep], inverse[keep]
        coverage = pair_count[keep] / gaps.size[pair_job]
        dist = np.nan_to_num(km, nan=0.0)[inverse]  # online: nothing to travel
        free, subsidised = cat.free[rows_][inverse], cat.subsidised[rows_][inverse]
        cost_rank = np.where(free, 0, np.where(subsidised, 1, 2))
        start_band = np.where(start == NO_DATE, np.iinfo(np.int64).max // 2, start // START_BAND_DAYS)[
            inverse
        ]
        order = np.lexsort(
            (
                pair_session,
                dist,
                cat.fee[rows_][inverse],
                cost_rank,
                start_band,
                np.floor(dist / DISTANCE_BAND_KM),
                -coverage,
                pair_job,
            )
        )
        first = np.searchsorted(pair_job[order], np.arange(n_jobs))
        rank = np.arange(len(order)) - first[pair_job[order]]
        chosen = order[rank < k]
        return cls(pair_job, pair_session, inverse, km, coverage, dist, free | subsidised, chosen)


def _assemble(cat: Catalogue, gaps: _Gaps, ranked: _Ranked, lo: int, out: list[list[Pathway]]) -> None:
    """Append each chosen session, best first, to its pair's list as a Pathway."""
    names = cat.skill_names
    missing_of: dict[int, set[int]] = {}
    for j, c in zip(gaps.miss_job.tolist(), gaps.miss_col.tolist(), strict=True):
        missing_of.setdefault(j, set()).add(c)
    chosen = ranked.chosen
    c_rows = ranked.pair_session[chosen] + lo
    taught_of, taught_cols = gather_rows(cat.required.indptr, cat.required.indices, c_rows)
    taught_at = np.searchsorted(taught_of, np.arange(len(c_rows) + 1)).tolist()
    taught_all = taught_cols.tolist()
    columns = zip(
        ranked.pair_job[chosen].tolist(),
        ranked.km[ranked.inverse[chosen]].tolist(),
        ranked.good[chosen].tolist(),
        ranked.coverage[chosen].tolist(),
        ranked.dist[chosen].tolist(),
        cat.certificate[c_rows].tolist(),
        cat.start[c_rows].tolist(),
        cat.ids[c_rows].tolist(),
        cat.program_ids[c_rows].tolist(),
        cat.online[c_rows].tolist(),
        cat.titles[c_rows].tolist(),
        strict=True,
    )
    certificate_name = cat.taxonomy.certificate_name
    for i, (
        j,
        distance,
        good,
        cov,
        travel,
        cert_col,
        day,
        session_id,
        program_id,
        is_online,
        title,
    ) in enumerate(columns):
        gap_cols = missing_of.get(j, set())
        taught = taught_all[taught_at[i] : taught_at[i + 1]]
        out[j].append(
            Pathway(
                session_id=session_id,
                program_id=None if program_id < 0 else program_id,
                title=str(title),
                covers_skills=[names[c] for c in taught if c in gap_cols],
                awards_certificate=None
                if cert_col < 0
                else certificate_name(int(cat.certificate_ids[cert_col])),
                coverage=round(cov, 4),
                distance_km=None if math.isnan(distance) else round(distance, 1),
                start_date=None if day == NO_DATE else dt.date.fromordinal(day),
                free_or_subsidised=good,
                score=round(cov / (1.0 + travel / 100.0) * (1.0 if good else 0.8), 4),
                online=is_online,
            )
        )


def pathways(worker: WorkerData, catalogue: Catalogue, job_index: int, *, k: int = 3) -> list[Pathway]:
    """Open sessions that close job row `job_index`'s gap for this worker, best first."""
    block = prepare([worker], catalogue, kind="job")
    return pathways_for(block, 0, catalogue, [job_index], k=k)[0]
