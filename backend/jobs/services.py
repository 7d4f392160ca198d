"""Writes for jobs: employers, postings (招聘岗位) and applications/referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import Conflict, PermissionDenied, ValidationFailed
from backend.common.validation import apply_fields, refuse_changes, validate_instance
from backend.common.validators import normalise_credit_code
from backend.regions.coordinates import fill_coordinates
from backend.workers.services import worker_acted_for
from search.query import Kind
from search.sync import enqueue_refresh

from .models import Application, Employer, Posting
from .policies import (
    can_create_postings,
    can_manage_employer,
    can_manage_posting,
    can_move_posting_to_employer,
    can_register_employer,
    can_set_application_status,
    employer_fields_reserved,
)

EMPLOYER_FIELDS = (
    "external_id", "name", "credit_code", "county", "industry", "is_stable_employment_base", "contact_phone", "address",
)  # fmt: skip
POSTING_FIELDS = (
    "external_id", "title", "occupation", "required_certificate", "required_certificate_level", "headcount",
    "wage_type", "wage_min", "wage_max", "rate", "rate_unit", "provides_lodging", "provides_meals",
    "social_insurance", "couple_rooms", "shifts", "division", "address", "latitude", "longitude", "campaign",
    "description", "expires_on",
)  # fmt: skip
DEFAULT_POSTING_DAYS = 60

# Sent, inside the writing transaction, when a service creates an application or changes its
# status; kwargs: `application`, `actor`, `created`. `matching` listens (suggestion outcomes,
# connected in MatchingConfig.ready): jobs does not import matching, matching depends on jobs.
# Receivers run in the same transaction, so one that fails rolls the change back.
application_status_changed = Signal()


_EMPLOYER_RECORD = _("只有辖区就业服务人员或管理员可以修改该项。")


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    if "credit_code" not in data:
        return data
    return {**data, "credit_code": normalise_credit_code(data["credit_code"])}


@transaction.atomic
def employer_create(*, actor: Any, data: dict[str, Any]) -> Employer:
    data = _normalised(data)
    employer = Employer()
    apply_fields(employer, data, allowed=EMPLOYER_FIELDS)
    if not can_register_employer(actor, employer):
        raise PermissionDenied(_("只有管理员或辖区就业服务人员可以登记用人单位。"))
    refuse_changes(Employer(), data, fields=employer_fields_reserved(actor), message=_EMPLOYER_RECORD)
    validate_instance(employer)
    employer.save()
    return employer


@transaction.atomic
def employer_update(*, actor: Any, employer: Employer, data: dict[str, Any]) -> Employer:
    if not can_manage_employer(actor, employer):
        raise PermissionDenied(_("无权修改该用人单位。"))
    data = _normalised(data)
    refuse_changes(employer, data, fields=employer_fields_reserved(actor), message=_EMPLOYER_RECORD)
    apply_fields(employer, data, allowed=EMPLOYER_FIELDS)
    if not can_manage_employer(actor, employer):  # moving it out of the staff's counties
        raise PermissionDenied(_("不能把用人单位改到辖区以外。"))
    validate_instance(employer)
    employer.save()
    enqueue_refresh(Kind.JOB, employer.postings.values_list("pk", flat=True))  # name/place shown on postings
    return employer


def _set_skills(posting: Posting, data: dict[str, Any]) -> None:
    if "required_skills" in data:
        posting.required_skills.set(data["required_skills"])
    if "preferred_skills" in data:
        posting.preferred_skills.set(data["preferred_skills"])


@transaction.atomic
def posting_create(*, actor: Any, data: dict[str, Any]) -> Posting:
    if not can_create_postings(actor):
        raise PermissionDenied(_("只有用人单位或就业服务人员可以发布招聘岗位。"))
    employer = data.get("employer") or (actor.employer if role_of(actor) == "employer_staff" else None)
    if employer is None:
        raise ValidationFailed.for_field("employer", "required", _("请选择用人单位。"))
    posting = Posting(employer=employer)
    apply_fields(posting, data, allowed=POSTING_FIELDS)
    if posting.division_id is None:
        posting.division = employer.county
    if not can_manage_posting(actor, posting):
        raise PermissionDenied(_("只能发布本单位或本辖区的招聘岗位。"))
    fill_coordinates(posting, "division")
    validate_instance(posting)
    posting.save()
    _set_skills(posting, data)
    enqueue_refresh(Kind.JOB, [posting.pk])
    return posting


@transaction.atomic
def posting_update(*, actor: Any, posting: Posting, data: dict[str, Any]) -> Posting:
    if not can_manage_posting(actor, posting):
        raise PermissionDenied(_("无权修改该招聘岗位。"))
    if "employer" in data and not can_move_posting_to_employer(actor, posting, data["employer"]):
        raise PermissionDenied(_("不能把岗位转给其他单位。"))
    apply_fields(posting, data, allowed=(*POSTING_FIELDS, "employer"))
    if "division" in data and "latitude" not in data:
        posting.latitude = posting.longitude = None
    if not can_manage_posting(actor, posting):
        raise PermissionDenied(_("不能把岗位改到辖区以外。"))
    fill_coordinates(posting, "division")
    validate_instance(posting)
    posting.save()
    _set_skills(posting, data)
    enqueue_refresh(Kind.JOB, [posting.pk])
    return posting


def ensure_not_expired(posting: Posting, *, today: dt.date) -> None:
    """A posting is not published past its closing date."""
    if posting.expires_on and posting.expires_on < today:
        raise ValidationFailed.for_field("expires_on", "expired", _("截止日期已过,请先修改截止日期。"))


def posting_publish(*, actor: Any, posting: Posting, today: dt.date | None = None) -> Posting:
    if not can_manage_posting(actor, posting):
        raise PermissionDenied(_("无权发布该招聘岗位。"))
    today = today or timezone.localdate()
    validate_instance(posting)
    ensure_not_expired(posting, today=today)
    posting.status = Posting.Status.PUBLISHED
    posting.published_at = timezone.now()
    posting.expires_on = posting.expires_on or today + dt.timedelta(days=DEFAULT_POSTING_DAYS)
    posting.save(update_fields=["status", "published_at", "expires_on", "updated_at"])
    enqueue_refresh(Kind.JOB, [posting.pk])
    return posting


def posting_set_status(*, actor: Any, posting: Posting, status: str) -> Posting:
    """Mark filled or expired (unpublish)."""
    if not can_manage_posting(actor, posting):
        raise PermissionDenied(_("无权修改该招聘岗位。"))
    if status not in (Posting.Status.FILLED, Posting.Status.EXPIRED, Posting.Status.DRAFT):
        raise ValidationFailed.for_field("status", "invalid_choice", _("状态只能改为已招满、已过期或草稿。"))
    posting.status = status
    posting.save(update_fields=["status", "updated_at"])
    enqueue_refresh(Kind.JOB, [posting.pk])  # filled/expired/draft leave the index
    return posting


def posting_expire_due(*, today: dt.date | None = None) -> int:
    """Expire published postings past their closing date (run daily by Celery beat)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = Posting.objects.select_for_update().filter(
            status=Posting.Status.PUBLISHED, expires_on__lt=today
        )
        ids = list(due.values_list("pk", flat=True))
        due.update(status=Posting.Status.EXPIRED, updated_at=timezone.now())
        enqueue_refresh(Kind.JOB, ids)  # expired postings leave the index
    return len(ids)


