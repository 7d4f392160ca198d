import pytest

from backend.common.geo import haversine_km
from backend.regions.loader import boundary_centroids, iter_divisions
from backend.regions.models import Division
from backend.regions.selectors import division_codes_within

pytestmark = pytest.mark.django_db


def _counts(prefix: str) -> tuple[int, int]:
    qs = Division.objects.filter(code__startswith=prefix)
    return qs.filter(level=Division.Level.PREFECTURE).count(), qs.filter(level=Division.Level.COUNTY).count()


def test_guangdong_guangxi_guizhou_are_complete():
    # Guangdong: 21 prefectures, 122 county-level divisions (东莞 and 中山 have none).
    assert _counts("44") == (21, 122)
    assert _counts("45") == (14, 111)
    assert _counts("52") == (9, 88)


def test_recent_divisions_exist_with_coordinates():
    longhua = Division.objects.get(code="440309")
    assert longhua.name == "龙华区"
    assert longhua.parent_id == "440300"
    # Longhua lies north of central Shenzhen (22.54N, 114.06E), about 17 km away.
    assert 10 < haversine_km(longhua.latitude, longhua.longitude, 22.543, 114.058) < 25


def test_every_division_has_coordinates_and_a_parent_of_the_level_above():
    assert not Division.objects.filter(latitude__isnull=True).exists()
    for division in Division.objects.filter(
        level=Division.Level.COUNTY, code__startswith="44"
    ).select_related("parent"):
        assert division.parent.level in (Division.Level.PREFECTURE, Division.Level.PROVINCE)
        assert division.code.startswith(division.parent.code_prefix)


def test_prefecture_code_covers_its_counties():
    codes = division_codes_within(code="441800")  # 清远市
    assert "441882" in codes  # 连州市
    assert "441802" in codes
    assert all(code.startswith("4418") for code in codes)
    assert division_codes_within(code="999999") == []


def test_loading_twice_changes_nothing(django_db_blocker):
    from backend.regions.loader import load_divisions

    before = Division.objects.count()
    counts = load_divisions()
    assert counts["created"] == 0
    assert Division.objects.count() == before == counts["total"]


def test_boundary_centroid_is_inside_the_county():
    # 连南瑶族自治县 centroid from its boundary polygon lies near its seat (24.72N, 112.29E).
    lat, lng = boundary_centroids({"441826"})["441826"]
    assert haversine_km(lat, lng, 24.72, 112.29) < 30


def test_parents_precede_children():
    seen: set[str] = set()
    for row in iter_divisions():
        assert row.parent_code is None or row.parent_code in seen
        seen.add(row.code)
