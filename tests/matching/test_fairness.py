"""Fairness and monotonicity through the real stack: saved profiles, real postings and sessions, the
catalogue the engine builds from the database, `recommend.recommendations_for_worker` and the API.

The core checks the same properties on its dataclasses (core/test_invariants.py); these check that
nothing between the database and the core breaks them (the adapters, the worker service, the
catalogue cache, the presentation of results):

- a worker's gender, ethnicity (and birth year, education) change neither ranking;
- the hukou place alone changes nothing for a worker who does not want to work near home; for one
  who does, it changes the distance-to-home features (that is the worker's own wish);
- adding a skill a posting requires never lowers that posting's score;
- holding a posting's required licence never ranks it lower nor scores it lower.

The catalogue version does not depend on workers, so every comparison below is made on the same
catalogue (asserted); the autouse `_fresh_engine` fixture (`fresh_matching_engine`) makes the engine rebuild it at once after
the items are created (`engine.reset()` and no rebuild delay).
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.jobs.models import Posting
from backend.occupations.models import Skill
from backend.workers.models import WorkerProfile
from backend.workers.services import worker_update
from matching.services import recommend
from tests import factories as f

from .world import World, X, Y, build_world, cert, occ, skill

pytestmark = pytest.mark.django_db

KINDS = ("job", "training")
GUANGXI = "450126"  # 广西 宾阳县: a typical hukou of a migrant worker from outside the province
GUANGDONG = "441481"  # 广东 梅州 兴宁市
MEIZHOU, QINGYUAN, GUANGZHOU = "441402", "441802", "440106"
EPS = 1e-9


# --- the world: build_world's catalogue plus postings requiring licences, in more places ---------


def _posting(
    world: World,
    key: str,
    county: str,
    title: str,
    occupation: str,
    required: tuple[str, ...],
    **kw: Any,
) -> Posting:
    employer = f.EmployerFactory(county=f.division(county))
    posting = f.PostingFactory(
        employer=employer, title=title, occupation=occ(occupation), description=title, **kw
    )
    posting.required_skills.set([skill(s) for s in required])
    world.postings[key] = posting
    return posting


def _session(
    world: World, key: str, county: str, title: str, occupation: str, taught: tuple[str, ...]
) -> Any:
    provider = f.ProviderFactory(county=f.division(county))
    program = f.ProgramFactory(
        provider=provider, title=title, occupation=occ(occupation), venue_division=f.division(county)
    )
    program.skills.set([skill(s) for s in taught])
    world.sessions[key] = f.SessionFactory(program=program)
    return world.sessions[key]


@pytest.fixture
def world() -> World:
    world = build_world()
    # Each licence below is required by exactly one posting (see the licence test).
    licensed = (
        ("welder_op_y", Y, "电焊工(持焊工作业证)", "welder", ("smaw",), "op-welding", None),
        ("welder_level_x", X, "焊工(四级以上)", "welder", ("smaw", "gmaw"), "level-welder", 4),
        ("cook_level_x", X, "厨师(持中式烹调师证)", "chinese-cook", ("wok-cooking",), "level-chinese-cook", 5),
        ("canteen_mz", MEIZHOU, "食堂厨师", "chinese-cook", ("wok-cooking", "knife-work"), "health-certificate", None),
        ("electrician_qy", QINGYUAN, "电工", "electrician", ("indoor-wiring", "low-voltage-distribution"),
         "op-low-voltage", None),
        ("forklift_qy", QINGYUAN, "叉车司机", "forklift-driver", ("forklift-driving",), "op-forklift", None),
    )  # fmt: skip
    for key, county, title, occupation, required, certificate, level in licensed:
        _posting(
            world, key, county, title, occupation, required,
            required_certificate=cert(certificate), required_certificate_level=level,
        )  # fmt: skip
    _posting(
        world, "cook_gz", GUANGZHOU, "天河酒楼厨师", "chinese-cook", ("wok-cooking", "cantonese-cuisine")
    )
    _posting(world, "welder_gz", GUANGZHOU, "钢结构焊工", "welder", ("smaw", "gtaw"), provides_lodging=True)
    _posting(world, "helper_mz", MEIZHOU, "梅州厨房帮工", "kitchen-helper", ("dish-washing",))
    _session(world, "welding_y", Y, "乐昌焊工培训班", "welder", ("gtaw", "pipe-welding"))
    _session(world, "forklift_qy", QINGYUAN, "叉车司机培训班", "forklift-driver", ("forklift-driving",))
    _session(
        world, "electric_mz", MEIZHOU, "电工培训班", "electrician", ("indoor-wiring", "electrical-safety")
    )
    return world


def _profile(world: World, *, current: str = X, **fields: Any) -> WorkerProfile:
    """A saved worker; relations (skills, certificates, occupations, places) set by the worker service."""
    relations = {
        name: fields.pop(name)
        for name in ("skills", "certificates", "desired_occupations", "preferred_divisions")
        if name in fields
    }
    worker = f.WorkerProfileFactory(current_division=f.division(current), **fields)
    return worker_update(actor=world.user("admin"), worker=worker, data=relations)


def _skills(*slugs: str, years: int = 3) -> list[dict[str, Any]]:
    return [{"skill": skill(s), "years": years} for s in slugs]


def _cooks_and_welders(world: World) -> list[WorkerProfile]:
    """The world's three workers and three more: various trades, places, wishes and licences."""
    return [
        *world.workers.values(),
        _profile(
            world,
            current=X,
            hukou_division=f.division(GUANGXI),
            desired_occupations=[occ("welder")],
            skills=_skills("smaw", "blueprint-reading"),
            certificates=[{"certificate_type": cert("level-welder"), "level": 5}],
            preferred_divisions=[f.division(GUANGZHOU)],
            willing_to_relocate=True,
        ),
        _profile(
            world,
            current=QINGYUAN,
            hukou_division=f.division(MEIZHOU),
            wants_work_near_home=True,
            desired_occupations=[occ("forklift-driver"), occ("electrician")],
            skills=_skills("indoor-wiring", "goods-stacking"),
            wage_floor=4500,
        ),
        _profile(
            world,
            current=MEIZHOU,
            desired_occupations=[occ("chinese-cook")],
            skills=_skills("wok-cooking", years=10),
            max_commute_km=30,
            needs_meals=True,
        ),
    ]


