"""Reads for worker profiles: a worker sees their own; service staff those living in their counties."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import covered_county_codes, covers, role_of

from .models import WorkerProfile


def worker_list(*, user: Any) -> QuerySet[WorkerProfile]:
    role = role_of(user)
    qs = WorkerProfile.objects.select_related("current_division", "hukou_division").prefetch_related(
        "skills__skill", "certificates__certificate_type", "preferred_divisions", "desired_occupations"
    )
    if role == "admin":
        return qs.order_by("-id")
    if role == "service_staff":
        return qs.filter(current_division_id__in=covered_county_codes(user)).order_by("-id")
    if role == "worker":
        return qs.filter(user=user).order_by("-id")
    return qs.none()


def can_see_personal_data(user: Any, worker: WorkerProfile) -> bool:
    """The whole ID number and mobile: only the worker and authorised staff."""
    role = role_of(user)
    if role == "admin":
        return True
    if role == "worker":
        return worker.user_id == user.pk
    return role == "service_staff" and covers(user, worker.current_division_id)
