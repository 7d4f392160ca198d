"""GET /api/v1/search/ and /api/v1/search/suggest/: parameters validated, then one service call."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.throttling import AnonRateThrottle

from .params import SearchParams
from .services import search_run, search_suggest


def _result_schema() -> serializers.Serializer:
    facet: dict[str, serializers.Field] = {
        "value": serializers.CharField(),
        "label": serializers.CharField(),
        "count": serializers.IntegerField(),
    }
    hit: dict[str, serializers.Field] = {
        "kind": serializers.ChoiceField(choices=["job", "training"]),
        "id": serializers.IntegerField(),
        "score": serializers.FloatField(),
        "title": serializers.CharField(),
        "snippet": serializers.CharField(help_text="HTML,匹配词以 <mark> 标出"),
        "distance_km": serializers.FloatField(allow_null=True),
        "fields": serializers.DictField(),
    }
    result: dict[str, serializers.Field] = {
        "total": serializers.IntegerField(),
        "page": serializers.IntegerField(),
        "page_size": serializers.IntegerField(),
        "took_ms": serializers.FloatField(),
        "hits": inline_serializer("SearchHit", hit, many=True),
        "facets": serializers.DictField(child=inline_serializer("FacetValue", facet, many=True)),
    }
    return inline_serializer("SearchResult", result)


def _parameters(serializer: type[serializers.Serializer]) -> list[OpenApiParameter]:
    params = []
    for name, field in serializer().fields.items():
        many = isinstance(field, serializers.ListField)
        params.append(OpenApiParameter(name, str, many=many, description=str(field.help_text or "")))
    return params


class SearchView(APIView):
    """全文、分面和地理搜索:岗位与培训。"""

    permission_classes = (AllowAny,)
    throttle_classes = (AnonRateThrottle,)

    @extend_schema(parameters=_parameters(SearchParams), responses=_result_schema())
    def get(self, request: Request) -> Response:
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = search_run(query=params.to_query())
        body = asdict(result)
        return Response(body)


class SuggestView(APIView):
    """自动补全:岗位/培训标题、职业、技能;支持前缀和拼音。"""

    permission_classes = (AllowAny,)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="已输入的文字或拼音前缀")],
        responses=inline_serializer(
            "Suggestions", {"suggestions": serializers.ListField(child=serializers.DictField())}
        ),
    )
    def get(self, request: Request) -> Response:
        prefix = str(request.query_params.get("q", ""))[:50]
        return Response({"suggestions": [asdict(s) for s in search_suggest(prefix=prefix)]})
