"""Read-only reference API: divisions, occupations, skills (search by name, synonym or pinyin), certificates."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from backend.regions.models import Division
from backend.regions.selectors import division_list

from . import selectors
from .models import CertificateType, Occupation, Skill

_Q = OpenApiParameter("q", str, description="名称、同义词、全拼或拼音首字母,如 月嫂 / yuesao / ys")


class DivisionOutput(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ("code", "name", "level", "parent", "latitude", "longitude")


class OccupationOutput(serializers.ModelSerializer):
    brand_label = serializers.CharField(source="get_brand_display", read_only=True)

    class Meta:
        model = Occupation
        fields = ("slug", "name", "national_code", "brand", "brand_label", "category", "aliases")


class SkillOutput(serializers.ModelSerializer):
    occupations: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = Skill
        fields = ("slug", "name", "aliases", "category", "occupations")


class CertificateTypeOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    occupation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = CertificateType
        fields = ("slug", "name", "kind", "kind_label", "has_levels", "occupation", "aliases")


class _ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = (AllowAny,)
    lookup_field = "slug"
    filter_backends = ()


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("parent", str, description="上级区划代码"),
    OpenApiParameter("level", int, description="1 省级, 2 地级, 3 县级"),
    OpenApiParameter("q", str, description="名称包含"),
]))  # fmt: skip
class DivisionViewSet(_ReferenceViewSet):
    """行政区划 (GB/T 2260)."""

    serializer_class = DivisionOutput
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        level = params.get("level", "")
        return division_list(
            parent=params.get("parent"),
            level=int(level) if level.isdigit() else None,
            q=params.get("q", "")[:32],
        )


def _search_or_all(model, search, request):  # type: ignore[no-untyped-def]
    q = request.query_params.get("q", "").strip()[:64]
    return search(q=q, limit=50) if q else model.objects.all()


@extend_schema_view(list=extend_schema(parameters=[_Q]))
class OccupationViewSet(_ReferenceViewSet):
    """职业."""

    serializer_class = OccupationOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _search_or_all(Occupation, selectors.occupation_search, self.request)


@extend_schema_view(list=extend_schema(parameters=[_Q]))
class SkillViewSet(_ReferenceViewSet):
    """技能, searchable by name, synonym (月嫂), full pinyin (yuesao) or initials (ys)."""

    serializer_class = SkillOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = _search_or_all(Skill, selectors.skill_search, self.request)
        return qs.prefetch_related("occupations")


@extend_schema_view(list=extend_schema(parameters=[_Q]))
class CertificateTypeViewSet(_ReferenceViewSet):
    """证书类型."""

    serializer_class = CertificateTypeOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _search_or_all(
            CertificateType, selectors.certificate_type_search, self.request
        ).select_related("occupation")
