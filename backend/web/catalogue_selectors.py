"""Reads the providers' program pages and the postings pages share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import covered_county_codes, role_of
from backend.occupations.models import Skill
from backend.regions.models import Division

GUANGDONG = "44"


def county_choices(*, user: Any) -> QuerySet[Division]:
    """Where a program or posting may be: Guangdong's counties (service staff: theirs only)."""
    qs = Division.objects.filter(level=Division.Level.COUNTY).select_related("parent").order_by("code")
    if role_of(user) == "service_staff":
        return qs.filter(code__in=covered_county_codes(user))
    return qs.filter(code__startswith=GUANGDONG)


def occupation_skill_names() -> dict[str, list[str]]:
    """{occupation id: its skills' names}, for the tap-to-add skill suggestions."""
    out: dict[str, list[str]] = {}
    for occupation_id, name in Skill.occupations.through.objects.values_list(
        "occupation_id", "skill__name"
    ).order_by("skill__name"):
        out.setdefault(str(occupation_id), []).append(name)
    return out