@transaction.atomic
def application_create(*, actor: Any, data: dict[str, Any]) -> Application:
    """A worker applies to a posting, or service staff refer a worker (推荐)."""
    posting: Posting = data["posting"]
    worker = worker_acted_for(
        actor=actor, worker=data.get("worker"), denied=_("只能为本人或本服务中心辖区的劳动者投递。")
    )
    if posting.status != Posting.Status.PUBLISHED:
        raise Conflict(_("该岗位当前不在招聘中。"), code="posting_not_open")
    if role_of(actor) != "worker" and not worker.consent_share_with_employers:
        raise Conflict(_("劳动者未同意向用人单位推荐,不能代为投递。"), code="consent_required")
    if Application.objects.filter(worker=worker, posting=posting).exists():
        raise Conflict(_("已经投递过该岗位。"), code="already_applied")
    is_self = role_of(actor) == "worker"
    application = Application.objects.create(
        worker=worker,
        posting=posting,
        source=Application.Source.SELF if is_self else Application.Source.STAFF_REFERRAL,
        referred_by=None if is_self else actor,
        note=data.get("note", ""),
        status_changed_at=timezone.now(),
    )
    application_status_changed.send(sender=Application, application=application, actor=actor, created=True)
    return application


@transaction.atomic
def application_update(*, actor: Any, application: Application, data: dict[str, Any]) -> Application:
    """Employers move an application along; the worker (or their staff) may withdraw it."""
    new = data.get("status", application.status)
    if not can_set_application_status(actor, application, new):
        raise PermissionDenied(_("无权修改该申请。"))
    if (
        application.status in (Application.Status.HIRED, Application.Status.WITHDRAWN)
        and new != application.status
    ):
        raise ValidationFailed.for_field("status", "invalid_transition", _("该申请已结束,不能再修改状态。"))
    status_changed = new != application.status
    if status_changed:
        application.status = new
        application.status_changed_at = timezone.now()
    if "note" in data and can_manage_posting(actor, application.posting):
        application.note = data["note"]
    application.save()
    if status_changed:
        application_status_changed.send(
            sender=Application, application=application, actor=actor, created=False
        )
    return application
