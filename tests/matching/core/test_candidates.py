"""Candidate generation: constraints as masks, top-k exactness against a brute-force full sort."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.common.geo import haversine_km
from matching.core import Catalogue, generate
from matching.core import catalogue as catalogue_module
from matching.core.candidates import PROXIMITY_WEIGHT, WAGE_NEAR_MISS_SHARE, generate_block
from matching.core.types import Place
from matching.core.workers import COURSE_REACH_KM, LOCAL_REACH_KM, prepare

from .helpers import (
    GUANGZHOU,
    SHAOGUAN,
    TAXONOMY,
    WELDING,
    job,
    random_items,
    random_workers,
    training,
    worker,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.build(random_items(11, 900, 150), TAXONOMY, version="c")


@pytest.fixture(scope="module")
def split_catalogue() -> Catalogue:
    """Same kind of data, but "frequent" columns start at 20 items: the path that leaves frequent
    columns out of the product and completes the shortlist runs for most workers."""
    old = catalogue_module.FREQUENT_MIN
    catalogue_module.FREQUENT_MIN = 20
    try:
        built = Catalogue.build(random_items(11, 900, 150), TAXONOMY, version="c-split")
        built.frequent("job"), built.frequent("training")
    finally:
        catalogue_module.FREQUENT_MIN = old
    return built


def brute_force(worker, catalogue, kind):
    """Every item of the kind: full similarity, exact constraints with haversine, the same score."""
    lo, hi = catalogue.kind_range(kind)
    block = prepare([worker], catalogue, kind=kind)
    sims = np.asarray((catalogue.matrix[lo:hi] @ block.vectors.T).todense()).ravel()
    places = [p for p in (worker.current, *worker.preferred) if p is not None]
    if worker.wants_work_near_home and worker.hukou:
        places.append(worker.hukou)
    limit = None if worker.willing_to_relocate else (worker.max_commute_km or LOCAL_REACH_KM)
    if worker.willing_to_relocate and kind == "training":  # a course is attended from home
        limit = max(COURSE_REACH_KM, worker.max_commute_km or 0)
    ok = np.ones(hi - lo, dtype=bool)
    for r in range(lo, hi):
        lat, lng = catalogue.lat[r], catalogue.lng[r]
        if limit is not None and places and not np.isnan(lat) and not catalogue.online[r]:
            d = min(float(haversine_km(p.lat, p.lng, lat, lng)) for p in places)
            ok[r - lo] &= d <= limit + 1e-6
        floor = worker.wage_floor
        if floor is not None and kind == "job" and catalogue.wage_max[r] < WAGE_NEAR_MISS_SHARE * floor:
            ok[r - lo] = False
    prox = block.cell_prox[0][catalogue.cell[lo:hi]]
    score = sims + PROXIMITY_WEIGHT * prox
    return np.arange(lo, hi)[ok], score[ok], sims[ok]


@pytest.mark.parametrize("kind", ["job", "training"])
@pytest.mark.parametrize("which", ["catalogue", "split_catalogue"])
def test_top_k_equals_the_full_sort(request, which, kind):
    catalogue = request.getfixturevalue(which)
    for w in random_workers(21, 40):
        for k in (1, 15, 60):
            items, sims = generate(w, catalogue, kind=kind, k=k)
            ref_items, ref_score, ref_sims = brute_force(w, catalogue, kind)
            expected = np.sort(ref_score)[::-1][:k]
            assert len(items) == min(k, len(ref_items))
            score_of = dict(zip(ref_items.tolist(), ref_score.tolist(), strict=True))
            got = np.array([score_of[i] for i in items.tolist()])  # every candidate passes the constraints
            assert np.allclose(np.sort(got)[::-1], expected, atol=1e-5)
            sim_of = dict(zip(ref_items.tolist(), ref_sims.tolist(), strict=True))
            assert np.allclose(sims, [sim_of[i] for i in items.tolist()], atol=1e-5)
            assert (np.diff(got) <= 1e-5).all()  # best first


def test_block_equals_one_by_one(split_catalogue):
    workers = random_workers(5, 30)
    block = generate_block(
        prepare(workers, split_catalogue, kind="job"), split_catalogue, kind="job", k=50, chunk=97
    )
    for w, (items, sims) in zip(workers, block, strict=True):
        one_items, one_sims = generate(w, split_catalogue, kind="job", k=50)
        assert set(items.tolist()) == set(one_items.tolist())
        assert np.allclose(np.sort(sims), np.sort(one_sims), atol=1e-5)


def test_chunk_size_does_not_change_the_result(catalogue):
    for w in random_workers(8, 10):
        a = generate(w, catalogue, kind="job", k=40, chunk=50_000)
        b = generate(w, catalogue, kind="job", k=40, chunk=33)
        assert set(a[0].tolist()) == set(b[0].tolist())


def test_commute_limit_excludes_a_job_200_km_away_unless_relocating():
    items = [job(1, place=GUANGZHOU), job(2, place=SHAOGUAN)]  # 韶关 is ~190 km from 广州
    catalogue = Catalogue.build(items, TAXONOMY, version="commute")
    limited = worker(max_commute_km=30)
    ids = {int(catalogue.ids[i]) for i in generate(limited, catalogue, kind="job")[0]}
    assert ids == {1}
    relocating = replace(limited, willing_to_relocate=True)
    assert {int(catalogue.ids[i]) for i in generate(relocating, catalogue, kind="job")[0]} == {1, 2}
    # 不愿去外地 without a km limit: the worker's own county and its neighbours (LOCAL_REACH_KM).
    no_limit = replace(limited, max_commute_km=None)
    assert {int(catalogue.ids[i]) for i in generate(no_limit, catalogue, kind="job")[0]} == {1}
    assert {
        int(catalogue.ids[i])
        for i in generate(replace(no_limit, willing_to_relocate=True), catalogue, kind="job")[0]
    } == {1, 2}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.sampled_from([5, 10, 30, 60, 120]),
    lat=st.floats(21.5, 25.0),
    lng=st.floats(110.5, 116.5),
    seed=st.integers(0, 3),
)
def test_no_candidate_beyond_the_commute_limit(catalogue, limit, lat, lng, seed):
    w = replace(
        random_workers(seed, 1)[0],
        current=Place(lat, lng),
        preferred=(),
        max_commute_km=limit,
        willing_to_relocate=False,
        wants_work_near_home=False,
        hukou=None,
    )
    for kind in ("job", "training"):
        items, _ = generate(w, catalogue, kind=kind, k=300)
        for r in items.tolist():
            if catalogue.online[r] or np.isnan(catalogue.lat[r]):
                continue
            assert haversine_km(lat, lng, catalogue.lat[r], catalogue.lng[r]) <= limit + 1e-6


def test_wage_floor_drops_jobs_paying_clearly_less_at_best():
    items = [
        job(1, wage_min=3000, wage_max=4000),
        job(2, wage_min=4000, wage_max=6000),
        job(3, wage_min=None, wage_max=None),
        job(4, wage_min=4000, wage_max=4600),  # 8% under the floor: a near miss, kept
    ]
    catalogue = Catalogue.build(items, TAXONOMY, version="wage")
    got = {int(catalogue.ids[i]) for i in generate(worker(wage_floor=5000), catalogue, kind="job")[0]}
    assert got == {2, 3, 4}  # an unstated wage is not a reason to hide the job


def test_online_trainings_pass_the_distance_test():
    items = [training(1, place=SHAOGUAN), training(2, place=None, online=True), training(3, place=GUANGZHOU)]
    catalogue = Catalogue.build(items, TAXONOMY, version="online")
    got = {int(catalogue.ids[i]) for i in generate(worker(max_commute_km=20), catalogue, kind="training")[0]}
    assert got == {2, 3}


def test_thin_profile_gets_nearest_items():
    """A worker who touches nothing still gets candidates, nearest first (proximity score)."""
    items = [job(i, place=Place(23.13 + 0.1 * i, 113.26), required=(WELDING,), text="x") for i in range(6)]
    catalogue = Catalogue.build(items, TAXONOMY, version="thin")
    w = worker(skills={}, desired_occupations=(), text="", current=GUANGZHOU)
    got = [int(catalogue.ids[i]) for i in generate(w, catalogue, kind="job", k=3)[0]]
    assert got == [0, 1, 2]
