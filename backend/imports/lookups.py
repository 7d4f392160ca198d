"""Reference data loaded once per file, so validating a row never queries the database.

Divisions resolve by 6-digit code or by name (a name shared by several divisions resolves to the
Guangdong one when exactly one is in Guangdong, else it is ambiguous). Occupations, skills and
certificate types resolve by slug or name first, then by alias.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from backend.common.errors import Message
from backend.occupations.models import CertificateType, Occupation, Skill
from backend.regions.models import Division

T = TypeVar("T", bound=models.Model)

_SPACE = re.compile(r"\s+")
GUANGDONG_PREFIX = "44"
IN_CHUNK = 500


def lookup_key(value: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value))).casefold()


class Unresolved(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class NameIndex(Generic[T]):
    """Objects by slug/name (primary) and by alias (secondary)."""

    noun: Message  # 职业, 技能, 证书 (lazy: rendered in the message)
    code: str  # unknown_<code>, ambiguous_<code>
    primary: dict[str, list[T]] = field(default_factory=dict)
    alias: dict[str, list[T]] = field(default_factory=dict)

    @classmethod
    def build(cls, objects: Iterable[T], *, noun: Message, code: str) -> NameIndex[T]:
        index: NameIndex[T] = cls(noun, code)
        for obj in objects:
            for key in {lookup_key(obj.slug), lookup_key(obj.name)}:  # type: ignore[attr-defined]
                _add(index.primary, key, obj)
            for alias in obj.aliases or []:  # type: ignore[attr-defined]
                if isinstance(alias, str) and alias.strip():
                    _add(index.alias, lookup_key(alias), obj)
        return index

    def resolve(self, value: str) -> T:
        key = lookup_key(value)
        found = self.primary.get(key) or self.alias.get(key)
        if not found:
            raise Unresolved(
                f"unknown_{self.code}", _("未找到{noun}「{value}」。").format(noun=self.noun, value=value)
            )
        if len(found) > 1:
            names = "、".join(sorted(str(o) for o in found))
            raise Unresolved(
                f"ambiguous_{self.code}",
                _("{noun}「{value}」有多个匹配({names}),请填写更准确的名称。").format(
                    noun=self.noun, value=value, names=names
                ),
            )
        return found[0]


def _add(mapping: dict[str, list[T]], key: str, obj: T) -> None:
    bucket = mapping.setdefault(key, [])
    if obj not in bucket:
        bucket.append(obj)


class DivisionIndex:
    def __init__(self, divisions: Iterable[Division]) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        for division in divisions:
            self.by_code[division.code] = division
            self.by_name.setdefault(lookup_key(division.name), []).append(division)

    def resolve(self, value: str) -> Division:
        text = str(value).strip()
        match = re.fullmatch(r"(?:.*[((])?(\d{6})[))]?", text)  # 441881, 英德市(441881)
        if match:
            division = self.by_code.get(match.group(1))
            if division is None:
                raise Unresolved(
                    "unknown_division", _("行政区划代码「{code}」不存在。").format(code=match.group(1))
                )
        else:
            found = self.by_name.get(lookup_key(text), [])
            if len(found) > 1:
                in_guangdong = [d for d in found if d.code.startswith(GUANGDONG_PREFIX)]
                found = in_guangdong if len(in_guangdong) == 1 else found
            if not found:
                raise Unresolved(
                    "unknown_division", _("未找到区县「{text}」,请填写6位行政区划代码。").format(text=text)
                )
            if len(found) > 1:
                codes = "、".join(d.code for d in found)
                raise Unresolved(
                    "ambiguous_division",
                    _("区县名称「{text}」不唯一({codes}),请填写6位代码。").format(text=text, codes=codes),
                )
            division = found[0]
        if division.level == Division.Level.PROVINCE:
            raise Unresolved(
                "division_too_broad", _("「{name}」是省级区划,请填写地市或区县。").format(name=division.name)
            )
        return division


class Lookups:
    """All reference tables a file may need, each loaded at most once (lazily)."""

    def __init__(self) -> None:
        self._divisions: DivisionIndex | None = None
        self._occupations: NameIndex[Occupation] | None = None
        self._skills: NameIndex[Skill] | None = None
        self._certificates: NameIndex[CertificateType] | None = None

    @property
    def divisions(self) -> DivisionIndex:
        if self._divisions is None:
            self._divisions = DivisionIndex(Division.objects.all())
        return self._divisions

    @property
    def occupations(self) -> NameIndex[Occupation]:
        if self._occupations is None:
            self._occupations = NameIndex.build(
                Occupation.objects.all(), noun=pgettext_lazy("in a sentence", "职业"), code="occupation"
            )
        return self._occupations

    @property
    def skills(self) -> NameIndex[Skill]:
        if self._skills is None:
            self._skills = NameIndex.build(
                Skill.objects.all(), noun=pgettext_lazy("in a sentence", "技能"), code="skill"
            )
        return self._skills

    @property
    def certificates(self) -> NameIndex[CertificateType]:
        if self._certificates is None:
            self._certificates = NameIndex.build(
                CertificateType.objects.all(),
                noun=pgettext_lazy("in a sentence", "证书"),
                code="certificate_type",
            )
        return self._certificates


def in_chunks(values: Iterable[str], size: int = IN_CHUNK) -> Iterable[list[str]]:
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def fetch_by(queryset: models.QuerySet[T], field_name: str, values: Iterable[Any]) -> dict[str, T]:
    """{value: object} for objects whose `field_name` is among `values` (chunked IN queries)."""
    wanted = sorted({v for v in values if v})
    found: dict[str, T] = {}
    for batch in in_chunks(wanted):
        for obj in queryset.filter(**{f"{field_name}__in": batch}):
            found[getattr(obj, field_name)] = obj
    return found
