"""API for worker profiles. Personal data is masked unless the viewer may see it whole."""

from __future__ import annotations

from functools import partial

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.fields import CertificateTypeField, DivisionField, NamedRef, OccupationField, SkillField
from backend.api.views import ServiceViewSet
from backend.audit import services as audit
from backend.common.validators import validate_id_number, validate_mobile
from backend.occupations.models import CertificateLevel

from . import consent, deletion, privacy, selectors, services
from .models import (
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    DeletionRequest,
    WorkerCertificate,
    WorkerProfile,
    WorkerSkill,
)
from .visibility import sees_whole_contact

PROFILE_FIELDS = (
    "name", "mobile", "gender", "ethnicity", "birth_year", "hukou_division", "current_division",
    "preferred_divisions", "wants_work_near_home", "max_commute_km", "willing_to_relocate", "education",
    "desired_occupations", "wage_floor", "needs_lodging", "needs_meals", "needs_couple_room",
    "wants_to_start_business", "available_from", "languages", "registration_status", "consent_data_processing",
    "consent_share_with_employers", "consent_contact", "consent_personalised_recommendations",
)  # fmt: skip


class SkillHeldOutput(serializers.ModelSerializer):
    skill = NamedRef()

    class Meta:
        model = WorkerSkill
        fields = ("skill", "years", "level")


class CertificateHeldOutput(serializers.ModelSerializer):
    certificate_type = NamedRef()

    class Meta:
        model = WorkerCertificate
        fields = ("certificate_type", "level", "obtained_on")


class WorkerProfileOutput(serializers.ModelSerializer):
    mobile = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    hukou_division = NamedRef()
    current_division = NamedRef()
    preferred_divisions = NamedRef(many=True)
    desired_occupations = NamedRef(many=True)
    skills = SkillHeldOutput(many=True)
    certificates = CertificateHeldOutput(many=True)

    class Meta:
        model = WorkerProfile
        fields = ("id", "external_id", "id_number", "id_number_masked", *PROFILE_FIELDS, "skills", "certificates",
                  "created_at", "updated_at")  # fmt: skip

    def _full(self, obj: WorkerProfile) -> bool:
        """Whole values only on a single profile (never in lists), and only for those allowed."""
        view = self.context.get("view")
        if view is not None and getattr(view, "action", None) == "list":
            return False
        return sees_whole_contact(self.context["request"].user, obj)

    def get_mobile(self, obj: WorkerProfile) -> str:
        return obj.mobile if self._full(obj) else obj.mobile_masked

    def get_id_number(self, obj: WorkerProfile) -> str | None:
        """The whole number only for the worker and authorised staff; null otherwise."""
        if not self._full(obj):
            return None
        number = obj.reveal_id_number()
        # Every whole-number reveal is an audit entry (never the number itself); the masked copy,
        # which stands in when no key opens the number, reveals nothing.
        if number and number != obj.id_number_masked:
            audit.record(action="id_reveal", target=obj, request=self.context["request"],
                         detail={"own": obj.user_id is not None and obj.user_id == self.context["request"].user.pk})  # fmt: skip
        return number


class SkillHeldInput(serializers.Serializer):
    skill = SkillField()
    years = serializers.IntegerField(min_value=0, max_value=60, default=0)
    level = serializers.ChoiceField(choices=CertificateLevel.choices, required=False, allow_null=True)


class CertificateHeldInput(serializers.Serializer):
    certificate_type = CertificateTypeField()
    level = serializers.ChoiceField(choices=CertificateLevel.choices, required=False, allow_null=True)
    obtained_on = serializers.DateField(required=False, allow_null=True)


class WorkerProfileInput(serializers.ModelSerializer):
    external_id = serializers.CharField(max_length=64, required=False)
    id_number = serializers.CharField(
        required=False, allow_blank=True, write_only=True, validators=[validate_id_number], max_length=32
    )
    mobile = serializers.CharField(validators=[validate_mobile], max_length=20)
    hukou_division = DivisionField(required=False, allow_null=True)
    current_division = DivisionField()
    preferred_divisions = DivisionField(many=True, required=False)
    desired_occupations = OccupationField(many=True, required=False)
    skills = SkillHeldInput(many=True, required=False)
    certificates = CertificateHeldInput(many=True, required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=10
    )

    class Meta:
        model = WorkerProfile
        fields = ("external_id", "id_number", *PROFILE_FIELDS, "skills", "certificates")

    def validate_id_number(self, value: str) -> str:
        return value.strip().upper()


class ConsentInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    given = serializers.BooleanField()


class ConsentRecordOutput(serializers.ModelSerializer):
    purpose_label = serializers.CharField(source="get_purpose_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = ConsentRecord
        fields = ("purpose", "purpose_label", "given", "policy_version", "channel", "channel_label", "at")


class DeletionRequestOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DeletionRequest
        fields = ("id", "status", "status_label", "channel", "created_at", "decided_at", "refusal_reason")


class WorkerProfileViewSet(ServiceViewSet):
    """劳动者资料: a worker sees and edits their own; service staff those of their counties."""

    selector = staticmethod(selectors.worker_list)
    serializer_class = WorkerProfileOutput
    input_serializer_class = WorkerProfileInput
    create_service = staticmethod(partial(services.worker_register, channel=ConsentChannel.API))
    update_service = staticmethod(partial(services.worker_update, channel=ConsentChannel.API))
    object_kwarg = "worker"
    filterset_fields = ("current_division", "registration_status")

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """下载我的数据: everything held about the worker, for the worker only."""
        return Response(privacy.worker_data_export(actor=request.user, worker=self.get_object()))

    @extend_schema(methods=["GET"], request=None, responses=ConsentRecordOutput(many=True))
    @extend_schema(methods=["POST"], request=ConsentInput, responses=ConsentRecordOutput(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a short list, never paged
    def consents(self, request: Request, pk: str | None = None) -> Response:
        """The consent history, newest first; POST gives or withdraws one purpose."""
        worker = self.get_object()
        if request.method == "POST":
            data = ConsentInput(data=request.data)
            data.is_valid(raise_exception=True)
            consent.consent_set(
                actor=request.user, worker=worker, channel=ConsentChannel.API, **data.validated_data
            )
        return Response(ConsentRecordOutput(consent.consent_history(worker=worker), many=True).data)

    @extend_schema(request=None, responses={201: DeletionRequestOutput})
    @action(detail=True, methods=["post"], url_path="deletion-request")
    def deletion_request(self, request: Request, pk: str | None = None) -> Response:
        """申请注销: a pending request that service staff of the worker's county decide."""
        made = deletion.deletion_request_create(
            actor=request.user, worker=self.get_object(), channel=ConsentChannel.API
        )
        return Response(DeletionRequestOutput(made).data, status=status.HTTP_201_CREATED)
