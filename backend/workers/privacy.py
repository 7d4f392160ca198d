"""Personal data rights (PIPL Arts. 45, 47): a copy of a worker's data, anonymising a profile, and
the retention job that anonymises workers inactive for PRIVACY_RETENTION_DAYS.

Anonymising keeps the rows that county statistics count (the profile with its county and
registration date, applications, enrolments, suggestions and their outcomes) and removes what
identifies the person or was written about them. It is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import ApiToken
from backend.audit import services as audit
from backend.common.errors import PermissionDenied
from backend.jobs.models import Application
from matching.models import Suggestion, SuggestionEvent
from training.models import Enrolment

from . import consent
from .models import ConsentChannel, ConsentPurpose, WorkerProfile
from .policies import can_export_worker_data

log = logging.getLogger(__name__)

ANONYMOUS_NAME = "已注销用户"
EXPORT_FORMAT = "skillbridge-worker-export/1"
_LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# --- a copy of the worker's data ----------------------------------------------------------------
def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _division(division: Any) -> dict[str, str] | None:
    return {"code": division.code, "name": division.name} if division is not None else None


def _profile(worker: WorkerProfile) -> dict[str, Any]:
    return {
        "external_id": worker.external_id,
        "name": worker.name,
        "mobile": worker.mobile,
        "id_number": worker.reveal_id_number(),  # their own: shown whole
        "gender": worker.get_gender_display() if worker.gender else "",
        "ethnicity": worker.ethnicity,
        "birth_year": worker.birth_year,
        "hukou_division": _division(worker.hukou_division),
        "current_division": _division(worker.current_division),
        "preferred_divisions": [_division(d) for d in worker.preferred_divisions.order_by("code")],
        "desired_occupations": [o.name for o in worker.desired_occupations.order_by("name")],
        "wants_work_near_home": worker.wants_work_near_home,
        "max_commute_km": worker.max_commute_km,
        "willing_to_relocate": worker.willing_to_relocate,
        "education": worker.get_education_display() if worker.education else "",
        "wage_floor": worker.wage_floor,
        "needs_lodging": worker.needs_lodging,
        "needs_meals": worker.needs_meals,
        "needs_couple_room": worker.needs_couple_room,
        "wants_to_start_business": worker.wants_to_start_business,
        "available_from": _iso(worker.available_from),
        "languages": list(worker.languages or []),
        "registration_status": worker.get_registration_status_display(),
        "registered_at_window": worker.registered_by_id is not None,
        **{field: getattr(worker, field) for field in consent.FIELD_PURPOSES},
        "login": worker.user.username if worker.user else "",
        "last_login": _iso(worker.user.last_login) if worker.user else None,
        "created_at": _iso(worker.created_at),
        "updated_at": _iso(worker.updated_at),
    }


def _skills(worker: WorkerProfile) -> list[dict[str, Any]]:
    held = worker.skills.select_related("skill").order_by("skill__name")
    return [
        {"skill": h.skill.name, "years": h.years, "level": h.get_level_display() if h.level else ""}
        for h in held
    ]


def _certificates(worker: WorkerProfile) -> list[dict[str, Any]]:
    held = worker.certificates.select_related("certificate_type").order_by("certificate_type__name")
    return [
        {
            "certificate": c.certificate_type.name,
            "level": c.get_level_display() if c.level else "",
            "obtained_on": _iso(c.obtained_on),
        }
        for c in held
    ]


def _applications(worker: WorkerProfile) -> list[dict[str, Any]]:
    rows = (
        Application.objects.filter(worker=worker)
        .select_related("posting__employer")
        .order_by("created_at", "pk")
    )
    return [
        {
            "posting": a.posting.title,
            "employer": a.posting.employer.name,
            "status": a.get_status_display(),
            "source": a.get_source_display(),
            "note": a.note,
            "created_at": _iso(a.created_at),
            "status_changed_at": _iso(a.status_changed_at),
        }
        for a in rows
    ]


def _enrolments(worker: WorkerProfile) -> list[dict[str, Any]]:
    rows = (
        Enrolment.objects.filter(worker=worker)
        .select_related("session__program__provider")
        .order_by("created_at", "pk")
    )
    return [
        {
            "program": e.session.program.title,
            "provider": e.session.program.provider.name,
            "start_date": _iso(e.session.start_date),
            "end_date": _iso(e.session.end_date),
            "status": e.get_status_display(),
            "source": e.get_source_display(),
            "created_at": _iso(e.created_at),
        }
        for e in rows
    ]


def _suggestion_row(s: Suggestion) -> dict[str, Any]:
    if s.posting is not None:
        title, org = s.posting.title, s.posting.employer.name
    elif s.session is not None:
        title, org = s.session.program.title, s.session.program.provider.name
    else:
        title, org = "", ""
    return {
        "kind": s.get_kind_display(),
        "title": title,
        "organisation": org,
        "summary": (s.explanation or {}).get("summary", ""),
        "explanation": s.explanation or {},
        "reviewed_at": _iso(s.reviewed_at),
        "outcome": s.get_outcome_display(),
    }


def _suggestions(worker: WorkerProfile) -> list[dict[str, Any]]:
    """What they were shown: the suggestions staff approved and sent (the 推荐 page lists these)."""
    shown = (
        Suggestion.objects.filter(worker=worker, status=Suggestion.Status.APPROVED)
        .select_related("posting__employer", "session__program__provider")
        .order_by("reviewed_at", "pk")
    )
    return [_suggestion_row(s) for s in shown]


def _consents(worker: WorkerProfile) -> list[dict[str, Any]]:
    def by(recorder_id: int | None) -> str:
        if recorder_id is None:
            return ""
        return "本人" if recorder_id == worker.user_id else "工作人员"

    return [
        {
            "purpose": r.get_purpose_display(),
            "given": r.given,
            "policy_version": r.policy_version,
            "channel": r.get_channel_display(),
            "at": _iso(r.at),
            "recorded_by": by(r.recorded_by_id),
        }
        for r in worker.consent_records.order_by("at", "pk")
    ]


def _deletion_requests(worker: WorkerProfile) -> list[dict[str, Any]]:
    return [
        {
            "status": d.get_status_display(),
            "created_at": _iso(d.created_at),
            "decided_at": _iso(d.decided_at),
            "refusal_reason": d.refusal_reason,
        }
        for d in worker.deletion_requests.order_by("created_at", "pk")
    ]


# The sections of a copy, in order, with their Chinese titles (the xlsx sheets).
SECTIONS = {
    "profile": "个人资料",
    "skills": "技能",
    "certificates": "证书",
    "applications": "求职投递",
    "enrolments": "培训报名",
    "suggestions": "推荐记录",
    "consents": "同意记录",
    "deletion_requests": "注销申请",
}


def worker_data(worker: WorkerProfile) -> dict[str, Any]:
    """Everything the platform holds about the worker, in plain values (no permission check)."""
    return {
        "meta": {
            "format": EXPORT_FORMAT,
            "exported_at": _iso(timezone.now()),
            "policy_version": consent.policy_version(),
        },
        "profile": _profile(worker),
        "skills": _skills(worker),
        "certificates": _certificates(worker),
        "applications": _applications(worker),
        "enrolments": _enrolments(worker),
        "suggestions": _suggestions(worker),
        "consents": _consents(worker),
        "deletion_requests": _deletion_requests(worker),
    }


def worker_data_export(*, actor: Any, worker: WorkerProfile) -> dict[str, Any]:
    """The worker's own copy; nobody else may download it."""
    if not can_export_worker_data(actor, worker):
        raise PermissionDenied(_("只有本人可以下载自己的数据。"))
    audit.record(action="export", actor=actor, target=worker, detail={"table": "worker_data"})
    return worker_data(worker)


