"""Look-ups over the taxonomy: name, alias, full pinyin or pinyin initials (月嫂, jiazheng, jz)."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Case, F, IntegerField, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Length

from backend.text.pinyin import SEPARATOR, normalize

from .models import CertificateType, Occupation, Skill

M = TypeVar("M", Occupation, Skill, CertificateType)

MAX_LIMIT = 100


def _search(queryset: QuerySet[M], q: str, limit: int) -> QuerySet[M]:
    """Case-insensitive substring match on search_terms, best first.

    Rank: 0 the name itself, 1 a whole term (an alias, or the pinyin/initials of the name or an alias),
    2 the name starts with q, 3 a term starts with q, 4 q occurs anywhere; then shorter names first.
    """
    term = normalize(q)
    limit = max(0, min(limit, MAX_LIMIT))
    if not term or not limit:
        return queryset.none()
    padded = Concat(Value(SEPARATOR), F("search_terms"), Value(SEPARATOR), output_field=TextField())
    rank = Case(
        When(name__iexact=term, then=Value(0)),
        When(_padded_terms__contains=f"{SEPARATOR}{term}{SEPARATOR}", then=Value(1)),
        When(name__istartswith=term, then=Value(2)),
        When(_padded_terms__contains=f"{SEPARATOR}{term}", then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(search_terms__icontains=term)
        .annotate(_padded_terms=padded)
        .annotate(search_rank=rank, _name_length=Length("name"))
        .order_by("search_rank", "_name_length", "name")[:limit]
    )


def skill_search(*, q: str, limit: int = 20) -> QuerySet[Skill]:
    return _search(Skill.objects.all(), q, limit)


def occupation_search(*, q: str, limit: int = 20) -> QuerySet[Occupation]:
    return _search(Occupation.objects.all(), q, limit)


def certificate_type_search(*, q: str, limit: int = 20) -> QuerySet[CertificateType]:
    return _search(CertificateType.objects.select_related("occupation"), q, limit)


def synonym_groups() -> list[list[str]]:
    """[name, *aliases] of every occupation, skill and certificate type that has aliases.

    Entries without aliases carry no synonym and are left out. Groups of different tables may share a
    term (电焊 is both an occupation alias and a skill alias); merging them is up to the caller.
    """
    groups: list[list[str]] = []
    model: type[models.Model]
    for model in (Occupation, Skill, CertificateType):
        for name, aliases in model._default_manager.order_by("pk").values_list("name", "aliases"):
            if aliases:
                groups.append([name, *aliases])
    return groups
