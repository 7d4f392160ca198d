"""Explanations as data: what matched, what is missing, distance, wage, lodging, the features that
counted most, and one plain-Chinese sentence a worker can read on a phone.

`explain` explains one row; `explain_rows` explains many (a batch's top rows) with the numeric
part vectorised — which features may be named, the top three, the per-item facts — and only
the assembly of strings and dataclasses per row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np

from backend.common.geo import haversine_km

from .catalogue import NO_DATE, Catalogue
from .features import FEATURE_NAMES, IDX, LABELS
from .sparse import gather_rows
from .types import (
    LEVEL_LABELS,
    CertificateFit,
    Explanation,
    FeatureContribution,
    LodgingFit,
    Place,
    TaxonomyData,
    WageFit,
    WorkerData,
)
from .workers import PROXIMITY_KM

TOP_FEATURES = 3
JOB_ONLY = frozenset(
    {
        "skill_coverage",
        "preferred_coverage",
        "qualified",
        "experience",
        "certificate_fit",
        "wage_fit",
        "wage_level",
    }
    | {"lodging_fit", "meals_fit", "couple_room_fit"}
)
TRAINING_ONLY = frozenset(
    {"certificate_new", "certificate_upgrade", "new_skills", "gap_closing", "free_or_subsidised", "online"}
)
NEVER_A_REASON = frozenset({"is_training"})
# Features that may be named as a reason, by kind (row 0: training, row 1: job).
_KIND_MASK = np.array(
    [
        [n not in JOB_ONLY | NEVER_A_REASON for n in FEATURE_NAMES],
        [n not in TRAINING_ONLY | NEVER_A_REASON for n in FEATURE_NAMES],
    ]
)
# Features that are neutral constants unless the worker has the wish (lodging_fit is 1 for a
# worker who needs no lodging: not a reason to name).
_FEATURE = list(FEATURE_NAMES)
_LABEL = [LABELS[name] for name in FEATURE_NAMES]
_WISHES = ("lodging_fit", "meals_fit", "couple_room_fit", "wage_fit", "home_proximity", "start_fit")


def _wish_mask(workers: Sequence[WorkerData]) -> np.ndarray:
    """(len(workers), F): False where a feature stands for a wish the worker does not have."""
    mask = np.ones((len(workers), len(FEATURE_NAMES)), dtype=bool)
    for name, wish in zip(
        _WISHES,
        (
            [w.needs_lodging for w in workers],
            [w.needs_meals for w in workers],
            [w.needs_couple_room for w in workers],
            [w.wage_floor is not None for w in workers],
            [w.wants_work_near_home and w.hukou is not None for w in workers],
            [w.available_from is not None for w in workers],
        ),
        strict=True,
    ):
        mask[:, IDX[name]] = wish
    return mask


NEAR_KM = 30.0  # "离您近" is named only this close


def _fact_mask(cat: Catalogue, rows: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(len(rows), F): False where a feature's label would state something untrue of the item:
    "您持有所需证书" for a job that requires none, "您具备加分技能" with no preferred skill held,
    "离您近" for an online course or one 30 km away, "免费或有补贴" for a paid course, ..."""
    mask = np.ones((len(rows), len(FEATURE_NAMES)), dtype=bool)
    mask[:, IDX["certificate_fit"]] = (cat.certificate[rows] >= 0) & (X[:, IDX["certificate_fit"]] >= 1)
    mask[:, IDX["skill_coverage"]] = (cat.n_required[rows] > 0) & (X[:, IDX["skill_coverage"]] > 0)
    mask[:, IDX["preferred_coverage"]] = (cat.n_preferred[rows] > 0) & (X[:, IDX["preferred_coverage"]] > 0)
    mask[:, IDX["qualified"]] = X[:, IDX["qualified"]] > 0
    near = 1.0 / (1.0 + NEAR_KM / PROXIMITY_KM)
    mask[:, IDX["proximity"]] = ~cat.online[rows] & cat.has_place[rows] & (X[:, IDX["proximity"]] >= near)
    mask[:, IDX["home_proximity"]] = X[:, IDX["home_proximity"]] >= near
    mask[:, IDX["wage_fit"]] = X[:, IDX["wage_fit"]] >= 0.5  # offered at least the floor
    mask[:, IDX["free_or_subsidised"]] = cat.free[rows] | cat.subsidised[rows]
    mask[:, IDX["occupation_match"]] = X[:, IDX["occupation_match"]] > 0
    return mask


