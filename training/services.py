"""Writes for training: programs, sessions (开班) and enrolments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import Conflict, PermissionDenied, ValidationFailed
from backend.common.validation import apply_fields, refuse_changes, validate_instance
from backend.regions.coordinates import fill_coordinates
from backend.workers.services import worker_acted_for
from search.query import Kind
from search.sync import enqueue_refresh

from .models import Enrolment, Program, Provider, Session
from .policies import (
    can_create_programs,
    can_manage_program,
    can_manage_provider,
    can_manage_session,
    can_move_program_to_provider,
    can_move_session_to_program,
    can_register_providers,
    can_set_enrolment_status,
    provider_fields_reserved,
)

PROVIDER_FIELDS = ("external_id", "name", "kind", "county", "verified", "contact_phone", "address")
PROGRAM_FIELDS = (
    "external_id", "title", "brand", "occupation", "certificate_type", "certificate_level", "delivery",
    "online_url", "venue_division", "venue_address", "latitude", "longitude", "hours", "fee", "is_free",
    "is_subsidised", "eligibility", "description",
)  # fmt: skip
SESSION_FIELDS = ("external_id", "start_date", "end_date", "enrol_deadline", "seats")

# Sent, inside the writing transaction, when a service creates an enrolment or changes its
# status; kwargs: `enrolment`, `actor`, `created`. `matching` listens (suggestion outcomes,
# connected in MatchingConfig.ready): training does not import matching, matching depends on it.
# Receivers run in the same transaction, so one that fails rolls the change back.
enrolment_status_changed = Signal()


_NOT_YOUR_PROVIDER = _("只能管理本机构的培训项目。")


_PROVIDER_RECORD = _("只有管理员可以修改该项。")


@transaction.atomic
def provider_create(*, actor: Any, data: dict[str, Any]) -> Provider:
    if not can_register_providers(actor):
        raise PermissionDenied(_("只有管理员可以登记培训机构。"))
    refuse_changes(Provider(), data, fields=provider_fields_reserved(actor), message=_PROVIDER_RECORD)
    provider = Provider()
    apply_fields(provider, data, allowed=PROVIDER_FIELDS)
    validate_instance(provider)
    provider.save()
    return provider


@transaction.atomic
def provider_update(*, actor: Any, provider: Provider, data: dict[str, Any]) -> Provider:
    if not can_manage_provider(actor, provider):
        raise PermissionDenied(_("无权修改该培训机构。"))
    refuse_changes(provider, data, fields=provider_fields_reserved(actor), message=_PROVIDER_RECORD)
    apply_fields(provider, data, allowed=PROVIDER_FIELDS)
    validate_instance(provider)
    provider.save()
    enqueue_refresh(Kind.TRAINING, provider.programs.values_list("pk", flat=True))  # its name is indexed
    return provider


def ensure_publishable(program: Program, *, skill_count: int | None = None) -> None:
    """A published program teaches at least one skill: matching ranks programs by their skills.
    `skill_count`: how many the program is about to teach (default: those it has now)."""
    has_skills = program.skills.exists() if skill_count is None else skill_count > 0
    if not has_skills:
        raise ValidationFailed.for_field("skills", "skills_required", _("发布前请至少填写一项所授技能。"))


@transaction.atomic
def program_create(*, actor: Any, data: dict[str, Any]) -> Program:
    if not can_create_programs(actor):
        raise PermissionDenied(_("只有培训机构人员可以发布培训项目。"))
    provider = data.get("provider") or (actor.provider if role_of(actor) == "provider_staff" else None)
    if provider is None:
        raise ValidationFailed.for_field("provider", "required", _("请选择培训机构。"))
    if not can_manage_provider(actor, provider):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    program = Program(provider=provider)
    apply_fields(program, data, allowed=PROGRAM_FIELDS)
    fill_coordinates(program, "venue_division")
    validate_instance(program)
    program.save()
    if "skills" in data:
        program.skills.set(data["skills"])
    enqueue_refresh(Kind.TRAINING, [program.pk])
    return program


@transaction.atomic
def program_update(*, actor: Any, program: Program, data: dict[str, Any]) -> Program:
    if not can_manage_program(actor, program):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    if "provider" in data and not can_move_program_to_provider(actor, program, data["provider"]):
        raise PermissionDenied(_("不能把项目转给其他机构。"))
    apply_fields(program, data, allowed=(*PROGRAM_FIELDS, "provider"))
    if "venue_division" in data and "latitude" not in data:
        program.latitude = program.longitude = None
    fill_coordinates(program, "venue_division")
    validate_instance(program)
    program.save()
    if "skills" in data:
        program.skills.set(data["skills"])
    enqueue_refresh(Kind.TRAINING, [program.pk])
    return program


def program_publish(*, actor: Any, program: Program) -> Program:
    if not can_manage_program(actor, program):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    validate_instance(program)
    ensure_publishable(program)
    program.status = Program.Status.PUBLISHED
    program.published_at = program.published_at or timezone.now()
    program.save(update_fields=["status", "published_at", "updated_at"])
    enqueue_refresh(Kind.TRAINING, [program.pk])
    return program


def program_close(*, actor: Any, program: Program) -> Program:
    if not can_manage_program(actor, program):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    program.status = Program.Status.CLOSED
    program.save(update_fields=["status", "updated_at"])
    enqueue_refresh(Kind.TRAINING, [program.pk])  # closing removes it from the index
    return program


@transaction.atomic
def session_create(*, actor: Any, data: dict[str, Any]) -> Session:
    program = data["program"]
    if not can_manage_program(actor, program):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    session = Session(program=program)
    apply_fields(session, data, allowed=SESSION_FIELDS)
    validate_instance(session)
    session.save()
    enqueue_refresh(Kind.TRAINING, [session.program_id])  # the program's next start date
    return session


@transaction.atomic
def session_update(*, actor: Any, session: Session, data: dict[str, Any]) -> Session:
    if not can_manage_session(actor, session):
        raise PermissionDenied(_NOT_YOUR_PROVIDER)
    if "program" in data and not can_move_session_to_program(actor, session, data["program"]):
        raise PermissionDenied(_("不能把开班移到其他机构的项目。"))
    apply_fields(session, data, allowed=(*SESSION_FIELDS, "program", "status"))
    validate_instance(session)
    session.save()
    enqueue_refresh(Kind.TRAINING, [session.program_id])  # the program's next start date
    return session


@transaction.atomic
def enrolment_apply(*, actor: Any, data: dict[str, Any]) -> Enrolment:
    """A worker applies for a session (or staff apply on their behalf)."""
    session: Session = data["session"]
    worker = worker_acted_for(
        actor=actor, worker=data.get("worker"), denied=_("只能为本人或本服务中心辖区的劳动者报名。")
    )
    session = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
    if session.program.status != Program.Status.PUBLISHED or session.status != Session.Status.OPEN:
        raise Conflict(_("该班次当前不接受报名。"), code="session_not_open")
    if session.enrolled_count >= session.seats:
        raise Conflict(_("该班次名额已满。"), code="session_full")
    if Enrolment.objects.filter(worker=worker, session=session).exists():
        raise Conflict(_("已经报名过该班次。"), code="already_enrolled")
    enrolment = Enrolment.objects.create(
        worker=worker,
        session=session,
        source=Enrolment.Source.SELF if role_of(actor) == "worker" else Enrolment.Source.STAFF,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") + 1)
    enrolment_status_changed.send(sender=Enrolment, enrolment=enrolment, actor=actor, created=True)
    return enrolment


_ENROLMENT_TRANSITIONS = {
    Enrolment.Status.APPLIED: {Enrolment.Status.ENROLLED, Enrolment.Status.DROPPED},
    Enrolment.Status.ENROLLED: {Enrolment.Status.COMPLETED, Enrolment.Status.DROPPED},
    Enrolment.Status.COMPLETED: {Enrolment.Status.CERTIFIED},
    Enrolment.Status.CERTIFIED: set(),
    Enrolment.Status.DROPPED: set(),
}


def enrolment_next_statuses(enrolment: Enrolment) -> set[str]:
    """The statuses an enrolment may move to next (for the buttons a page offers)."""
    return set(_ENROLMENT_TRANSITIONS[Enrolment.Status(enrolment.status)])


@transaction.atomic
def enrolment_set_status(*, actor: Any, enrolment: Enrolment, data: dict[str, Any]) -> Enrolment:
    """Providers accept, complete and certify; a worker (or their staff) may only drop out."""
    new = data.get("status")
    if new is None:
        return enrolment
    if not can_set_enrolment_status(actor, enrolment, new):
        raise PermissionDenied(_("无权修改该报名的状态。"))
    if new not in _ENROLMENT_TRANSITIONS[Enrolment.Status(enrolment.status)]:
        raise ValidationFailed.for_field(
            "status",
            "invalid_transition",
            _("不能从“{status}”改为该状态。").format(status=enrolment.get_status_display()),
        )
    if new == Enrolment.Status.DROPPED:
        Session.objects.filter(pk=enrolment.session_id, enrolled_count__gt=0).update(
            enrolled_count=F("enrolled_count") - 1
        )
    enrolment.status = new
    enrolment.status_changed_at = timezone.now()
    enrolment.save(update_fields=["status", "status_changed_at", "updated_at"])
    enrolment_status_changed.send(sender=Enrolment, enrolment=enrolment, actor=actor, created=False)
    return enrolment
