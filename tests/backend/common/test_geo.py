import numpy as np
import pytest

from backend.common.geo import haversine_km, haversine_km_many

# 广州 (Yuexiu) to 英德: about 118 km as the crow flies.
GUANGZHOU = (23.1291, 113.2644)
YINGDE = (24.1861, 113.4051)


def test_known_distance_and_symmetry():
    d = haversine_km(*GUANGZHOU, *YINGDE)
    assert 115 < d < 121
    assert haversine_km(*YINGDE, *GUANGZHOU) == pytest.approx(d)
    assert haversine_km(*GUANGZHOU, *GUANGZHOU) == 0.0


def test_antipodes_do_not_overflow_asin():
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(np.pi * 6371.0088)


def test_array_form_agrees_with_the_scalar_form():
    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(18, 26, 50), rng.uniform(18, 26, 50)
    lng1, lng2 = rng.uniform(108, 118, 50), rng.uniform(108, 118, 50)
    many = haversine_km_many(lat1, lng1, lat2, lng2)
    one = [haversine_km(*args) for args in zip(lat1, lng1, lat2, lng2, strict=True)]
    np.testing.assert_allclose(many, one, rtol=1e-12)