def top_features(
    contributions: np.ndarray, is_job: np.ndarray, has_start: np.ndarray, wish_mask: np.ndarray
) -> list[list[FeatureContribution]]:
    """The TOP_FEATURES largest positive contributions of each row among the features that may be
    named for it (its kind's, the worker's wishes', start_fit only when the item has a date)."""
    values = np.asarray(contributions, dtype=np.float64)
    allowed = _KIND_MASK[is_job.astype(int)] & wish_mask
    allowed[:, IDX["start_fit"]] &= has_start
    masked = np.where(allowed & (values > 1e-9), values, -np.inf)
    best = np.argsort(-masked, axis=1, kind="stable")[:, :TOP_FEATURES]
    best_values = np.round(np.take_along_axis(masked, best, axis=1), 4)
    # The named features of a row are a prefix of its best (-inf sorts last): build all rows'
    # contributions in one pass, then cut them per row.
    named = best_values != -np.inf
    ends = np.cumsum(named.sum(axis=1)).tolist()
    flat = [
        FeatureContribution(_FEATURE[i], _LABEL[i], v)
        for i, v in zip(best[named].tolist(), best_values[named].tolist(), strict=True)
    ]
    return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def _nearest(places: Sequence[Place | None], lat: float, lng: float) -> tuple[float, tuple[str, bool]] | None:
    """(km, (name, chosen)) of the nearest known place: the first is where the worker lives, the
    others places they chose."""
    known = [(p, j > 0) for j, p in enumerate(places) if p is not None]
    if not known or math.isnan(lat):
        return None
    km, place, chosen = min(
        ((haversine_km(p.lat, p.lng, lat, lng), p, c) for p, c in known), key=lambda t: t[0]
    )
    return float(km), (place.name, chosen)


def _km_text(km: float, place: tuple[str, bool] | None) -> str:
    """ "离英德市3公里", "离您选的连州市1公里": a distance always says from where."""
    if place is None or not place[0]:
        return "就在附近" if km < 1 else f"距离约{round(km)}公里"
    name, chosen = place
    where = f"您选的{name}" if chosen else name
    return f"就在{where}" if km < 1 else f"离{where}{round(km)}公里"


def explain_rows(
    workers: Sequence[WorkerData],
    catalogue: Catalogue,
    rows: np.ndarray,
    X: np.ndarray,
    contributions: np.ndarray,
    taxonomy: TaxonomyData,
    *,
    reasons: Sequence[str] | None = None,
    distance_km: Sequence[float | None] | None = None,
    home_km: Sequence[float | None] | None = None,
    places: Sequence[tuple[str, bool] | None] | None = None,
) -> list[Explanation]:
    """Explanations of catalogue rows `rows[i]` for `workers[i]` (X, contributions: their rows).
    Distances (km, None when unknown) and the place each is measured from ((name, chosen by the
    worker)) are computed here unless given.

    Everything per item or per (worker, skill) is gathered vectorised first (skill names and
    "held" flags of every required/preferred entry, the item facts as Python lists); the loop then
    only assembles each row's strings and dataclasses (`_explain_one`)."""
    cat = catalogue
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if n == 0:
        return []
    is_job = cat.kinds[rows] == 0
    has_start = cat.start[rows] != NO_DATE
    uniq: dict[int, int] = {}
    owner = np.array([uniq.setdefault(id(w), len(uniq)) for w in workers])
    distinct = list({id(w): w for w in workers}.values())
    tops = top_features(
        contributions, is_job, has_start, _wish_mask(distinct)[owner] & _fact_mask(cat, rows, X)
    )

    online = cat.online[rows].tolist()
    if distance_km is None or home_km is None or places is None:
        distance_km, home_km, places = _distances(workers, cat, rows, online)
    skills = _RowSkills.gather(cat, taxonomy, rows, distinct, owner)
    names = _Names(taxonomy, cat.certificate_ids.tolist(), cat.occupation_ids.tolist())
    facts = zip(
        workers,
        is_job.tolist(),
        online,
        cat.certificate[rows].tolist(),
        cat.cert_level[rows].tolist(),
        cat.wage_min[rows].tolist(),
        cat.wage_max[rows].tolist(),
        cat.lodging[rows].tolist(),
        cat.start[rows].tolist(),
        cat.free[rows].tolist(),
        cat.subsidised[rows].tolist(),
        cat.occupation[rows].tolist(),
        X[:, IDX["occupation_match"]].tolist(),
        distance_km,
        home_km,
        places,
        tops,
        reasons if reasons is not None else [""] * n,
        strict=True,
    )
    return [_explain_one(fact, *skills.of(i), names) for i, fact in enumerate(facts)]


