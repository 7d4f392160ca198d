"""Reads of the providers' and employers' pages, scoped by the domain selectors and policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from backend.accounts.policies import covered_county_codes, role_of
from backend.jobs.models import Employer, Posting
from backend.jobs.selectors import employer_list, posting_list
from backend.occupations.models import Skill
from backend.regions.models import Division
from training.models import Enrolment, Program, Session
from training.selectors import enrolment_list, program_list, session_list

GUANGDONG = "44"


def own_programs(*, user: Any) -> QuerySet[Program]:
    """The provider's own programs (drafts included), newest first, with their session counts."""
    return (
        program_list(user=user)
        .filter(provider_id=user.provider_id)
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-updated_at", "-id")
    )


def own_program(*, user: Any, program_id: int) -> Program:
    """One of the provider's own programs; another provider's (even published) is a 404 here."""
    return get_object_or_404(program_list(user=user).filter(provider_id=user.provider_id), pk=program_id)


def program_sessions(*, user: Any, program: Program) -> QuerySet[Session]:
    return session_list(user=user).filter(program=program)


def own_session(*, user: Any, program: Program, session_id: int) -> Session:
    return get_object_or_404(program_sessions(user=user, program=program), pk=session_id)


def session_enrolments(*, user: Any, session: Session) -> QuerySet[Enrolment]:
    return enrolment_list(user=user).filter(session=session).order_by("created_at", "id")


def session_enrolment(*, user: Any, session: Session, enrolment_id: int) -> Enrolment:
    return get_object_or_404(session_enrolments(user=user, session=session), pk=enrolment_id)


def managed_postings(*, user: Any) -> QuerySet[Posting]:
    """An employer's own postings; service staff: the postings located in their counties."""
    qs = posting_list(user=user)
    if role_of(user) == "employer_staff":
        qs = qs.filter(employer_id=user.employer_id)
    else:
        qs = qs.filter(division_id__in=covered_county_codes(user))
    return qs.order_by("-updated_at", "-id")


def managed_posting(*, user: Any, posting_id: int) -> Posting:
    return get_object_or_404(managed_postings(user=user), pk=posting_id)


def managed_employers(*, user: Any) -> QuerySet[Employer]:
    """Employers service staff may post for: those located in their counties."""
    return employer_list(user=user).filter(county_id__in=covered_county_codes(user))


def county_choices(*, user: Any) -> QuerySet[Division]:
    """Where a program or posting may be: Guangdong's counties (service staff: theirs only)."""
    qs = Division.objects.filter(level=Division.Level.COUNTY).select_related("parent").order_by("code")
    if role_of(user) == "service_staff":
        return qs.filter(code__in=covered_county_codes(user))
    return qs.filter(code__startswith=GUANGDONG)


def occupation_skill_names() -> dict[str, list[str]]:
    """{occupation id: its skills' names}, for the tap-to-add skill suggestions."""
    out: dict[str, list[str]] = {}
    for occupation_id, name in Skill.occupations.through.objects.values_list(
        "occupation_id", "skill__name"
    ).order_by("skill__name"):
        out.setdefault(str(occupation_id), []).append(name)
    return out


def campaign_names() -> list[str]:
    """Campaign tags already in use, for the campaign field's suggestions."""
    used = Posting.objects.exclude(campaign="").values_list("campaign", flat=True).distinct()
    return sorted(set(used))[:50]
