"""Explanations (content, plain Chinese, JSON) and skill-gap pathways."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, replace

import numpy as np
import pytest

from matching.core import BaselineRanker, Catalogue, explain, pairwise, pathways, recommend
from matching.core.explain import explain_rows
from matching.core.features import pairwise_block
from matching.core.pathways import pathways_block, pathways_for
from matching.core.types import Place, SkillHeld
from matching.core.workers import prepare

from .helpers import (
    COOK,
    COOK_LEVEL,
    ELECTRICAL,
    FORKLIFT,
    FOSHAN,
    GUANGZHOU,
    KNIFE,
    MEIZHOU,
    SHAOGUAN,
    TAXONOMY,
    TODAY,
    WELDING,
    WELDING_LICENCE,
    WOK,
    job,
    random_items,
    random_workers,
    training,
    worker,
)


def explained(w, catalogue, kind, item_id):
    row = catalogue.index_of(kind, item_id)
    X = pairwise(w, catalogue, np.array([row]))
    ranker = BaselineRanker()
    return explain(w, catalogue, row, X[0], ranker.contributions(X)[0], TAXONOMY)


def test_job_explanation_content():
    catalogue = Catalogue.build(
        [
            job(
                1,
                required=(WELDING, ELECTRICAL, FORKLIFT),
                certificate_id=WELDING_LICENCE,
                place=Place(23.24, 113.26),
                wage_min=6000,
                wage_max=8000,
                lodging=True,
            ),
            job(2),
        ],
        TAXONOMY,
        version="e",
    )
    w = worker(
        skills={WELDING: SkillHeld(5), ELECTRICAL: SkillHeld(1)},
        certificates={WELDING_LICENCE: None},
        wage_floor=5000,
        needs_lodging=True,
    )
    e = explained(w, catalogue, "job", 1)
    assert e.matched_skills == ["焊接", "电工操作"]
    assert e.missing_skills == ["叉车驾驶"]
    assert e.certificate.required == "特种作业操作证(焊接与热切割作业)"
    assert e.certificate.held is True
    assert e.certificate.level_ok is True
    assert e.distance_km == pytest.approx(12.2, abs=0.3)
    assert e.wage.offered_min == 6000
    assert e.wage.floor == 5000
    assert e.wage.meets_floor is True
    assert e.lodging.needed is True
    assert e.lodging.provided is True
    assert (
        e.summary
        == "是您想做的焊工工作,您有其中2项所需技能,还差叉车驾驶,您持有所需的特种作业操作证(焊接与热切割作业),距离约12公里,月薪不低于您的期望,提供住宿。"
    )
    assert 1 <= len(e.top_features) <= 3
    assert all(f.contribution > 0 and f.label for f in e.top_features)
    names = [f.name for f in e.top_features]
    assert "is_training" not in names
    assert "new_skills" not in names  # a training-only feature is never a job's reason
    data = json.loads(json.dumps(asdict(e), ensure_ascii=False))
    assert set(data) >= {
        "matched_skills",
        "missing_skills",
        "certificate",
        "distance_km",
        "wage",
        "lodging",
        "top_features",
        "summary",
    }
    assert set(data["certificate"]) >= {"required", "held", "level_ok"}
    assert set(data["wage"]) == {"offered_min", "offered_max", "floor", "meets_floor"}
    assert set(data["top_features"][0]) == {"name", "label", "contribution"}


def test_certificate_level_reads_lower_number_as_higher_level():
    catalogue = Catalogue.build(
        [job(1, occupation=COOK, required=(WOK,), certificate_id=COOK_LEVEL, certificate_level=4)],
        TAXONOMY,
        version="lvl",
    )
    high = explained(worker(skills={WOK: SkillHeld()}, certificates={COOK_LEVEL: 3}), catalogue, "job", 1)
    low = explained(worker(skills={WOK: SkillHeld()}, certificates={COOK_LEVEL: 5}), catalogue, "job", 1)
    assert high.certificate.level_ok is True
    assert low.certificate.level_ok is False
    assert "四级/中级工及以上" in low.summary


def test_wishes_the_worker_does_not_have_are_not_named_as_reasons():
    catalogue = Catalogue.build([job(1, lodging=True, meals=True)], TAXONOMY, version="w")
    e = explained(worker(needs_lodging=False), catalogue, "job", 1)
    assert not {"lodging_fit", "meals_fit", "wage_fit", "home_proximity"} & {f.name for f in e.top_features}
    assert "住宿" not in e.summary


def test_training_explanation():
    catalogue = Catalogue.build(
        [
            training(
                5,
                occupation=COOK,
                taught=(WOK, KNIFE),
                certificate_id=COOK_LEVEL,
                certificate_level=4,
                free=True,
                fee=0,
            )
        ],
        TAXONOMY,
        version="t",
    )
    w = worker(skills={WOK: SkillHeld()}, desired_occupations=(COOK,))
    row = catalogue.index_of("training", 5)
    X = pairwise(w, catalogue, np.array([row]))
    e = explain(
        w, catalogue, row, X[0], BaselineRanker().contributions(X)[0], TAXONOMY, reason="desired_occupation"
    )
    assert e.new_skills == ["刀工"]
    assert e.missing_skills == []
    assert e.summary.startswith(
        "是您想做的中式烹调师方向的培训,能学到刀工,结业可考职业技能等级证书(中式烹调师),免费"
    )
    assert "开班" in e.summary


# -- pathways ---------------------------------------------------------------------------------------
def test_pathway_picks_the_session_teaching_the_missing_skill_free_first():
    start = TODAY + dt.timedelta(days=10)
    items = [
        job(1, required=(WELDING, ELECTRICAL)),
        training(10, taught=(ELECTRICAL,), free=False, subsidised=False, fee=1500.0, start_date=start),
        training(11, taught=(ELECTRICAL,), free=True, fee=0.0, start_date=start),
        training(12, taught=(FORKLIFT,), free=True, fee=0.0, start_date=start),  # teaches nothing missing
        training(13, taught=(ELECTRICAL,), free=True, fee=0.0, start_date=start, place=MEIZHOU),  # too far
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="p")
    w = worker(skills={WELDING: SkillHeld()}, max_commute_km=60)
    found = pathways(w, catalogue, catalogue.index_of("job", 1), k=3)
    assert [p.session_id for p in found] == [11, 10]
    assert found[0].covers_skills == ["电工操作"]
    assert found[0].coverage == 1.0
    assert found[0].free_or_subsidised is True
    assert found[0].distance_km == pytest.approx(0.0, abs=0.1)
    assert found[0].start_date == start
    assert found[0].score >= found[1].score
    # 梅州 (~320 km) is beyond the worker's 60 km, and beyond the 100 km a course is attended from
    # even by a worker who would move for the job.
    moving = replace(w, willing_to_relocate=True)
    assert 13 not in [p.session_id for p in pathways(moving, catalogue, catalogue.index_of("job", 1))]


def test_pathway_ranks_by_coverage_then_distance_then_start():
    items = [
        job(1, required=(WELDING, ELECTRICAL, FORKLIFT)),
        training(10, taught=(ELECTRICAL,), start_date=TODAY + dt.timedelta(days=5)),
        training(11, taught=(ELECTRICAL, FORKLIFT), start_date=TODAY + dt.timedelta(days=60)),
        training(12, taught=(ELECTRICAL,), start_date=TODAY + dt.timedelta(days=5), place=SHAOGUAN),
        training(13, taught=(ELECTRICAL,), start_date=TODAY + dt.timedelta(days=40)),
        training(
            14, taught=(ELECTRICAL, FORKLIFT), start_date=TODAY - dt.timedelta(days=3)
        ),  # before availability
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="p2")
    # 韶关's session (~190 km) is within reach of a worker who states a 200 km limit: ranked last.
    w = worker(skills={WELDING: SkillHeld()}, available_from=TODAY, max_commute_km=200)
    found = pathways(w, catalogue, catalogue.index_of("job", 1), k=4)
    assert [p.session_id for p in found] == [11, 10, 13, 12]
    assert found[0].coverage == 1.0
    assert found[1].coverage == 0.5


def test_pathway_for_a_missing_certificate_or_level():
    items = [
        job(1, occupation=COOK, required=(WOK,), certificate_id=COOK_LEVEL, certificate_level=4),
        training(
            10, occupation=COOK, taught=(KNIFE,), certificate_id=COOK_LEVEL, certificate_level=5
        ),  # level too low
        training(
            11, occupation=COOK, taught=(KNIFE,), certificate_id=COOK_LEVEL, certificate_level=4, place=FOSHAN
        ),
        training(
            12,
            occupation=COOK,
            taught=(KNIFE,),
            certificate_id=COOK_LEVEL,
            certificate_level=3,
            place=None,
            online=True,
        ),
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="p3")
    w = worker(skills={WOK: SkillHeld()}, certificates={COOK_LEVEL: 5})
    found = pathways(w, catalogue, catalogue.index_of("job", 1))
    assert [p.session_id for p in found] == [12, 11]  # online: no distance to travel; 佛山 ~18 km
    assert found[0].awards_certificate == "职业技能等级证书(中式烹调师)"
    assert found[0].covers_skills == []
    assert found[0].distance_km is None
    assert pathways(replace(w, certificates={COOK_LEVEL: 4}), catalogue, catalogue.index_of("job", 1)) == []


def test_recommend_attaches_pathways_only_to_jobs_not_yet_qualified_for():
    items = [
        job(1, required=(WELDING,)),
        job(2, required=(WELDING, ELECTRICAL)),
        training(10, taught=(ELECTRICAL,), free=True, fee=0),
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="p4")
    recs = {r.item_id: r for r in recommend(worker(), catalogue, BaselineRanker(), kind="job")}
    assert recs[1].qualified is True
    assert recs[1].pathways == []
    assert recs[2].qualified is False
    assert [p.session_id for p in recs[2].pathways] == [10]
    assert recs[2].explanation.summary.endswith("有培训可以帮您补上差距。")
    assert recs[1].rank == 1
    assert recs[2].rank == 2


def test_far_worker_is_far_from_venues():
    items = [training(10, place=GUANGZHOU), training(11, place=None, online=True)]
    catalogue = Catalogue.build(items, TAXONOMY, version="far")
    near = recommend(worker(desired_occupations=()), catalogue, BaselineRanker(), kind="training")
    far = recommend(
        worker(current=MEIZHOU, desired_occupations=()), catalogue, BaselineRanker(), kind="training"
    )
    assert {r.item_id: r.reason for r in far}[11] == "online_far_from_venue"
    assert {r.item_id: r.reason for r in near}[11] != "online_far_from_venue"


def test_block_pathways_and_explanations_equal_one_worker_at_a_time():
    """pathways_block over every (worker, job) pair of a block, and explain_rows over a block's
    rows, give what pathways_for / explain give one worker (and one row) at a time."""
    catalogue = Catalogue.build(random_items(5, 300, 150), TAXONOMY, version="block-equal")
    workers = random_workers(8, 12)
    block = prepare(workers, catalogue, kind="job")
    rng = np.random.default_rng(3)
    lo, hi = catalogue.kind_range("job")
    owners = np.repeat(np.arange(len(workers)), 6)
    jobs = rng.integers(lo, hi, len(owners))
    together = pathways_block(block, owners, catalogue, jobs, k=3)
    assert any(together)
    for b, w in enumerate(workers):
        alone = pathways_for(prepare([w], catalogue, kind="job"), 0, catalogue, jobs[owners == b], k=3)
        assert [asdict(p) for ps in alone for p in ps] == [
            asdict(p) for i in np.flatnonzero(owners == b) for p in together[i]
        ]

    ranker = BaselineRanker()
    X, _ = pairwise_block(block, catalogue, owners, jobs)
    rows = explain_rows([workers[b] for b in owners], catalogue, jobs, X, ranker.contributions(X), TAXONOMY)
    for p, (b, row) in enumerate(zip(owners, jobs, strict=True)):
        one = explain(workers[b], catalogue, int(row), X[p], ranker.contributions(X[p : p + 1])[0], TAXONOMY)
        assert asdict(rows[p]) == asdict(one)


def test_a_worker_who_would_move_gets_a_course_beyond_the_commute_but_within_a_days_reach():
    items = [
        job(1, required=(WELDING, ELECTRICAL)),
        training(10, taught=(ELECTRICAL,), place=Place(23.8, 113.3)),
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="p-reach")  # the course is ~75 km away
    w = worker(skills={WELDING: SkillHeld()}, max_commute_km=30)
    assert pathways(w, catalogue, catalogue.index_of("job", 1)) == []
    moving = replace(w, willing_to_relocate=True)
    assert [p.session_id for p in pathways(moving, catalogue, catalogue.index_of("job", 1))] == [10]
