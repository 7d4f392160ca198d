"""Matching API: live recommendations, the window preview, suggestions and their review, batch runs,
model versions. Views validate input, call one service or selector, and serialise the result.

GET  /api/v1/workers/{id}/recommendations/?kind=job|training&k=20   live, explained, with pathways
POST /api/v1/matching/preview/                                      an unsaved profile (staff)
GET  /api/v1/suggestions/?county=&kind=&status=&min_score=&max_score=&run=&worker=
GET  /api/v1/suggestions/{id}/
POST /api/v1/suggestions/{id}/review/        {decision: approve|reject, reason_code, note}
POST /api/v1/suggestions/{id}/annotate/      {note}
POST /api/v1/suggestions/bulk-review/        {ids, decision, reason_code, note}  all or nothing
GET  /api/v1/me/suggestions/                 a worker's approved suggestions
GET/POST /api/v1/matching/runs/              list; start {kind, county_codes}
GET  /api/v1/matching/runs/{id}/             progress
POST /api/v1/matching/runs/{id}/cancel/ | resume/
GET  /api/v1/matching/model-versions/        with metrics; POST .../{id}/activate/ (admin)
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.fields import DivisionField, OccupationField
from backend.api.filtering import ID_MAX
from backend.api.idempotency import idempotent
from backend.api.views import ServiceViewSet
from backend.workers.api import CertificateHeldInput, SkillHeldInput

from . import selectors
from .models import MatchingRun, ModelVersion, Suggestion
from .policies import can_see_review_details
from .services import recommend, review, runs, versions

# --- live recommendations and preview ---------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class KindField(serializers.ChoiceField):
    """job | training, documented as a plain string: the search API's components already own the
    {job, training} "kind" enum, and a second component using it would make its name ambiguous."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "job | training")
        super().__init__(choices=recommend.KINDS, **kwargs)


class RecommendationsQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=recommend.KINDS, default="job")
    k = serializers.IntegerField(min_value=1, max_value=recommend.MAX_K, default=20)


class RecommendationOutput(serializers.Serializer):
    kind = serializers.CharField()
    item_id = serializers.IntegerField()
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    reason = serializers.CharField(
        allow_blank=True,
        help_text="培训的推荐原因代码: start_business, upgrade_certificate, desired_occupation, "
        "online_far_from_venue, skill_gap;岗位为空",
    )
    summary = serializers.CharField(allow_blank=True, help_text="推荐理由(中文一句话)")
    qualified = serializers.BooleanField(allow_null=True, help_text="岗位:必备技能和证书是否都已具备")
    explanation = serializers.JSONField(
        help_text="匹配技能、缺少技能、证书、距离(公里)、工资、住宿、主要因素"
    )
    pathways = serializers.JSONField(help_text="“先培训再上岗”:能补上差距的开班")
    item = serializers.JSONField(help_text="岗位或开班的概要")


class RecommendationsOutput(serializers.Serializer):
    kind = serializers.CharField()
    model_version = serializers.CharField()
    catalogue_version = serializers.CharField()
    results = RecommendationOutput(many=True)


class WorkerRecommendationsView(APIView):
    """Live recommendations for one worker: the worker, staff of their county, an admin."""

    @extend_schema(parameters=[RecommendationsQuery], responses=RecommendationsOutput)
    def get(self, request: Request, worker_id: int) -> Response:
        query = RecommendationsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        worker = selectors.worker_for_matching(user=request.user, worker_id=worker_id)
        result = recommend.recommendations_for_worker(
            actor=request.user, worker=worker, **query.validated_data
        )
        return Response(RecommendationsOutput(result).data)


