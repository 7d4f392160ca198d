"""Reads for jobs: employers, postings, applications — what each user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.policies import covered_county_codes, role_of

from .models import Application, Employer, Posting


def employer_list(*, user: Any) -> QuerySet[Employer]:
    role = role_of(user)
    qs = Employer.objects.select_related("county").order_by("name", "id")
    if role == "admin":
        return qs
    # Employers behind published postings are public (name, county, industry).
    public = Q(pk__in=Posting.objects.filter(status=Posting.Status.PUBLISHED).values("employer_id"))
    if role == "employer_staff":
        return qs.filter(public | Q(pk=user.employer_id))
    if role == "service_staff":
        return qs.filter(public | Q(county_id__in=covered_county_codes(user)))
    return qs.filter(public)


def posting_list(*, user: Any) -> QuerySet[Posting]:
    role = role_of(user)
    published = Q(status=Posting.Status.PUBLISHED)
    if role == "admin":
        visible = Q()
    elif role == "employer_staff":
        visible = published | Q(employer_id=user.employer_id)
    elif role == "service_staff":
        visible = published | Q(division_id__in=covered_county_codes(user))
    else:
        visible = published
    return (
        Posting.objects.filter(visible)
        .select_related("employer", "occupation", "required_certificate", "division")
        .prefetch_related("required_skills", "preferred_skills")
        .order_by("-published_at", "-id")
    )


def application_list(*, user: Any) -> QuerySet[Application]:
    role = role_of(user)
    qs = Application.objects.select_related("worker", "posting", "posting__employer")
    if role == "admin":
        return qs.order_by("-id")
    if role == "worker":
        return qs.filter(worker__user=user).order_by("-id")
    if role == "employer_staff":
        return qs.filter(posting__employer_id=user.employer_id).order_by("-id")
    if role == "service_staff":
        codes = covered_county_codes(user)
        return qs.filter(
            Q(worker__current_division_id__in=codes) | Q(posting__division_id__in=codes)
        ).order_by("-id")
    return qs.none()
