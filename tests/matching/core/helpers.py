"""Small synthetic catalogues for the pure matching-core tests (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from matching.core.types import ItemData, Place, SkillHeld, TaxonomyData, WorkerData

# Places (approximate county seats): distances from 广州 — 佛山 ~18 km, 英德 ~120 km,
# 韶关 ~190 km, 梅州 ~320 km.
GUANGZHOU = Place(23.13, 113.26)
FOSHAN = Place(23.02, 113.12)
YINGDE = Place(24.19, 113.41)
SHAOGUAN = Place(24.81, 113.60)
MEIZHOU = Place(24.29, 116.12)

WELDING, ELECTRICAL, FORKLIFT, WOK, KNIFE, HOUSEKEEPING, BABYCARE, ECOMMERCE, BUSINESS_PLAN, CNC = range(
    1, 11
)
SKILLS = {
    WELDING: "焊接",
    ELECTRICAL: "电工操作",
    FORKLIFT: "叉车驾驶",
    WOK: "炒锅烹饪",
    KNIFE: "刀工",
    HOUSEKEEPING: "家政服务",
    BABYCARE: "母婴护理",
    ECOMMERCE: "电商运营",
    BUSINESS_PLAN: "创业计划",
    CNC: "数控编程",
}
WELDER, ELECTRICIAN, COOK, HOMECARE, ENTREPRENEUR, FORKLIFT_DRIVER, CNC_OPERATOR = range(100, 107)
OCCUPATIONS = {
    WELDER: ("焊工", (WELDING,)),
    ELECTRICIAN: ("电工", (ELECTRICAL,)),
    COOK: ("中式烹调师", (WOK, KNIFE)),
    HOMECARE: ("家政服务员", (HOUSEKEEPING, BABYCARE)),
    ENTREPRENEUR: ("创业者", (BUSINESS_PLAN, ECOMMERCE)),
    FORKLIFT_DRIVER: ("叉车司机", (FORKLIFT,)),
    CNC_OPERATOR: ("数控车工", (CNC,)),
}
WELDING_LICENCE, COOK_LEVEL, HEALTH, ELECTRICIAN_LICENCE = range(200, 204)
CERTIFICATES = {
    WELDING_LICENCE: ("特种作业操作证(焊接与热切割作业)", False),
    COOK_LEVEL: ("职业技能等级证书(中式烹调师)", True),
    HEALTH: ("健康证", False),
    ELECTRICIAN_LICENCE: ("特种作业操作证(电工作业)", False),
}
TAXONOMY = TaxonomyData(skills=SKILLS, occupations=OCCUPATIONS, certificates=CERTIFICATES)
WORDS = [*SKILLS.values(), *(name for name, _ in OCCUPATIONS.values()), "包吃住", "马兰花"]

TODAY = dt.date(2026, 3, 2)
UPDATED = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def job(
    item_id: int, occupation: int = WELDER, required: tuple[int, ...] = (WELDING,), **kw: Any
) -> ItemData:
    name = OCCUPATIONS[occupation][0]
    values: dict[str, Any] = {
        "kind": "job",
        "id": item_id,
        "program_id": None,
        "occupation_id": occupation,
        "required_skills": required,
        "preferred_skills": (),
        "certificate_id": None,
        "certificate_level": None,
        "place": GUANGZHOU,
        "online": False,
        "wage_min": 5000,
        "wage_max": 7000,
        "lodging": False,
        "meals": False,
        "couple_rooms": False,
        "start_date": None,
        "free": False,
        "subsidised": False,
        "fee": 0.0,
        "brand": "",
        "title": f"招聘{name}",
        "text": "岗位要求:熟悉" + "、".join(SKILLS[s] for s in required) + "。包吃住",
        "updated": UPDATED,
    }
    values.update(kw)
    return ItemData(**values)


def training(
    item_id: int, occupation: int = WELDER, taught: tuple[int, ...] = (WELDING,), **kw: Any
) -> ItemData:
    name = OCCUPATIONS[occupation][0]
    values: dict[str, Any] = {
        "kind": "training",
        "id": item_id,
        "program_id": item_id * 10,
        "occupation_id": occupation,
        "required_skills": taught,
        "preferred_skills": (),
        "certificate_id": None,
        "certificate_level": None,
        "place": GUANGZHOU,
        "online": False,
        "wage_min": None,
        "wage_max": None,
        "lodging": False,
        "meals": False,
        "couple_rooms": False,
        "start_date": TODAY + dt.timedelta(days=14),
        "free": False,
        "subsidised": True,
        "fee": 1200.0,
        "brand": "gd_technician",
        "title": f"{name}培训班",
        "text": "主要内容:" + "、".join(SKILLS[s] for s in taught),
        "updated": UPDATED,
    }
    values.update(kw)
    return ItemData(**values)


def worker(**kw: Any) -> WorkerData:
    values: dict[str, Any] = {
        "id": 1,
        "skills": {WELDING: SkillHeld(years=3, level=None)},
        "certificates": {},
        "desired_occupations": (WELDER,),
        "text": "焊工 焊接",
        "current": GUANGZHOU,
        "preferred": (),
        "hukou": None,
        "wants_work_near_home": False,
        "max_commute_km": None,
        "willing_to_relocate": False,
        "wage_floor": None,
        "needs_lodging": False,
        "needs_meals": False,
        "needs_couple_room": False,
        "available_from": None,
        "wants_to_start_business": False,
    }
    values.update(kw)
    return WorkerData(**values)


def with_skill(w: WorkerData, skill: int, years: int = 0, level: int | None = None) -> WorkerData:
    return replace(w, skills={**w.skills, skill: SkillHeld(years=years, level=level)})


# -- random catalogues ----------------------------------------------------------------------------
COUNTY_SEATS = [GUANGZHOU, FOSHAN, YINGDE, SHAOGUAN, MEIZHOU, Place(22.27, 113.58), Place(21.86, 111.98)]
TEXT_WORDS = [
    *SKILLS.values(),
    *(name for name, _ in OCCUPATIONS.values()),
    "包吃住",
    "长白班",
    "五险一金",
    "夫妻房",
]


def random_items(seed: int, n_jobs: int = 600, n_trainings: int = 120) -> list[ItemData]:
    """Jobs and sessions scattered around a few county seats (±0.4°), with random skills,
    certificates, wages, benefits and texts; reproducible from the seed."""
    import random

    rng = random.Random(seed)
    items: list[ItemData] = []
    occupations = list(OCCUPATIONS)
    for i in range(n_jobs):
        occ = rng.choice(occupations)
        own = list(OCCUPATIONS[occ][1])
        req = tuple(
            rng.sample(own, rng.randint(0, len(own)))
            + ([rng.choice(list(SKILLS))] if rng.random() < 0.3 else [])
        )
        req = tuple(dict.fromkeys(req))
        pref = tuple(s for s in rng.sample(list(SKILLS), rng.randint(0, 2)) if s not in req)
        cert = rng.choice([None, None, None, WELDING_LICENCE, COOK_LEVEL, HEALTH, ELECTRICIAN_LICENCE])
        level = rng.choice([5, 4, 3]) if cert == COOK_LEVEL else None
        seat = rng.choice(COUNTY_SEATS)
        place = (
            None
            if rng.random() < 0.03
            else Place(seat.lat + rng.uniform(-0.4, 0.4), seat.lng + rng.uniform(-0.4, 0.4))
        )
        wmin = rng.randrange(2500, 9000, 500) if rng.random() < 0.9 else None
        wmax = wmin + rng.randrange(0, 4000, 500) if wmin and rng.random() < 0.9 else None
        words = " ".join(rng.sample(TEXT_WORDS, rng.randint(1, 5)))
        items.append(
            job(
                10_000 + i,
                occupation=occ,
                required=req,
                preferred_skills=pref,
                certificate_id=cert,
                certificate_level=level,
                place=place,
                wage_min=wmin,
                wage_max=wmax,
                lodging=rng.random() < 0.4,
                meals=rng.random() < 0.4,
                couple_rooms=rng.random() < 0.1,
                text=words,
                updated=UPDATED - dt.timedelta(days=rng.uniform(0, 60)),
            )
        )
    for i in range(n_trainings):
        occ = rng.choice(occupations)
        own = list(OCCUPATIONS[occ][1])
        taught = tuple(
            dict.fromkeys(
                rng.sample(own, rng.randint(1, len(own))) + rng.sample(list(SKILLS), rng.randint(0, 2))
            )
        )
        cert = rng.choice([None, WELDING_LICENCE, COOK_LEVEL, HEALTH, ELECTRICIAN_LICENCE])
        online = rng.random() < 0.15
        seat = rng.choice(COUNTY_SEATS)
        free = rng.random() < 0.5
        items.append(
            training(
                50_000 + i,
                occupation=occ,
                taught=taught,
                certificate_id=cert,
                certificate_level=rng.choice([5, 4, 3]) if cert == COOK_LEVEL else None,
                place=None
                if online
                else Place(seat.lat + rng.uniform(-0.3, 0.3), seat.lng + rng.uniform(-0.3, 0.3)),
                online=online,
                free=free,
                subsidised=not free and rng.random() < 0.5,
                fee=0.0 if free else float(rng.randrange(300, 3000, 100)),
                brand=rng.choice(["gd_technician", "yuecai", "malanhua", "nanyue_homecare"]),
                start_date=TODAY + dt.timedelta(days=rng.randint(-10, 120)),
                text=" ".join(rng.sample(TEXT_WORDS, rng.randint(1, 4))),
            )
        )
    return items


def random_workers(seed: int, n: int = 40) -> list[WorkerData]:
    import random

    rng = random.Random(seed)
    out = []
    for i in range(n):
        desired = tuple(rng.sample(list(OCCUPATIONS), rng.randint(0, 2)))
        skills = {
            s: SkillHeld(years=rng.randint(0, 12), level=rng.choice([None, 5, 4, 3]))
            for s in rng.sample(list(SKILLS), rng.randint(0, 4))
        }
        certs = {
            c: (rng.choice([5, 4, 3, 2]) if c == COOK_LEVEL else None)
            for c in rng.sample(list(CERTIFICATES), rng.randint(0, 2))
        }
        seat = rng.choice(COUNTY_SEATS)
        names = [OCCUPATIONS[o][0] for o in desired] + [SKILLS[s] for s in skills]
        near_home = rng.random() < 0.3
        out.append(
            worker(
                id=i + 1,
                skills=skills,
                certificates=certs,
                desired_occupations=desired,
                text=" ".join(names),
                current=None
                if rng.random() < 0.05
                else Place(seat.lat + rng.uniform(-0.2, 0.2), seat.lng + rng.uniform(-0.2, 0.2)),
                preferred=tuple(rng.sample(COUNTY_SEATS, rng.randint(0, 2))),
                hukou=rng.choice(COUNTY_SEATS) if near_home else None,
                wants_work_near_home=near_home,
                max_commute_km=rng.choice([None, 10, 30, 60, 150]),
                willing_to_relocate=rng.random() < 0.25,
                wage_floor=rng.choice([None, 3000, 5000, 7000]),
                needs_lodging=rng.random() < 0.4,
                needs_meals=rng.random() < 0.3,
                needs_couple_room=rng.random() < 0.1,
                available_from=rng.choice([None, TODAY, TODAY + dt.timedelta(days=20)]),
                wants_to_start_business=rng.random() < 0.15,
            )
        )
    return out