# --- anonymising --------------------------------------------------------------------------------
def _scrub_login(worker: WorkerProfile) -> None:
    user = worker.user
    if user is None:
        return
    ApiToken.objects.filter(user=user).delete()
    # The username is often the mobile number: freed, so the number can sign up again.
    user.username = f"deleted-{user.pk}-{uuid.uuid4().hex[:8]}"
    user.first_name = user.last_name = user.email = user.display_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


@transaction.atomic
def worker_anonymise(
    *, worker: WorkerProfile, actor: Any = None, channel: str = ConsentChannel.SYSTEM
) -> bool:
    """Anonymise a profile in one transaction; False when it already was. No permission check:
    callers are the confirmed deletion request and the retention job."""
    worker = WorkerProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=worker.pk)
    if worker.anonymised_at is not None:
        return False
    # Withdrawn first, through the consent service: the records say so, and matching withdraws
    # the pending suggestions (reviewed ones and their outcomes stay for the statistics).
    consent.consents_record(
        worker=worker, given=dict.fromkeys(ConsentPurpose.values, False), channel=channel, actor=actor
    )
    _scrub_login(worker)
    worker.user = None
    worker.name = ANONYMOUS_NAME
    worker.mobile = ""
    worker.set_id_number("")  # the hash goes too, so the number can register again
    worker.external_id = f"anon-{uuid.uuid4().hex}"
    worker.birth_year = None
    worker.gender = WorkerProfile.Gender.UNSPECIFIED
    worker.ethnicity = ""
    worker.hukou_division = None
    worker.education = ""
    worker.languages = []
    worker.wage_floor = worker.max_commute_km = worker.available_from = None
    worker.anonymised_at = timezone.now()
    worker.save()
    worker.preferred_divisions.clear()
    worker.desired_occupations.clear()
    worker.skills.all().delete()
    worker.certificates.all().delete()
    # Free text written about the person; the rows themselves stay.
    Application.objects.filter(worker=worker).exclude(note="").update(note="")
    Suggestion.objects.filter(worker=worker).exclude(note="").update(note="")
    SuggestionEvent.objects.filter(suggestion__worker=worker).exclude(note="").update(note="")
    return True


