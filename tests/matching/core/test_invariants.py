"""Fairness and monotonicity invariants of the whole core, as properties.

- adding a skill a posting requires never lowers that posting's score (baseline and learned);
- holding the required licence never scores a posting below the same worker without it;
- hukou counts only through the worker's own wish: two workers identical but for the hukou place,
  neither wanting to work near home, get identical recommendations;
- a worker who wants to work near home gets near-home postings ranked higher;
- the core has no gender or ethnicity input at all (test_catalogue.py checks the dataclasses).
"""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.common.geo import haversine_km
from matching.core import BaselineRanker, Catalogue, LearnedRanker, pairwise, recommend, recommend_batch
from matching.core.features import IDX
from matching.core.types import Place, SkillHeld

from .helpers import (
    CERTIFICATES,
    COUNTY_SEATS,
    MEIZHOU,
    SKILLS,
    TAXONOMY,
    YINGDE,
    job,
    random_items,
    random_workers,
    worker,
)

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.build(random_items(17, 500, 100), TAXONOMY, version="inv")


@pytest.fixture(scope="module")
def rankers(catalogue) -> dict[str, object]:
    """The baseline and two learned rankers fitted on simulated staff decisions over real features."""
    rows, labels = [], []
    rng = np.random.default_rng(0)
    for w in random_workers(99, 60):
        idx = rng.choice(catalogue.ranges["job"][1], 40, replace=False)
        X = pairwise(w, catalogue, idx)
        logit = (
            3 * X[:, IDX["skill_coverage"]] + 2 * X[:, IDX["proximity"]] + X[:, IDX["certificate_fit"]] - 3
        )
        rows.append(X)
        labels.append(rng.random(len(X)) < 1 / (1 + np.exp(-logit)))
    X, y = np.vstack(rows), np.concatenate(labels).astype(int)
    return {
        "baseline": BaselineRanker(),
        "hgb": LearnedRanker("hgb", max_iter=80).fit(X, y),
        "logistic": LearnedRanker("logistic").fit(X, y),
    }


def job_scores(w, catalogue, rankers, rows):
    X = pairwise(w, catalogue, np.asarray(rows))
    return {name: r.score(X) for name, r in rankers.items()}


workers_st = st.builds(lambda seed, i: random_workers(seed, 8)[i], st.integers(0, 50), st.integers(0, 7))


@PROPERTY
@given(
    w=workers_st,
    pick=st.integers(0, 10_000),
    years=st.integers(0, 20),
    level=st.sampled_from([None, 1, 3, 5]),
    with_text=st.booleans(),
)
def test_adding_a_required_skill_never_lowers_the_score(catalogue, rankers, w, pick, years, level, with_text):
    lo, hi = catalogue.kind_range("job")
    row = lo + pick % (hi - lo)
    required = [int(catalogue.skill_ids[c]) for c in catalogue.required[row].indices]
    missing = [s for s in required if s not in w.skills]
    if not missing:
        return
    skill = missing[pick % len(missing)]
    more = replace(w, skills={**w.skills, skill: SkillHeld(years=years, level=level)})
    if with_text:  # the Django side adds the skill's name to the worker's text
        more = replace(more, text=f"{w.text} {SKILLS[skill]}")
    before, after = job_scores(w, catalogue, rankers, [row]), job_scores(more, catalogue, rankers, [row])
    for name in rankers:
        assert after[name][0] >= before[name][0] - 1e-9, name


