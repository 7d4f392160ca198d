"""Reads for training: what each user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.policies import covered_county_codes, role_of

from .models import Enrolment, Program, Session


def _program_visibility(user: Any, prefix: str = "") -> Q:
    published = Q(**{f"{prefix}status": Program.Status.PUBLISHED})
    role = role_of(user)
    if role == "admin":
        return Q()
    if role == "provider_staff":
        return published | Q(**{f"{prefix}provider_id": user.provider_id})
    if role == "service_staff":
        return published | Q(**{f"{prefix}venue_division_id__in": covered_county_codes(user)})
    return published


def program_list(*, user: Any) -> QuerySet[Program]:
    return (
        Program.objects.filter(_program_visibility(user))
        .select_related("provider", "occupation", "certificate_type", "venue_division")
        .prefetch_related("skills")
        .order_by("-published_at", "-id")
    )


def session_list(*, user: Any) -> QuerySet[Session]:
    return (
        Session.objects.filter(_program_visibility(user, "program__"))
        .select_related("program", "program__provider")
        .order_by("start_date", "id")
    )


def enrolment_list(*, user: Any) -> QuerySet[Enrolment]:
    role = role_of(user)
    qs = Enrolment.objects.select_related("worker", "session", "session__program")
    if role == "admin":
        return qs.order_by("-id")
    if role == "worker":
        return qs.filter(worker__user=user).order_by("-id")
    if role == "provider_staff":
        return qs.filter(session__program__provider_id=user.provider_id).order_by("-id")
    if role == "service_staff":
        return qs.filter(worker__current_division_id__in=covered_county_codes(user)).order_by("-id")
    return qs.none()