# --- retention ----------------------------------------------------------------------------------
def _latest(model: Any, field: str) -> Subquery:
    rows = model.objects.filter(worker=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
    return Subquery(rows, output_field=DateTimeField())


def inactive_workers(*, now: dt.datetime | None = None, days: int | None = None) -> QuerySet[WorkerProfile]:
    """Profiles with no sign of life for `days` (PRIVACY_RETENTION_DAYS): no login, no change to
    the profile, no application or enrolment created or changed since."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days or settings.PRIVACY_RETENTION_DAYS)
    long_ago = Value(_LONG_AGO, output_field=DateTimeField())
    last_seen = Greatest(
        "updated_at",
        Coalesce("user__last_login", long_ago),
        Coalesce(_latest(Application, "updated_at"), long_ago),
        Coalesce(_latest(Enrolment, "updated_at"), long_ago),
        output_field=DateTimeField(),
    )
    return (
        WorkerProfile.objects.filter(anonymised_at__isnull=True)
        .annotate(last_seen=last_seen)
        .filter(last_seen__lt=cutoff)
    )


def workers_retention_run(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Anonymise every inactive profile, one transaction each; the count (never names) is logged."""
    ids = list(inactive_workers(now=now).order_by("pk").values_list("pk", flat=True))
    if dry_run:
        log.info("privacy retention (dry run): %d inactive worker profiles", len(ids))
        return len(ids)
    done = 0
    for worker in WorkerProfile.objects.filter(pk__in=ids).order_by("pk").iterator(chunk_size=500):
        done += worker_anonymise(worker=worker)
    log.info("privacy retention: anonymised %d inactive worker profiles", done)
    return done