def _distances(
    workers: Sequence[WorkerData], cat: Catalogue, rows: np.ndarray, online: list[bool]
) -> tuple[list[float | None], list[float | None], list[tuple[str, bool] | None]]:
    """Km to the nearest of the worker's places and which place it is, and km to their home when
    they want work near it."""
    lat, lng = cat.lat[rows].tolist(), cat.lng[rows].tolist()
    nearest = [
        None if on else _nearest([w.current, *w.preferred], la, ln)
        for w, on, la, ln in zip(workers, online, lat, lng, strict=True)
    ]
    home = [
        _nearest([w.hukou], la, ln) if w.wants_work_near_home and not on else None
        for w, on, la, ln in zip(workers, online, lat, lng, strict=True)
    ]
    return (
        [None if n is None else n[0] for n in nearest],
        [None if h is None else h[0] for h in home],
        [None if n is None else n[1] for n in nearest],
    )


@dataclass(frozen=True)
class _Names:
    taxonomy: TaxonomyData
    certificate_ids: list[int]  # certificate column -> id
    occupation_ids: list[int]  # occupation column -> id

    def occupation(self, column: int) -> str:
        return self.taxonomy.occupation_name(self.occupation_ids[column])


@dataclass
class _RowSkills:
    """Required / preferred skills of every row at once: names, and whether the row's worker holds
    them (from a distinct-workers × skills table), as plain lists sliced per row."""

    req_names: list[str]
    req_held: list[bool]
    req_lacking: list[bool]
    req_at: list[int]
    pref_names: list[str]
    pref_held: list[bool]
    pref_at: list[int]

    @classmethod
    def gather(
        cls,
        cat: Catalogue,
        taxonomy: TaxonomyData,
        rows: np.ndarray,
        distinct: Sequence[WorkerData],
        owner: np.ndarray,
    ) -> _RowSkills:
        if taxonomy is cat.taxonomy:
            names = cat.skill_names
        else:
            names = [taxonomy.skill_name(s) for s in cat.skill_ids.tolist()]
        held_table = np.zeros((len(distinct), len(cat.skill_ids)), dtype=bool)
        skill_index = cat.skill_index
        for d, w in enumerate(distinct):
            cols = [c for c in map(skill_index.get, w.skills) if c is not None]
            held_table[d, cols] = True
        req_of, req_cols = gather_rows(cat.required.indptr, cat.required.indices, rows)
        pref_of, pref_cols = gather_rows(cat.preferred.indptr, cat.preferred.indices, rows)
        req_held = held_table[owner[req_of], req_cols]
        span = np.arange(len(rows) + 1)
        return cls(
            req_names=[names[c] for c in req_cols.tolist()],
            req_held=req_held.tolist(),
            req_lacking=(~req_held).tolist(),
            req_at=np.searchsorted(req_of, span).tolist(),
            pref_names=[names[c] for c in pref_cols.tolist()],
            pref_held=held_table[owner[pref_of], pref_cols].tolist(),
            pref_at=np.searchsorted(pref_of, span).tolist(),
        )

    def of(self, i: int) -> tuple[list[str], list[str], list[str]]:
        """Row i's required skills, the skills it matched (required, then preferred) and the
        required ones the worker lacks."""
        a, b = self.req_at[i], self.req_at[i + 1]
        required = self.req_names[a:b]
        matched = list(compress(required, self.req_held[a:b]))
        not_held = list(compress(required, self.req_lacking[a:b])) if len(matched) < b - a else []
        a, b = self.pref_at[i], self.pref_at[i + 1]
        if a < b:
            matched.extend(compress(self.pref_names[a:b], self.pref_held[a:b]))
        return required, matched, not_held


