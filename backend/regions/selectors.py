from __future__ import annotations

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
