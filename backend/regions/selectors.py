from __future__ import annotations

import math

from django.db.models import QuerySet

from .models import Division


def division_codes_within(*, code: str) -> list[str]:
    """The code and every division under it (a city code covers all its counties)."""
    division = Division.objects.filter(code=code).first()
    if division is None:
        return []
    return list(Division.objects.filter(code__startswith=division.code_prefix).values_list("code", flat=True))


def division_list(*, parent: str | None = None, level: int | None = None, q: str = "") -> QuerySet[Division]:
    qs = Division.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
