"""API for training providers, programs, sessions (开班) and enrolments. Views stay thin."""

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
from backend.api.filtering import FilterSet, IdFilter
from backend.api.views import ServiceViewSet
from backend.common.ids import new_external_id
from backend.occupations.models import Brand
from backend.workers.models import WorkerProfile

from . import selectors, services
from .models import Enrolment, Program, Provider, Session


class ProviderOutput(serializers.ModelSerializer):
    county = NamedRef()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Provider
        fields = ("id", "external_id", "name", "kind", "kind_label", "county", "verified", "contact_phone",
                  "address")  # fmt: skip


class ProviderInput(serializers.ModelSerializer):
    county = DivisionField()

    class Meta:
        model = Provider
        fields = ("external_id", "name", "kind", "county", "verified", "contact_phone", "address")
        extra_kwargs = {
            "external_id": {"required": False, "validators": []},
            "verified": {"help_text": "已认定:只有管理员可以修改"},
            "kind": {"help_text": "机构类型:只有管理员可以修改"},
            "county": {"help_text": "所在区县:只有管理员可以修改"},
        }

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not self.instance and not attrs.get("external_id"):
            attrs["external_id"] = new_external_id("t")
        return attrs


class ProviderViewSet(ServiceViewSet):
    """培训机构. Provider staff edit their own name and contact details; an admin the rest."""

    selector = staticmethod(selectors.provider_list)
    serializer_class = ProviderOutput
    input_serializer_class = ProviderInput
    create_service = staticmethod(services.provider_create)
    update_service = staticmethod(services.provider_update)
    object_kwarg = "provider"
    filterset_fields = ("county", "kind", "verified")


class ProgramOutput(serializers.ModelSerializer):
    provider = serializers.SerializerMethodField()
    brand_label = serializers.CharField(source="get_brand_display", read_only=True)
    occupation = NamedRef()
    skills = NamedRef(many=True)
    certificate_type = NamedRef()
    venue_division = NamedRef()
    delivery_label = serializers.CharField(source="get_delivery_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Program
        fields = (
            "id", "external_id", "title", "provider", "brand", "brand_label", "occupation", "skills",
            "certificate_type", "certificate_level", "delivery", "delivery_label", "online_url", "venue_division",
            "venue_address", "latitude", "longitude", "hours", "fee", "is_free", "is_subsidised", "eligibility",
            "description", "status", "status_label", "published_at", "created_at", "updated_at",
        )  # fmt: skip

    def get_provider(self, obj: Program) -> dict:
        return {"id": obj.provider_id, "name": obj.provider.name, "verified": obj.provider.verified}


class ProgramInput(serializers.ModelSerializer):
    provider = IdRelatedField(queryset=Provider.objects.all(), required=False)
    occupation = OccupationField()
    skills = SkillField(many=True, required=False)
    certificate_type = CertificateTypeField(required=False, allow_null=True)
    venue_division = DivisionField()

    class Meta:
        model = Program
        fields = (
            "external_id", "provider", "title", "brand", "occupation", "skills", "certificate_type",
            "certificate_level", "delivery", "online_url", "venue_division", "venue_address", "latitude", "longitude",
            "hours", "fee", "is_free", "is_subsidised", "eligibility", "description",
        )  # fmt: skip
        extra_kwargs = {"external_id": {"required": False, "validators": []}}

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not self.instance and not attrs.get("external_id"):
            attrs["external_id"] = new_external_id("p")
        return attrs


class ProgramFilter(FilterSet):
    brand = django_filters.ChoiceFilter(choices=Brand.choices)
    occupation = django_filters.CharFilter(field_name="occupation__slug")
    division = django_filters.CharFilter(field_name="venue_division_id")
    provider = IdFilter(field_name="provider_id")

    class Meta:
        model = Program
        fields = ("brand", "occupation", "division", "provider", "delivery", "status", "is_free")


class ProgramViewSet(ServiceViewSet):
    """培训项目. Anyone sees published programs; providers manage their own."""

    selector = staticmethod(selectors.program_list)
    serializer_class = ProgramOutput
    input_serializer_class = ProgramInput
    create_service = staticmethod(services.program_create)
    update_service = staticmethod(services.program_update)
    object_kwarg = "program"
    filterset_class = ProgramFilter
    ordering_fields = ("published_at", "hours", "fee")

    @extend_schema(request=None, responses=ProgramOutput)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self.output(services.program_publish(actor=request.user, program=self.get_object()))

    @extend_schema(request=None, responses=ProgramOutput)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self.output(services.program_close(actor=request.user, program=self.get_object()))


class SessionOutput(serializers.ModelSerializer):
    program = serializers.SerializerMethodField()
    seats_left = serializers.IntegerField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Session
        fields = (
            "id", "external_id", "program", "start_date", "end_date", "enrol_deadline", "seats", "enrolled_count",
            "seats_left", "status", "status_label",
        )  # fmt: skip

    def get_program(self, obj: Session) -> dict:
        return {"id": obj.program_id, "title": obj.program.title}


class SessionInput(serializers.ModelSerializer):
    program = IdRelatedField(queryset=Program.objects.all())

    class Meta:
        model = Session
        fields = ("external_id", "program", "start_date", "end_date", "enrol_deadline", "seats", "status")
        extra_kwargs = {"external_id": {"required": False, "validators": []}}

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not self.instance and not attrs.get("external_id"):
            attrs["external_id"] = new_external_id("s")
        return attrs


class SessionViewSet(ServiceViewSet):
    """开班 (scheduled runs of a program)."""

    selector = staticmethod(selectors.session_list)
    serializer_class = SessionOutput
    input_serializer_class = SessionInput
    create_service = staticmethod(services.session_create)
    update_service = staticmethod(services.session_update)
    object_kwarg = "session"
    filterset_fields = ("program", "status")
    ordering_fields = ("start_date",)


class EnrolmentOutput(serializers.ModelSerializer):
    worker = serializers.SerializerMethodField()
    session = SessionOutput()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Enrolment
        fields = (
            "id",
            "worker",
            "session",
            "status",
            "status_label",
            "source",
            "created_at",
            "status_changed_at",
        )

    def get_worker(self, obj: Enrolment) -> dict:
        return {"id": obj.worker_id, "name": obj.worker.name}


class EnrolmentInput(serializers.ModelSerializer):
    session = IdRelatedField(queryset=Session.objects.all())
    worker = IdRelatedField(
        queryset=WorkerProfile.objects.all(),
        required=False,
        help_text="劳动者本人报名时省略(取自登录账号);工作人员代为报名时必填",
    )

    class Meta:
        model = Enrolment
        fields = ("session", "worker", "status")
        extra_kwargs = {"status": {"required": False}}
        # Not DRF's unique-together check: it would make `worker` required. The service refuses
        # a second one (409), with the worker taken from the session when not named.
        validators: list = []


class EnrolmentStatusInput(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = ("status",)


class EnrolmentViewSet(ServiceViewSet):
    """报名: workers apply; providers accept, complete and certify."""

    selector = staticmethod(selectors.enrolment_list)
    serializer_class = EnrolmentOutput
    input_serializer_class = EnrolmentInput
    create_service = staticmethod(services.enrolment_apply)
    update_service = staticmethod(services.enrolment_set_status)
    update_serializer_class = EnrolmentStatusInput
    object_kwarg = "enrolment"
    filterset_fields = ("status", "session")