def _ranking(world: World, worker: WorkerProfile, kind: str) -> recommend.Recommendations:
    return recommend.recommendations_for_worker(
        actor=world.user("admin"), worker=worker, kind=kind, k=recommend.MAX_K
    )


def _ranked(result: recommend.Recommendations) -> list[tuple[int, int, float]]:
    return [(r["item_id"], r["rank"], r["score"]) for r in result.results]


def _scores(result: recommend.Recommendations) -> dict[int, float]:
    return {r["item_id"]: r["score"] for r in result.results}


# --- protected characteristics ----------------------------------------------------------------


PERSONAL = [
    {"gender": WorkerProfile.Gender.MALE, "ethnicity": "汉族"},
    {"gender": WorkerProfile.Gender.FEMALE, "ethnicity": "壮族"},
    {"gender": WorkerProfile.Gender.UNSPECIFIED, "ethnicity": ""},
    {"gender": WorkerProfile.Gender.MALE, "ethnicity": "瑶族", "birth_year": 1968, "education": "primary"},
    {"gender": WorkerProfile.Gender.FEMALE, "ethnicity": "畲族", "birth_year": 2003, "education": "bachelor"},
]


def test_gender_and_ethnicity_change_neither_ranking(world):
    admin = world.user("admin")
    for worker in _cooks_and_welders(world):
        before = {kind: _ranking(world, worker, kind) for kind in KINDS}
        assert before["job"].results, worker  # every worker gets something to compare
        for change in PERSONAL:
            worker = worker_update(actor=admin, worker=worker, data=change)
            worker.refresh_from_db()
            assert (worker.gender, worker.ethnicity) == (change["gender"], change["ethnicity"])
            for kind in KINDS:
                after = _ranking(world, worker, kind)
                assert after.catalogue_version == before[kind].catalogue_version
                assert _ranked(after) == _ranked(before[kind]), (worker.pk, kind, change)
                # ... and nothing else either: explanations, pathways, summaries.
                assert after.results == before[kind].results, (worker.pk, kind, change)


