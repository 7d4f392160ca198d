"""recommend(): ordering, k, direct reasons for trainings."""

from __future__ import annotations

import itertools
from dataclasses import asdict

import pytest

from matching.core import BaselineRanker, Catalogue, recommend
from matching.core.types import REASONS, TIERS, SkillHeld

from .helpers import (
    BUSINESS_PLAN,
    COOK,
    COOK_LEVEL,
    ENTREPRENEUR,
    HOMECARE,
    HOUSEKEEPING,
    TAXONOMY,
    WOK,
    job,
    random_items,
    random_workers,
    training,
    worker,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.build(random_items(29, 400, 120), TAXONOMY, version="r")


@pytest.mark.parametrize("kind", ["job", "training"])
def test_results_are_ranked_explained_and_of_the_kind(catalogue, kind):
    for w in random_workers(2, 15):
        recs = recommend(w, catalogue, BaselineRanker(), kind=kind, k=7)
        assert len(recs) <= 7
        assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
        # The counsellor's order: tier (intent first), fewer near misses first, then (beyond the
        # commute: nearer bands first) score.
        keys = [(TIERS.index(r.explanation.tier), len(r.explanation.near_misses)) for r in recs]
        assert keys == sorted(keys)
        for a, b in itertools.pairwise(recs):
            same = (a.explanation.tier, len(a.explanation.near_misses)) == (
                b.explanation.tier,
                len(b.explanation.near_misses),
            )
            far = "beyond_commute" in a.explanation.near_misses + b.explanation.near_misses
            if same and not far:
                assert a.score >= b.score
        assert all(r.explanation.fit for r in recs)
        assert all(r.kind == kind and r.explanation.summary.endswith("。") for r in recs)
        assert len({r.item_id for r in recs}) == len(recs)
        if kind == "training":
            assert all(r.reason in REASONS and r.pathways == [] and r.qualified is None for r in recs)
        else:
            assert all(r.reason == "" and r.qualified is not None for r in recs)
        for r in recs:
            asdict(r)  # serialisable as plain data


def test_direct_training_reasons():
    items = [
        training(
            1,
            occupation=ENTREPRENEUR,
            taught=(BUSINESS_PLAN,),
            brand="malanhua",
            free=True,
            fee=0,
            title="SYB创业培训",
        ),
        training(
            2, occupation=COOK, taught=(WOK,), certificate_id=COOK_LEVEL, certificate_level=3, brand="yuecai"
        ),
        training(3, occupation=HOMECARE, taught=(HOUSEKEEPING,), brand="nanyue_homecare"),
        job(10),
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="reasons")
    w = worker(
        skills={WOK: SkillHeld(years=6, level=4)},
        certificates={COOK_LEVEL: 4},
        desired_occupations=(HOMECARE,),
        text="家政服务员 炒锅烹饪",
        wants_to_start_business=True,
    )
    reasons = {r.item_id: r.reason for r in recommend(w, catalogue, BaselineRanker(), kind="training")}
    assert reasons == {1: "start_business", 2: "upgrade_certificate", 3: "desired_occupation"}
    without_wish = recommend(
        worker(wants_to_start_business=False, desired_occupations=()),
        catalogue,
        BaselineRanker(),
        kind="training",
    )
    # 马兰花 courses are for workers who want to start a business: not filler for the others.
    assert 1 not in {r.item_id for r in without_wish}


def test_business_wish_brings_malanhua_into_the_candidates():
    items = [
        training(i, taught=(HOUSEKEEPING,), brand="gd_technician", text="普通课程") for i in range(1, 40)
    ]
    items.append(
        training(99, occupation=ENTREPRENEUR, taught=(BUSINESS_PLAN,), brand="malanhua", text="马兰花")
    )
    catalogue = Catalogue.build(items, TAXONOMY, version="malanhua")
    w = worker(skills={}, desired_occupations=(), text="", wants_to_start_business=True)
    recs = recommend(w, catalogue, BaselineRanker(), kind="training", k=3, candidates=5)
    assert recs[0].item_id == 99
    assert recs[0].reason == "start_business"
    assert "马兰花" in recs[0].explanation.summary


def test_k_larger_than_candidates_and_zero(catalogue):
    w = random_workers(4, 1)[0]
    assert len(recommend(w, catalogue, BaselineRanker(), kind="job", k=500, candidates=10)) <= 500
    assert recommend(w, catalogue, BaselineRanker(), kind="job", k=0) == []