class PreviewInput(serializers.Serializer):
    """An unsaved profile as typed at the window. Gender, ethnicity and identity are not asked."""

    kind = KindField(default="job")
    k = serializers.IntegerField(min_value=1, max_value=recommend.MAX_K, default=20)
    current_division = DivisionField()
    hukou_division = DivisionField(required=False, allow_null=True)
    preferred_divisions = DivisionField(many=True, required=False)
    desired_occupations = OccupationField(many=True, required=False)
    skills = SkillHeldInput(many=True, required=False)
    certificates = CertificateHeldInput(many=True, required=False)
    wants_work_near_home = serializers.BooleanField(default=False)
    max_commute_km = serializers.IntegerField(min_value=0, max_value=2000, required=False, allow_null=True)
    willing_to_relocate = serializers.BooleanField(default=False)
    wage_floor = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    needs_lodging = serializers.BooleanField(default=False)
    needs_meals = serializers.BooleanField(default=False)
    needs_couple_room = serializers.BooleanField(default=False)
    wants_to_start_business = serializers.BooleanField(default=False)
    available_from = serializers.DateField(required=False, allow_null=True)


class PreviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PreviewInput, responses=RecommendationsOutput)
    def post(self, request: Request) -> Response:
        data = PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = recommend.matching_preview(actor=request.user, data=data.validated_data)
        return Response(RecommendationsOutput(result).data)


# --- suggestions -----------------------------------------------------------------------------


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name or user.username}


class SuggestionOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="job | training")  # see KindField
    worker = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reason_code_label = serializers.CharField(source="get_reason_code_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    model_version = serializers.CharField(source="model_version.name", read_only=True)
    reviewed_by = serializers.SerializerMethodField()

    # Staff-only: a worker sees what was suggested and why, not the review internals.
    STAFF_ONLY = ("score", "reason_code", "reason_code_label", "note", "reviewed_by", "model_version", "run")

    class Meta:
        model = Suggestion
        fields = (
            "id", "worker", "kind", "item", "score", "rank", "reason", "explanation", "pathways", "status",
            "status_label", "reason_code", "reason_code_label", "note", "reviewed_by", "reviewed_at", "outcome",
            "outcome_label", "application", "enrolment", "model_version", "run", "created_at", "updated_at",
        )  # fmt: skip

    def get_worker(self, obj: Suggestion) -> dict[str, Any]:
        return {"id": obj.worker_id, "name": obj.worker.name}

    def get_item(self, obj: Suggestion) -> dict[str, Any]:
        if obj.kind == Suggestion.Kind.JOB:
            return selectors.posting_summary(obj.posting)  # type: ignore[arg-type]
        return selectors.session_summary(obj.session)  # type: ignore[arg-type]

    def get_reviewed_by(self, obj: Suggestion) -> dict[str, Any] | None:
        return _person(obj.reviewed_by)

    def to_representation(self, instance: Suggestion) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_see_review_details(request.user):
            for name in self.STAFF_ONLY:
                data.pop(name, None)
        return data


class SuggestionFilterInput(serializers.Serializer):
    county = serializers.RegexField(r"^\d{6}$", required=False, help_text="劳动者常住地(区县、地市或省)代码")
    kind = serializers.ChoiceField(choices=Suggestion.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Suggestion.Status.choices, required=False)
    min_score = serializers.FloatField(required=False, min_value=-1e6, max_value=1e6)
    max_score = serializers.FloatField(required=False, min_value=-1e6, max_value=1e6)
    run = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    worker = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "通过"), ("reject", "驳回")])
    reason_code = serializers.ChoiceField(
        choices=Suggestion.ReasonCode.choices, required=False, allow_blank=True, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=review.NOTE_MAX)


class BulkReviewInput(ReviewInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        min_length=1,
        max_length=review.BULK_REVIEW_LIMIT,
    )


class BulkReviewOutput(serializers.Serializer):
    results = SuggestionOutput(many=True)


class AnnotateInput(serializers.Serializer):
    note = serializers.CharField(max_length=review.NOTE_MAX)