def test_gender_and_ethnicity_change_nothing_through_the_api(world):
    worker = world.workers["worker_a"]  # 女, 瑶族
    client = APIClient()
    client.force_authenticate(world.user("staff_x"))

    def fetch(kind: str) -> dict[str, Any]:
        response = client.get(f"/api/v1/workers/{worker.pk}/recommendations/", {"kind": kind, "k": 50})
        assert response.status_code == 200, response.content
        return response.json()

    before = {kind: fetch(kind) for kind in KINDS}
    worker_update(actor=world.user("staff_x"), worker=worker, data={"gender": "male", "ethnicity": "汉族"})
    for kind in KINDS:
        after = fetch(kind)
        assert after["results"], kind
        assert [(r["item_id"], r["rank"], r["score"]) for r in after["results"]] == [
            (r["item_id"], r["rank"], r["score"]) for r in before[kind]["results"]
        ]
        assert after == before[kind]


# --- hukou -----------------------------------------------------------------------------------


def _twins(world: World, hukou: str | None, *, near_home: bool) -> WorkerProfile:
    return _profile(
        world,
        current=X,
        hukou_division=f.division(hukou) if hukou else None,
        wants_work_near_home=near_home,
        preferred_divisions=[f.division(Y)],
        desired_occupations=[occ("chinese-cook"), occ("welder")],
        skills=_skills("wok-cooking", "knife-work", "smaw"),
        certificates=[{"certificate_type": cert("health-certificate")}],
        wage_floor=4000,
        needs_lodging=True,
    )


def _home_km(result: recommend.Recommendations) -> dict[int, float | None]:
    return {r["item_id"]: r["explanation"]["home_distance_km"] for r in result.results}


def test_the_hukou_place_alone_changes_nothing(world):
    """广西 or 广东 hukou (or none), same current and preferred places, no wish to work near home."""
    guangxi = _twins(world, GUANGXI, near_home=False)
    guangdong = _twins(world, GUANGDONG, near_home=False)
    nowhere = _twins(world, None, near_home=False)
    for kind in KINDS:
        first = _ranking(world, guangxi, kind)
        assert first.results, kind
        assert set(_home_km(first).values()) == {None}
        for other in (guangdong, nowhere):
            result = _ranking(world, other, kind)
            assert result.catalogue_version == first.catalogue_version
            assert _ranked(result) == _ranked(first), kind
            assert result.results == first.results, kind


def test_with_the_wish_to_work_near_home_the_hukou_place_counts(world):
    guangxi = _twins(world, GUANGXI, near_home=True)
    guangdong = _twins(world, GUANGDONG, near_home=True)
    one, two = _ranking(world, guangxi, "job"), _ranking(world, guangdong, "job")
    home_one, home_two = _home_km(one), _home_km(two)
    shared = set(home_one) & set(home_two)
    assert shared
    assert all(home_one[i] is not None and home_two[i] is not None for i in shared)
    # 宾阳 is some 400 km further from every posting here than 兴宁 is.
    assert all(home_one[i] > home_two[i] for i in shared)
    # Allowed to change the ranking: the worker asked for it. The 梅州 posting, near 兴宁, gains.
    canteen = world.postings["canteen_mz"].pk
    assert _scores(two)[canteen] > _scores(one).get(canteen, float("-inf"))


# --- monotonicity -----------------------------------------------------------------------------