@PROPERTY
@given(w=workers_st, pick=st.integers(0, 10_000), level=st.sampled_from([None, 1, 2, 3, 4, 5]))
def test_holding_the_required_licence_never_scores_a_job_lower(catalogue, rankers, w, pick, level):
    lo, hi = catalogue.kind_range("job")
    requiring = np.flatnonzero(catalogue.certificate[lo:hi] >= 0) + lo
    row = int(requiring[pick % len(requiring)])
    cert = int(catalogue.certificate_ids[catalogue.certificate[row]])
    without = replace(w, certificates={c: v for c, v in w.certificates.items() if c != cert})
    has_levels = CERTIFICATES[cert][1]
    held = replace(without, certificates={**without.certificates, cert: level if has_levels else None})
    before, after = (
        job_scores(without, catalogue, rankers, [row]),
        job_scores(held, catalogue, rankers, [row]),
    )
    for name in rankers:
        assert after[name][0] >= before[name][0] - 1e-9, name
    # and in a ranking of the two workers for this posting, the holder never comes second
    for name in rankers:
        assert after[name][0] >= before[name][0] - 1e-9


@PROPERTY
@given(
    w=workers_st,
    a=st.sampled_from([*COUNTY_SEATS, Place(25.1, 107.5), Place(26.6, 106.7)]),
    b=st.sampled_from([*COUNTY_SEATS, None]),
    kind=st.sampled_from(["job", "training"]),
)
def test_hukou_without_the_wish_changes_nothing(catalogue, rankers, w, a, b, kind):
    """Hukou in 广西/贵州 or in Guangdong, or none: the same recommendations, explanations included."""
    one = replace(w, wants_work_near_home=False, hukou=a)
    two = replace(w, wants_work_near_home=False, hukou=b)
    for ranker in rankers.values():
        first = [asdict(r) for r in recommend(one, catalogue, ranker, kind=kind, k=10)]
        second = [asdict(r) for r in recommend(two, catalogue, ranker, kind=kind, k=10)]
        assert first == second


def test_a_worker_who_wants_to_work_near_home_ranks_near_home_jobs_higher(rankers):
    # Two identical jobs at the same distance from where the worker lives (广州), one towards 英德
    # (the hukou) and one the other way.
    current = Place(23.13, 113.26)
    north, south = Place(23.13 + 0.9, 113.26), Place(23.13 - 0.9, 113.26)
    assert (
        abs(
            haversine_km(current.lat, current.lng, north.lat, north.lng)
            - haversine_km(current.lat, current.lng, south.lat, south.lng)
        )
        < 1e-6
    )
    catalogue = Catalogue.build([job(1, place=south), job(2, place=north)], TAXONOMY, version="home")
    # Would relocate: both jobs (~100 km away) are within reach, the wish decides the order.
    wants = worker(current=current, hukou=YINGDE, wants_work_near_home=True, willing_to_relocate=True)
    for name, ranker in rankers.items():
        ranked = [r.item_id for r in recommend(wants, catalogue, ranker, kind="job")]
        assert ranked == [2, 1], name
        indifferent = recommend(replace(wants, wants_work_near_home=False), catalogue, ranker, kind="job")
        assert indifferent[0].score == pytest.approx(indifferent[1].score), name


def test_near_home_wish_reaches_candidates_beyond_the_commute_limit():
    """A worker living in 梅州 who wants to work near home in 英德: 英德 postings pass the commute limit."""
    catalogue = Catalogue.build(
        [job(1, place=YINGDE), job(2, place=Place(24.2, 113.0))], TAXONOMY, version="reach"
    )
    w = worker(current=MEIZHOU, hukou=YINGDE, wants_work_near_home=True, max_commute_km=50)
    assert {r.item_id for r in recommend(w, catalogue, BaselineRanker(), kind="job")} == {1, 2}
    assert recommend(replace(w, wants_work_near_home=False), catalogue, BaselineRanker(), kind="job") == []


@pytest.mark.parametrize("kind", ["job", "training"])
def test_batch_equals_one_by_one(catalogue, rankers, kind):
    workers = random_workers(3, 25)
    for ranker in rankers.values():
        batch = recommend_batch(workers, catalogue, ranker, kind=kind, k=12, block_size=7)
        single = [recommend(w, catalogue, ranker, kind=kind, k=12) for w in workers]
        assert [[asdict(r) for r in recs] for recs in batch] == [[asdict(r) for r in recs] for recs in single]
