"""Explanations as data: what matched, what is missing, distance, wage, lodging, the features that
counted most, and one plain-Chinese sentence a worker can read on a phone.

`explain` explains one row; `explain_rows` explains many (a batch's top rows) with the numeric
part vectorised — which features may be named, the top three, the per-item facts — and only
the assembly of strings and dataclasses per row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from .catalogue import NO_DATE, Catalogue
from .features import FEATURE_NAMES, IDX, LABELS
from .geo import haversine_km
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
_NAMED = [(name, LABELS[name]) for name in FEATURE_NAMES]
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
    named = _NAMED
    return [
        [
            FeatureContribution(named[i][0], named[i][1], v)
            for i, v in zip(idx, vals, strict=True)
            if v != -math.inf
        ]
        for idx, vals in zip(best.tolist(), best_values.tolist(), strict=True)
    ]


def _nearest_km(places: Sequence[Place | None], lat: float, lng: float) -> float | None:
    known = [p for p in places if p is not None]
    if not known or math.isnan(lat):
        return None
    return float(min(haversine_km(p.lat, p.lng, lat, lng) for p in known))


def _km_text(km: float) -> str:
    return "就在您附近" if km < 1 else f"距离约{round(km)}公里"


def _none(value: float) -> int | None:
    return None if value != value else int(value)  # NaN check without numpy


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
) -> list[Explanation]:
    """Explanations of catalogue rows `rows[i]` for `workers[i]` (X, contributions: their rows).
    Distances (km, None when unknown) are computed here unless given."""
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
    tops = top_features(contributions, is_job, has_start, _wish_mask(distinct)[owner])

    online = cat.online[rows].tolist()
    lat, lng = cat.lat[rows].tolist(), cat.lng[rows].tolist()
    if distance_km is None or home_km is None:
        distance_km = [
            None if on else _nearest_km([w.current, *w.preferred], la, ln)
            for w, on, la, ln in zip(workers, online, lat, lng, strict=True)
        ]
        home_km = [
            _nearest_km([w.hukou], la, ln) if w.wants_work_near_home and not on else None
            for w, on, la, ln in zip(workers, online, lat, lng, strict=True)
        ]
    facts = zip(
        rows.tolist(),
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
        strict=True,
    )
    if taxonomy is cat.taxonomy:
        names = cat.skill_names
    else:
        names = [taxonomy.skill_name(s) for s in cat.skill_ids.tolist()]
    skill_ids = cat.skill_ids_list
    req_ptr, req_idx = cat.required.indptr, cat.required.indices
    pref_ptr, pref_idx = cat.preferred.indptr, cat.preferred.indices
    reasons = reasons if reasons is not None else [""] * n
    out = []
    for i, (
        row,
        job,
        on,
        cert_col,
        need,
        wmin,
        wmax,
        lodging,
        start,
        free,
        subsidised,
        occ,
        wanted,
    ) in enumerate(facts):
        worker = workers[i]
        held = worker.skills
        req = req_idx[req_ptr[row] : req_ptr[row + 1]].tolist()
        pref = pref_idx[pref_ptr[row] : pref_ptr[row + 1]].tolist()
        matched = [names[c] for c in req if skill_ids[c] in held] + [
            names[c] for c in pref if skill_ids[c] in held
        ]
        not_held = [names[c] for c in req if skill_ids[c] not in held]
        out.append(
            _build(
                worker,
                taxonomy,
                is_job=job,
                online=on,
                required=[names[c] for c in req],
                matched=matched,
                not_held=not_held,
                cert_id=None if cert_col < 0 else int(cat.certificate_ids[cert_col]),
                need=need or None,
                wage_min=_none(wmin),
                wage_max=_none(wmax),
                lodging=lodging,
                start=None if start == NO_DATE else dt.date.fromordinal(start),
                free=free,
                subsidised=subsidised,
                occupation_id=int(cat.occupation_ids[occ]),
                wanted=wanted > 0,
                distance_km=distance_km[i],
                home_km=home_km[i],
                top=tops[i],
                reason=reasons[i],
            )
        )
    return out


def _build(
    worker: WorkerData,
    taxonomy: TaxonomyData,
    *,
    is_job: bool,
    online: bool,
    required: list[str],
    matched: list[str],
    not_held: list[str],
    cert_id: int | None,
    need: int | None,
    wage_min: int | None,
    wage_max: int | None,
    lodging: bool,
    start: dt.date | None,
    free: bool,
    subsidised: bool,
    occupation_id: int,
    wanted: bool,
    distance_km: float | None,
    home_km: float | None,
    top: list[FeatureContribution],
    reason: str,
) -> Explanation:
    missing = not_held if is_job else []
    new = [] if is_job else not_held
    cert = CertificateFit(required=None, held=False, level_ok=None)
    if cert_id is not None:
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
        cert = CertificateFit(
            required=taxonomy.certificate_name(cert_id),
            held=has,
            level_ok=level_ok,
            required_level=need,
            held_level=held_level if held_level in (1, 2, 3, 4, 5) else None,
        )
    floor = worker.wage_floor if is_job else None
    offered_top = wage_max if wage_max is not None else wage_min
    meets = None if floor is None or offered_top is None else offered_top >= floor
    wage = WageFit(offered_min=wage_min, offered_max=wage_max, floor=floor, meets_floor=meets)

    parts: list[str] = []
    if is_job:
        if required:
            have = len(required) - len(missing)
            if not missing:
                parts.append(
                    f"您具备全部{len(required)}项所需技能" if len(required) > 1 else f"您会{required[0]}"
                )
            elif have:
                parts.append(f"您有其中{have}项所需技能,还差{'、'.join(missing[:2])}")
            elif len(missing) > 2:
                parts.append(f"需要{'、'.join(missing[:2])}等技能")
            else:
                parts.append(f"需要会{'、'.join(missing)}")
        elif wanted:
            parts.append(f"是您想做的{taxonomy.occupation_name(occupation_id)}工作")
        if cert.required:
            level_text = LEVEL_LABELS.get(need or 0, "")
            if cert.held and cert.level_ok:
                parts.append(f"您持有所需的{cert.required}")
            elif cert.held:
                parts.append(f"需要{cert.required}{level_text}及以上")
            else:
                parts.append(f"需要{cert.required}" + (f"({level_text}及以上)" if level_text else ""))
        if distance_km is not None:
            parts.append(_km_text(distance_km))
        if home_km is not None and (distance_km is None or abs(home_km - distance_km) > 1):
            parts.append(f"离家约{round(home_km)}公里")
        if floor is not None:
            if wage_min is not None and wage_min >= floor:
                parts.append("月薪不低于您的期望")
            elif wage_max is not None and wage_max >= floor:
                parts.append("月薪最高可达您的期望")
            elif offered_top is not None:
                parts.append("月薪低于您的期望")
        elif wage_min is not None and wage_max is not None:
            parts.append(f"月薪{wage_min}-{wage_max}元")
        if worker.needs_lodging:
            parts.append("提供住宿" if lodging else "不提供住宿")
    else:
        if reason == "start_business":
            parts.append("马兰花创业培训,帮您做好创业准备")
        elif reason == "upgrade_certificate" and cert.required:
            parts.append(f"可把您的{cert.required}提升到{LEVEL_LABELS.get(need or 0, '更高等级')}")
        elif reason == "desired_occupation":
            parts.append(f"是您想做的{taxonomy.occupation_name(occupation_id)}方向的培训")
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
        if online and reason != "online_far_from_venue":
            parts.append("可在线学习")
        elif distance_km is not None:
            parts.append(_km_text(distance_km))
        if start is not None:
            parts.append(f"{start.month}月{start.day}日开班")
    if not parts:
        parts.append(top[0].label if top else ("这个岗位可能适合您" if is_job else "这个培训可能适合您"))
    return Explanation(
        matched_skills=matched,
        missing_skills=missing,
        certificate=cert,
        distance_km=None if distance_km is None else round(float(distance_km), 1),
        wage=wage,
        lodging=LodgingFit(needed=worker.needs_lodging, provided=bool(lodging)),
        top_features=top,
        summary=",".join(parts) + "。",
        new_skills=new,
        online=online,
        home_distance_km=None if home_km is None else round(float(home_km), 1),
    )


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
