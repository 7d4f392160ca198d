"""Workers as arrays: a block of B workers prepared once against a catalogue (their rows in the
sparse space, dense B × skills / occupations / certificates tables, places as unit vectors, their
wishes as vectors), so candidate generation, features and pathways run vectorised over the block.
One worker is a block of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .catalogue import CERT_COLUMNS, GAP_SKILL_WEIGHT, NO_DATE, Catalogue
from .geo import EARTH_RADIUS_KM, chord2, km_to_chord, unit_vectors
from .types import PRACTISED, RELATED, UNRELATED, WANTED, Kind, Place, WorkerData

PROXIMITY_KM = 25.0  # proximity = 1 / (1 + km / PROXIMITY_KM): 1 at 0 km, 0.5 at 25 km, 0.1 at 225 km
NEUTRAL_PROXIMITY = 0.5  # an item or a worker without coordinates: neither near nor far
CELL_OUT, CELL_IN, CELL_BORDER = 0, 1, 2
BORDER_OFFSET = np.float32(4.0)  # cell_table value of a border cell: BORDER_OFFSET + proximity
FAR_FROM_VENUE_KM = 50.0  # without a commute limit: no offline venue this close means "far"
# 不愿去外地 without a km limit: the worker's own county and its neighbours, taken as this radius
# around where they live and the places they chose (neighbouring county seats in 粤北 lie 40-60 km
# apart).
LOCAL_REACH_KM = 60.0
# A course is attended from where one lives: even a worker who would move for a job is offered
# offline courses only this far (or their own limit, if larger).
COURSE_REACH_KM = 100.0
# Families whose occupations a worker who wants to start a business wants (马兰花 courses, 创业者).
STARTUP_FAMILIES = frozenset({"创业", "创业培训"})
HELD_NO_LEVEL = 9  # cert_level table: held, level not stated (or the certificate has no levels)
YEARS_CAP = 10
MALANHUA = "malanhua"


def skill_weight(years: int, level: int | None) -> float:
    """A held skill's weight in the worker vector: 1, +0.5 for 10+ years, +0.5 at 一级."""
    w = 1.0 + 0.5 * min(max(years, 0), YEARS_CAP) / YEARS_CAP
    if level in (1, 2, 3, 4, 5):
        w += 0.5 * (5 - level) / 4
    return w


@dataclass
class WorkerBlock:
    workers: Sequence[WorkerData]
    vectors: sp.csr_matrix  # B × n_features
    held: np.ndarray  # B × S float32, 1 where held
    years: np.ndarray  # B × S float32
    gap: np.ndarray  # B × S float32, 1 for skills of desired occupations not held
    desired: np.ndarray  # B × O bool
    cert_level: np.ndarray  # B × C int8: 0 not held, 1..5 level, HELD_NO_LEVEL
    places: np.ndarray  # B × P × 3: current and preferred places (NaN padded)
    place_names: list[list[tuple[str, bool]]]  # per worker, per places column: (name, chosen)
    intent: np.ndarray  # B × O int8: WANTED / PRACTISED / RELATED / UNRELATED per occupation
    course_intent: np.ndarray  # the same for trainings: RELATED only through occ_close
    typed_related: np.ndarray  # B × O bool: related to what they want or practise by a typed relation
    has_skills: np.ndarray  # B bool: lists at least one skill the catalogue knows
    has_intent: np.ndarray  # B bool: wants or practises some occupation
    reach: np.ndarray  # B × Q × 3: places + hukou for a worker who wants to work near home
    home: np.ndarray  # B × 3: hukou when wants_work_near_home, else NaN
    max_chord2: np.ndarray  # B: squared chord of the commute limit; inf when relocating
    limit_km: np.ndarray  # B: the km limit the worker stated (NaN: none), for near misses
    floor: np.ndarray  # B float32, NaN when none
    needs_lodging: np.ndarray
    needs_meals: np.ndarray
    needs_couple: np.ndarray
    available: np.ndarray  # B int32 ordinal, NO_DATE when none
    business: np.ndarray
    far: np.ndarray  # far from any offline training venue
    cell_state: np.ndarray  # B × cells int8: CELL_IN / CELL_OUT / CELL_BORDER of the commute limit
    cell_prox: np.ndarray  # B × cells float32: proximity of the cell centre to the nearest reach place
    cell_table: np.ndarray  # both in one float32 look-up: prox inside, -1 outside, BORDER_OFFSET + prox

    @property
    def size(self) -> int:
        return len(self.workers)


