"""Reference fields shared by the API: taxonomy by slug, divisions by 6-digit code."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.api.filtering import storable_id
from backend.occupations.models import CertificateType, Occupation, Skill
from backend.regions.models import Division


class _CheckedSlugField(serializers.SlugRelatedField):
    """Looks a value up only when it has the key's shape, so junk (NUL, 10 kB) never reaches SQL."""

    shape = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not self.shape.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:32])
        return super().to_internal_value(data)


class DivisionField(_CheckedSlugField):
    default_error_messages = {
        "does_not_exist": _("行政区划代码“{value}”不存在。"),
        "invalid": _("行政区划代码无效。"),
    }

    shape = re.compile(r"^\d{6}$")

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("queryset", Division.objects.all())
        super().__init__(slug_field="code", **kwargs)


class OccupationField(_CheckedSlugField):
    default_error_messages = {"does_not_exist": _("职业“{value}”不存在。"), "invalid": _("职业无效。")}

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("queryset", Occupation.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class SkillField(_CheckedSlugField):
    default_error_messages = {"does_not_exist": _("技能“{value}”不存在。"), "invalid": _("技能无效。")}

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("queryset", Skill.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class CertificateTypeField(_CheckedSlugField):
    default_error_messages = {
        "does_not_exist": _("证书类型“{value}”不存在。"),
        "invalid": _("证书类型无效。"),
    }

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("queryset", CertificateType.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class NamedRef(serializers.Serializer):
    """How a referenced row is shown: its identifier and its name."""

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        if instance is None:
            return None
        key = getattr(instance, "slug", None) or getattr(instance, "code", None) or instance.pk
        return {"id": key, "name": getattr(instance, "name", None) or str(instance)}


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A row by its id; an id the database cannot hold is "not found" before any look-up."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        if storable_id(data) is None:
            self.fail("does_not_exist", pk_value=str(data)[:24])
        return super().to_internal_value(data)