def _explain_one(
    fact: tuple[Any, ...], required: list[str], matched: list[str], not_held: list[str], names: _Names
) -> Explanation:
    (worker, job, on, cert_col, need, wmin, wmax, lodging, start, free, subsidised, occ, wanted, km, home, place,
     top, reason) = fact  # fmt: skip
    wage_min = None if wmin != wmin else int(wmin)  # NaN check without numpy
    wage_max = None if wmax != wmax else int(wmax)
    need = need or None
    cert = _certificate_fit(worker, cert_col, need, names)
    floor = worker.wage_floor if job else None
    offered_top = wage_max if wage_max is not None else wage_min
    meets = None if floor is None or offered_top is None else offered_top >= floor
    if job:
        missing, new = not_held, []
        parts = _job_parts(
            worker, required, missing, wanted > 0, names.occupation, occ, cert, need, km, place, home,
            _wage_text(floor, wage_min, wage_max, offered_top), lodging,
        )  # fmt: skip
    else:
        missing, new = [], not_held
        parts = _training_parts(
            reason, new, cert, need, free, subsidised, on, km, place, start, names.occupation, occ
        )
    if not parts:
        parts.append(top[0].label if top else ("这个岗位可能适合您" if job else "这个培训可能适合您"))
    return Explanation(
        matched,
        missing,
        cert,
        None if km is None else round(float(km), 1),
        WageFit(wage_min, wage_max, floor, meets),
        LodgingFit(worker.needs_lodging, bool(lodging)),
        top,
        ",".join(parts) + "。",
        new,
        on,
        None if home is None else round(float(home), 1),
        "" if place is None or km is None else place[0],
        bool(place and km is not None and place[1]),
    )


def _certificate_fit(worker: WorkerData, cert_col: int, need: int | None, names: _Names) -> CertificateFit:
    if cert_col < 0:
        return CertificateFit(None, False, None)
    cert_id = names.certificate_ids[cert_col]
    has = cert_id in worker.certificates
    held_level = worker.certificates.get(cert_id)
    level_ok: bool | None
    if not has:
        level_ok = False
    elif need is None:
        level_ok = True
    elif held_level in (1, 2, 3, 4, 5):
        level_ok = held_level <= need
    else:
        level_ok = None  # held, but no level stated to compare
    return CertificateFit(
        names.taxonomy.certificate_name(cert_id),
        has,
        level_ok,
        need,
        held_level if held_level in (1, 2, 3, 4, 5) else None,
    )


def _job_parts(
    worker: WorkerData,
    required: list[str],
    missing: list[str],
    wanted: bool,
    occupation_name: Callable[[int], str],
    occ: int,
    cert: CertificateFit,
    need: int | None,
    km: float | None,
    place: tuple[str, bool] | None,
    home: float | None,
    wage_text: str | None,
    lodging: bool,
) -> list[str]:
    parts: list[str] = []
    if wanted:
        parts.append(f"是您想做的{occupation_name(occ)}工作")
    if required:
        parts.append(_skills_text(required, missing))
    if cert.required:
        parts.append(_certificate_text(cert, need))
    if km is not None:
        parts.append(_km_text(km, place))
        limit = worker.max_commute_km
        if worker.willing_to_relocate and limit is not None and km > limit:
            parts.append(f"超出您{round(limit)}公里的通勤范围,要到外地工作")
    if home is not None and (km is None or abs(home - km) > 1):
        parts.append(f"离户籍地约{round(home)}公里")
    if wage_text is not None:
        parts.append(wage_text)
    if worker.needs_lodging:
        parts.append("提供住宿" if lodging else "不提供住宿")
    return parts