def _units(places: Sequence[Sequence[Place | None]], width: int) -> np.ndarray:
    lat = np.full((len(places), width), np.nan)
    lng = np.full((len(places), width), np.nan)
    for b, row in enumerate(places):
        for j, p in enumerate(q for q in row if q is not None):
            lat[b, j], lng[b, j] = p.lat, p.lng
    return unit_vectors(lat, lng)


def prepare(workers: Sequence[WorkerData], catalogue: Catalogue, *, kind: Kind | None = None) -> WorkerBlock:
    """`kind="job"` skips the "far from any venue" check (it only concerns trainings)."""
    cat = catalogue
    held, years, gap, desired, cert_level = _profile_tables(workers, cat)
    place_units, reach_units, home, limits = _place_arrays(workers, kind)
    intent, course_intent, typed_related, has_intent = _intent_table(workers, cat, held, desired)
    max_chord2 = np.where(
        np.isinf(limits), np.inf, km_to_chord(np.where(np.isinf(limits), 0, limits)) ** 2
    ).astype(np.float32)
    floor = np.array([np.nan if w.wage_floor is None else w.wage_floor for w in workers], dtype=np.float32)
    available = np.array(
        [NO_DATE if w.available_from is None else w.available_from.toordinal() for w in workers],
        dtype=np.int32,
    )
    far = _far_from_venues(workers, cat, reach_units, kind)
    cell_state, cell_prox = _cell_tables(cat, reach_units, limits)
    return WorkerBlock(
        workers=workers,
        vectors=_vectors(workers, cat, gap, desired, cert_level, far),
        held=held,
        years=years,
        gap=gap,
        desired=desired,
        cert_level=cert_level,
        places=place_units,
        place_names=[
            [(p.name, j > 0) for j, p in enumerate([w.current, *w.preferred]) if p is not None]
            for w in workers
        ],
        intent=intent,
        course_intent=course_intent,
        typed_related=typed_related,
        has_skills=np.asarray(held.any(axis=1), dtype=bool),
        has_intent=has_intent,
        reach=reach_units,
        home=home,
        max_chord2=max_chord2,
        limit_km=np.array([np.nan if w.max_commute_km is None else w.max_commute_km for w in workers]),
        floor=floor,
        needs_lodging=np.array([w.needs_lodging for w in workers], bool),
        needs_meals=np.array([w.needs_meals for w in workers], bool),
        needs_couple=np.array([w.needs_couple_room for w in workers], bool),
        available=available,
        business=np.array([w.wants_to_start_business for w in workers], bool),
        far=far,
        cell_state=cell_state,
        cell_prox=cell_prox,
        cell_table=np.where(
            cell_state == CELL_IN,
            cell_prox,
            np.where(cell_state == CELL_OUT, -1.0, BORDER_OFFSET + cell_prox),
        ).astype(np.float32),
    )


