"""Import API: upload a file (202 + job), read a job's status, download a template.

POST /api/v1/imports/                      multipart: kind, file  -> 202 {id, status, status_url, ...}
                                           (400 `fields.file[0].code` for a file over a limit
                                           seen before parsing: file_too_large, unpacked_too_large,
                                           compression_ratio_too_high, too_many_sheets, ...)
GET  /api/v1/imports/                      the actor's jobs (admin: all), newest first
GET  /api/v1/imports/<id>/                 status, progress (rows_done of rows_total), counts, every error
GET  /api/v1/imports/templates/<kind>.xlsx (or .csv): the header row for that kind
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.idempotency import idempotent
from backend.common.errors import NotFound

from .models import ImportJob
from .schemas import SCHEMAS
from .selectors import import_job_get, import_job_list
from .services import import_authorise, import_job_create
from .templates import CONTENT_TYPES, template_csv, template_filename, template_xlsx

LIST_LIMIT = 50


class ImportUploadInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField(allow_empty_file=False)


class ImportJobOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(
        read_only=True, help_text="状态的显示文字;工作进程中断后为“已中断，正在恢复”"
    )
    interrupted = serializers.BooleanField(read_only=True, help_text="工作进程中断,正在恢复")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    error_count = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "kind_label",
            "filename",
            "status",
            "status_label",
            "interrupted",
            "row_count",
            "created_count",
            "updated_count",
            "error_count",
            "errors",
            "notices",
            "stage",
            "rows_done",
            "rows_total",
            "created_at",
            "finished_at",
            "status_url",
        ]

    def get_error_count(self, job: ImportJob) -> int:
        return len(job.errors or [])

    def get_status_url(self, job: ImportJob) -> str:
        request = self.context.get("request")
        return job_status_url(request, job.pk)


class ImportJobSummaryOutput(ImportJobOutput):
    class Meta(ImportJobOutput.Meta):
        fields = [f for f in ImportJobOutput.Meta.fields if f != "errors"]


def job_status_url(request: Request | None, job_id: int) -> str:
    namespace = getattr(getattr(request, "resolver_match", None), "namespace", "") or "imports"
    try:
        path = reverse(f"{namespace}:job-detail", kwargs={"job_id": job_id})
    except NoReverseMatch:
        path = reverse("imports:job-detail", kwargs={"job_id": job_id})
    return request.build_absolute_uri(path) if request is not None else path


class ImportJobListCreateView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "imports"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="v1_imports_list",  # an object body would otherwise make it a second "retrieve"
        responses=inline_serializer("ImportJobList", {"results": ImportJobSummaryOutput(many=True)}),
    )
    def get(self, request: Request) -> Response:
        jobs = import_job_list(actor=request.user)[:LIST_LIMIT]
        data = ImportJobSummaryOutput(jobs, many=True, context={"request": request}).data
        return Response({"results": data})

    @extend_schema(request=ImportUploadInput, responses={202: ImportJobOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        import_authorise(actor=request.user, kind=str(data.get("kind") or ""))  # 403 before 400
        payload = ImportUploadInput(data=request.data)
        payload.is_valid(raise_exception=True)
        job = import_job_create(
            actor=request.user, kind=payload.validated_data["kind"], upload=payload.validated_data["file"]
        )
        job.refresh_from_db()  # with eager Celery the job has already run
        data = ImportJobOutput(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class ImportJobDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ImportJobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        job = import_job_get(actor=request.user, job_id=job_id)
        return Response(ImportJobOutput(job, context={"request": request}).data)


class ImportTemplateView(APIView):
    """Templates hold no data, only column names: anyone may download them."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=sorted(SCHEMAS)),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=sorted(CONTENT_TYPES)),
        ],
        responses={(200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, kind: str, fmt: str) -> HttpResponse:
        if kind not in SCHEMAS or fmt not in CONTENT_TYPES:
            raise NotFound(_("没有该类型的导入模板。"))
        body = template_xlsx(kind) if fmt == "xlsx" else template_csv(kind)
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{template_filename(kind, fmt)}"'
        return response