class SuggestionViewSet(ServiceViewSet):
    """匹配建议: staff of the worker's county review them; a worker sees their approved ones."""

    selector = staticmethod(selectors.suggestion_list)
    serializer_class = SuggestionOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        filters: dict[str, Any] = {}
        if self.action == "list":
            query = SuggestionFilterInput(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            filters = query.validated_data
        return selectors.suggestion_list(user=self.request.user, **filters)

    @extend_schema(parameters=[SuggestionFilterInput])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReviewInput, responses=SuggestionOutput)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = review.suggestion_review(
            actor=request.user, suggestion=self.get_object(), **data.validated_data
        )
        return self.output(suggestion)

    @extend_schema(request=AnnotateInput, responses=SuggestionOutput)
    @action(detail=True, methods=["post"])
    def annotate(self, request: Request, pk: str | None = None) -> Response:
        data = AnnotateInput(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = review.suggestion_annotate(
            actor=request.user, suggestion=self.get_object(), **data.validated_data
        )
        return self.output(suggestion)

    @extend_schema(request=BulkReviewInput, responses=BulkReviewOutput)
    @action(detail=False, methods=["post"], url_path="bulk-review")
    def bulk_review(self, request: Request) -> Response:
        data = BulkReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = review.suggestion_bulk_review(actor=request.user, **data.validated_data)
        fresh = selectors.suggestion_list(user=request.user).filter(pk__in=[s.pk for s in done])
        return Response(
            {"results": SuggestionOutput(fresh, many=True, context=self.get_serializer_context()).data}
        )


class MySuggestionsView(generics.ListAPIView):
    """我的推荐: the approved suggestions of the signed-in worker."""

    serializer_class = SuggestionOutput
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.my_suggestions(user=self.request.user)


# --- runs and model versions -------------------------------------------------------------------


class MatchingRunOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="job | training | both")
    status_label = serializers.CharField(
        read_only=True, help_text="状态的显示文字;工作进程中断后为“已中断，正在恢复”"
    )
    interrupted = serializers.BooleanField(read_only=True, help_text="工作进程中断,正在恢复")
    started_by = serializers.SerializerMethodField()
    model_version = serializers.CharField(
        source="model_version.name", read_only=True, default=None, allow_null=True
    )
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = MatchingRun
        fields = (
            "id", "kind", "status", "status_label", "interrupted", "started_by", "all_counties", "county_codes",
            "jobs_per_worker", "trainings_per_worker", "total_workers", "processed_workers", "progress",
            "suggestions_created", "suggestions_updated", "suggestions_withdrawn", "cursor", "model_version",
            "catalogue_version", "started_at", "finished_at", "error", "created_at",
        )  # fmt: skip

    def get_started_by(self, obj: MatchingRun) -> dict[str, Any] | None:
        return _person(obj.started_by)


class MatchingRunInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MatchingRun.Kind.choices, default=MatchingRun.Kind.BOTH)
    county_codes = serializers.ListField(
        child=serializers.RegexField(r"^\d{6}$"), required=False, max_length=500,
        help_text="留空:服务人员为本中心全部辖区,管理员为全部区县",
    )  # fmt: skip


class MatchingRunViewSet(ServiceViewSet):
    """批量匹配: start a run (202), follow its progress, cancel or resume it."""

    selector = staticmethod(selectors.run_list)
    serializer_class = MatchingRunOutput
    input_serializer_class = MatchingRunInput

    @extend_schema(request=MatchingRunInput, responses={202: MatchingRunOutput})
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MatchingRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = runs.matching_run_start(
            actor=request.user,
            kind=data.validated_data["kind"],
            county_codes=data.validated_data.get("county_codes"),
        )
        run.refresh_from_db()  # with eager Celery the run has already finished
        return self.output(run, status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=MatchingRunOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self.output(runs.matching_run_cancel(actor=request.user, run=self.get_object()))

    @extend_schema(request=None, responses=MatchingRunOutput)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self.output(runs.matching_run_resume(actor=request.user, run=self.get_object()))


class ModelVersionOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ModelVersion
        fields = ("id", "name", "kind", "kind_label", "metrics", "trained_on", "is_active", "activated_at",
                  "created_at")  # fmt: skip


class ModelVersionViewSet(ServiceViewSet):
    """排序模型版本 with their offline metrics (NDCG@10, recall@10, MRR); an admin may switch."""

    selector = staticmethod(selectors.model_version_list)
    serializer_class = ModelVersionOutput

    @extend_schema(request=None, responses=ModelVersionOutput)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self.output(versions.model_version_activate(actor=request.user, version=self.get_object()))
