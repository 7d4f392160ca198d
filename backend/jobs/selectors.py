"""Reads for jobs: employers, postings, applications — what each user may see (jobs/policies.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Application, Employer, Posting
from .policies import applications_visible_to, employers_visible_to, postings_visible_to


def employer_list(*, user: Any) -> QuerySet[Employer]:
    qs = Employer.objects.select_related("county").order_by("name", "id")
    return employers_visible_to(user, qs)


def posting_list(*, user: Any) -> QuerySet[Posting]:
    return (
        postings_visible_to(user, Posting.objects.all())
        .select_related("employer", "occupation", "required_certificate", "division")
        .prefetch_related("required_skills", "preferred_skills")
        .order_by("-published_at", "-id")
    )


def application_list(*, user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("worker", "posting", "posting__employer")
    return applications_visible_to(user, qs).order_by("-id")