def _skill_rows(worker: WorkerProfile) -> list[dict[str, Any]]:
    return [
        {"skill": s.skill, "years": s.years, "level": s.level} for s in worker.skills.select_related("skill")
    ]


def test_adding_a_skill_a_posting_requires_never_lowers_its_score(world):
    admin = world.user("admin")
    required = {p.pk: set(p.required_skills.values_list("pk", flat=True)) for p in Posting.objects.all()}
    checked = 0
    for worker in _cooks_and_welders(world):
        held = _skill_rows(worker)
        before = _ranking(world, worker, "job")
        for posting_id, score in _scores(before).items():
            missing = required[posting_id] - {row["skill"].pk for row in held}
            for skill_id in sorted(missing):
                for years in (0, 5):
                    added = {"skill": Skill.objects.get(pk=skill_id), "years": years}
                    worker_update(actor=admin, worker=worker, data={"skills": [*held, added]})
                    after = _ranking(world, worker, "job")
                    assert after.catalogue_version == before.catalogue_version
                    scores = _scores(after)
                    assert posting_id in scores, (worker.pk, posting_id, skill_id)
                    assert scores[posting_id] >= score - EPS, (worker.pk, posting_id, skill_id, years)
                    checked += 1
            worker_update(actor=admin, worker=worker, data={"skills": held})
        assert _ranked(_ranking(world, worker, "job")) == _ranked(before)  # restored
    assert checked >= 20  # the property was really exercised


def test_holding_the_required_licence_never_ranks_or_scores_a_posting_lower(world):
    licensed = Posting.objects.filter(required_certificate__isnull=False).select_related(
        "required_certificate", "division"
    )
    certificates = list(licensed.values_list("required_certificate_id", flat=True))
    # One posting per licence: then nothing else in the catalogue moves when the licence is added,
    # so the posting's place in the worker's own list can only improve (or stay).
    assert len(certificates) == len(set(certificates)) >= 5
    checked = 0
    for posting in licensed:
        certificate = posting.required_certificate
        required = list(posting.required_skills.values_list("slug", flat=True))
        if certificate.has_levels:
            levels: list[int | None] = list(
                dict.fromkeys([1, 3, posting.required_certificate_level, 5, None])
            )
        else:
            levels = [None]
        for skills in (required, required[:1]):  # qualified but for the licence, or a skill short too
            base = {
                "current": posting.division_id,
                "desired_occupations": [posting.occupation],
                "skills": _skills(*skills),
            }
            without = _profile(world, **base)
            plain = _ranking(world, without, "job")
            plain_scores = _scores(plain)
            assert posting.pk in plain_scores, (posting.title, skills)
            plain_rank = next(r["rank"] for r in plain.results if r["item_id"] == posting.pk)
            for level in levels:
                holder = _profile(
                    world, **base, certificates=[{"certificate_type": certificate, "level": level}]
                )
                result = _ranking(world, holder, "job")
                assert result.catalogue_version == plain.catalogue_version
                scores = _scores(result)
                assert posting.pk in scores, (posting.title, level)
                # Scored no lower ...
                assert scores[posting.pk] >= plain_scores[posting.pk] - EPS, (posting.title, skills, level)
                # ... so for this posting the holder never comes after the identical worker without it ...
                pair = sorted(
                    [("holder", scores[posting.pk]), ("without", plain_scores[posting.pk])],
                    key=lambda p: -p[1],
                )
                assert pair[0][0] == "holder" or pair[0][1] == pair[1][1]
                # ... and the holder's own list never has it further down.
                rank = next(r["rank"] for r in result.results if r["item_id"] == posting.pk)
                assert rank <= plain_rank, (posting.title, skills, level)
                # Postings not requiring this licence keep their scores.
                for item_id, value in plain_scores.items():
                    if item_id != posting.pk:
                        assert scores[item_id] == pytest.approx(value, abs=EPS)
                checked += 1
    assert checked >= 12