def _skills_text(required: list[str], missing: list[str]) -> str:
    if not missing:
        return f"您具备全部{len(required)}项所需技能" if len(required) > 1 else f"您会{required[0]}"
    if len(required) > len(missing):
        have = len(required) - len(missing)
        return f"您有其中{have}项所需技能,还差{'、'.join(missing[:2])}"
    if len(missing) > 2:
        return f"需要{'、'.join(missing[:2])}等技能"
    return f"需要会{'、'.join(missing)}"


def _certificate_text(cert: CertificateFit, need: int | None) -> str:
    level_text = LEVEL_LABELS.get(need or 0, "")
    if cert.held and cert.level_ok:
        return f"您持有所需的{cert.required}"
    if cert.held:
        return f"需要{cert.required}{level_text}及以上"
    return f"需要{cert.required}" + (f"({level_text}及以上)" if level_text else "")


def _wage_text(
    floor: int | None, wage_min: int | None, wage_max: int | None, offered_top: int | None
) -> str | None:
    if floor is not None:
        if wage_min is not None and wage_min >= floor:
            return "月薪不低于您的期望"
        if wage_max is not None and wage_max >= floor:
            return "月薪最高可达您的期望"
        if offered_top is not None:
            return "月薪低于您的期望"
        return None
    if wage_min is not None and wage_max is not None:
        return f"月薪{wage_min}-{wage_max}元"
    return None


def _training_parts(
    reason: str,
    new: list[str],
    cert: CertificateFit,
    need: int | None,
    free: bool,
    subsidised: bool,
    on: bool,
    km: float | None,
    place: tuple[str, bool] | None,
    start: int,
    occupation_name: Callable[[int], str],
    occ: int,
) -> list[str]:
    parts: list[str] = []
    if reason == "start_business":
        parts.append("马兰花创业培训,帮您做好创业准备")
    elif reason == "upgrade_certificate" and cert.required:
        parts.append(f"可把您的{cert.required}提升到{LEVEL_LABELS.get(need or 0, '更高等级')}")
    elif reason == "desired_occupation":
        parts.append(f"是您想做的{occupation_name(occ)}方向的培训")
    elif reason == "online_far_from_venue":
        parts.append("线上学习,不用跑远路")
    if new and reason != "start_business":
        parts.append(f"能学到{'、'.join(new[:3])}")
    if cert.required and not cert.held:
        parts.append(f"结业可考{cert.required}")
    if free:
        parts.append("免费")
    elif subsidised:
        parts.append("可享培训补贴")
    if on and reason != "online_far_from_venue":
        parts.append("可在线学习")
    elif km is not None:
        parts.append(_km_text(km, place))
    if start != NO_DATE:
        day = dt.date.fromordinal(start)
        parts.append(f"{day.month}月{day.day}日开班")
    return parts


def explain(
    worker: WorkerData,
    catalogue: Catalogue,
    index: int,
    feature_row: np.ndarray,
    contributions: np.ndarray,
    taxonomy: TaxonomyData,
    *,
    reason: str = "",
) -> Explanation:
    """The explanation of catalogue row `index` for `worker`; feature_row and contributions are
    that row's features and the ranker's contributions (ranker.contributions(X)[i])."""
    return explain_rows(
        [worker],
        catalogue,
        np.array([index]),
        np.asarray(feature_row, dtype=np.float64)[None, :],
        np.asarray(contributions, dtype=np.float64)[None, :],
        taxonomy,
        reasons=[reason],
    )[0]
