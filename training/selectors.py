"""Reads for training: what each user may see (training/policies.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Enrolment, Program, Provider, Session
from .policies import enrolments_visible_to, program_visibility, providers_visible_to


def provider_list(*, user: Any) -> QuerySet[Provider]:
    return providers_visible_to(user, Provider.objects.select_related("county")).order_by("name", "id")


def program_list(*, user: Any) -> QuerySet[Program]:
    return (
        Program.objects.filter(program_visibility(user))
        .select_related("provider", "occupation", "certificate_type", "venue_division")
        .prefetch_related("skills")
        .order_by("-published_at", "-id")
    )


def session_list(*, user: Any) -> QuerySet[Session]:
    return (
        Session.objects.filter(program_visibility(user, "program__"))
        .select_related("program", "program__provider")
        .order_by("start_date", "id")
    )


def enrolment_list(*, user: Any) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("worker", "session", "session__program")
    return enrolments_visible_to(user, qs).order_by("-id")
