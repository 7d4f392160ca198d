"""Writes for worker profiles: self-registration, registration at the service window, updates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common import crypto
from backend.common.errors import Conflict, Message, PermissionDenied, ValidationFailed
from backend.common.ids import new_external_id
from backend.common.validation import apply_fields, validate_instance
from backend.common.validators import normalise_id_number, normalise_mobile

from . import consent
from .models import WorkerCertificate, WorkerProfile, WorkerSkill
from .policies import can_manage_worker, can_register_worker

PROFILE_FIELDS = (
    "name", "mobile", "gender", "ethnicity", "birth_year", "hukou_division", "current_division",
    "wants_work_near_home", "max_commute_km", "willing_to_relocate", "education", "wage_floor", "needs_lodging",
    "needs_meals", "needs_couple_room", "wants_to_start_business", "available_from", "languages",
    "registration_status",
)  # fmt: skip
# The consent_* fields of a profile's input are not set here: the consent service records them.


_NOT_OWN = _("只能为本人投递或报名,无需填写劳动者。")


def worker_acted_for(*, actor: Any, worker: WorkerProfile | None, denied: Message) -> WorkerProfile:
    """The worker an application or enrolment is for. A worker acts for themselves: the profile
    comes from their session or token (an id, if sent, must be their own). Staff acting on a
    worker's behalf name the worker, and must cover the worker's county; an admin any worker."""
    if role_of(actor) == "worker":
        own = WorkerProfile.objects.filter(user=actor).first()
        if worker is not None and (own is None or worker.pk != own.pk):
            raise PermissionDenied(
                denied, fields={"worker": [{"code": "not_own_profile", "message": _NOT_OWN}]}
            )
        if own is None:
            raise ValidationFailed.for_field("worker", "required", _("请先完善个人资料。"))
        return own
    if worker is None:
        raise ValidationFailed.for_field("worker", "required", _("代劳动者办理时请选择劳动者。"))
    if not can_manage_worker(actor, worker):
        raise PermissionDenied(denied)
    return worker


def _set_id_number(worker: WorkerProfile, raw: str | None) -> None:
    number = normalise_id_number(raw or "")
    if number:
        clash = WorkerProfile.objects.filter(id_number_hash=crypto.blind_index(number)).exclude(pk=worker.pk)
        if clash.exists():
            raise Conflict(
                _("该身份证号已登记,请勿重复登记。"),
                code="duplicate_id_number",
                fields={"id_number": [{"code": "duplicate_id_number", "message": _("该身份证号已登记。")}]},
            )
    worker.set_id_number(number)


def _set_relations(worker: WorkerProfile, data: dict[str, Any]) -> None:
    if "preferred_divisions" in data:
        worker.preferred_divisions.set(data["preferred_divisions"])
    if "desired_occupations" in data:
        worker.desired_occupations.set(data["desired_occupations"])
    if "skills" in data:
        worker.skills.all().delete()
        WorkerSkill.objects.bulk_create(
            WorkerSkill(worker=worker, skill=s["skill"], years=s.get("years", 0), level=s.get("level"))
            for s in data["skills"]
        )
    if "certificates" in data:
        worker.certificates.all().delete()
        WorkerCertificate.objects.bulk_create(
            WorkerCertificate(
                worker=worker,
                certificate_type=c["certificate_type"],
                level=c.get("level"),
                obtained_on=c.get("obtained_on"),
            )
            for c in data["certificates"]
        )


def _check_relations(data: dict[str, Any]) -> None:
    for index, cert in enumerate(data.get("certificates", [])):
        ctype = cert["certificate_type"]
        if cert.get("level") and not ctype.has_levels:
            raise ValidationFailed.for_field(
                f"certificates.{index}.level",
                "certificate_has_no_levels",
                _("“{name}”不分等级。").format(name=ctype.name),
            )
    skill_ids = [s["skill"].pk for s in data.get("skills", [])]
    if len(skill_ids) != len(set(skill_ids)):
        raise ValidationFailed.for_field("skills", "duplicate_skill", _("同一技能只能填写一次。"))


def ensure_consent_given(data: dict[str, Any]) -> None:
    """No profile is registered without the worker's consent to process their data (PIPL)."""
    if not data.get("consent_data_processing"):
        raise ValidationFailed.for_field(
            "consent_data_processing", "consent_required", _("登记前须征得本人同意处理个人信息。")
        )


@transaction.atomic
def worker_register(*, actor: Any, data: dict[str, Any], channel: str | None = None) -> WorkerProfile:
    """A worker registers themselves, or service staff register a worker at the window.

    `channel` is where the consents were given (window, web, api); by default the actor's page."""
    role = role_of(actor)
    worker = WorkerProfile()
    apply_fields(worker, data, allowed=PROFILE_FIELDS)
    worker.mobile = normalise_mobile(worker.mobile)
    if not can_register_worker(actor, worker):
        if role == "service_staff":
            raise PermissionDenied(_("只能登记常住地在本服务中心辖区的劳动者。"))
        raise PermissionDenied(_("无权登记劳动者。"))
    if role == "worker":
        if WorkerProfile.objects.filter(user=actor).exists():
            raise Conflict(_("您已经有个人资料,请直接修改。"), code="profile_exists")
        worker.user = actor
    elif role == "service_staff":
        worker.registered_by = actor
    ensure_consent_given(data)
    worker.external_id = data.get("external_id") or new_external_id("w")
    _set_id_number(worker, data.get("id_number"))
    _check_relations(data)
    validate_instance(worker)
    worker.save()
    _set_relations(worker, data)
    consent.consents_record(
        worker=worker,
        given=consent.consents_from_fields(data),
        channel=channel or consent.default_channel(actor),
        actor=actor,
        at_registration=True,
    )
    return worker


@transaction.atomic
def worker_update(
    *, actor: Any, worker: WorkerProfile, data: dict[str, Any], channel: str | None = None
) -> WorkerProfile:
    if not can_manage_worker(actor, worker):
        raise PermissionDenied(_("无权修改该劳动者资料。"))
    if worker.anonymised_at is not None:
        raise PermissionDenied(_("该账号已注销。"))
    apply_fields(worker, data, allowed=PROFILE_FIELDS)
    worker.mobile = normalise_mobile(worker.mobile)
    if not can_manage_worker(actor, worker):  # moving the worker out of the staff's counties
        raise PermissionDenied(_("不能把劳动者的常住地改到辖区以外。"))
    if "id_number" in data:
        _set_id_number(worker, data["id_number"])
    _check_relations(data)
    validate_instance(worker)
    worker.save()
    _set_relations(worker, data)
    consent.consents_record(
        worker=worker,
        given=consent.consents_from_fields(data),
        channel=channel or consent.default_channel(actor),
        actor=actor,
    )
    return worker
