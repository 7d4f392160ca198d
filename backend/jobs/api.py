"""API for employers, job postings and applications/referrals. Views stay thin."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.fields import (
    CertificateTypeField,
    DivisionField,
    IdRelatedField,
    NamedRef,
    OccupationField,
    SkillField,
)
from backend.api.filtering import BoundedNumberFilter, FilterSet, IdFilter
from backend.api.views import ServiceViewSet
from backend.common.ids import new_external_id
from backend.workers.models import WorkerProfile
from backend.workers.visibility import worker_contact_for

from . import selectors, services
from .models import POSTING_STATUS_CHANGES, Application, Employer, Posting


class EmployerOutput(serializers.ModelSerializer):
    county = NamedRef()

    class Meta:
        model = Employer
        fields = ("id", "external_id", "name", "credit_code", "county", "industry", "is_stable_employment_base",
                  "contact_phone", "address")  # fmt: skip


class EmployerInput(serializers.ModelSerializer):
    county = DivisionField()

    class Meta:
        model = Employer
        fields = ("external_id", "name", "credit_code", "county", "industry", "is_stable_employment_base",
                  "contact_phone", "address")  # fmt: skip
        extra_kwargs = {
            "external_id": {"required": False, "validators": []},
            "credit_code": {
                "validators": [],
                "help_text": "统一社会信用代码:只有辖区就业服务人员或管理员可以修改",
            },
            "county": {"help_text": "所在区县:只有辖区就业服务人员或管理员可以修改"},
            "is_stable_employment_base": {"help_text": "稳岗就业基地:只有辖区就业服务人员或管理员可以修改"},
        }

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not self.instance and not attrs.get("external_id"):
            attrs["external_id"] = new_external_id("e")
        return attrs


class EmployerViewSet(ServiceViewSet):
    """用人单位."""

    selector = staticmethod(selectors.employer_list)
    serializer_class = EmployerOutput
    input_serializer_class = EmployerInput
    create_service = staticmethod(services.employer_create)
    update_service = staticmethod(services.employer_update)
    object_kwarg = "employer"
    filterset_fields = ("county", "industry", "is_stable_employment_base")


class PostingOutput(serializers.ModelSerializer):
    employer = serializers.SerializerMethodField()
    occupation = NamedRef()
    required_skills = NamedRef(many=True)
    preferred_skills = NamedRef(many=True)
    required_certificate = NamedRef()
    division = NamedRef()
    wage_type_label = serializers.CharField(source="get_wage_type_display", read_only=True)
    shifts_label = serializers.CharField(source="get_shifts_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Posting
        fields = (
            "id", "external_id", "title", "employer", "occupation", "required_skills", "preferred_skills",
            "required_certificate", "required_certificate_level", "headcount", "wage_type", "wage_type_label",
            "wage_min", "wage_max", "rate", "rate_unit", "provides_lodging", "provides_meals", "social_insurance",
            "couple_rooms", "shifts", "shifts_label", "division", "address", "latitude", "longitude", "campaign",
            "description", "status", "status_label", "published_at", "expires_on", "created_at", "updated_at",
        )  # fmt: skip

    def get_employer(self, obj: Posting) -> dict:
        e = obj.employer
        return {"id": e.pk, "name": e.name, "is_stable_employment_base": e.is_stable_employment_base}


class PostingInput(serializers.ModelSerializer):
    employer = IdRelatedField(queryset=Employer.objects.all(), required=False)
    occupation = OccupationField()
    required_skills = SkillField(many=True, required=False)
    preferred_skills = SkillField(many=True, required=False)
    required_certificate = CertificateTypeField(required=False, allow_null=True)
    division = DivisionField(required=False)

    class Meta:
        model = Posting
        fields = (
            "external_id", "employer", "title", "occupation", "required_skills", "preferred_skills",
            "required_certificate", "required_certificate_level", "headcount", "wage_type", "wage_min", "wage_max",
            "rate", "rate_unit", "provides_lodging", "provides_meals", "social_insurance", "couple_rooms", "shifts",
            "division", "address", "latitude", "longitude", "campaign", "description", "expires_on",
        )  # fmt: skip
        extra_kwargs = {"external_id": {"required": False, "validators": []}}

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not self.instance and not attrs.get("external_id"):
            attrs["external_id"] = new_external_id("j")
        return attrs


class PostingFilter(FilterSet):
    occupation = django_filters.CharFilter(field_name="occupation__slug")
    division = django_filters.CharFilter(field_name="division_id")
    employer = IdFilter(field_name="employer_id")
    wage_at_least = BoundedNumberFilter(field_name="wage_max", lookup_expr="gte")

    class Meta:
        model = Posting
        fields = ("occupation", "division", "employer", "status", "campaign", "provides_lodging", "provides_meals",
                  "social_insurance", "wage_type")  # fmt: skip


class PostingStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=POSTING_STATUS_CHANGES)


class PostingViewSet(ServiceViewSet):
    """招聘岗位. Anyone sees published postings; employers and county staff manage theirs."""

    selector = staticmethod(selectors.posting_list)
    serializer_class = PostingOutput
    input_serializer_class = PostingInput
    create_service = staticmethod(services.posting_create)
    update_service = staticmethod(services.posting_update)
    object_kwarg = "posting"
    filterset_class = PostingFilter
    ordering_fields = ("published_at", "wage_max", "expires_on")

    @extend_schema(request=None, responses=PostingOutput)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self.output(services.posting_publish(actor=request.user, posting=self.get_object()))

    @extend_schema(request=PostingStatusInput, responses=PostingOutput)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        data = PostingStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        posting = services.posting_set_status(
            actor=request.user, posting=self.get_object(), status=data.validated_data["status"]
        )
        return self.output(posting)


class ApplicationOutput(serializers.ModelSerializer):
    worker = serializers.SerializerMethodField()
    posting = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Application
        fields = ("id", "worker", "posting", "status", "status_label", "source", "source_label", "note",
                  "created_at", "status_changed_at")  # fmt: skip

    def get_worker(self, obj: Application) -> dict:
        worker = obj.worker
        contact = worker_contact_for(self.context["request"].user, worker, application=obj)
        return {"id": worker.pk, "name": worker.name, "mobile": contact.mobile}

    def get_posting(self, obj: Application) -> dict:
        return {"id": obj.posting_id, "title": obj.posting.title, "employer": obj.posting.employer.name}


class ApplicationInput(serializers.ModelSerializer):
    posting = IdRelatedField(queryset=Posting.objects.all())
    worker = IdRelatedField(
        queryset=WorkerProfile.objects.all(),
        required=False,
        help_text="劳动者本人投递时省略(取自登录账号);工作人员代为投递(推荐)时必填",
    )

    class Meta:
        model = Application
        fields = ("posting", "worker", "note", "status")
        extra_kwargs = {"status": {"required": False}}
        # Not DRF's unique-together check: it would make `worker` required. The service refuses
        # a second one (409), with the worker taken from the session when not named.
        validators: list = []


class ApplicationUpdateInput(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = ("status", "note")


class ApplicationViewSet(ServiceViewSet):
    """求职申请 and staff referrals (推荐)."""

    selector = staticmethod(selectors.application_list)
    serializer_class = ApplicationOutput
    input_serializer_class = ApplicationInput
    create_service = staticmethod(services.application_create)
    update_service = staticmethod(services.application_update)
    update_serializer_class = ApplicationUpdateInput
    object_kwarg = "application"
    filterset_fields = ("status", "source", "posting")
