"""The search query parameters: ?q=&kind=&division=... validated into a SearchQuery.

The API's views and the web search page both validate with `SearchParams`, so a page and an API
call with the same parameters run the same query.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.api.filtering import ID_MAX
from backend.occupations.models import Brand
from backend.regions.models import Division

from .query import (
    JOB_ONLY_FILTERS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_TEXT_LENGTH,
    TRAINING_ONLY_FILTERS,
    GeoPoint,
    Kind,
    SearchQuery,
    Sort,
)

# The parameter each SearchQuery field is read from, where the two names differ (see to_query).
PARAM_OF_FIELD = {
    "text": "q",
    "brands": "brand",
    "occupations": "occupation",
    "skills": "skill",
    "free_or_subsidised": "free",
    "origin": "near",
}
# The one-kind filters (search.query) by parameter name: switching to the other kind drops them.
JOB_ONLY_PARAMS = tuple(PARAM_OF_FIELD.get(name, name) for name in JOB_ONLY_FILTERS)
TRAINING_ONLY_PARAMS = tuple(PARAM_OF_FIELD.get(name, name) for name in TRAINING_ONLY_FILTERS)

_LATLNG = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


class CommaList(serializers.ListField):
    """Accepts ?brand=a&brand=b and ?brand=a,b alike."""

    def get_value(self, dictionary: Any) -> Any:
        if not hasattr(dictionary, "getlist") or self.field_name not in dictionary:
            return serializers.empty
        return [
            part.strip()
            for raw in dictionary.getlist(self.field_name)
            for part in raw.split(",")
            if part.strip()
        ]


class SearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH, trim_whitespace=True,
                              help_text="搜索词:中文、拼音全拼或首字母,同义词自动扩展(月嫂→母婴护理员)")  # fmt: skip
    kind = serializers.ChoiceField(
        choices=["all", "job", "training"], default="all", help_text="job 岗位 / training 培训"
    )
    division = serializers.RegexField(
        r"^\d{6}$", required=False, help_text="行政区划代码,省/市/县任一级;市级代码包含其下所有区县"
    )
    brand = CommaList(child=serializers.ChoiceField(choices=Brand.choices), required=False, max_length=10)
    occupation = CommaList(child=serializers.SlugField(max_length=64), required=False, max_length=10)
    skill = CommaList(child=serializers.SlugField(max_length=64), required=False, max_length=10)
    delivery = CommaList(
        child=serializers.ChoiceField(choices=["offline", "online", "blended"]), required=False, max_length=3
    )
    wage_floor = serializers.IntegerField(
        required=False, min_value=0, max_value=100000, help_text="月薪不低于(元)"
    )
    free = serializers.BooleanField(required=False, default=False, help_text="只看免费或可享补贴的培训")
    lodging = serializers.BooleanField(required=False, default=False, help_text="包住")
    meals = serializers.BooleanField(required=False, default=False, help_text="包吃")
    social_insurance = serializers.BooleanField(required=False, default=False, help_text="五险一金/社保")
    campaign = serializers.CharField(required=False, max_length=64, help_text="招聘活动,如 南粤春暖")
    employer = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    provider = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    start_from = serializers.DateField(required=False, help_text="开班日期不早于")
    start_to = serializers.DateField(required=False, help_text="开班日期不晚于")
    near = serializers.CharField(
        required=False, max_length=64, help_text="起点:行政区划代码(取其中心)或 纬度,经度"
    )
    radius_km = serializers.FloatField(
        required=False, min_value=0.1, max_value=3000, help_text="距起点半径(公里)"
    )
    sort = serializers.ChoiceField(choices=[s.value for s in Sort], default=Sort.RELEVANCE.value)
    facets = serializers.BooleanField(required=False, default=True)
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=MAX_PAGE)
    page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate_near(self, value: str) -> GeoPoint:
        found = _LATLNG.match(value)
        if found:
            lat, lng = float(found.group(1)), float(found.group(2))
            if -90 <= lat <= 90 and -180 <= lng <= 180:
                return GeoPoint(lat, lng)
            raise serializers.ValidationError(_("经纬度超出范围。"), code="invalid_coordinates")
        division = Division.objects.filter(code=value.strip()).first() if value.strip().isdigit() else None
        if division is None or division.latitude is None or division.longitude is None:
            raise serializers.ValidationError(_("起点应为行政区划代码或“纬度,经度”。"), code="invalid_origin")
        return GeoPoint(division.latitude, division.longitude)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("sort") == Sort.DISTANCE and not attrs.get("near"):
            raise serializers.ValidationError(
                {"near": [_("按距离排序需要提供起点。")]}, code="origin_required"
            )
        if attrs.get("radius_km") is not None and not attrs.get("near"):
            raise serializers.ValidationError(
                {"near": [_("按半径筛选需要提供起点。")]}, code="origin_required"
            )
        start_from, start_to = attrs.get("start_from"), attrs.get("start_to")
        if start_from and start_to and start_to < start_from:
            raise serializers.ValidationError(
                {"start_to": [_("结束日期不能早于开始日期。")]}, code="invalid_range"
            )
        return attrs

    def to_query(self) -> SearchQuery:
        data = self.validated_data
        kinds = (Kind.JOB, Kind.TRAINING) if data["kind"] == "all" else (Kind(data["kind"]),)
        return SearchQuery(
            text=data.get("q", ""),
            kinds=kinds,
            division=data.get("division"),
            brands=tuple(data.get("brand", ())),
            occupations=tuple(data.get("occupation", ())),
            skills=tuple(data.get("skill", ())),
            delivery=tuple(data.get("delivery", ())),
            wage_floor=data.get("wage_floor"),
            free_or_subsidised=data["free"],
            lodging=data["lodging"],
            meals=data["meals"],
            social_insurance=data["social_insurance"],
            campaign=data.get("campaign") or None,
            employer=data.get("employer"),
            provider=data.get("provider"),
            start_from=data.get("start_from"),
            start_to=data.get("start_to"),
            origin=data.get("near"),
            radius_km=data.get("radius_km"),
            sort=Sort(data["sort"]),
            facets=data["facets"],
            page=data["page"],
            page_size=data["page_size"],
        )
