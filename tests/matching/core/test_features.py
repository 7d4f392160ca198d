"""Pairwise features: names, shapes, values on hand-built cases."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backend.common.geo import haversine_km
from matching.core import FEATURE_NAMES, Catalogue, pairwise
from matching.core.features import IDX
from matching.core.types import SkillHeld

from .helpers import (
    BABYCARE,
    COOK,
    COOK_LEVEL,
    ELECTRICAL,
    FOSHAN,
    GUANGZHOU,
    HOMECARE,
    HOUSEKEEPING,
    MEIZHOU,
    SHAOGUAN,
    TAXONOMY,
    TODAY,
    WELDER,
    WELDING,
    WELDING_LICENCE,
    WOK,
    YINGDE,
    job,
    training,
    worker,
)

ITEMS = [
    job(1, required=(WELDING, ELECTRICAL), place=FOSHAN, wage_min=6000, wage_max=8000, lodging=True),
    job(2, occupation=COOK, required=(WOK,), certificate_id=COOK_LEVEL, certificate_level=4, place=SHAOGUAN),
    job(3, required=(WELDING,), certificate_id=WELDING_LICENCE, place=MEIZHOU, wage_min=3000, wage_max=4000),
    training(10, occupation=HOMECARE, taught=(HOUSEKEEPING, BABYCARE), free=True, fee=0, start_date=TODAY),
    training(
        11,
        occupation=COOK,
        taught=(WOK,),
        certificate_id=COOK_LEVEL,
        certificate_level=3,
        place=None,
        online=True,
    ),
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.build(ITEMS, TAXONOMY, version="f")


def rows(catalogue, *pairs):
    return np.array([catalogue.index_of(kind, i) for kind, i in pairs])


def test_names_are_unique_and_shape_matches(catalogue):
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    X = pairwise(worker(), catalogue, np.arange(catalogue.n))
    assert X.shape == (catalogue.n, len(FEATURE_NAMES))
    assert np.isfinite(X).all()


def test_job_features(catalogue):
    w = worker(
        skills={WELDING: SkillHeld(years=4)},
        certificates={COOK_LEVEL: 5},
        wage_floor=5000,
        needs_lodging=True,
        available_from=TODAY,
    )
    X = pairwise(w, catalogue, rows(catalogue, ("job", 1), ("job", 2), ("job", 3)))
    f = {name: X[:, i] for name, i in IDX.items()}
    assert f["skill_coverage"].tolist() == [0.5, 0.0, 1.0]
    assert f["qualified"].tolist() == [0.0, 0.0, 0.0]  # job 3 needs the welding licence
    assert f["certificate_fit"].tolist() == [1.0, 0.5, 0.0]  # level 5 held, 4 required; licence missing
    assert f["experience"][0] == pytest.approx(0.4)
    assert f["experience"][1] == 0
    assert f["occupation_match"].tolist() == [1.0, 0.0, 1.0]  # desires 焊工
    d = haversine_km(GUANGZHOU.lat, GUANGZHOU.lng, FOSHAN.lat, FOSHAN.lng)
    assert f["proximity"][0] == pytest.approx(1 / (1 + d / 25), rel=1e-4)
    assert f["proximity"][0] > f["proximity"][1] > f["proximity"][2]
    assert f["wage_fit"][0] == 1.0
    assert f["wage_fit"][2] == 0.0
    assert f["lodging_fit"].tolist() == [1.0, 0.0, 0.0]
    assert (f["home_proximity"] == 0).all()  # no wish to work near home: a constant
    assert (f["is_training"] == 0).all()
    assert (f["new_skills"] == 0).all()


def test_neutral_values_for_wishes_the_worker_does_not_have(catalogue):
    X = pairwise(worker(), catalogue, rows(catalogue, ("job", 1), ("job", 2), ("job", 3)))
    for name in ("lodging_fit", "meals_fit", "couple_room_fit", "wage_fit", "start_fit"):
        assert (X[:, IDX[name]] == 1.0).all(), name
    assert (X[:, IDX["home_proximity"]] == 0.0).all()


def test_training_features(catalogue):
    w = worker(
        skills={HOUSEKEEPING: SkillHeld()},
        certificates={COOK_LEVEL: 4},
        desired_occupations=(HOMECARE, WELDER),
        available_from=TODAY,
    )
    X = pairwise(w, catalogue, rows(catalogue, ("training", 10), ("training", 11)))
    f = {name: X[:, i] for name, i in IDX.items()}
    assert f["new_skills"].tolist() == [pytest.approx(0.2), pytest.approx(0.2)]
    assert f["gap_closing"][0] == pytest.approx(1 / 3)  # teaches 母婴护理, wanted for 家政服务员
    assert f["certificate_upgrade"].tolist() == [0.0, 1.0]  # level 3 awarded, level 4 held
    assert f["free_or_subsidised"][0] == 1.0
    assert f["online"].tolist() == [0.0, 1.0]
    assert f["proximity"][1] == 1.0
    assert (f["skill_coverage"] == 0).all()
    assert (f["certificate_fit"] == 0).all()
    assert (f["is_training"] == 1).all()


def test_home_proximity_only_for_a_worker_who_wants_to_work_near_home(catalogue):
    near_home = worker(current=MEIZHOU, hukou=YINGDE, wants_work_near_home=True)
    X = pairwise(near_home, catalogue, rows(catalogue, ("job", 1), ("job", 2), ("job", 3)))
    home = X[:, IDX["home_proximity"]]
    assert home[1] > home[0] > home[2]  # 韶关 is nearest 英德, then 佛山, then 梅州
    not_wished = replace(near_home, wants_work_near_home=False)
    assert (pairwise(not_wished, catalogue, np.arange(3))[:, IDX["home_proximity"]] == 0).all()
