"""API for worker profiles. Personal data is masked unless the viewer may see it whole."""

from __future__ import annotations

from rest_framework import serializers

from backend.api.fields import CertificateTypeField, DivisionField, NamedRef, OccupationField, SkillField
from backend.api.views import ServiceViewSet
from backend.common.validators import validate_id_number, validate_mobile
from backend.occupations.models import CertificateLevel

from . import selectors, services
from .models import WorkerCertificate, WorkerProfile, WorkerSkill
from .policies import can_see_personal_data

PROFILE_FIELDS = (
    "name", "mobile", "gender", "ethnicity", "birth_year", "hukou_division", "current_division",
    "preferred_divisions", "wants_work_near_home", "max_commute_km", "willing_to_relocate", "education",
    "desired_occupations", "wage_floor", "needs_lodging", "needs_meals", "needs_couple_room",
    "wants_to_start_business", "available_from", "languages", "registration_status", "consent_data_processing",
    "consent_share_with_employers", "consent_contact",
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
        return can_see_personal_data(self.context["request"].user, obj)

    def get_mobile(self, obj: WorkerProfile) -> str:
        return obj.mobile if self._full(obj) else obj.mobile_masked

    def get_id_number(self, obj: WorkerProfile) -> str | None:
        """The whole number only for the worker and authorised staff; null otherwise."""
        return obj.reveal_id_number() if self._full(obj) else None


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


class WorkerProfileViewSet(ServiceViewSet):
    """劳动者资料: a worker sees and edits their own; service staff those of their counties."""

    selector = staticmethod(selectors.worker_list)
    serializer_class = WorkerProfileOutput
    input_serializer_class = WorkerProfileInput
    create_service = staticmethod(services.worker_register)
    update_service = staticmethod(services.worker_update)
    object_kwarg = "worker"
    filterset_fields = ("current_division", "registration_status")