def _profile_tables(
    workers: Sequence[WorkerData], cat: Catalogue
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The dense B × skills (held, years, gap), B × occupations (desired) and B × certificates
    (level) tables."""
    n = len(workers)
    n_skills, n_occ, n_cert = len(cat.skill_ids), len(cat.occupation_ids), len(cat.certificate_ids)
    held = np.zeros((n, n_skills), np.float32)
    years = np.zeros((n, n_skills), np.float32)
    gap = np.zeros((n, n_skills), np.float32)
    desired = np.zeros((n, n_occ), bool)
    cert_level = np.zeros((n, n_cert), np.int8)
    si, oi, ci = cat.skill_index, cat.occupation_index, cat.certificate_index
    for b, w in enumerate(workers):
        for s, h in w.skills.items():
            col = si.get(s)
            if col is not None:
                held[b, col] = 1.0
                years[b, col] = min(max(h.years or 0, 0), 60)
        for o in w.desired_occupations:
            col = oi.get(o)
            if col is not None:
                desired[b, col] = True
        for c, level in w.certificates.items():
            col = ci.get(c)
            if col is not None:
                cert_level[b, col] = (
                    level if level in (1, 2, 3, 4, 5) and cat.cert_has_levels[col] else HELD_NO_LEVEL
                )
    if desired.any():
        wanted = sp.csr_matrix(desired.astype(np.float32)) @ cat.occ_skills
        gap = (np.asarray(wanted.todense()) > 0).astype(np.float32) * (1.0 - held)
    return held, years, gap, desired, cert_level


def _place_arrays(
    workers: Sequence[WorkerData], kind: Kind | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors of the places (current, preferred), the reach (places + hukou for a worker who
    wants work near home) and home; the commute limit in km (inf: none or relocating)."""
    places = [[w.current, *w.preferred] for w in workers]
    reach = [
        [*row, w.hukou if w.wants_work_near_home else None] for row, w in zip(places, workers, strict=True)
    ]
    width = max([1, *(sum(p is not None for p in row) for row in reach)])
    place_units = _units(places, width)
    reach_units = _units(reach, width)
    home = _units([[w.hukou if w.wants_work_near_home else None] for w in workers], 1)[:, 0, :]
    limits = np.array([_limit_km(w, kind) for w in workers], dtype=np.float64)
    return place_units, reach_units, home, limits


def _limit_km(w: WorkerData, kind: Kind | None = None) -> float:
    """How far from their places the worker's items may lie: anywhere for a worker who would
    relocate (courses: COURSE_REACH_KM or their limit), their own limit, or LOCAL_REACH_KM for
    不愿去外地 without a limit."""
    if w.willing_to_relocate:
        if kind == "training":
            return max(COURSE_REACH_KM, float(w.max_commute_km or 0))
        return np.inf
    return LOCAL_REACH_KM if w.max_commute_km is None else float(w.max_commute_km)


def _intent_table(
    workers: Sequence[WorkerData], cat: Catalogue, held: np.ndarray, desired: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per worker and occupation, how it stands to what they want: WANTED (a desired occupation,
    or a startup one for a would-be founder), PRACTISED (they hold two of its skills, or all their
    skills belong to it), RELATED (cat.occ_related to either; for courses cat.occ_close) or
    UNRELATED. A worker who wants and practises nothing gets RELATED everywhere: nothing to be
    faithful to. For courses, a step below a wanted occupation (cat.occ_below) is UNRELATED.
    Returns the jobs' table, the courses' table, where a job's RELATED comes from a typed relation
    (either way), and who has an intent."""
    wanted = desired.copy()
    startup = np.array(
        [cat.taxonomy.families.get(int(o), "") in STARTUP_FAMILIES for o in cat.occupation_ids]
    )
    founders = np.array([w.wants_to_start_business for w in workers], dtype=bool)
    if startup.any():
        wanted[np.ix_(founders, startup)] = True
    counts = np.asarray((sp.csr_matrix(held) @ cat.occ_skills.T).todense())
    total = held.sum(axis=1, keepdims=True)
    practised = ~wanted & ((counts >= 2) | ((counts >= 1) & (counts >= total)))
    own = (wanted | practised).astype(np.float32)
    has_intent = own.any(axis=1)

    def table(relation: np.ndarray) -> np.ndarray:
        related = ~(wanted | practised) & ((own @ relation.astype(np.float32)) > 0)
        intent = np.full(desired.shape, UNRELATED, dtype=np.int8)
        intent[related] = RELATED
        intent[practised] = PRACTISED
        intent[wanted] = WANTED
        intent[~has_intent] = RELATED
        return intent

    courses = table(cat.occ_close)
    # a step below a wish (厨房帮工 for a would-be 厨师, GYB for an IYB owner) is no course to offer
    below = ~wanted & ((desired.astype(np.float32) @ cat.occ_below.T.astype(np.float32)) > 0)
    courses[below] = UNRELATED
    typed = (own @ (cat.occ_close | cat.occ_close.T).astype(np.float32)) > 0
    return table(cat.occ_related), courses, typed, has_intent


def _far_from_venues(
    workers: Sequence[WorkerData], cat: Catalogue, reach_units: np.ndarray, kind: Kind | None
) -> np.ndarray:
    """No offline training venue within the commute limit (or FAR_FROM_VENUE_KM) of any reach place."""
    far = np.array([w.far_from_venues for w in workers], dtype=bool)
    if kind != "job" and len(workers):
        has_place = ~np.isnan(reach_units[:, :, 0])
        radius = np.array(
            [FAR_FROM_VENUE_KM if w.max_commute_km is None else float(w.max_commute_km) for w in workers]
        )
        if len(cat.venue_units):
            d2 = chord2(reach_units[:, :, None, :], cat.venue_units[None, None, :, :])  # B × Q × V
            nearest = np.nanmin(np.where(has_place[:, :, None], d2, np.inf), axis=(1, 2))
            far |= has_place.any(axis=1) & (nearest > km_to_chord(radius) ** 2)
        else:
            far |= has_place.any(axis=1)
    return far


def _vectors(
    workers: Sequence[WorkerData],
    cat: Catalogue,
    gap: np.ndarray,
    desired: np.ndarray,
    cert_level: np.ndarray,
    far: np.ndarray,
) -> sp.csr_matrix:
    """The workers' rows in the catalogue's sparse space (B × n_features)."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    gap_rows, gap_cols = np.nonzero(gap)
    gap_by_worker: dict[int, list[int]] = {}
    for b, col in zip(gap_rows.tolist(), gap_cols.tolist(), strict=True):
        gap_by_worker.setdefault(b, []).append(col)
    at = _Offsets.of(cat)
    for b, w in enumerate(workers):
        entry = _entry(w, cat, at, gap_by_worker.get(b, ()), desired[b], cert_level[b], bool(far[b]))
        rows.extend([b] * len(entry))
        cols.extend(entry.keys())
        vals.extend(entry.values())
    vectors = sp.csr_matrix(
        (np.asarray(vals, np.float32), (np.asarray(rows, np.int64), np.asarray(cols, np.int64))),
        shape=(len(workers), cat.n_features),
        dtype=np.float32,
    )
    vectors.sort_indices()
    return vectors


@dataclass(frozen=True)
class _Offsets:
    """Where each block of the sparse space starts (and the Malanhua brand column, if any)."""

    skill: int
    taught: int
    occupation: int
    certificate: int
    brand: tuple[int, int]
    delivery: int
    text: int
    malanhua: int | None

    @classmethod
    def of(cls, cat: Catalogue) -> _Offsets:
        o = cat.offsets
        return cls(
            skill=o["skill"][0],
            taught=o["taught"][0],
            occupation=o["occupation"][0],
            certificate=o["certificate"][0],
            brand=o["brand"],
            delivery=o["delivery"][0],
            text=o["text"][0],
            malanhua=cat.brand_index.get(MALANHUA),
        )


def _entry(
    w: WorkerData,
    cat: Catalogue,
    at: _Offsets,
    gap_cols: Sequence[int],
    desired: np.ndarray,
    cert_level: np.ndarray,
    far: bool,
) -> dict[int, float]:
    """One worker's row: column -> weight (held skills, gap skills, desired occupations,
    certificates at their level and above, Malanhua for a would-be founder, far, text)."""
    entry: dict[int, float] = {}
    si = cat.skill_index
    for s, h in w.skills.items():
        col = si.get(s)
        if col is not None:
            entry[at.skill + col] = skill_weight(h.years or 0, h.level)
    for col in gap_cols:
        entry[at.taught + col] = GAP_SKILL_WEIGHT
    for col in np.flatnonzero(desired).tolist():
        entry[at.occupation + col] = 1.0
    for col in np.flatnonzero(cert_level).tolist():
        base = at.certificate + col * CERT_COLUMNS
        entry[base] = 1.0
        level = int(cert_level[col])
        if level != HELD_NO_LEVEL:
            for at_least in range(level, 6):
                entry[base + at_least] = 1.0
    b0, b1 = at.brand
    if w.wants_to_start_business and at.malanhua is not None and b0 + at.malanhua < b1:
        entry[b0 + at.malanhua] = 1.0
    if far:
        entry[at.delivery] = 1.0
    for col, value in cat.text_weights(w.text).items() if w.text else ():
        entry[at.text + col] = value
    return entry


def _cell_tables(cat: Catalogue, reach: np.ndarray, limits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per worker and grid cell: inside/outside/border of the commute limit around any reach place
    (by the cell centre's distance ± the cell's half diagonal, so "inside" and "outside" are
    certain), and the centre's proximity. The last two cells are UNKNOWN (no coordinates: inside,
    neutral) and ONLINE (inside, proximity 1)."""
    n, g = reach.shape[0], cat.n_grid
    state = np.full((n, g + 2), CELL_IN, dtype=np.int8)
    prox = np.full((n, g + 2), NEUTRAL_PROXIMITY, dtype=np.float32)
    prox[:, g + 1] = 1.0
    has_place = ~np.isnan(reach[:, :, 0])
    located = np.flatnonzero(has_place.any(axis=1))
    if g == 0 or len(located) == 0:
        return state, prox
    best = np.full((len(located), g), np.inf, dtype=np.float32)
    for q in range(reach.shape[1]):
        d2 = chord2(reach[located, q, None, :], cat.cell_units[None, :, :])
        np.fmin(best, d2, out=best)
    km = (2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(best) / 2, 1.0))).astype(np.float32)
    prox[located, :g] = 1.0 / (1.0 + km / PROXIMITY_KM)
    limited = np.isfinite(limits[located])
    if limited.any():
        rows = located[limited]
        limit = limits[rows].astype(np.float32)[:, None]
        half = cat.cell_half_diag_km[None, :]
        d = km[limited]
        state[rows, :g] = np.where(
            d + half <= limit, CELL_IN, np.where(d - half > limit, CELL_OUT, CELL_BORDER)
        )
    return state, prox
